"""Who paid for a booking, and who is told what becomes of that money: the one rule every
message about money paid follows (a cancellation, a refund, an invoice that ended).

A booking paid by the employer's invoice was paid by the organisation, named as the invoice is
addressed (its billing name): its money goes back to it, never to the person, and its billing
contact (to whom Stripe sent the invoice) is told of what becomes of it, as of the end of an
invoice still open, in a message of its own (``billing_notice``): the person's message is the
person's alone (it carries their status link and calendar file). A person who paid by card
paid themselves. A group booking's billing contact, likewise, hears of the money its invoice
paid going back in a message of its own (``group_billing_notice``), never in the manager's.
What any billing contact's own message may carry is one rule (``as_the_billing_contact_sees``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef, PaymentMethod
from booking.domain.billing_details import BillingDetails
from booking.domain.email_records import ReplacedBilling
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.former_contacts import replaced_contact_named
from booking.domain.group_events import GroupEvent
from booking.domain.statuses import ERASED_EMAIL

if TYPE_CHECKING:  # a group booking's rules word things with domain.wording, which reads these
    from booking.domain.groups import GroupBooking

# Said of an organisation whose billing details were erased.
AN_ORGANISATION = "your organisation"
# Messages about an employer's invoice or the money it paid: its billing contact is told too,
# in a message of its own (``billing_notice``).
ABOUT_THE_INVOICE = frozenset(
    {
        EmailKind.INVOICE_ENDED,
        EmailKind.INVOICE_PAYMENT_FAILED,
        EmailKind.CANCELLED,
        EmailKind.PAYMENT_REFUNDED,
        EmailKind.PAYMENT_RECEIVED,
    }
)


# A refund of the employer's money the person hears of in another message (a move to a cheaper
# cohort: the move's email says it, with the joining link and the calendar file, which are the
# person's): its own message goes to the billing contact alone (``told_of``).
MOVED_CHEAPER = "moved_cheaper"
TO_THE_PAYER_ALONE = frozenset({MOVED_CHEAPER})
# The billing contact's own message beside the person's: the person's job id and this.
BILLING_NOTICE_SUFFIX = "billing"


@dataclass(frozen=True)
class Payer:
    """Who paid: ``organisation`` (its billing name) when an employer's invoice paid, "" when
    the person did; ``billing_email``: its billing contact ("" when none or erased)."""

    organisation: str = ""
    billing_email: str = ""

    @property
    def by_invoice(self) -> bool:
        return bool(self.organisation)


def payer_of(application: Application, job: EmailJob | None = None) -> Payer:
    """Who paid for the booking (or would have: an invoice still open is the organisation's
    to pay); with ``job``, a refund's message, who paid the money it gives back (an invoice
    the booking no longer holds was the organisation's all the same)."""
    invoice, billing = application.invoice, application.billing
    by_invoice = job is not None and job.refunded_invoice is not None
    if billing is None or (not by_invoice and (invoice is None or invoice.status != "paid")):
        return Payer()
    if billing.billing_email == ERASED_EMAIL:
        return Payer(organisation=AN_ORGANISATION)
    return Payer(organisation=billing.billing_name, billing_email=billing.billing_email)


def refunded_invoice_number(job: EmailJob, application: Application) -> str | None:
    """The number of the invoice whose payment a refund's message gives back: the one the job
    names (a replaced invoice's), else the booking's own."""
    if job.refunded_invoice is not None:
        return job.refunded_invoice
    return application.invoice.number if application.invoice else None


def billing_contact_told(
    kind: EmailKind, application: Application, job: EmailJob | None = None
) -> str | None:
    """The billing contact told of what a message about the application says, if any (in a
    message of its own: ``billing_notice``): one about an invoice Stripe sent them (ended, or
    its booking cancelled) or the money it paid (``job``: the message, when it says whose)."""
    billing = application.billing
    if kind not in ABOUT_THE_INVOICE or billing is None or billing.billing_email == ERASED_EMAIL:
        return None
    if job is not None and job.replaced_billing is not None:
        # The contact the replaced invoice went to, unless erased since it was queued.
        return replaced_contact_named(job.replaced_billing, application.former_billing)
    if _not_for_the_billing_contact(kind, application, job):
        return None
    return billing.billing_email


