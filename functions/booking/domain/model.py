"""The base of every pydantic model of ours: its validator and serializer are built when it is
first used, not when its class is defined.

Building them (pydantic's core schema, then its Rust validator and serializer) was about half
of what defining a model cost, and a function's init defines every model its modules name,
most of which its common requests never validate or dump (the api's init defined 41, its
apply page used a handful). So a mistyped annotation (a type pydantic cannot validate, a name
never defined) no longer fails the import: it fails the model's first use. CI builds every
model of every module (``tests/unit/test_every_model_builds.py``), so it fails there instead,
not in a request. A SnapStart snapshot builds every model its init defined
(``bootstrap.snapshot_builds_every_model``): a restored environment's first request waits for
none. The JSON schemas are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """A pydantic model whose validator and serializer are built on first use."""

    model_config = ConfigDict(defer_build=True)


def _subclasses(of: type[Model]) -> Iterator[type[Model]]:
    for subclass in of.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def build_every_model() -> int:
    """Build every model defined so far that is not built yet; how many it built."""
    built = 0
    for model in _subclasses(Model):
        if not model.__pydantic_complete__:
            model.model_rebuild()
            built += 1
    return built
