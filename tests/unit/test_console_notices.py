"""The console's notice after an organiser's action (``handlers.console_notices``): what was
done, and who was emailed about it, said from the application the action left (an erased
person's booking never says that they were emailed), and true when it is shown (one that says
where the application stands is said only while it still does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.application import ApplicationStatus as S
from booking.domain.money import Money
from booking.domain.transfer_record import PendingMove, WaitingMove
from booking.handlers.console_notices import (
    DONE_WORDS,
    NOT_EMAILED_SUPPRESSED,
    done_notice,
    notice_of,
)
from booking.handlers.routes.console import ALREADY, DONE
from booking.services.acted import Acted
from tests.support.applications import an_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
AT = NOW
NOBODY = "Nobody was emailed: this person's data was erased; there is no one to send it to."
# Words that claim someone was sent something.
CLAIMS = ("has been emailed", "have been emailed", "has been told", "on its way to the applicant")
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
# Where an application stands for a notice that says so to be true; the others: confirmed.
STANDING: dict[str, dict[str, object]] = {
    "approved_waitlisted": {"status": S.WAITLISTED},
    "move_asked": {"status": S.CONFIRMED, "pending_move": PENDING},
    "move_asked_already": {"status": S.CONFIRMED, "pending_move": PENDING},
    "move_waiting": {"status": S.CONFIRMED, "waiting_move": WAITING},
}


def _standing_for(done: str) -> Application:
    fields = dict(STANDING.get(done, {"status": S.CONFIRMED}))
    status = fields.pop("status")
    assert isinstance(status, ApplicationStatus)
    return an_application(status, at=NOW).model_copy(update=fields)


def _words(done: str) -> str:
    return " ".join(part for part in DONE_WORDS[done] if part)


def _claims_an_email(notice: str) -> bool:
    return any(claim in notice for claim in CLAIMS)


@pytest.mark.parametrize("done", sorted(DONE_WORDS))
def test_no_notice_claims_an_email_to_an_erased_person(done: str) -> None:
    live = _standing_for(done)
    erased = live.erased(NOW)
    said_live, said_erased = done_notice(done, live, "gbp"), done_notice(done, erased, "gbp")
    assert not _claims_an_email(said_erased), said_erased
    _, told = DONE_WORDS[done]
    if done == "offer_resent":  # said with the address it went to, for the living
        told = told.replace("to them again", f"to them again at {live.answers.email}")
    if done in STANDING:  # the erasure ended where it stood, so that is no longer said
        assert said_erased == ""
    elif told:  # the notice of an action that emails: said so for the living, not the erased
        assert said_live.endswith(told)
        assert said_erased.endswith(NOBODY)
        assert said_erased.removesuffix(NOBODY) == said_live.removesuffix(told)
    else:
        assert said_erased == said_live


@pytest.mark.parametrize(
    ("changes", "did"),
    [
        (
            {"status": S.REFUNDED, "amount_paid": 20000, "amount_refunded": 20000},
            "Cancelled. £200.00 is being refunded in full through Stripe.",
        ),
        (
            {"status": S.CANCELLED, "amount_paid": 20000},
            "Cancelled without a refund: the £200.00 paid is kept.",
        ),
        (
            {"status": S.CANCELLED},
            "Cancelled. No money had been paid, so none is owed either way.",
        ),
    ],
)
def test_an_erased_persons_cancellation_says_the_money_and_that_nobody_was_emailed(
    changes: dict[str, object], did: str
) -> None:
    cancelled = an_application(S.CONFIRMED, at=NOW).model_copy(update=changes)
    assert done_notice("cancelled", cancelled, "gbp") == f"{did} The applicant has been emailed."
    assert done_notice("cancelled", cancelled.erased(NOW), "gbp") == f"{did} {NOBODY}"


def test_a_suppressed_address_is_never_said_to_have_been_emailed() -> None:
    for done, (_, told) in DONE_WORDS.items():
        live = _standing_for(done)
        said = done_notice(done, live, "gbp", suppressed=True)
        assert not _claims_an_email(said), said
        if told:
            assert said.endswith(NOT_EMAILED_SUPPRESSED)
    # Erased wins: the erasure is the reason nobody was emailed.
    erased = done_notice(
        "cancelled", _standing_for("cancelled").erased(NOW), "gbp", suppressed=True
    )
    assert erased.endswith(NOBODY)


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
        return done_notice(done, an_application(status, at=AT).model_copy(update=fields), "gbp")

    assert shown(dict(still)) == _words(done)
    assert shown(dict(no_longer)) == ""


def test_a_notice_of_what_was_done_is_said_whatever_came_after() -> None:
    # Approved, then cancelled by someone else before the page was shown: it was approved.
    cancelled = an_application(S.CANCELLED, at=AT)
    assert done_notice("approved", cancelled, "gbp") == _words("approved")
    assert done_notice("no-such-notice", cancelled, "gbp") == ""


@pytest.mark.parametrize("done", sorted(ALREADY))
def test_an_action_that_changed_nothing_says_so_and_claims_no_email(done: str) -> None:
    application = an_application(S.CANCELLED, at=NOW)
    assert notice_of(done, Acted(application, changed=True)) == done
    again = notice_of(done, Acted(application, changed=False))
    assert again == ALREADY[done]
    said = done_notice(again, application, "gbp")
    assert "Nothing changed this time" in said
    assert not _claims_an_email(said), said


def test_an_approval_on_a_full_course_says_it_waits() -> None:
    waiting = Acted(an_application(S.WAITLISTED, at=NOW), changed=True)
    offered = Acted(an_application(S.AWAITING_PAYMENT, at=NOW), changed=True)
    assert notice_of("approved", waiting) == "approved_waitlisted"
    assert notice_of("approved", offered) == "approved"
