"""The Python that cold starts are measured with: the Lambda runtime's version where this
machine has one.

Lambda runs the functions on python3.13 (infra/cdk/functions.py); the project's own venv may be
another version (3.11 here). Import costs differ between versions (on this machine the api's
ratio to the floor was 1.74 on 3.11 and 1.97 on 3.13, pairs run in turn), so figures measured
on the venv's Python describe a runtime nobody deploys. Where a Python of the runtime's version
is found (``LAMBDA_PYTHON``, as ``infra.cdk.bundle`` reads it, or ``python3.13`` on the PATH or
under pyenv), the bench makes it a venv of its own under build/ holding the runtime
dependencies from pyproject.toml at the versions constraints.txt pins (as the asset does; no
dev extras) and runs the cold-start
probes with it. Otherwise it says which version it measured instead.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from infra.cdk.bundle import CONSTRAINTS_FILE, LAMBDA_PYTHON_VERSION, read_dependencies

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_VENV = ROOT / "build" / "runtime-venv"
# Written last when the venv holds every dependency: a venv cut short is made again.
_INSTALLED = RUNTIME_VENV / ".installed"


def of_the_runtimes_version(version: str) -> bool:
    """``version`` ("3.13.0") is of the Lambda runtime's minor version (bytecode and import
    costs are the minor version's)."""
    return version.rsplit(".", 1)[0] == LAMBDA_PYTHON_VERSION


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: str  # "3.13.0"
    # Why the runtime's version is not the one measured with, when it is not.
    why_not_runtimes: str = ""

    @property
    def is_runtimes(self) -> bool:
        return of_the_runtimes_version(self.version)


def _version_of(python: str) -> tuple[str, str] | None:
    """(executable, "X.Y.Z") of ``python`` if it runs, else None."""
    try:
        done = subprocess.run(  # noqa: S603 - a Python interpreter we were pointed at
            [
                python,
                "-c",
                "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.split()
    if done.returncode != 0 or len(lines) != 2:
        return None
    return lines[0], lines[1]


def find_runtime_python() -> str | None:
    """A Python of the runtime's minor version on this machine, or None."""
    wanted = f"python{LAMBDA_PYTHON_VERSION}"
    candidates = [os.environ.get("LAMBDA_PYTHON"), wanted]
    candidates += sorted(
        glob.glob(os.path.expanduser(f"~/.pyenv/versions/{LAMBDA_PYTHON_VERSION}*/bin/{wanted}"))
    )
    for candidate in filter(None, candidates):
        found = _version_of(candidate)
        if found and of_the_runtimes_version(found[1]):
            return found[0]
    return None


def _runtime_venv(python: str) -> Path:
    """build/runtime-venv's interpreter, made (and given the runtime dependencies) when missing,
    older than pyproject.toml or constraints.txt, or made with another Python than ``python``."""
    venv_python = RUNTIME_VENV / "bin" / "python"
    pyproject = ROOT / "pyproject.toml"
    constraints = ROOT / CONSTRAINTS_FILE
    made_with = f"{python}\n"
    if (
        _INSTALLED.exists()
        and _INSTALLED.stat().st_mtime >= pyproject.stat().st_mtime
        and _INSTALLED.stat().st_mtime >= constraints.stat().st_mtime
        and _INSTALLED.read_text(encoding="utf-8") == made_with
    ):
        return venv_python
    print(
        f"bench: making {RUNTIME_VENV} with {python} and the runtime dependencies", file=sys.stderr
    )
    subprocess.run([python, "-m", "venv", "--clear", str(RUNTIME_VENV)], check=True)  # noqa: S603
    deps = read_dependencies(pyproject)
    subprocess.run(  # noqa: S603 - pip of the venv just made, the project's own requirements
        [
            str(venv_python),
            *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("--constraint", str(constraints), *deps),
        ],
        check=True,
    )
    _INSTALLED.write_text(made_with, encoding="utf-8")
    return venv_python


def interpreter() -> Interpreter:
    """The Python the cold-start probes run with (see the module's docstring)."""
    own = Interpreter(sys.executable, ".".join(map(str, sys.version_info[:3])))
    runtime = find_runtime_python()
    if runtime is None:
        return replace(own, why_not_runtimes="none found on this machine")
    made = _version_of(str(_runtime_venv(runtime)))
    if made is None:
        return replace(own, why_not_runtimes=f"the venv made with {runtime} does not run")
    return Interpreter(str(RUNTIME_VENV / "bin" / "python"), made[1])
