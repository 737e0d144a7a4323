"""Every pydantic model of ours is built on first use (``booking.domain.model``): an on-demand
init defines its modules' models without building them, a SnapStart snapshot holds every model
its init defined built, and a model built late validates and dumps as one built at once."""

from __future__ import annotations

import json

import pytest

from tests.support.lambda_init import last_line_printed

_MODELS_AFTER_INIT = """
import importlib, json, os, sys
os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = sys.argv[2]
importlib.import_module(f"booking.handlers.{sys.argv[1]}")
from booking.domain.model import Model
def walk(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from walk(sub)
models = list(walk(Model))
print(json.dumps({
    "defined": len(models),
    "built": sorted(m.__qualname__ for m in models if m.__pydantic_complete__),
}))
"""

SNAP_STARTED = ("admin", "api", "console", "webhook")


def _models_after_init(function: str, initialization_type: str) -> dict[str, object]:
    seen: dict[str, object] = json.loads(
        last_line_printed(_MODELS_AFTER_INIT, function, initialization_type)
    )
    return seen


@pytest.mark.parametrize("function", SNAP_STARTED)
def test_a_snapshot_holds_every_model_its_init_defined_built(function: str) -> None:
    seen = _models_after_init(function, "snap-start")
    assert isinstance(seen["built"], list)
    assert seen["defined"] == len(seen["built"])
    assert len(seen["built"]) > 20


@pytest.mark.parametrize("function", [*SNAP_STARTED, "mailer", "reminders"])
def test_an_on_demand_init_leaves_its_models_to_be_built_when_first_used(function: str) -> None:
    seen = _models_after_init(function, "on-demand")
    assert isinstance(seen["built"], list)
    assert isinstance(seen["defined"], int)
    assert seen["defined"] > 10
    # The settings are validated at init (booking.config: not one of these); of the models,
    # only what the init itself validates is built.
    assert len(seen["built"]) < seen["defined"] // 2


_FIRST_USE = """
import json
from pydantic import ValidationError
from booking.domain.money import Money
built_before = Money.__pydantic_complete__
dumped = Money.model_validate({"amount": 20000, "currency": "GBP"}).model_dump()
try:
    Money.model_validate({"amount": 0, "currency": "xyz"})
    refused = []
except ValidationError as error:
    refused = sorted(str(e["loc"][0]) for e in error.errors())
print(json.dumps({"built_before": built_before, "dumped": dumped, "refused": refused,
                  "built_after": Money.__pydantic_complete__}))
"""


def test_a_model_is_built_when_first_used_and_validates_as_ever() -> None:
    seen = json.loads(last_line_printed(_FIRST_USE, in_lambda=False))
    assert seen == {
        "built_before": False,
        "dumped": {"amount": 20000, "currency": "gbp"},
        "refused": ["amount", "currency"],
        "built_after": True,
    }
