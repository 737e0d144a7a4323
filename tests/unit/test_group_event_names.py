"""A group's events have one name each (``domain.group_events.GroupEvent``): the module that
queues them (``domain.group_notices``) and the one that reads them off a queued job to decide
who is told (``domain.payer``) both use it, never a string of their own that could drift from
it (issue 22: each rule in one place)."""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest

from booking.domain.group_events import GroupEvent

EVENT_NAMES = {event.value for event in GroupEvent}


@pytest.mark.parametrize("module", ["booking.domain.payer", "booking.domain.group_notices"])
def test_the_group_events_are_named_by_the_enum_alone(module: str) -> None:
    tree = ast.parse(inspect.getsource(importlib.import_module(module)))
    spelt = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in EVENT_NAMES
    ]
    assert spelt == []


def test_the_enum_is_the_one_both_read() -> None:
    from booking.domain import group_notices, payer

    # Read from each module as it holds it: neither re-exports the name on purpose.
    assert vars(group_notices)["GroupEvent"] is vars(payer)["GroupEvent"] is GroupEvent
