"""How the pages say a use case's words. A refusal's message or a field's reason starts in lower
case, without a full stop, so that it can stand inside a sentence ("the application cannot be
moved: ..."); a page showing one on its own begins it with a capital letter, and, where it is a
whole sentence, ends it with a full stop."""

from __future__ import annotations

from collections.abc import Collection

from booking.domain.errors import InvalidInput


def capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def sentence(words: str) -> str:
    return f"{capitalised(words)}."


def beside_fields(mistaken: InvalidInput, fields: Collection[str]) -> dict[str, str]:
    """Each of a refusal's reasons that names one of a form's ``fields``, in words to stand
    beside that field (the others are said on the page they return to)."""
    return {k: capitalised(v) for k, v in mistaken.fields.items() if k in fields}
