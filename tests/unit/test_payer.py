"""Who paid for a booking and who is told of its money (``domain.payer``), and how the
person's page words a refund of an employer's payment (``domain.standing``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from booking.domain.application import ERASED, ERASED_EMAIL, Application, ApplicationStatus
from booking.domain.billing import BillingDetails
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.groups import Colleague, GroupStatus
from booking.domain.payer import (
    AN_ORGANISATION,
    Payer,
    billing_contact_told,
    billing_notice,
    group_billing_notice,
    group_recipient,
    payer_of,
    payer_told_of_move_refund,
    told_of,
)
from booking.domain.standing import Facts, standing
from tests.support.applications import (
    ACCOUNTS,
    an_application,
    an_invoice,
    an_invoiced_application,
    answers_of,
)
from tests.support.cohort_2025 import COHORT_2025_ID
from tests.support.composed_emails import composed, course_2025
from tests.support.group_bookings import group_by_invoice

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)
PERSON = answers_of().email
BILLING = ACCOUNTS


def _by_invoice(status: str = "paid", billing: BillingDetails | None = BILLING) -> Application:
    invoice = an_invoice(at=NOW, status=status)
    return an_invoiced_application(
        ApplicationStatus.CANCELLED, at=NOW, invoice=invoice, billing=billing
    )


def test_an_invoice_the_employer_paid_was_paid_by_the_organisation() -> None:
    assert payer_of(_by_invoice()) == Payer(BILLING.billing_name, BILLING.billing_email)
    assert payer_of(_by_invoice()).by_invoice
    # An invoice not paid, or a card payment: the person's own.
    assert payer_of(_by_invoice(status="open")) == Payer()
    assert payer_of(an_application(ApplicationStatus.CONFIRMED, at=NOW)) == Payer()
    # Its billing details erased: an organisation still paid, nobody to tell.
    erased = _by_invoice(billing=BILLING.erased())
    assert payer_of(erased) == Payer(organisation=AN_ORGANISATION)


def _job(kind: EmailKind, reason: str | None = None) -> EmailJob:
    return EmailJob.about(kind, "app1", COHORT_2025_ID, reason=reason)


@pytest.mark.parametrize(
    "kind", [EmailKind.CANCELLED, EmailKind.PAYMENT_REFUNDED, EmailKind.INVOICE_ENDED]
)
def test_the_billing_contact_is_told_of_what_becomes_of_the_invoice_in_a_message_of_its_own(
    kind: EmailKind,
) -> None:
    """The person's message goes to the person alone; the billing contact's is its own job
    (its own id, claimed and sent once), to them alone."""
    paid = _by_invoice()
    job = _job(kind, "refunded")
    assert told_of(job, paid) == [PERSON]
    notice = billing_notice(job, paid)
    assert notice is not None
    assert notice.job_id == f"{job.job_id}:billing" != job.job_id
    assert (notice.kind, notice.reason, notice.to_billing_contact) == (kind, "refunded", True)
    assert told_of(notice, paid) == [BILLING.billing_email]
    assert billing_notice(notice, paid) is None  # its own message has none beside it


def test_the_billing_contact_is_told_nothing_else() -> None:
    paid = _by_invoice()
    for kind in (EmailKind.BOOKING_CONFIRMED, EmailKind.SESSION_REMINDER, EmailKind.CERTIFICATE):
        assert told_of(_job(kind), paid) == [PERSON]
        assert billing_notice(_job(kind), paid) is None
    # A refund of a card payment is the person's alone; so is a cancellation with no invoice.
    by_card = an_application(ApplicationStatus.REFUNDED, at=NOW, billing=BILLING)
    assert billing_contact_told(EmailKind.PAYMENT_REFUNDED, by_card) is None
    assert billing_contact_told(EmailKind.CANCELLED, by_card) is None
    assert billing_notice(_job(EmailKind.PAYMENT_REFUNDED), by_card) is None
    # An open invoice's booking cancelled: the invoice Stripe sent them is cancelled.
    notice = billing_notice(_job(EmailKind.CANCELLED), _by_invoice(status="open"))
    assert notice is not None
    assert told_of(notice, _by_invoice(status="open")) == [BILLING.billing_email]
    # Erased, or the person's own address: told once, as the person.
    erased = _by_invoice(billing=BILLING.erased())
    assert billing_notice(_job(EmailKind.CANCELLED), erased) is None
    own = _by_invoice(billing=BILLING.model_copy(update={"billing_email": PERSON.upper()}))
    assert billing_notice(_job(EmailKind.CANCELLED), own) is None
    # A billing contact erased after its message was queued: nobody is left to send it to.
    assert notice is not None
    assert told_of(notice, erased) == []


def test_the_persons_page_says_whose_payment_is_refunded_and_where_it_goes() -> None:
    cancelled = Facts(status="cancelled", reason="refund_requested", paid=20000)
    assert "your payment is being refunded" in standing(cancelled).explanation
    theirs = standing(Facts(**{**cancelled.__dict__, "paid_by": BILLING.billing_name}))
    assert "your payment" not in theirs.explanation
    assert f"the payment {BILLING.billing_name} made by invoice" in theirs.explanation
    assert "not to you" in theirs.explanation
    refunded = standing(
        Facts(status="refunded", reason="refunded", paid=20000, paid_by=BILLING.billing_name)
    )
    assert "your account" not in refunded.explanation
    assert f"the payment {BILLING.billing_name} made by invoice" in refunded.explanation


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        (EmailKind.MOVE_PAYMENT_DUE, f"£50.00 more than {BILLING.billing_name} paid by invoice"),
        (EmailKind.BOOKING_TRANSFERRED, f"what {BILLING.billing_name} paid stays with it"),
        (EmailKind.CANCELLED, f"does not refund the £200.00 {BILLING.billing_name} paid"),
    ],
)
def test_every_email_about_the_money_names_the_organisation_that_paid(
    kind: EmailKind, said: str
) -> None:
    paid = _by_invoice().model_copy(
        update={"status": ApplicationStatus.CONFIRMED, "amount_paid": 20000}
    )
    if kind is EmailKind.CANCELLED:
        paid = paid.model_copy(update={"status": ApplicationStatus.CANCELLED})
    job = EmailJob.about(kind, "app1", COHORT_2025_ID, amount=5000)
    message = composed(job, paid, course_2025(), told_of(job, paid))
    for body in (message.text, " ".join(re.sub(r"<[^>]+>", " ", message.html).split())):
        assert said in body
        assert "you paid" not in body
        assert "you have paid" not in body


def test_a_groups_money_back_is_told_its_billing_contact_in_a_message_of_its_own() -> None:
    """The employer's money back (a place's share): the manager's message to the manager
    alone, the billing contact's own beside it, to them alone (never one message
    to both, which carried the manager's page); the manager erased, only the billing
    contact's goes; nothing paid back, none."""
    paid = group_by_invoice(billing=BILLING).model_copy(
        update={"status": GroupStatus.PAID, "amount_paid": 60000}
    )
    assert paid.money_received == 60000
    share = EmailJob(
        job_id="j", kind=EmailKind.GROUP_CHANGED, application_id="g1", course_id="c1", amount=20000
    )
    accounts = BILLING.billing_email
    assert group_recipient(share, paid) == paid.manager.email
    notice = group_billing_notice(share, paid)
    assert notice is not None
    assert (notice.job_id, notice.to_billing_contact) == ("j:billing", True)
    assert group_recipient(notice, paid) == accounts
    assert group_billing_notice(notice, paid) is None  # never a notice of a notice
    erased = paid.model_copy(
        update={"manager": Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)}
    )
    assert group_recipient(share, erased) is None  # no message to the placeholder
    assert group_recipient(notice, erased) == accounts
    nothing_back = share.model_copy(update={"amount": 0})
    assert group_billing_notice(nothing_back, paid) is None
    unpaid_notice = nothing_back.model_copy(update={"to_billing_contact": True})
    assert group_recipient(unpaid_notice, erased) is None


