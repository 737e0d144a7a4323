"""A one-person booking's billing contact is told of a cancellation, a refund or an invoice
that ended in a message of its own (``domain.payer.billing_notice``): composed without the
person's address, answers, status link or calendar file, sent once by its own job id, never to
an erased or suppressed address; the person's message goes to the person alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.invoices import InvoiceEventKind
from booking.domain.payer import billing_notice, told_of
from booking.services import applications, lifecycle
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.ports import Ports
from tests.fakes import FakeEmailSender
from tests.fakes.held import repo
from tests.support.applications import ACCOUNTS as BILLING
from tests.support.applications import an_invoice, an_invoiced_application, answers_of
from tests.support.billing_steps import by_invoice, clock, invoice_event, ports
from tests.support.cohort_2025 import COHORT_2025_ID
from tests.support.composed_emails import composed, course_2025

__all__ = ["clock", "ports"]  # the fixtures these tests share with the billing use cases

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)
PERSON = "ada@example.org"
ACCOUNTS = BILLING.billing_email
TRUST = BILLING.billing_name
ANSWERS = answers_of(
    PERSON, name="Ada Lovelace", motivation="A private reason", accessibility_needs="Step-free"
)


def _booking(status: ApplicationStatus, invoice_status: str = "paid") -> Application:
    return an_invoiced_application(
        status,
        at=NOW,
        invoice=an_invoice(at=NOW, number="INV-7", status=invoice_status),
        course_id=COHORT_2025_ID,
        answers=ANSWERS,
        reference="CL-7K3Q9",
        amount_paid=20000 if invoice_status == "paid" else 0,
    )


def _words(message: OutgoingEmail) -> list[str]:
    return [message.text, " ".join(re.sub(r"<[^>]+>", " ", message.html).split())]


@pytest.mark.parametrize(
    ("kind", "reason", "status", "invoice_status", "says"),
    [
        (
            EmailKind.PAYMENT_REFUNDED,
            "refunded",
            ApplicationStatus.REFUNDED,
            "paid",
            f"We have refunded the payment {TRUST} made by invoice INV-7 for Ada Lovelace's place",
        ),
        (
            EmailKind.CANCELLED,
            None,
            ApplicationStatus.CANCELLED,
            "paid",
            f"This cancellation does not refund the £200.00 {TRUST} paid by invoice",
        ),
        (
            EmailKind.CANCELLED,
            None,
            ApplicationStatus.CANCELLED,
            "void",
            "Invoice INV-7 has been cancelled, so nothing is owed on it",
        ),
        (
            EmailKind.INVOICE_ENDED,
            "invoice_overdue",
            ApplicationStatus.EXPIRED,
            "void",
            "that invoice INV-7 held for Ada Lovelace has gone back to the pool",
        ),
    ],
)
def test_the_billing_contacts_own_message_names_the_person_and_nothing_else_of_theirs(
    kind: EmailKind,
    reason: str | None,
    status: ApplicationStatus,
    invoice_status: str,
    says: str,
) -> None:
    booking = _booking(status, invoice_status)
    job = EmailJob.about(kind, booking.application_id, COHORT_2025_ID, reason=reason)
    notice = billing_notice(job, booking)
    assert notice is not None
    message = composed(notice, booking, course_2025(), told_of(notice, booking))
    assert message.to == [ACCOUNTS]
    assert message.attachments == []  # the person's calendar is not the payer's
    assert message.subject.endswith("(CL-7K3Q9)")
    for said in _words(message):
        assert says in said
        assert f"Dear {TRUST}," in said
        # The cohort by its first day, and nothing of the person's but their name.
        assert "Compassionate Leadership Training" in said
        for theirs in (PERSON, booking.token, "A private reason", "Step-free", "Ward manager"):
            assert theirs not in said
        assert "/applications/" not in said  # no status link
        assert "join" not in said.lower()
    # The person's message is the person's, with their link, greeted alone.
    own = composed(job, booking, course_2025(), told_of(job, booking))
    assert own.to == [PERSON]
    assert own.text.startswith("Dear Ada Lovelace,")
    assert booking.token in own.text


def _sent(ports: Ports) -> list[OutgoingEmail]:
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    return list(sender.sent)


def _paid_and_confirmed(ports: Ports) -> str:
    view = applications.submit_application(ports, "c1", by_invoice())
    invoice_event(ports, view.application_id, InvoiceEventKind.PAID)
    for job in repo(ports).written_emails:
        send_email_job(ports, job)  # the confirmation puts the sessions in the calendar
    return view.application_id


def _last_job(ports: Ports, kind: EmailKind) -> EmailJob:
    return [j for j in repo(ports).written_emails if j.kind is kind][-1]


def test_a_cancellation_of_an_invoice_paid_booking_is_sent_to_each_once(ports: Ports) -> None:
    """The mailer sends the person's message and then the billing contact's, each claimed by
    its own id: the queue's retry sends neither again."""
    application_id = _paid_and_confirmed(ports)
    before = len(_sent(ports))
    lifecycle.cancel(ports, application_id, refund=False)
    job = _last_job(ports, EmailKind.CANCELLED)

    assert send_email_job(ports, job) is SendOutcome.SENT
    person, accounts = _sent(ports)[before:]
    assert person.to == [PERSON]
    assert [a.filename for a in person.attachments] == ["cancel.ics"]
    assert accounts.to == [ACCOUNTS]
    assert accounts.attachments == []
    assert send_email_job(ports, job) is SendOutcome.DUPLICATE
    assert len(_sent(ports)) == before + 2


@pytest.mark.parametrize(
    ("suppressed", "told"),
    [
        pytest.param(ACCOUNTS, PERSON, id="the billing address is not written to"),
        pytest.param(PERSON, ACCOUNTS, id="the person's leaves the billing contact's message"),
    ],
)
def test_a_suppressed_address_is_not_written_to_and_the_other_is(
    ports: Ports, suppressed: str, told: str
) -> None:
    application_id = _paid_and_confirmed(ports)
    repo(ports).suppress_address(suppressed, "bounce", NOW)
    before = len(_sent(ports))
    lifecycle.cancel(ports, application_id, refund=False)
    assert send_email_job(ports, _last_job(ports, EmailKind.CANCELLED)) is SendOutcome.SENT
    assert [m.to for m in _sent(ports)[before:]] == [[told]]


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("awaiting_invoice_payment", "The newer invoice is the one to pay."),
        ("cancelled", "The booking had ended by then, so there is nothing more to pay."),
        ("expired", "The booking had ended by then, so there is nothing more to pay."),
        ("awaiting_payment", "we have given back what was paid on it."),
    ],
)
def test_a_replaced_invoices_payment_asks_for_the_newer_one_only_while_it_is_awaited(
    status: str, said: str
) -> None:
    from booking.domain.billing_notices import PAYMENT_REASON_WORDS, reason_as_of

    reason = reason_as_of("invoice_replaced", status)
    words = PAYMENT_REASON_WORDS[reason or ""]
    assert words.endswith(said)
    assert ("newer invoice is the one to pay" in words) is (status == "awaiting_invoice_payment")
    assert reason_as_of("not_needed", "cancelled") == "not_needed"  # other reasons as given
