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
from collections.abc import Callable, Iterable, Mapping
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
# it (``infra.cdk.bundle``), whatever Python and machine the venv runs on. ``extra`` is the one
# asked of the distribution whose requirement is weighed ("" for its own: ``_asked_of``).
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

# A distribution as installed, by its name: its version and its own requirements
# (``Requires-Dist``); None when it is not installed here.
Installed = Callable[[str], tuple[str, list[str]] | None]


def installed_distribution(name: str) -> tuple[str, list[str]] | None:
    """The venv's distribution ``name``: its version and own requirements (None: not here)."""
    try:
        distribution = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return None
    return distribution.version, list(distribution.requires or ())


def _asked_of(requirement: Requirement, followed: set[tuple[str, str]]) -> list[str]:
    """The extras ``requirement`` asks of its distribution ("" for its own requirements) not
    followed yet, marked followed: each of its requirements is weighed once per extra asked."""
    name = canonicalize_name(requirement.name)
    asked = ["", *sorted({canonicalize_name(e) for e in requirement.extras})]
    fresh = [extra for extra in asked if (name, extra) not in followed]
    followed.update((name, extra) for extra in fresh)
    return fresh


_HEADER = """\
# The runtime dependencies' versions the tests ran against (generated: python -m
# infra.cdk.constraints). The test venv, the Lambda asset and the bench's runtime venv install
# with `pip install -c constraints.txt`; tests/infra/test_constraints.py holds it to the venv.
"""


def installed_pins(
    dependencies: Iterable[str], installed: Installed = installed_distribution
) -> dict[str, str]:
    """Each installed distribution ``dependencies`` need, directly or through another, by its
    canonical name, with its installed version. A requirement for another platform or Python,
    not installed here, has no pin; one of an extra is followed when that extra is asked for
    (``pkg[s3]``), once per extra asked.
    """
    pins: dict[str, str] = {}
    followed: set[tuple[str, str]] = set()
    # Each requirement with the extra asked of the distribution that lists it ("" for its own).
    wanted = [(Requirement(d), "") for d in dependencies]
    while wanted:
        requirement, extra = wanted.pop()
        marker = requirement.marker
        if marker is not None and "extra" in str(marker) and not marker.evaluate({"extra": extra}):
            continue
        found = installed(requirement.name)
        if found is None:
            continue
        version, needed = found
        pins[canonicalize_name(requirement.name)] = version
        asked = _asked_of(requirement, followed)
        wanted.extend((Requirement(line), e) for line in needed for e in asked)
    return dict(sorted(pins.items()))


def unpinned_for_asset(
    dependencies: Iterable[str],
    pins: Mapping[str, str],
    installed: Installed = installed_distribution,
) -> list[str]:
    """The canonical names of the requirements that apply in the asset's environment
    (``ASSET_ENVIRONMENT``), found from ``dependencies`` through the installed distributions'
    own requirements (``installed``), that ``pins`` lacks: pip would install each for the asset
    at whatever version it found, never tested. One for another platform or
    Python is not followed; one not installed here is reported, its own requirements unknown.
    An extra asked for (``pkg[s3]``, in ``dependencies`` or by a distribution) is followed:
    each of the distribution's requirements is weighed once per extra asked.
    """
    followed: set[tuple[str, str]] = set()
    missing: set[str] = set()
    # Each requirement with the extra asked of the distribution that lists it ("" for its own).
    wanted = [(Requirement(d), "") for d in dependencies]
    while wanted:
        requirement, extra = wanted.pop()
        environment = {**ASSET_ENVIRONMENT, "extra": extra}
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        if canonicalize_name(requirement.name) not in pins:
            missing.add(canonicalize_name(requirement.name))
        asked = _asked_of(requirement, followed)
        found = installed(requirement.name) if asked else None
        needed = found[1] if found else []
        wanted.extend((Requirement(line), e) for line in needed for e in asked)
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
