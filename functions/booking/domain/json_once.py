"""JSON read with each key given once: one rule for request bodies (``handlers.body_text``), a
course definition file uploaded on the console and the CLI's course file (a file
with ``"capacity"`` twice was saved, the last one winning, where the same body got 400).

JSON allows a key twice, the last winning in most readers, but which of two values was meant is
not ours to guess. Pure: stdlib only.
"""

from __future__ import annotations

import json
from typing import Any


class GivenTwice(ValueError):
    """A key given twice in one object (or a name twice in one form), in words."""


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``pairs`` as a dict, each name given once (``json.loads``' object_pairs_hook)."""
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise GivenTwice(f"the field {name} is given twice: give it once")
        found[name] = value
    return found


def loads_once_each(text: str) -> Any:
    """``text`` parsed as JSON, every object's keys given once (GivenTwice, else ValueError)."""
    return json.loads(text, object_pairs_hook=once_each)