def _not_for_the_billing_contact(
    kind: EmailKind, application: Application, job: EmailJob | None
) -> bool:
    """Whether a message about the invoice is none of its billing contact's to hear apart."""
    if kind is EmailKind.PAYMENT_REFUNDED and not payer_of(application, job).by_invoice:
        return True  # a card payment refunded: the person's own money
    if kind is EmailKind.CANCELLED and application.invoice is None:
        return True  # no invoice was sent them
    billing = application.billing
    # The person is their own billing contact: told once.
    return (
        billing is not None and billing.billing_email.lower() == application.answers.email.lower()
    )


# A group's news that is not money going back, though it names an amount: a new invoice for the
# places kept (Stripe sends the billing contact the invoice itself, even when it was paid
# before the manager's email went).
NOT_MONEY_BACK = frozenset({GroupEvent.INVOICE_REISSUED.value})


def _every_place_given_up_unpaid(job: EmailJob) -> bool:
    """Every place given up before the invoice was paid: the invoice sent to the billing
    contact is cancelled and nothing replaces it, so they hear it holds nothing now."""
    return job.reason == GroupEvent.INVOICE_REISSUED and job.places_kept == 0


def group_billing_contact_told(job: EmailJob, group: GroupBooking) -> str | None:
    """The billing contact told, in a message of its own (``group_billing_notice``), of what a
    message to a group's manager says, if any: money the group's invoice paid going back (a
    place given up, places nobody applied for, a refund at Stripe), the booking ending with
    the invoice sent them unpaid (it no longer holds places, as one person's ``INVOICE_ENDED``
    tells theirs), every place given up before it was paid included, or a
    payment of that invoice failed (as one person's ``INVOICE_PAYMENT_FAILED``)."""
    contact = _group_billing_contact_apart(job, group)
    if contact is None or not _news_for_the_payer(job, group):
        return None
    return contact


def _group_billing_contact_apart(job: EmailJob, group: GroupBooking) -> str | None:
    """The address of the billing contact of ``group``'s invoice, when a message to its
    manager (``GROUP_CHANGED``) may be theirs to hear apart: not the manager, not erased."""
    billing = group.billing
    if (
        job.kind is not EmailKind.GROUP_CHANGED
        or group.payment_method is not PaymentMethod.INVOICE
        or billing is None
    ):
        return None
    email = billing.billing_email
    if email == ERASED_EMAIL or email.lower() == group.manager.email.lower():
        return None
    return email


def _news_for_the_payer(job: EmailJob, group: GroupBooking) -> bool:
    """Whether what the manager's message says is news for whoever pays the invoice."""
    # A payment of the invoice sent them failed: it is still theirs to pay; or
    # its payment outside Stripe was recorded: acknowledged to them.
    if job.reason in (GroupEvent.INVOICE_PAYMENT_FAILED, GroupEvent.PAYMENT_RECEIVED):
        return True
    # Ended unpaid: the invoice sent to its billing contact holds nothing now, whether or not
    # money went back.
    ended_unpaid = group.invoice is not None and (
        job.reason == GroupEvent.HOLD_LAPSED or _every_place_given_up_unpaid(job)
    )
    money_back = (
        job.reason not in NOT_MONEY_BACK
        and bool(job.amount)
        and group.money_received > 0  # nothing paid yet: a reissued invoice is Stripe's to send
    )
    return ended_unpaid or money_back or _owed_by_hand(job, group)


def _owed_by_hand(job: EmailJob, group: GroupBooking) -> bool:
    """Paid outside Stripe (a bank transfer recorded): a place's share given up is owed back
    by hand, to the payer as much as one refunded at Stripe would be."""
    # The groups' money rules load with a group's message, not with every function's init.
    from booking.domain.employer_share import paid_off_stripe

    given_up = job.reason in (GroupEvent.PLACE_GIVEN_UP, GroupEvent.UNFILLED_RELEASED)
    return given_up and paid_off_stripe(group)


def payer_told_of_move_refund(
    application: Application, move: int, part: int, amount: int
) -> tuple[EmailJob, ...]:
    """The billing contact's own message about a move's refund to the employer's payment (the
    person's is the move's email), when there is a billing contact to tell apart from them."""
    if billing_contact_told(EmailKind.PAYMENT_REFUNDED, application) is None:
        return ()
    return (
        application.email(
            EmailKind.PAYMENT_REFUNDED,
            occasion=f"move-{move}-{part}",
            reason=MOVED_CHEAPER,
            amount=amount,
        ),
    )


