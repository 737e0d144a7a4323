"""The money totals say, beside the net, what refunds that failed at Stripe still hold, owed
back by hand (the programme page and CLI ``totals`` read a failed refund's
£200.00 as net income, with no word that it is owed back). One figure, ``refunds_failed``,
counted once (``domain.course_money``) and said alike on the course's Money page, the
programme page, the CLI and the ``/admin`` totals."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.test_refund_failed_once import _failed
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.stripe_events import paid
from tests.support.system import COURSE_ID, System

OWED = "Of which refunds failed at Stripe, still to give back by hand"


def test_the_totals_say_what_failed_refunds_still_owe_back(
    system: System, run: Callable[..., tuple[int, str]]
) -> None:
    _failed(system)
    paid(system, "still-booked@example.org")
    totals = system.totals(COURSE_ID)
    assert (totals["paid"], totals["net"], totals["refunds_failed"]) == (40000, 40000, 20000)
    status, said = run("totals", COURSE_ID)
    assert status == 0, said
    assert f"Net (paid in less refunded): £400.00\n{OWED}: £200.00" in said
    browser = signed_in(system)
    programme = system.course()["programme"]
    for path in (f"/console/courses/{COURSE_ID}/money", f"/console/programmes/{programme}"):
        page = text_of(browser.get(path).body)
        assert f"{OWED} £200.00" in page, (path, page[:1500])


def test_nothing_is_said_owed_when_no_refund_failed(
    system: System, run: Callable[..., tuple[int, str]]
) -> None:
    paid(system, "still-booked@example.org")
    assert system.totals(COURSE_ID)["refunds_failed"] == 0
    status, said = run("totals", COURSE_ID)
    assert status == 0, said
    assert "Net (paid in less refunded): £200.00" in said
    assert OWED not in said
