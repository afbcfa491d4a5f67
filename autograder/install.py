"""`python -m autograder.install`: build the virtual environment that grades (and runs the notebook).

Standard library only: it runs with the system's Python before anything is installed, on Linux,
macOS and Windows (`make venv` calls it; on Windows it is the first of the two commands).

1. Creates the venv (default `.venv`) unless it exists.
2. Installs torch and torchvision, pinned as in pyproject.toml, from the right index:
   - Linux without an NVIDIA GPU: PyTorch's CPU index. Its CPU builds make a ~1 GB venv; the
     default index's Linux builds carry CUDA (~6 GB) that such a laptop cannot use.
   - Linux with an NVIDIA GPU, or asked (`--gpu`, `make venv GPU=1`): the default index (CUDA).
   - macOS and Windows: the default index, whose builds there are the CPU (and Apple MPS) ones.
   `--torch-index URL` (or the TORCH_INDEX variable, as in the Gradescope setup.sh) takes them
   from another index; `--torch-index default` from pip's own, like every other package.
3. Installs the project's dependencies (`pip install .`, or `.[extras]` with `--extras`).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
INDEX_VAR = "TORCH_INDEX"
TORCH_PACKAGES = ("torch", "torchvision")


def has_nvidia_gpu() -> bool:
    """Whether an NVIDIA driver is loaded here (Linux) or its tool is installed."""
    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def torch_index(system: str, gpu: bool, override: str | None) -> str | None:
    """The extra index torch and torchvision come from (None: pip's own index, like the rest).

    system: platform.system() ("Linux", "Darwin", "Windows"); gpu: an NVIDIA GPU is present or was
    asked for; override: --torch-index / TORCH_INDEX ("default" = pip's own index)."""
    if override:
        return None if override == "default" else override
    if system != "Linux" or gpu:
        return None
    return CPU_INDEX


def torch_pins(pyproject: Path) -> list[str]:
    """The torch and torchvision requirements of pyproject.toml ("torch==2.14.1", ...)."""
    text = pyproject.read_text(encoding="utf-8")
    pins = [re.search(rf'"({name}\s*[=<>~!][^"]*)"', text) for name in TORCH_PACKAGES]
    return [p.group(1) for p in pins if p]


def venv_python(folder: Path) -> Path:
    """The interpreter of a venv: Scripts\\python.exe on Windows, bin/python elsewhere."""
    windows = folder / "Scripts" / "python.exe"
    return windows if os.name == "nt" or windows.exists() else folder / "bin" / "python"


def _pip(python: Path, *args: str, cwd: Path) -> None:
    command = [str(python), "-m", "pip", "install", "--quiet", *args]
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def _installed(python: Path, packages: tuple[str, ...]) -> bool:
    done = subprocess.run([str(python), "-m", "pip", "show", "--quiet", *packages], capture_output=True)
    return done.returncode == 0


def install(folder: Path, project: Path, gpu: bool = False, override: str | None = None,
            extras: str = "") -> Path:
    """Build or complete the venv `folder` for the project in `project`; returns its interpreter."""
    python = venv_python(folder)
    if not python.exists():
        print(f"creating {folder} (Python {platform.python_version()})", flush=True)
        venv.EnvBuilder(with_pip=True).create(folder)
        _pip(python, "--upgrade", "pip", cwd=project)
    if not _installed(python, TORCH_PACKAGES):
        index = torch_index(platform.system(), gpu or has_nvidia_gpu(), override)
        build = f"from {index}" if index else "from pip's index"
        print(f"installing {' and '.join(TORCH_PACKAGES)} {build}", flush=True)
        _pip(python, *(["--extra-index-url", index] if index else []), *torch_pins(project / "pyproject.toml"),
             cwd=project)
    _pip(python, f".[{extras}]" if extras else ".", cwd=project)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.install", description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path(".venv"), help="the venv folder (default: .venv)")
    parser.add_argument("--project", type=Path, default=Path("."),
                        help="the folder holding pyproject.toml (default: the current one)")
    parser.add_argument("--gpu", action="store_true", help="keep the CUDA builds of torch on Linux (default: "
                        "only when an NVIDIA GPU is present)")
    parser.add_argument("--torch-index", default=os.environ.get(INDEX_VAR) or None,
                        help=f"index for torch/torchvision, or 'default' for pip's own (default: ${INDEX_VAR}, "
                        f"else {CPU_INDEX} on Linux without an NVIDIA GPU)")
    parser.add_argument("--extras", default="", help="optional dependency groups, e.g. test,instructor (default: none)")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 10):
        print("error: Python >= 3.10 is needed; run this with a newer python", file=sys.stderr)
        return 2
    try:
        python = install(args.venv, args.project, args.gpu, args.torch_index, args.extras)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"error: the environment could not be built ({exc}); check your connection and the messages "
              f"above, then delete {args.venv} and try again", file=sys.stderr)
        return 1
    print(f"ready: {python} -m autograder grade <folder>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
