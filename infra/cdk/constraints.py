"""The versions the Lambda asset is built from: those the tests run against.

``constraints.txt`` (at the repository's root) pins each runtime dependency of ``pyproject.toml``
and each package they need, at the version installed in the test venv. The test venv
(``make``), the asset (``infra.cdk.bundle``) and the bench's runtime venv
(``bench.runtime_python``) all install with it (``pip install -c``), so what is deployed is what
was tested, library internals included: ``handlers/resolver.py`` and ``domain/model.py`` rely on
Powertools' and pydantic's, which pyproject's ranges alone would let move between a test run and
a deployment. After upgrading a dependency in the venv, write the file again::

    .venv/bin/python -m infra.cdk.constraints > constraints.txt

``tests/infra/test_constraints.py`` fails while the file and the venv disagree, and while a
requirement that applies in the asset's environment (CPython 3.13 on aarch64 Linux, not the
venv's Python and machine) has no pin (``unpinned_for_asset``; ``main`` refuses too). Each pin
must have a
wheel for the asset's platform (``infra.cdk.bundle``: manylinux2014 aarch64, CPython 3.13), or
the asset's build stops (pip: ResolutionImpossible): Pillow 13 has none, so the venv and the
asset hold Pillow 12.2.
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.cdk.bundle import (
    CONSTRAINTS_FILE,
    LAMBDA_PLATFORM,
    LAMBDA_PYTHON_VERSION,
    read_dependencies,
)

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / CONSTRAINTS_FILE

# The Lambda's environment as requirement markers see it (PEP 508): the asset is installed for
# it (``infra.cdk.bundle``), whatever Python and machine the venv runs on. No extra is asked for.
ASSET_ENVIRONMENT: dict[str, str] = {
    "implementation_name": "cpython",
    "implementation_version": f"{LAMBDA_PYTHON_VERSION}.0",
    "os_name": "posix",
    "platform_machine": LAMBDA_PLATFORM.split("_", 1)[1],  # manylinux2014_aarch64: aarch64
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": f"{LAMBDA_PYTHON_VERSION}.0",
    "python_version": LAMBDA_PYTHON_VERSION,
    "sys_platform": "linux",
    "extra": "",
}

_HEADER = """\
# The runtime dependencies' versions the tests ran against (generated: python -m
# infra.cdk.constraints). The test venv, the Lambda asset and the bench's runtime venv install
# with `pip install -c constraints.txt`; tests/infra/test_constraints.py holds it to the venv.
"""


def installed_pins(dependencies: Iterable[str]) -> dict[str, str]:
    """Each installed distribution ``dependencies`` need, directly or through another, by its
    canonical name, with its installed version. An extra's requirements are not followed (none
    is asked for); a requirement for another platform or Python, not installed here, has no pin.
    """
    pins: dict[str, str] = {}
    wanted = [Requirement(d) for d in dependencies]
    while wanted:
        requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        if name in pins:
            continue
        try:
            distribution = importlib.metadata.distribution(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            continue
        pins[name] = distribution.version
        for needed in distribution.requires or ():
            needs = Requirement(needed)
            if needs.marker is None or "extra" not in str(needs.marker):
                wanted.append(needs)
    return dict(sorted(pins.items()))


def unpinned_for_asset(dependencies: Iterable[str], pins: Mapping[str, str]) -> list[str]:
    """The canonical names of the requirements that apply in the asset's environment
    (``ASSET_ENVIRONMENT``), found from ``dependencies`` through the installed distributions'
    own requirements, that ``pins`` lacks: pip would install each for the asset at whatever
    version it found, never tested (review18 L6). One for another platform or Python, or of an
    extra, is not followed; one not installed here is reported, its own requirements unknown.
    """
    seen: set[str] = set()
    missing: set[str] = set()
    wanted = [Requirement(d) for d in dependencies]
    while wanted:
        requirement = wanted.pop()
        if requirement.marker is not None and not requirement.marker.evaluate(ASSET_ENVIRONMENT):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        if name not in pins:
            missing.add(name)
        try:
            distribution = importlib.metadata.distribution(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            continue
        wanted.extend(Requirement(needed) for needed in distribution.requires or ())
    return sorted(missing)


def render(pins: dict[str, str]) -> str:
    return _HEADER + "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


def read(path: Path = CONSTRAINTS) -> dict[str, str]:
    """The pins of a constraints file, by canonical name."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            name, _, version = text.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def main() -> int:
    dependencies = read_dependencies(ROOT / "pyproject.toml")
    pins = installed_pins(dependencies)
    unpinned = unpinned_for_asset(dependencies, pins)
    if unpinned:  # the venv lacks what the asset would install: its version would be untested
        sys.stderr.write(
            "these apply on the Lambda (CPython "
            f"{LAMBDA_PYTHON_VERSION}, {ASSET_ENVIRONMENT['platform_machine']} Linux) but are not "
            f"installed in this venv, so have no pin: {', '.join(unpinned)}\n"
        )
        return 1
    sys.stdout.write(render(pins))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
