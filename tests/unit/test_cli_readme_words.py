"""What the README quotes the CLI as saying is what it says, for the stack `make run` starts."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from booking.cli.arguments import _parser
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


def test_the_readme_names_every_command_that_takes_json() -> None:
    """The README's list of the commands `--json` works on left out six that take it."""
    [commands] = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    taking = {
        name
        for name, command in commands.choices.items()
        if any("--json" in action.option_strings for action in command._actions)
    }
    text = " ".join(README.read_text(encoding="utf-8").split())
    listed = text.split("`--json` gives the API's own answer", 1)[1].split(").", 1)[0]
    named = set(re.findall(r"`([a-z-]+)`", listed))
    if "`backfill-...`" in listed:
        named |= {name for name in taking if name.startswith("backfill-")}
    assert taking == named
