"""Runs student code in child processes with limits; only plain data comes back."""
from . import isolation
from .limits import TORCH, TOY, TRAINING, Limits
from .runner import ProbeFailure, ProbeRun, run_probe

__all__ = ["isolation", "Limits", "ProbeFailure", "ProbeRun", "run_probe", "TOY", "TORCH", "TRAINING"]
