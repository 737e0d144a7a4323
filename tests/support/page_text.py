"""A page's words as a person reads them, for tests that look for a sentence in HTML."""

from __future__ import annotations

import html
import re


def text_of(page: str) -> str:
    """``page`` (HTML) without its tags, its entities read (``&amp;`` is ``&``) and its
    whitespace one space: a sentence split across elements or lines reads as one."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
