"""A save that holds on an email's claim as it was read (``ApplicationStore.save``'s ``claim``),
on the fake and on the table alike: the refund's webhook undoes a move only while the mailer
has not claimed its email (``services.settle``: the last window of a refund racing a move)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.domain import errors
from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.services.ports import ClaimRead, EmailClaim, Repository
from tests.support.repository_records import NOW, application, definition, job

STALE = NOW - timedelta(minutes=3)
MOVED = "booking_transferred:a1:move-1"


def _stored(repo: Repository) -> tuple[Application, Application]:
    """Ada's application stored, and a change of it carrying an email."""
    repo.put_course("c1", definition())
    first = repo.save(application("a1"), None)
    cancelled = first.model_copy(update={"status": S.CANCELLED})
    return first, cancelled.with_emails(job("a1"))


def test_a_save_on_an_unclaimed_email_holds_while_nobody_claims_it(repo: Repository) -> None:
    first, cancelled = _stored(repo)
    saved = repo.save(cancelled, first, claim=ClaimRead(MOVED))
    assert (saved.version, saved.status) == (2, S.CANCELLED)
    assert repo.pending_emails(NOW + timedelta(days=1))  # its emails written with it
    assert repo.email_state(MOVED) is None  # a check only: the claim is not written


def test_a_save_on_an_unclaimed_email_loses_once_the_mailer_claimed_it(
    repo: Repository,
) -> None:
    first, cancelled = _stored(repo)
    assert repo.claim_email(MOVED, NOW, STALE) is EmailClaim.CLAIMED
    with pytest.raises(errors.StaleWrite):
        repo.save(cancelled, first, claim=ClaimRead(MOVED))
    stored = repo.get_application("a1")
    assert stored is not None
    assert (stored.version, stored.status) == (first.version, first.status)
    assert repo.pending_emails(NOW + timedelta(days=1)) == []  # none of its emails either
    assert repo.email_state(MOVED) == "sending"


@pytest.mark.parametrize("since", ["claimed again", "as read"])
def test_a_save_on_a_failed_send_holds_only_while_the_claim_still_says_so(
    repo: Repository, since: str
) -> None:
    first, cancelled = _stored(repo)
    repo.claim_email(MOVED, NOW, STALE)
    repo.finish_email(MOVED, "failed", NOW)
    read = ClaimRead(MOVED, repo.email_state(MOVED))
    if since == "claimed again":  # a retry of the send took it up again
        assert repo.claim_email(MOVED, NOW, STALE) is EmailClaim.CLAIMED
        with pytest.raises(errors.StaleWrite):
            repo.save(cancelled, first, claim=read)
        return
    assert repo.save(cancelled, first, claim=read).version == 2


def test_a_claim_that_moved_on_since_it_was_read_makes_the_save_lose(
    repo: Repository,
) -> None:
    first, cancelled = _stored(repo)
    repo.claim_email(MOVED, NOW, STALE)
    read = ClaimRead(MOVED, repo.email_state(MOVED))
    repo.finish_email(MOVED, "sent", NOW)
    with pytest.raises(errors.StaleWrite):
        repo.save(cancelled, first, claim=read)
