"""What the browser pages share: the Jinja2 environment and the way a session is listed."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from booking.domain.course import Course, SessionKind
from booking.domain.statuses import address_shown
from booking.domain.wording import places_words, session_when


@lru_cache(maxsize=1)
def environment() -> Environment:
    pages = Environment(
        loader=PackageLoader("booking", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # A deployed function's templates never change: a compiled one is used as it is,
        # never checked against its file again (two stat calls per template of each page).
        auto_reload=False,
    )
    pages.filters["places"] = places_words
    pages.filters["address"] = address_shown
    return pages


def load_templates(folder: str) -> int:
    """Compile every template under ``folder`` now (Jinja compiles each on first use): for a
    SnapStart snapshot, so that no first request pays for it. Answers how many."""
    names = environment().list_templates(filter_func=lambda name: name.startswith(folder))
    for name in names:
        environment().get_template(name)
    return len(names)


def sessions(course: Course, kind: SessionKind | None = None) -> list[dict[str, str]]:
    definition = course.definition
    return [
        {"title": s.title, "when": session_when(s, definition.timezone)}
        for s in course.schedule
        if kind is None or s.kind is kind
    ]
