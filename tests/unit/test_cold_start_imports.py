"""What a function's init does not import: each module here is one its first requests may never
use, loaded on first use instead (issue 22, item 8; README "Figures" says what each saved).
Each function is imported fresh, as Lambda starts it, with its init's settings."""

from __future__ import annotations

import json

import pytest

from tests.support.lambda_init import last_line_printed

_LOADED = """
import importlib, json, sys
importlib.import_module(f"booking.handlers.{sys.argv[1]}")
print(json.dumps(sorted(sys.modules)))
"""

# function -> modules (and their submodules) its on-demand init leaves out.
LEFT_OUT = {
    # The webhook has no resolver: Powertools' event handler package loads AppSync's resolver
    # and asyncio with it.
    "webhook": ("aws_lambda_powertools.event_handler", "asyncio"),
}


def _loaded(function: str) -> list[str]:
    loaded: list[str] = json.loads(last_line_printed(_LOADED, function))
    return loaded


@pytest.mark.parametrize("function", sorted(LEFT_OUT))
def test_a_cold_start_leaves_out_what_its_requests_may_never_use(function: str) -> None:
    loaded = _loaded(function)
    assert f"booking.handlers.{function}" in loaded
    imported = [
        module
        for module in loaded
        for left_out in LEFT_OUT[function]
        if module == left_out or module.startswith(f"{left_out}.")
    ]
    assert imported == []
