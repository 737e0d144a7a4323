"""A template compiled once is used as it is: a warm function never checks the template's file
again (Jinja's default does, two stat calls per template, ten in each email job)."""

from __future__ import annotations

import os

import pytest
from jinja2 import Environment

from booking.adapters.email_templates import _environment as email_environment
from booking.handlers.pages.templates import environment as pages_environment


@pytest.mark.parametrize(
    "environment",
    [pages_environment(), email_environment(False), email_environment(True)],
    ids=["pages", "email text", "email html"],
)
def test_a_compiled_template_is_not_looked_at_on_disk_again(
    environment: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = environment.list_templates()[0]
    compiled = environment.get_template(name)
    looked: list[str] = []

    def stat(path: str) -> float:
        looked.append(path)
        return 0.0

    monkeypatch.setattr(os.path, "getmtime", stat)
    monkeypatch.setattr(os.path, "isfile", lambda path: bool(stat(path)) or True)
    assert environment.get_template(name) is compiled
    assert looked == []
