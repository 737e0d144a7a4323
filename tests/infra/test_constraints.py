"""The Lambda asset is built from the versions the tests ran against: the test
venv and the asset both install with ``constraints.txt``, and the file holds the venv's
versions of every runtime dependency and of what they need. Powertools' and pydantic's
internals, which ``handlers/resolver.py`` and ``domain/model.py`` rely on, are thus tested at
the versions deployed."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.cdk import bundle, constraints

pytestmark = pytest.mark.infra

REPO = Path(__file__).resolve().parents[2]


def test_the_constraints_pin_the_versions_the_tests_run_against() -> None:
    """Fails after a dependency is upgraded in the venv and not in the file (or the reverse):
    ``.venv/bin/python -m infra.cdk.constraints > constraints.txt`` writes it again."""
    runtime = bundle.read_dependencies(REPO / "pyproject.toml")
    assert constraints.read() == constraints.installed_pins(runtime)


def test_every_runtime_dependency_is_pinned_within_its_range() -> None:
    pinned = constraints.read()
    for dependency in map(Requirement, bundle.read_dependencies(REPO / "pyproject.toml")):
        version = pinned.get(canonicalize_name(dependency.name))
        assert version is not None, dependency.name
        assert dependency.specifier.contains(version, prereleases=True), (dependency, version)


def test_the_libraries_whose_internals_the_functions_rely_on_are_pinned() -> None:
    pinned = constraints.read()
    for name in ("aws-lambda-powertools", "pydantic", "pydantic-core", "botocore"):
        assert pinned.get(name), name


def test_the_asset_installs_with_the_constraints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    bundle.build_lambda_asset(REPO, tmp_path / "lambda", python="python3.13")
    pip = calls[0]
    assert pip[pip.index("--constraint") + 1] == str(REPO / "constraints.txt")


def test_the_asset_is_not_built_without_the_constraints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    (root / "functions" / "booking").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["stripe>=12"]\n')
    ran: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda argv, **kwargs: ran.append(argv))
    with pytest.raises(RuntimeError, match=r"constraints\.txt is missing"):
        bundle.build_lambda_asset(root, Path("build/lambda"), python="python3.13")
    assert ran == []


def test_the_test_venv_installs_with_the_constraints() -> None:
    """The Makefile's venv target: the tests run against the pinned versions too."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "-m pip install --quiet -e '.[dev]' --constraint constraints.txt" in makefile
    assert "$(STAMP): pyproject.toml constraints.txt" in makefile


def test_every_requirement_that_applies_on_the_lambda_is_pinned() -> None:
    """Markers are weighed for the asset's environment (CPython 3.13, aarch64
    Linux), not the venv's: a requirement only the Lambda needs has a pin too."""
    runtime = bundle.read_dependencies(REPO / "pyproject.toml")
    assert constraints.unpinned_for_asset(runtime, constraints.read()) == []


def test_a_requirement_only_the_lambda_needs_is_found_unpinned() -> None:
    needs = [
        'arm-only>=1; platform_machine == "aarch64" and python_version >= "3.13"',
        'old-backport; python_version < "3.12"',  # not on 3.13
        'windows-only; sys_platform == "win32"',
        'of-an-extra; extra == "s3"',  # no extra is asked for
        "everywhere",
    ]
    assert constraints.unpinned_for_asset(needs, {"everywhere": "1.0"}) == ["arm-only"]
    assert constraints.unpinned_for_asset(needs, {"everywhere": "1", "arm-only": "2"}) == []


def test_an_installed_distributions_own_requirements_are_weighed_for_the_lambda() -> None:
    """pydantic's requirements are followed from its installed metadata: each that applies on
    the Lambda is reported while unpinned."""
    found = constraints.unpinned_for_asset(["pydantic"], {})
    assert {"pydantic", "pydantic-core", "annotated-types", "typing-extensions"} <= set(found)


# Made-up distributions as installed (their version and own requirements), for the extras.
_MADE_UP: dict[str, tuple[str, list[str]]] = {
    "app-lib": ("1.0", ["base-need", 'for-s3>=2; extra == "s3"', 'for-cli; extra == "cli"']),
    "for-s3": ("2.0", ["deep-s3", 'deeper; extra == "fast"']),
    "for-cli": ("3.0", []),
    "base-need": ("4.0", ['win-only; sys_platform == "win32" and extra == "s3"']),
    "deep-s3": ("5.0", []),
    "deeper": ("6.0", []),
    "wraps-lib": ("7.0", ['app-lib[s3]; python_version >= "3.9"']),
}


def _made_up(name: str) -> tuple[str, list[str]] | None:
    return _MADE_UP.get(canonicalize_name(name))


def test_the_requirements_of_an_extra_asked_for_are_weighed_for_the_lambda() -> None:
    """``app-lib[s3]`` needs what ``app-lib`` lists under ``extra == "s3"`` (and,
    through it, what that needs), never what it lists under an extra nobody asked for; the
    extra is carried from the requirement that asks it, even two distributions down."""
    everything = {name: version for name, (version, _) in _MADE_UP.items()}
    applies = {"app-lib", "base-need", "for-s3", "deep-s3"}
    pins = {name: everything[name] for name in applies}
    assert constraints.unpinned_for_asset(["app-lib[s3]"], pins, _made_up) == []
    assert constraints.unpinned_for_asset(["app-lib[s3]"], {}, _made_up) == sorted(applies)
    assert constraints.unpinned_for_asset(["app-lib"], {}, _made_up) == ["app-lib", "base-need"]
    assert constraints.unpinned_for_asset(["wraps-lib"], {}, _made_up) == sorted(
        {"wraps-lib", *applies}
    )
    # Asked without the extra first, then with it: its requirements are weighed again for it.
    both = constraints.unpinned_for_asset(["wraps-lib", "app-lib"], {}, _made_up)  # app-lib first
    assert both == sorted({"wraps-lib", *applies})
    assert constraints.unpinned_for_asset(["app-lib[s3,cli]"], {}, _made_up) == sorted(
        {*applies, "for-cli"}
    )
    # The constraints pin what an extra asked for needs, as installed.
    assert constraints.installed_pins(["wraps-lib"], _made_up) == {
        name: everything[name] for name in sorted({"wraps-lib", *applies})
    }
