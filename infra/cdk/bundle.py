"""Build the single Lambda code asset without Docker.

Every function shares one asset (see DESIGN.md: cold start is decided by what a handler imports,
not by the asset). Dependencies are fetched as pre-built manylinux wheels for the Lambda target
(cp313, aarch64) so the build works on any host OS/arch and needs no Docker daemon, which is what
``PythonFunction`` would require. ``--only-binary=:all:`` makes pip fail loudly instead of silently
compiling an sdist for the *host* architecture.

Run it before ``cdk synth``::

    .venv/bin/python -m infra.cdk.bundle            # writes build/lambda
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

# Keep these three in lockstep with the runtime/architecture in infra/cdk/functions.py.
LAMBDA_PYTHON_VERSION = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
PACKAGE_NAME = "booking"

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
    deps: Sequence[str], target: Path, *, python: str = sys.executable
) -> list[str]:
    """The pip argv that installs ``deps`` as Lambda-compatible wheels into ``target``.

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
        *deps,
    ]


def build_lambda_asset(root: Path, out: Path) -> Path:
    """Install runtime deps and copy ``functions/booking`` into ``out``; return ``out``.

    ``out`` is recreated from scratch so the asset hash only depends on inputs.
    Needs network access to PyPI (or a configured index).
    """
    root = root.resolve()
    out = out if out.is_absolute() else root / out
    deps = read_dependencies(root / "pyproject.toml")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(pip_install_command(deps, out), check=True)
    # Console scripts (bin/) point at the build host's interpreter and are useless in Lambda.
    shutil.rmtree(out / "bin", ignore_errors=True)
    shutil.copytree(root / "functions" / PACKAGE_NAME, out / PACKAGE_NAME, ignore=_COPY_IGNORE)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(__file__).resolve().parents[2]
    out = Path(args[0]) if args else Path("build/lambda")
    built = build_lambda_asset(root, out)
    print(f"lambda asset ready: {built}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
