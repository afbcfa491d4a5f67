"""Runs student code in child processes with limits; only plain data comes back.

The sandbox knows processes, limits and isolation levels, nothing of questions: a probe arrives as a
typed reference (probe.py) with its messages, and the caller says which kind of warm process it needs.
"""
from . import isolation
from .limits import TORCH, TOY, TRAINING, Limits
from .runner import ProbeFailure, ProbeRun, run_probe

__all__ = ["isolation", "Limits", "ProbeFailure", "ProbeRun", "run_probe", "TOY", "TORCH", "TRAINING"]
