"""In Lambda, the cyclic garbage collector is paused while a function's init imports and
builds what lives as long as the environment, and runs again from its first request on
(booking/__init__.py, ``booking.bootstrap.at_cold_start``): its passes over the init's
objects freed nothing and cost about a tenth of each init (docs/figures.md)."""

from __future__ import annotations

import pytest
from bench.coldstart import discover_handlers

from tests.support.lambda_init import last_line_printed

_COLLECTOR_AFTER = """
import gc, importlib, sys
importlib.import_module(sys.argv[1])
print(gc.isenabled())
"""


def _collector_after_import(module: str, *, in_lambda: bool) -> bool:
    return last_line_printed(_COLLECTOR_AFTER, module, in_lambda=in_lambda) == "True"


def test_the_collector_is_paused_from_the_first_import_of_the_package_in_lambda() -> None:
    assert _collector_after_import("booking", in_lambda=True) is False


def test_outside_lambda_the_collector_is_never_paused() -> None:
    assert _collector_after_import("booking", in_lambda=False) is True
    assert _collector_after_import("booking.handlers.api", in_lambda=False) is True


@pytest.mark.parametrize("module", [module for _, module in discover_handlers()])
def test_every_function_runs_its_requests_with_the_collector(module: str) -> None:
    """Each handler's init ends in ``at_cold_start``, which freezes the init's objects and
    resumes the collector: no function serves a request with it paused."""
    assert _collector_after_import(module, in_lambda=True) is True
