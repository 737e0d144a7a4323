"""bundle.py: the Docker-free Lambda asset build (pip is never actually run here)."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from infra.cdk import bundle
from tests.support.lambda_init import lambda_env, last_line_printed

pytestmark = pytest.mark.infra

REPO = Path(__file__).resolve().parents[2]


def test_reads_runtime_dependencies_from_pyproject() -> None:
    deps = bundle.read_dependencies(REPO / "pyproject.toml")
    names = {d.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip() for d in deps}
    runtime = {"aws-lambda-powertools", "boto3", "stripe", "pydantic", "jinja2", "icalendar"}
    assert runtime | {"holidays"} <= names
    # Dev/test tooling must never be bundled into the Lambda asset.
    assert not names & {"pytest", "moto", "aws-cdk-lib", "cdk-nag", "ruff", "mypy"}


def test_pip_command_targets_lambda_arm64_python313_wheels_only(tmp_path: Path) -> None:
    argv = bundle.pip_install_command(
        ["stripe>=12", "pydantic>=2.8,<3"], tmp_path / "out", constraints=tmp_path / "pins.txt"
    )
    assert argv[:4] == [sys.executable, "-m", "pip", "install"]

    def value(flag: str) -> str:
        return argv[argv.index(flag) + 1]

    assert value("--platform") == "manylinux2014_aarch64"
    assert value("--python-version") == "3.13"
    assert value("--implementation") == "cp"
    assert value("--target") == str(tmp_path / "out")
    assert "--only-binary=:all:" in argv
    assert argv[-2:] == ["stripe>=12", "pydantic>=2.8,<3"]


def test_pip_command_rejects_empty_dependency_list(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no dependencies"):
        bundle.pip_install_command([], tmp_path, constraints=tmp_path / "pins.txt")


def test_build_copies_package_and_runs_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "functions" / "booking" / "handlers" / "__pycache__").mkdir(parents=True)
    (root / "functions" / "booking" / "__init__.py").write_text("")
    (root / "functions" / "booking" / "handlers" / "api.py").write_text("handler = None\n")
    (root / "functions" / "booking" / "handlers" / "__pycache__" / "api.pyc").write_bytes(b"x")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["stripe>=12"]\n')
    (root / "constraints.txt").write_text("stripe==16.1.0\n")
    out = root / "build" / "lambda"
    (out / "stale").mkdir(parents=True)  # leftovers from a previous build must go

    calls: list[list[str]] = []

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        assert kwargs.get("check") is True
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    result = bundle.build_lambda_asset(root, Path("build/lambda"), python="python3.13")

    assert result == out
    (_, host_deps_at, *_) = calls[2][calls[2].index("--target") :]
    assert calls == [
        bundle.pip_install_command(["stripe>=12"], out, constraints=root / "constraints.txt"),
        bundle.compile_command(out, python="python3.13"),
        *bundle.record_dataclass_code_commands(
            out,
            Path(host_deps_at),
            ["stripe>=12"],
            constraints=root / "constraints.txt",
            python="python3.13",
        ),
    ]
    assert (out / "booking" / "handlers" / "api.py").is_file()
    assert not (out / "stale").exists()
    assert not list(out.rglob("__pycache__"))


def test_the_asset_carries_the_certificate_font_and_its_licence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lambda has no system fonts: the certificate's Unicode font ships in the package, with
    the licence it is shipped under, and the PDF library is a runtime dependency."""
    names = {
        d.split(">")[0].split("<")[0] for d in bundle.read_dependencies(REPO / "pyproject.toml")
    }
    assert "fpdf2" in names
    monkeypatch.setattr(
        subprocess, "run", lambda argv, **kwargs: subprocess.CompletedProcess(argv, 0)
    )
    out = bundle.build_lambda_asset(REPO, tmp_path / "lambda", python="python3.13")
    fonts = out / "booking" / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (fonts / name).is_file(), name
    assert (fonts / "DejaVuSans.ttf").read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType


