"""The application page's notice after an action is true when it is shown: one that says where
the application stands is said only while it still does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import ApplicationStatus
from booking.domain.money import Money
from booking.domain.transfer_record import PendingMove, WaitingMove
from booking.handlers.console_notices import DONE_WORDS, done_notice
from booking.handlers.routes.console import DONE
from tests.support.applications import an_application

AT = datetime(2027, 5, 1, 9, tzinfo=UTC)
S = ApplicationStatus
PENDING = PendingMove(
    to_course_id="winter",
    price_before=Money(amount=20000, currency="gbp"),
    price_after=Money(amount=25000, currency="gbp"),
    difference=5000,
    asked_at=AT,
    expires_at=AT + timedelta(hours=1),
    attempt=1,
)
WAITING = WaitingMove(to_course_id="summer", asked_at=AT, ends_at=AT + timedelta(days=30))


def test_every_notice_an_action_may_leave_has_words() -> None:
    assert set(DONE) <= set(DONE_WORDS)


@pytest.mark.parametrize(
    ("done", "still", "no_longer"),
    [
        (
            "approved_waitlisted",
            {"status": S.WAITLISTED},
            {"status": S.OFFERED},  # a place freed before the page was shown
        ),
        ("move_asked", {"status": S.CONFIRMED, "pending_move": PENDING}, {"status": S.CONFIRMED}),
        (
            "move_asked_already",
            {"status": S.CONFIRMED, "pending_move": PENDING},
            {"status": S.CONFIRMED},
        ),
        ("move_waiting", {"status": S.CONFIRMED, "waiting_move": WAITING}, {"status": S.CONFIRMED}),
    ],
)
def test_a_notice_of_where_the_application_stands_is_said_only_while_it_does(
    done: str, still: dict[str, object], no_longer: dict[str, object]
) -> None:
    def shown(fields: dict[str, object]) -> str:
        status = fields.pop("status")
        assert isinstance(status, ApplicationStatus)
        return done_notice(done, an_application(status, at=AT, **fields), "gbp")

    assert shown(dict(still)) == DONE_WORDS[done]
    assert shown(dict(no_longer)) == ""


def test_a_notice_of_what_was_done_is_said_whatever_came_after() -> None:
    # Approved, then cancelled by someone else before the page was shown: it was approved.
    cancelled = an_application(S.CANCELLED, at=AT)
    assert done_notice("approved", cancelled, "gbp") == DONE_WORDS["approved"]
    assert done_notice("no-such-notice", cancelled, "gbp") == ""
