"""How the pages say a use case's words. A refusal's message or a field's reason starts in lower
case, without a full stop, so that it can stand inside a sentence ("the application cannot be
moved: ..."); a page showing one on its own begins it with a capital letter, and, where it is a
whole sentence, ends it with a full stop."""

from __future__ import annotations


def capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def sentence(words: str) -> str:
    return f"{capitalised(words)}."
