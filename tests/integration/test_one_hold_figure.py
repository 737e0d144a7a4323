"""How long a checkout holds a place is one figure, from the one setting
(``domain.course.CHECKOUT_HOLD``), said the same in the acknowledgement, the README and the
docs beside it (a newcomer read 30 minutes in the email and 31 in the README)."""

from __future__ import annotations

import re
from pathlib import Path

from booking.domain.course import CHECKOUT_HOLD, CHECKOUT_HOLD_SAID
from tests.support.system import System

ROOT = Path(__file__).resolve().parents[2]


def test_the_hold_in_words_is_the_setting() -> None:
    assert f"{CHECKOUT_HOLD.seconds // 60} minutes" == CHECKOUT_HOLD_SAID


def test_the_acknowledgement_says_the_hold_the_checkout_has(system: System) -> None:
    system.apply()
    [told] = [e for e in system.deliver_emails() if "held for" in e.text]
    for body in (" ".join(told.text.split()), " ".join(told.html.split())):
        assert f"Your place is held for {CHECKOUT_HOLD_SAID} while you pay" in body


def test_the_readme_and_the_docs_say_the_same_hold() -> None:
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    text = " ".join(" ".join(d.read_text(encoding="utf-8").split()) for d in documents)
    said = re.findall(r"(?:expiring after|hold runs out|deadline) \(?(\d+ minutes)", text)
    assert said
    assert set(said) == {CHECKOUT_HOLD_SAID}, said