def group_recipient(job: EmailJob, group: GroupBooking) -> str | None:
    """The one address a message to a group's manager goes to: the manager (None once erased:
    their page is dead); its billing contact for the billing contact's own message
    (``group_billing_notice``). Never both: the manager's message carries their page, which
    can change the places and shows every colleague, and is theirs alone."""
    if job.replaced_billing is not None:
        # The contact the replaced invoice went to, unless erased since it was queued.
        return replaced_contact_named(job.replaced_billing, group.former_billing)
    if job.to_billing_contact:
        return group_billing_contact_told(job, group)
    return None if group.manager_erased else group.manager.email


def group_billing_notice(job: EmailJob, group: GroupBooking) -> EmailJob | None:
    """The billing contact's own message beside the manager's about money its invoice paid
    going back (``group_billing_contact_told``), as for one person's booking
    (``billing_notice``): the same news, its own job id, to them alone, worded for the payer
    (``as_the_billing_contact_sees``)."""
    if job.to_billing_contact or group_billing_contact_told(job, group) is None:
        return None
    return _billing_contacts_own(job)


# A whole-price bursary on an invoiced booking: its open invoice is voided, the place booked.
FUNDED_BY_BURSARY = "funded_by_bursary"


def bursary_void_notice(application: Application) -> EmailJob | None:
    """The billing contact's own message that a whole-price bursary cancelled the open invoice
    Stripe sent them, the place still booked (they were told nothing, where
    every other void tells them); None without an open invoice. Sent to them alone
    (``told_of``: nobody when there is none apart from the person)."""
    invoice = application.invoice
    if invoice is None or not application.has_open_invoice():
        return None
    job = application.email(
        EmailKind.INVOICE_ENDED, occasion=f"bursary-{invoice.invoice_id}", reason=FUNDED_BY_BURSARY
    )
    return _billing_contacts_own(job)


def replaced_invoice_notice(application: Application, corrected: BillingDetails) -> EmailJob | None:
    """The message to the billing contact ``application``'s open invoice was sent to, when a
    correction sends the new one to another (``corrected``): that invoice, by its number, was
    replaced and they need not pay it. Its id is the old invoice's: one message however often
    the correction is pressed, retried or completed by the sweep. None when the contact stays
    the same (Stripe sends them the new invoice), was erased, or is the person, who is told
    of the new invoice in their own message."""
    invoice, billing = application.invoice, application.billing
    replaced = _corrected_away(invoice, billing, corrected)
    if invoice is None or replaced is None:
        return None
    if replaced.billing_email.lower() == application.answers.email.lower():
        return None
    job = application.email(
        EmailKind.INVOICE_ENDED,
        occasion=f"corrected-{invoice.invoice_id}",
        reason=GroupEvent.INVOICE_CORRECTED.value,
        amount=invoice.amount_due,
    )
    return _billing_contacts_own(job).model_copy(update={"replaced_billing": replaced})


def group_replaced_invoice_notice(
    group: GroupBooking, corrected: BillingDetails
) -> EmailJob | None:
    """As :func:`replaced_invoice_notice`, for a group's invoice corrected by the organisers:
    the contact it was sent to (the manager too, who is emailed nothing else of it) told, in
    the billing contact's own message about the group, that it was replaced and need not be
    paid; keyed by the old invoice."""
    invoice = group.invoice
    replaced = _corrected_away(invoice, group.billing, corrected)
    if invoice is None or replaced is None:
        return None
    return EmailJob.group_changed(
        group.group_id,
        group.course_id,
        GroupEvent.INVOICE_CORRECTED.value,
        invoice.invoice_id,
        to_billing_contact=True,
        amount=invoice.amount_due,
        replaced_billing=replaced,
    )


def _corrected_away(
    invoice: InvoiceRef | None, billing: BillingDetails | None, corrected: BillingDetails
) -> ReplacedBilling | None:
    """The billing contact an open ``invoice`` was sent to (``billing``), when a correction
    sends the new one to another (``corrected``): told it was replaced. None when there is no
    invoice, the contact stays the same (Stripe sends them the new invoice) or was erased.
    One rule for a person's invoice and a group's."""
    if invoice is None or billing is None or billing.billing_email == ERASED_EMAIL:
        return None
    if billing.billing_email.lower() == corrected.billing_email.lower():
        return None
    return ReplacedBilling(
        billing_name=billing.billing_name,
        billing_email=billing.billing_email,
        invoice_number=invoice.number or invoice.invoice_id,
    )


