"""Build the single Lambda code asset without Docker.

Every function shares one asset (see DESIGN.md: cold start is decided by what a handler imports,
not by the asset). Dependencies are fetched as pre-built manylinux wheels for the Lambda target
(cp313, aarch64) so the build works on any host OS/arch and needs no Docker daemon, which is what
``PythonFunction`` would require. ``--only-binary=:all:`` makes pip fail loudly instead of silently
compiling an sdist for the *host* architecture.

The asset carries bytecode compiled by the runtime's own Python version: Lambda's ``/var/task``
is read-only, so a module without its ``.pyc`` is compiled from source on every cold start
(boto3, pydantic, Powertools and ours, each time). The ``.pyc`` files are unchecked-hash ones
(PEP 552): valid whatever modification times the zip gives the sources, never checked
against them (the asset is immutable once built). Beside them it carries the code of the
dataclasses' generated methods, of the forward references and named tuples and of the regular
expressions an init compiles (``booking.dataclass_code``), recorded by the runtime's Python
importing every module of ours with the dependencies built for the build host (the asset's are
Lambda's architecture; the code is the same on both): otherwise every cold start compiles
them again, 30 to 50 ms of a function's init for the dataclasses and about 30 more for the rest.
The same run writes the index of the modules it imported from the asset, which every init's
finder answers from instead of looking for each module (``booking.module_index``).

Run it before ``cdk synth``::

    .venv/bin/python -m infra.cdk.bundle            # writes build/lambda
    LAMBDA_PYTHON=/path/to/python3.13 .venv/bin/python -m infra.cdk.bundle
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

# Keep these three in lockstep with the runtime/architecture in infra/cdk/functions.py.
LAMBDA_PYTHON_VERSION = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
PACKAGE_NAME = "booking"
# The versions of the runtime dependencies the tests ran against (infra/cdk/constraints.py).
CONSTRAINTS_FILE = "constraints.txt"
# Where the asset sits in Lambda: tracebacks name the files there, not on the build host.
LAMBDA_TASK_ROOT = "/var/task"

# boto3/botocore ship in the Lambda runtime, but we bundle them anyway: the runtime copy lags
# behind and is not pinned, so bundling keeps deployed behaviour equal to what tests ran against.
_COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


def read_dependencies(pyproject: Path) -> list[str]:
    """Runtime requirements from ``[project].dependencies`` (dev extras are never bundled)."""
    with pyproject.open("rb") as fh:
        data = tomllib.load(fh)
    deps = data.get("project", {}).get("dependencies", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise ValueError(f"{pyproject}: [project].dependencies must be a list of strings")
    return list(deps)


def pip_install_command(
    deps: Sequence[str], target: Path, *, constraints: Path, python: str = sys.executable
) -> list[str]:
    """The pip argv that installs ``deps`` as Lambda-compatible wheels into ``target``, each at
    the version ``constraints`` pins (the tests' versions: ``infra.cdk.constraints``).

    Pure (no I/O) so it can be unit-tested offline.
    """
    if not deps:
        raise ValueError("no dependencies to install")
    return [
        python,
        "-m",
        "pip",
        "install",
        "--platform",
        LAMBDA_PLATFORM,
        "--only-binary=:all:",
        "--python-version",
        LAMBDA_PYTHON_VERSION,
        "--implementation",
        "cp",
        "--target",
        str(target),
        # A stale target would keep removed packages around; we wipe it first, and --upgrade
        # stops pip refusing to overwrite packages that share a namespace directory.
        "--upgrade",
        "--no-compile",
        "--disable-pip-version-check",
        "--quiet",
        "--constraint",
        str(constraints),
        *deps,
    ]


def compile_command(target: Path, *, python: str) -> list[str]:
    """The argv that compiles every module under ``target`` with ``python`` (the runtime's
    version), as unchecked-hash ``.pyc`` files that name their sources under /var/task."""
    return [
        python,
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(target),
        "-p",
        LAMBDA_TASK_ROOT,
        str(target),
    ]


# Imports every module of ours (each function's init defines a subset of their dataclasses)
# and makes a client as every init does (the patterns botocore compiles making one), recording
# the code compiled (booking.dataclass_code) when it exits. Making a client calls nothing.
_RECORD_DATACLASS_CODE = """
import importlib, pkgutil, booking
for found in pkgutil.walk_packages(booking.__path__, "booking."):
    if not found.name.endswith("__main__"):
        importlib.import_module(found.name)
from booking import aws
aws.session().create_client("dynamodb", region_name="eu-west-2")
"""


# The recording run's index of modules (booking.module_index) names the files it found, the
# dependencies' in the build host's copy: made to name the asset's, where Lambda has them.
_RELOCATE_MODULE_INDEX = f"""
import os, sys
os.environ.pop("BOOKING_RECORD_DATACLASS_CODE")
from booking import module_index
held = module_index.relocate(sys.argv[2], (sys.argv[1], sys.argv[2]), "{LAMBDA_TASK_ROOT}")
print(f"module index: {{held}} modules")
"""


def record_dataclass_code_commands(
    out: Path, host_deps: Path, deps: Sequence[str], *, constraints: Path, python: str
) -> list[list[str]]:
    """The argvs that install the runtime dependencies for this host into ``host_deps``, then
    record into ``out`` the dataclass code ``python`` compiles importing every module of ours
    and the index of the modules it imported (with ``record_dataclass_code_env``), then make
    the index name the asset's files as Lambda has them."""
    return [
        [
            python,
            *("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"),
            *("--target", str(host_deps), "--constraint", str(constraints), *deps),
        ],
        [python, "-c", _RECORD_DATACLASS_CODE],
        [python, "-c", _RELOCATE_MODULE_INDEX, str(host_deps), str(out)],
    ]


def record_dataclass_code_env(out: Path, host_deps: Path) -> dict[str, str]:
    """The recording run's environment: the host's dependencies before the asset's (whose
    binary wheels are Lambda's architecture), our package from the asset, its record written
    into the asset's ``__pycache__`` and no bytecode of the host's."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(host_deps), str(out)]),
        "BOOKING_RECORD_DATACLASS_CODE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in ("PYTHONPYCACHEPREFIX", "AWS_LAMBDA_FUNCTION_NAME", "PYTHONHOME"):
        env.pop(name, None)
    return env


def lambda_python(candidate: str) -> str:
    """``candidate`` if it is a Python of the Lambda runtime's version (bytecode is specific to
    the minor version: any other would ship ``.pyc`` files the runtime ignores)."""
    try:
        done = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise RuntimeError(_no_lambda_python(candidate, f"it cannot be run: {error}")) from error
    found = done.stdout.strip()
    if done.returncode != 0:
        # pyenv's shim of a version not selected says so on stderr: "python3.13: command not
        # found", and which versions have it; the first line is the one that names the cause.
        said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0]
        raise RuntimeError(_no_lambda_python(candidate, f"it failed: {said}"))
    if found != LAMBDA_PYTHON_VERSION:
        raise RuntimeError(_no_lambda_python(candidate, f"it is Python {found}"))
    return candidate


def _no_lambda_python(candidate: str, why: str) -> str:
    return (
        f"{candidate} is not a Python {LAMBDA_PYTHON_VERSION} interpreter ({why}): the asset's "
        f"bytecode must be compiled by the runtime's version; set LAMBDA_PYTHON to a "
        f"python{LAMBDA_PYTHON_VERSION}, like LAMBDA_PYTHON=/usr/bin/python{LAMBDA_PYTHON_VERSION}"
    )


def build_lambda_asset(root: Path, out: Path, *, python: str) -> Path:
    """Install runtime deps and copy ``functions/booking`` into ``out``, then compile it all
    with ``python`` (the runtime's version, see ``lambda_python``); return ``out``.

    ``out`` is recreated from scratch so the asset hash only depends on inputs.
    Needs network access to PyPI (or a configured index).
    """
    root = root.resolve()
    out = out if out.is_absolute() else root / out
    deps = read_dependencies(root / "pyproject.toml")
    constraints = root / CONSTRAINTS_FILE
    if not constraints.is_file():
        raise RuntimeError(f"{constraints} is missing: the asset is built from the tests' versions")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(pip_install_command(deps, out, constraints=constraints), check=True)
    # Console scripts (bin/) point at the build host's interpreter and are useless in Lambda.
    shutil.rmtree(out / "bin", ignore_errors=True)
    # The build host's own .pyc files are for its Python: left out, and compiled afresh below.
    shutil.copytree(root / "functions" / PACKAGE_NAME, out / PACKAGE_NAME, ignore=_COPY_IGNORE)
    subprocess.run(compile_command(out, python=python), check=True)
    with tempfile.TemporaryDirectory(prefix="asset-host-deps-") as host_deps:
        env = record_dataclass_code_env(out, Path(host_deps))
        for argv in record_dataclass_code_commands(
            out, Path(host_deps), deps, constraints=constraints, python=python
        ):
            subprocess.run(argv, check=True, env=env)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(__file__).resolve().parents[2]
    out = Path(args[0]) if args else Path("build/lambda")
    python = lambda_python(os.environ.get("LAMBDA_PYTHON", f"python{LAMBDA_PYTHON_VERSION}"))
    built = build_lambda_asset(root, out, python=python)
    print(f"lambda asset ready: {built}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
