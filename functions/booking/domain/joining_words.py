"""The joining link, promised only where the course has one (a course saved
with no joining link was said to have emailed "the joining link"): every page and email that
lists what a person is sent names the link through :func:`the_link`, so none names one the
course does not have. Only confirmed participants ever get it (CONTRACT: never public)."""

from __future__ import annotations

JOINING_LINK = "the joining link"


def the_link(has_link: bool) -> tuple[str, ...]:
    """The joining link as one of the things a person is sent, when the course has one."""
    return (JOINING_LINK,) if has_link else ()


def in_a_list(*items: str) -> str:
    """ "the dates, the joining link and a calendar file": items joined as a sentence lists them."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def online_said(has_link: bool) -> str:
    """What the public page says of a course held online."""
    if has_link:
        return f"Every session is online: confirmed participants get {JOINING_LINK} by email."
    return "Every session is online."
