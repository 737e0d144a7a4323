"""What a reference or id may hold, and the words for one that names nothing: one rule for the
CLI (which refuses such a value before any request) and the API (whose 404 says the same of a
value its routes cannot take), so neither ever answers "no such resource" of a reference that
was typed.

No reference or id this system gives (an application's reference or id, a course's id, a
group booking's id, a discount code) holds a slash or backslash (a path's separator), a ``?``
or ``#`` (an address's query and fragment), a line break or other control character, or runs
over ``MAX_ID_CHARACTERS`` (a course id, the longest, is at most 80).
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_ID_CHARACTERS = 100
NEVER_IN_AN_ID = frozenset("/\\?#")
# How much of an over-long value its refusal repeats.
SHOWN_CHARACTERS = 40

HOLDS_NO_SEPARATOR = "a reference or id holds no slash, '?', '#' or line break"
TOO_LONG = f"a reference or id is at most {MAX_ID_CHARACTERS} characters long"

# A path's collection (the segment before a value) -> what the value names, in words.
NAMED_BY_COLLECTION: Mapping[str, str] = {
    "applications": "application",
    "courses": "course",
    "groups": "group booking",
    "discount-codes": "discount code",
    "people": "person",
    "programmes": "programme",
    "certificates": "certificate",
}
# The collections whose values are ids this system gives (not a person's address, which may
# run to 254 characters): a value in one of them that no id can be is refused before any read.
GIVEN_BY_COLLECTION: Mapping[str, str] = {
    collection: thing for collection, thing in NAMED_BY_COLLECTION.items() if thing != "person"
}


def id_fault(value: str) -> str | None:
    """Why no reference or id can be ``value``, in words; None when one could."""
    if any(c in NEVER_IN_AN_ID for c in value) or not value.isprintable():
        return HOLDS_NO_SEPARATOR
    if len(value) > MAX_ID_CHARACTERS:
        return TOO_LONG
    return None


def no_such(thing: str, value: str) -> str:
    """ "no application 'CL-7K3Q9?x': a reference or id holds no slash, '?', '#' or line break":
    a value that names no ``thing``, with why none can have it when none can (an over-long one
    shown by its start)."""
    fault = id_fault(value)
    shown = repr(value)
    if len(value) > SHOWN_CHARACTERS:
        shown = f"{value[:SHOWN_CHARACTERS]!r}... ({len(value):,} characters)"
    return f"no {thing} {shown}" + (f": {fault}" if fault else "")
