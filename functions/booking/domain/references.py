"""References people can read out on the phone: ``CL-7K3Q9``.

A reference is a short prefix naming the programme (so an organiser running several can tell
at once which one a caller means) and five characters from an alphabet without look-alikes: no
0 or O, no 1, I or L, so whatever someone hears or misreads is either right or not a reference
at all. 31 characters to the power of 5 is about 28.6 million codes per prefix; uniqueness is
not left to chance but claimed in the transaction that creates the application, and a clash is
retried with a fresh code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Digits 2-9 and the letters without I, L and O.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 5
MAX_PREFIX_LETTERS = 3
FALLBACK_PREFIX = "BK"
# Words too small to stand for anything in a programme's name.
_SMALL_WORDS = frozenset({"A", "AN", "AND", "FOR", "IN", "OF", "ON", "THE", "TO", "WITH"})
_WORD = re.compile(r"[A-Za-z]+")
REFERENCE_PATTERN = re.compile(rf"^[A-Z]{{1,{MAX_PREFIX_LETTERS}}}-[{ALPHABET}]{{{CODE_LENGTH}}}$")


def reference_prefix(name: str) -> str:
    """Up to three capitals from a programme's (or course's) name: the initials of its words,
    or the start of a single word. ``compassionate-leadership`` gives ``CL``."""
    words: list[str] = [w.upper() for w in _WORD.findall(name) if w.upper() not in _SMALL_WORDS]
    if not words:
        return FALLBACK_PREFIX
    if len(words) == 1:
        return words[0][:MAX_PREFIX_LETTERS]
    return "".join(word[0] for word in words)[:MAX_PREFIX_LETTERS]


def new_reference(prefix: str, pick: Callable[[str], str]) -> str:
    """A reference with a fresh code; ``pick`` chooses one character (``secrets.choice``)."""
    return f"{prefix}-{''.join(pick(ALPHABET) for _ in range(CODE_LENGTH))}"


def normalised_reference(typed: str) -> str | None:
    """What someone typed, as a reference, or None when it cannot be one.

    Case, spaces and a missing hyphen are forgiven (``cl 7k3q9``, ``CL7K3Q9``); a look-alike
    character is not guessed at, since it is never part of a code.
    """
    compact = "".join(typed.split()).upper()
    if "-" not in compact and len(compact) > CODE_LENGTH:
        compact = f"{compact[:-CODE_LENGTH]}-{compact[-CODE_LENGTH:]}"
    return compact if REFERENCE_PATTERN.fullmatch(compact) else None
