"""The versions the Lambda asset is built from: those the tests run against.

``constraints.txt`` (at the repository's root) pins each runtime dependency of ``pyproject.toml``
and each package they need, at the version installed in the test venv. The test venv
(``make``), the asset (``infra.cdk.bundle``) and the bench's runtime venv
(``bench.runtime_python``) all install with it (``pip install -c``), so what is deployed is what
was tested, library internals included: ``handlers/resolver.py`` and ``domain/model.py`` rely on
Powertools' and pydantic's, which pyproject's ranges alone would let move between a test run and
a deployment. After upgrading a dependency in the venv, write the file again::

    .venv/bin/python -m infra.cdk.constraints > constraints.txt

``tests/infra/test_constraints.py`` fails while the file and the venv disagree. Each pin must have a
wheel for the asset's platform (``infra.cdk.bundle``: manylinux2014 aarch64, CPython 3.13), or
the asset's build stops (pip: ResolutionImpossible): Pillow 13 has none, so the venv and the
asset hold Pillow 12.2.
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.cdk.bundle import CONSTRAINTS_FILE, read_dependencies

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / CONSTRAINTS_FILE

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
    sys.stdout.write(render(installed_pins(read_dependencies(ROOT / "pyproject.toml"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
