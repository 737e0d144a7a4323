"""A reissue refused in the words that fit: before the register is closed, and
for a person whose data was erased."""

from __future__ import annotations

import pytest

from booking.domain.errors import Conflict, NotFound
from booking.services import people, register
from booking.services.ports import Ports
from tests.fakes import Clock
from tests.support.register_steps import book, clock, ports, wang_completed

__all__ = ["clock", "ports"]  # the fixtures, used by name


def test_a_reissue_before_the_register_is_closed_says_so(ports: Ports, clock: Clock) -> None:
    wang = book(ports, "wang@example.org", "王小明")
    with pytest.raises(Conflict) as refused:
        register.reissue_certificate(ports, "c1", wang, "Wang Xiaoming")
    assert refused.value.code == "certificate_not_held"
    assert "the register is not closed yet" in str(refused.value)
    assert "did not complete" not in str(refused.value)


def test_a_reissue_for_an_erased_person_is_no_such_booking(ports: Ports, clock: Clock) -> None:
    wang = wang_completed(ports, clock)
    assert register.close(ports, "c1").unprintable_names == [wang]
    people.erase_person(ports, "wang@example.org")
    with pytest.raises(NotFound) as refused:
        register.reissue_certificate(ports, "c1", wang, "Wang Xiaoming")
    assert "erased" in str(refused.value)


def test_a_held_certificates_news_reissued_before_it_went_is_not_sent(
    ports: Ports, clock: Clock
) -> None:
    """ "It will follow" is not sent once it has followed: the reissue's email carries it."""
    from booking.domain.emails import EmailKind
    from booking.services.mailer import SendOutcome, send_email_job
    from tests.fakes.held import repo

    wang = wang_completed(ports, clock)
    register.close(ports, "c1")
    [held] = [j for j in repo(ports).written_emails if j.job_id.endswith(":held")]
    register.reissue_certificate(ports, "c1", wang, "Wang Xiaoming")
    assert send_email_job(ports, held) is SendOutcome.SKIPPED_GONE
    [reissued] = [
        j
        for j in repo(ports).written_emails
        if j.kind is EmailKind.CERTIFICATE and ":reissued:" in j.job_id
    ]
    assert send_email_job(ports, reissued) is SendOutcome.SENT
