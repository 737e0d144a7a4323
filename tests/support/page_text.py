"""A page's words as a person reads them, for tests that look for a sentence in HTML."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pypdf


def text_of(page: str) -> str:
    """``page`` (HTML) without its tags, its entities read (``&amp;`` is ``&``) and its
    whitespace one space: a sentence split across elements or lines reads as one."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def says_all(page: str, *phrases: str) -> None:
    """Each of ``phrases`` stands in ``page`` as written; those missing are named together."""
    missing = [phrase for phrase in phrases if phrase not in page]
    assert not missing, missing


def pdf_text(content: bytes) -> str:
    """The text of a PDF's pages (a certificate, a register), a page a line."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def day_as_emailed(day: date | str) -> str:
    """A day (or its ISO date, as the API gives it) as the emails write it: "Monday 4 January
    2027"."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day:%A} {day.day} {day:%B %Y}"
