"""The console's notice after an organiser's action (``handlers.console_notices``): what was
done, and who was emailed about it, said from the application the action left; an erased
person's booking never says that they were emailed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import ApplicationStatus
from booking.handlers.console_notices import DONE_WORDS, NOT_EMAILED_SUPPRESSED, done_notice
from tests.support.applications import an_application

S = ApplicationStatus
NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
NOBODY = "Nobody was emailed: this person's data was erased; there is no one to send it to."
# Words that claim someone was sent something.
CLAIMS = ("has been emailed", "have been emailed", "has been told", "on its way to the applicant")


def _claims_an_email(notice: str) -> bool:
    return any(claim in notice for claim in CLAIMS)


@pytest.mark.parametrize("done", sorted(DONE_WORDS))
def test_no_notice_claims_an_email_to_an_erased_person(done: str) -> None:
    live = an_application(S.CONFIRMED, at=NOW)
    erased = live.erased(NOW)
    said_live, said_erased = done_notice(done, live, "gbp"), done_notice(done, erased, "gbp")
    assert not _claims_an_email(said_erased), said_erased
    _, told = DONE_WORDS[done]
    if told:  # the notice of an action that emails: said so for the living, not the erased
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
    live = an_application(S.CONFIRMED, at=NOW)
    for done, (_, told) in DONE_WORDS.items():
        said = done_notice(done, live, "gbp", suppressed=True)
        assert not _claims_an_email(said), said
        if told:
            assert said.endswith(NOT_EMAILED_SUPPRESSED)
    # Erased wins: the erasure is the reason nobody was emailed.
    erased = done_notice("cancelled", live.erased(NOW), "gbp", suppressed=True)
    assert erased.endswith(NOBODY)
