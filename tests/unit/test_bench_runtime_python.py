"""The bench measures cold starts with the Lambda runtime's Python version, or says it did not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bench import runtime_python
from bench.runtime_python import Interpreter

from infra.cdk.bundle import LAMBDA_PYTHON_VERSION

THIS_VERSION = ".".join(map(str, sys.version_info[:3]))


def test_an_interpreter_is_the_runtimes_only_for_the_runtimes_minor_version() -> None:
    assert Interpreter("python", f"{LAMBDA_PYTHON_VERSION}.0").is_runtimes
    assert Interpreter("python", f"{LAMBDA_PYTHON_VERSION}.12").is_runtimes
    assert not Interpreter("python", "3.1.3").is_runtimes
    assert not Interpreter("python", "2.7.18").is_runtimes


def test_the_version_of_a_python_is_asked_of_it() -> None:
    found = runtime_python._version_of(sys.executable)
    assert found is not None
    assert found[1] == THIS_VERSION


def test_what_does_not_run_has_no_version(tmp_path: Path) -> None:
    assert runtime_python._version_of(str(tmp_path / "no-such-python")) is None


def _fake_python(folder: Path, name: str, version: str) -> Path:
    """A program that answers the version question as a Python ``version`` would."""
    path = folder / name
    path.write_text(f"#!/bin/sh\necho {folder}/{name}\necho {version}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_python_of_another_version_is_not_taken_for_the_runtimes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Offered only a Python of another version; nothing on PATH or under pyenv.
    monkeypatch.setenv("LAMBDA_PYTHON", str(_fake_python(tmp_path, "python-old", "3.1.0")))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert runtime_python.find_runtime_python() is None
    # So the probes run on this process's own Python, and the bench says which version.
    assert runtime_python.interpreter() == Interpreter(
        sys.executable, THIS_VERSION, why_not_runtimes="none found on this machine"
    )


def test_a_python_of_the_runtimes_version_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAMBDA_PYTHON", str(_fake_python(tmp_path, "python-old", "3.1.0")))
    right = _fake_python(tmp_path, f"python{LAMBDA_PYTHON_VERSION}", f"{LAMBDA_PYTHON_VERSION}.4")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert runtime_python.find_runtime_python() == str(right)