def test_a_moves_refund_of_the_employers_money_is_told_to_its_billing_contact_alone() -> None:
    """The person hears of it in the move's email (with the joining link and calendar): the
    billing contact gets a message of its own; none when erased or the person is their own."""
    booking = _by_invoice()
    [job] = payer_told_of_move_refund(booking, 1, 1, 5000)
    assert (job.kind, job.reason, job.amount) == (EmailKind.PAYMENT_REFUNDED, "moved_cheaper", 5000)
    assert told_of(job, booking) == [BILLING.billing_email]
    assert payer_told_of_move_refund(_by_invoice(billing=BILLING.erased()), 1, 1, 5000) == ()
    own = BILLING.model_copy(update={"billing_email": PERSON})
    assert payer_told_of_move_refund(_by_invoice(billing=own), 1, 1, 5000) == ()
    assert (
        payer_told_of_move_refund(an_application(ApplicationStatus.CONFIRMED, at=NOW), 1, 1, 5000)
        == ()
    )


def test_what_a_billing_contact_may_see_is_one_rule_for_every_message() -> None:
    """A person's or a group's values, as the billing contact's own message has them: no link
    that acts for anyone, no answers, no joining link, no manager named."""
    from booking.domain.payer import WITHHELD_FROM_THE_BILLING_CONTACT, as_the_billing_contact_sees

    persons = {"status_url": "https://b/a?token=t", "answers": ["x"], "name": "Ada"}
    seen = as_the_billing_contact_sees(persons)
    assert seen == {"status_url": "", "answers": [], "name": "Ada", "billing_alone": True}
    managers = {"manager_url": "https://b/g?token=t", "apply_url": "u", "manager_name": "F"}
    assert as_the_billing_contact_sees(managers) == {
        **{k: WITHHELD_FROM_THE_BILLING_CONTACT[k] for k in managers},
        "billing_alone": True,
    }
