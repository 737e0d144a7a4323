"""Whom a place freed or added was offered from the waiting list, in one sentence wherever the
console says it (a course save named them, a move did not): "Kim Yoon (CL-6WNCH)
was offered a place from the waiting list and emailed."."""

from __future__ import annotations

from collections.abc import Sequence

# At most this many of those offered a place are carried to be named (a notice's cookie is
# small); any beyond are counted.
MOST_NAMED = 20


def offered_said(count: int, named: Sequence[str]) -> str:
    """``count`` people offered a place, ``named`` of them by name and reference ("Kim Yoon
    (CL-6WNCH)"); the rest counted."""
    names = list(named)
    others = count - len(names)
    if others:
        names.append(
            f"{others} more" if names else f"{others} {'person' if others == 1 else 'people'}"
        )
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    one = count == 1
    return (
        f"{listed} {'was' if one else 'were'} offered {'a place' if one else 'places'} from the "
        "waiting list and emailed."
    )


def offered_code(offered: Sequence[str]) -> str:
    """A notice's code for the applications ``offered`` a place (their ids): ``count|ids``."""
    return f"{len(offered)}|{','.join(offered[:MOST_NAMED])}"


def offered_in(code: str) -> tuple[int, list[str]]:
    """How many a notice's ``code`` says were offered a place, and the ids it names (0 and
    none: a code that is not one)."""
    count, _, ids = code.partition("|")
    if not count.isdigit():
        return 0, []
    return int(count), [i for i in ids.split(",") if i][:MOST_NAMED]
