"""What the README quotes the CLI as saying is what it says, for the stack `make run` starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.cli.client import unreachable_words
from infra.local.server import stack_from_environment

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_unreachable_stack_example_names_the_stacks_default_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORT", raising=False)
    default = stack_from_environment().url
    text = " ".join(README.read_text(encoding="utf-8").split())
    quoted = re.findall(r"\*(could not reach [^*]*?)\.\.\.\*", text)
    assert quoted, "the README quotes the CLI's words for a stack it cannot reach"
    said = unreachable_words(f"{default}/admin/courses", ConnectionRefusedError(111, "refused"))
    for example in quoted:
        assert said.startswith(example), (example, said)
