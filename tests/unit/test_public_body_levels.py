"""Every public JSON body named by the route table refuses a field it does not take at every
level, by its name and in the words of the top level: each nested object is
found by walking the body's model, so that a new body or a new nested object cannot escape."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from booking.domain.errors import InvalidInput
from booking.domain.validation import not_a_field, parse_posted
from booking.handlers.openapi import _REQUESTS
from booking.handlers.routes import Function, routes_of

_MODELS = {model.__name__: model for model in _REQUESTS}


def _public_bodies() -> list[type[BaseModel]]:
    named = set()
    for route in routes_of(Function.API):
        content = (route.body or {}).get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        if ref:
            named.add(ref.rsplit("/", 1)[-1])
    return [_MODELS[name] for name in sorted(named)]


def _nested(model: type[BaseModel], where: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """Where each nested object of ``model`` sits (a list's first item for a list of them)."""
    from booking.domain.validation import _model_in

    found: list[tuple[Any, ...]] = []
    for name, field in model.model_fields.items():
        inner = _model_in(field.annotation)
        if inner is None:
            continue
        listed = "list" in str(field.annotation).lower()
        at = (*where, name, 0) if listed else (*where, name)
        found += [(at, inner), *_nested(inner, at)]  # type: ignore[arg-type]
    return found


def _body_with(where: tuple[Any, ...], extra: dict[str, Any]) -> dict[str, Any]:
    value: Any = extra
    for part in reversed(where):
        value = [value] if isinstance(part, int) else {part: value}
    return dict(value)


def test_the_route_table_names_public_bodies_with_nested_objects() -> None:
    bodies = _public_bodies()
    assert {m.__name__ for m in bodies} >= {"ApplicationForm", "GroupForm", "Substitute"}
    assert any(_nested(m) for m in bodies)


@pytest.mark.parametrize(
    ("model", "where", "inner"),
    [(m, w, i) for m in _public_bodies() for w, i in _nested(m)],
    ids=lambda v: getattr(v, "__name__", ".".join(map(str, v)) if isinstance(v, tuple) else v),
)
def test_a_nested_object_refuses_a_field_it_does_not_take(
    model: type[BaseModel], where: tuple[Any, ...], inner: type[BaseModel]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_posted(model, _body_with(where, {"x": 1}))
    name = ".".join(map(str, (*where, "x")))
    assert refused.value.fields[name] == not_a_field(inner.model_fields)