def payment_received_told(application: Application, invoice_id: str) -> Application:
    """``application`` with the acknowledgement that its invoice ``invoice_id`` was paid
    outside Stripe queued: to its billing contact alone, in a message of its own; to
    the person when there is none apart from them (their own billing contact). Its id is the
    invoice's: one message per recording, however often it is pressed or replayed."""
    job = application.email(EmailKind.PAYMENT_RECEIVED, occasion=invoice_id)
    return application.with_emails(billing_notice(job, application) or job)


def _billing_contacts_own(job: EmailJob) -> EmailJob:
    """``job``'s copy for the billing contact alone: claimed and sent once, by its own id."""
    return job.model_copy(
        update={"job_id": f"{job.job_id}:{BILLING_NOTICE_SUFFIX}", "to_billing_contact": True}
    )


# What a message written to a billing contact alone never carries, whoever's booking it is
# about (one person's, or a group's): each value as it is blanked. A payer is told what
# changed in money and for which booking; never a link that acts for someone (the person's
# status page, the manager's page, a colleague's link to apply), nor what only the people
# booked hold (their answers, the joining link, who manages the places).
WITHHELD_FROM_THE_BILLING_CONTACT: dict[str, Any] = {
    "status_url": "",
    "manager_url": "",
    "apply_url": None,
    "answers": [],
    "joining_url": None,
    "manager_name": "",
}


def as_the_billing_contact_sees(values: Mapping[str, Any]) -> dict[str, Any]:
    """A message's values as its billing contact's own message has them: what
    ``WITHHELD_FROM_THE_BILLING_CONTACT`` names blanked (only those a message has)."""
    withheld = {k: v for k, v in WITHHELD_FROM_THE_BILLING_CONTACT.items() if k in values}
    return {**values, **withheld, "billing_alone": True}


def to_billing_contact_alone(job: EmailJob) -> bool:
    """Whether a message is written to the billing contact alone: its own message beside the
    person's (``billing_notice``), or a refund the person heard of otherwise."""
    return job.to_billing_contact or job.reason in TO_THE_PAYER_ALONE


def told_of(job: EmailJob, application: Application) -> list[str]:
    """Everyone a message about the application goes to: the person; a message written to the
    billing contact alone (``to_billing_contact_alone``), the billing contact, while there is
    one to tell (``billing_contact_told``: none when erased or the person's own address)."""
    if not to_billing_contact_alone(job):
        return [application.answers.email]
    billing = billing_contact_told(job.kind, application, job)
    return [billing] if billing else []


def billing_notice(job: EmailJob, application: Application) -> EmailJob | None:
    """The billing contact's own message beside the person's about their invoice or the money
    it paid (a cancellation, a refund, an invoice that ended), when there is a billing contact
    to tell apart from the person: the same news, its own job id (claimed and sent once), to
    them alone, without the person's status link, calendar file or answers."""
    if to_billing_contact_alone(job) or billing_contact_told(job.kind, application, job) is None:
        return None
    return _billing_contacts_own(job)


# The words a billing contact's message has for a person erased: nothing of them (the subject
# carries the booking's reference).
THE_PARTICIPANT = "the participant"
# An erased person's booking: what the billing contact is still told of (money going back to
# the employer's account).
REFUND_REASONS = frozenset({"refund_requested", "cancelled_and_refunded"})


def named(application: Application) -> str:
    """The person as a message names them: an erased one is not named (``THE_PARTICIPANT``)."""
    return THE_PARTICIPANT if application.is_erased else application.answers.name


def erased_persons_notice(job: EmailJob, application: Application) -> EmailJob | None:
    """The one message about an erased person's booking that still goes: its billing contact's
    own, of the money the employer's invoice paid going back to its account (a refund, or a
    cancellation with one), as a group's billing contact is told once its manager is erased
    (one rule whether or not the person was erased). None: nothing goes."""
    notice = job if to_billing_contact_alone(job) else billing_notice(job, application)
    if notice is None or not payer_of(application, notice).by_invoice:
        return None
    if notice.kind is EmailKind.PAYMENT_REFUNDED or (
        notice.kind is EmailKind.CANCELLED and _refunded(application)
    ):
        return notice
    return None


def _refunded(application: Application) -> bool:
    return application.status.value == "refunded" or application.status_reason in REFUND_REASONS


def billing_told_though_erased(application: Application) -> bool:
    """An erased person's booking refunded: its billing contact is told (``erased_persons_notice``),
    as the console's notice says."""
    return (
        application.is_erased
        and _refunded(application)
        and billing_contact_told(EmailKind.PAYMENT_REFUNDED, application) is not None
    )
