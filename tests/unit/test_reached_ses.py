"""Whether a job's message reached SES, read from its claim (``services.email_claims``): the
reading the decisions that wait on another send share (a group place's end on its link, news
of a closing on the news before it). A ``sending`` claim is a send at work only while a
delivery can still be making it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.services.email_claims import ClaimHeld, reached_ses

NOW = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
TIMEOUT = timedelta(seconds=180)


@pytest.mark.parametrize("state", ["sent", "sent_unconfirmed"])
def test_a_claim_whose_ses_call_was_made_reached_ses_however_old(state: str) -> None:
    assert reached_ses(ClaimHeld(state, NOW - timedelta(days=3)), NOW - TIMEOUT) is True


@pytest.mark.parametrize("state", ["failed", "skipped_gone", "skipped_told"])
def test_a_failed_or_skipped_claim_did_not(state: str) -> None:
    assert reached_ses(ClaimHeld(state, NOW), NOW - TIMEOUT) is False


def test_no_claim_did_not() -> None:
    assert reached_ses(None, NOW - TIMEOUT) is False


def test_a_sending_claim_is_undecided_while_a_delivery_may_still_make_it() -> None:
    assert reached_ses(ClaimHeld("sending", NOW - TIMEOUT), NOW - TIMEOUT) is None
    assert reached_ses(ClaimHeld("sending", NOW), NOW - TIMEOUT) is None


def test_a_sending_claim_older_than_the_timeout_belongs_to_a_dead_delivery() -> None:
    stale = NOW - TIMEOUT - timedelta(seconds=1)
    assert reached_ses(ClaimHeld("sending", stale), NOW - TIMEOUT) is False