def test_the_asset_is_compiled_to_unchecked_hash_bytecode_named_under_var_task(
    tmp_path: Path,
) -> None:
    """Lambda's /var/task is read-only: a module shipped without its .pyc is compiled from
    source on every cold start. The compile step (run here with this interpreter, the same
    command the build runs with the runtime's) leaves a .pyc per module that Python loads
    without looking at the source's time (PEP 552 flags: hash-based, unchecked) and whose
    code names the file where Lambda has it."""
    out = tmp_path / "lambda"
    (out / "booking" / "handlers").mkdir(parents=True)
    (out / "booking" / "__init__.py").write_text("")
    (out / "booking" / "handlers" / "api.py").write_text("handler = None\n")
    subprocess.run(bundle.compile_command(out, python=sys.executable), check=True)

    tag = sys.implementation.cache_tag
    compiled = out / "booking" / "handlers" / "__pycache__" / f"api.{tag}.pyc"
    data = compiled.read_bytes()
    assert int.from_bytes(data[4:8], "little") == 0b01  # hash-based, source never checked
    code = marshal.loads(data[16:])  # noqa: S302 - the file this test just compiled
    assert code.co_filename == "/var/task/booking/handlers/api.py"


def test_only_an_interpreter_of_the_runtimes_version_compiles_the_asset(tmp_path: Path) -> None:
    """Bytecode is specific to Python's minor version: one compiled by the build host's 3.11
    would be ignored by Lambda's 3.13, which would compile from source again."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if running == bundle.LAMBDA_PYTHON_VERSION:
        assert bundle.lambda_python(sys.executable) == sys.executable
    else:
        with pytest.raises(RuntimeError, match="LAMBDA_PYTHON"):
            bundle.lambda_python(sys.executable)
    with pytest.raises(RuntimeError, match="LAMBDA_PYTHON"):
        bundle.lambda_python(str(tmp_path / "no-such-python"))


def test_an_interpreter_refused_is_said_with_why(tmp_path: Path) -> None:
    """pyenv's shim of a version not selected fails with its own words on stderr: the build
    said only "python3.13 is not a Python 3.13 interpreter", and a newcomer following the
    README's `make synth` could not tell a missing interpreter from a wrong one."""
    shim = tmp_path / "python3.13"
    shim.write_text(
        "#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n", "utf-8"
    )
    shim.chmod(0o755)
    with pytest.raises(RuntimeError) as refused:
        bundle.lambda_python(str(shim))
    assert "(it failed: pyenv: python3.13: command not found)" in str(refused.value)
    with pytest.raises(RuntimeError, match=r"\(it cannot be run: "):
        bundle.lambda_python(str(tmp_path / "no-such-python"))
    if f"{sys.version_info.major}.{sys.version_info.minor}" != bundle.LAMBDA_PYTHON_VERSION:
        running = rf"{sys.version_info.major}\.{sys.version_info.minor}"
        with pytest.raises(RuntimeError, match=rf"\(it is Python {running}\)"):
            bundle.lambda_python(sys.executable)


def test_the_asset_carries_the_dataclass_code_every_init_would_compile(tmp_path: Path) -> None:
    """The recording step, run for real with this interpreter and the dependencies it has
    (as the bundle runs it with the runtime's and a host install of them): every function's
    init from the asset then compiles none of its dataclasses' methods, forward references or
    named tuples, and parses none of its regular expressions (those botocore compiles making a
    client included)."""
    out = tmp_path / "lambda"
    shutil.copytree(REPO / "functions" / "booking", out / "booking", ignore=bundle._COPY_IGNORE)
    host_deps = Path(sysconfig.get_paths()["purelib"])
    record = bundle.record_dataclass_code_commands(
        out, host_deps, [], constraints=REPO / "constraints.txt", python=sys.executable
    )[1]
    subprocess.run(record, env=bundle.record_dataclass_code_env(out, host_deps), check=True)
    assert list((out / "booking" / "__pycache__").glob("dataclass_code.*.marshal"))

    env = {**lambda_env(), "PYTHONPATH": os.pathsep.join([str(out), str(REPO)])}
    env.pop("PYTHONPYCACHEPREFIX", None)
    for function in ("api", "webhook", "console", "admin", "mailer", "reminders"):
        compiled = last_line_printed(_COMPILED_AT_INIT, function, env=env)
        assert compiled == "0 compiled, 0 patterns", function


_COMPILED_AT_INIT = """
import importlib, sys
importlib.import_module(f"booking.handlers.{sys.argv[1]}")
from booking import dataclass_code as held
assert held._held, "nothing recorded was read"
print(f"{len(held._compiled)} compiled, {len(held._compiled_patterns)} patterns")
"""
