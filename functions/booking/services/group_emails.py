"""Emails about a group booking (``domain.groups``): the manager's page, each colleague's link.

Like every email, a job names ids only: the group and, for a colleague, the place's number.
The people are read when it is sent, so a colleague substituted since is not sent the old
link (the substitute's job carries the new one), and a link is sent only while it can be used.
The job is claimed before sending, as the mailer claims every job, so it is sent once, and
leased as the last step before SES on the group being as it was read (``services.send_leases``):
once an erasure has answered, nothing about the person is sent.

Each message goes to one person (``domain.payer.group_recipient``): a colleague, the manager,
or, of the employer's money going back, the billing contact in a message of its own
(``domain.payer.group_billing_notice``, sent after the manager's from the same job, under its
own id). Every message is checked as it is composed: the manager's page goes to the manager
alone, a place's link to its colleague alone (``LinkMisaddressed`` otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from booking.domain.application import ERASED_EMAIL
from booking.domain.billing import PaymentMethod
from booking.domain.colleague_links import (
    first_link,
    link_went,
    place_gone_to_tell,
    place_to_link,
)
from booking.domain.colleague_told import PlaceEnd, colleague_told
from booking.domain.course import Course
from booking.domain.disputed_refunds import group_payment_held
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.employer_share import paid_off_stripe
from booking.domain.group_endings import GroupEnding, managers_headline, managers_why
from booking.domain.group_events import REFUNDED_ONCE_WON
from booking.domain.group_notices import (
    apply_by_move_said,
    returned_said,
)
from booking.domain.groups import (
    APPLY_BY_MOVED,
    APPLY_BY_PASSED,
    GroupBooking,
    GroupPlace,
    GroupStatus,
)
from booking.domain.money import money_if_any
from booking.domain.payer import (
    group_billing_notice,
    group_recipient,
)
from booking.domain.payment_received import received_words
from booking.domain.wording import moment_when, money_words
from booking.services.email_invoice import group_payer_values
from booking.services.emails_gone import claim_reached_ses
from booking.services.group_dates import apply_by_news_overtaken, record_told_apply_by
from booking.services.groups import course_said, group_message, manager_url, place_url
from booking.services.ports import EmailClaim, Ports
from booking.services.send_leases import SEND_LEASE, send_leased


class GroupEmailOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"
    SKIPPED_GONE = "skipped_gone"  # no such group or course, or the place's person changed
    SKIPPED_NO_RECIPIENT = "skipped_no_recipient"
    SKIPPED_NO_LINK = "skipped_no_link"  # a place's end, to a colleague never sent its link
    IN_FLIGHT = "in_flight"  # another delivery holds the claim: retry later


def _manager_occasion(group: GroupBooking, job: EmailJob) -> str | None:
    """What the manager's email is about, as the job recorded it (``booked``, ``paid``); None
    when it is no longer worth sending: the booked email once the group is paid (the paid
    email, which carries the same page, supersedes it) or has lapsed."""
    occasion = job.occasion
    awaiting = group.status in (GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT)
    if occasion == "booked" and not awaiting:
        return None
    return occasion


def _values(
    ports: Ports,
    job: EmailJob,
    group: GroupBooking,
    course: Course,
    place: GroupPlace | None,
    occasion: str,
) -> dict[str, Any]:
    definition = course.definition
    return {
        "course": course_said(course),
        "reference": None,
        "booked_on": None,
        "name": place.colleague.name if place else group.manager.name,
        "manager_name": group.manager.name,
        "group_organisation": group.organisation,
        # The event the email is about, never the state the group reached since.
        "paid": occasion == "paid",
        # Paid once the apply-by date had passed: no link went out (``domain.groups.paid``).
        "apply_by_passed": job.kind is EmailKind.GROUP_BOOKED and job.reason == APPLY_BY_PASSED,
        **_places_and_total(job, group),
        "apply_by": moment_when(group.apply_by, definition.timezone),
        # A colleague's link sent again: the course's dates moved the apply-by date earlier.
        "apply_by_moved": APPLY_BY_MOVED in (job.occasion or ""),
        # The same links as the manager's page (``services.groups``).
        "manager_url": manager_url(ports, group),
        "apply_url": place_url(ports, group, place) if place is not None else None,
        # A booking by invoice: the invoice sent to the billing contact, what it asks and when.
        "invoice": _invoice_said(group, definition.timezone),
        # Written to the billing contact alone (``domain.payer.as_the_billing_contact_sees``).
        "billing_alone": False,
        # Whether the manager was erased (their billing contact written to alone).
        "manager_erased": False,
    }


def _places_and_total(job: EmailJob, group: GroupBooking) -> dict[str, Any]:
    """The places and their total as the manager's booked or paid email's job recorded them
    (jobs queued before they were recorded, and other kinds: as they are now). Said with the
    group's invoice, they belong to it: once a give-up replaced the invoice the job was queued
    with, as they are now, with the new invoice (never one total with another
    invoice's number and link)."""
    invoice = group.invoice
    recorded = (
        job.kind is EmailKind.GROUP_BOOKED
        and job.places_kept is not None
        and (invoice is None or job.amount is None or invoice.amount_due == job.amount)
    )
    places = job.places_kept if recorded else None
    total = job.amount if recorded else None
    return {
        # How many the manager booked (a place given up stays on the record, released): said
        # beside the places kept when some were given up before the email went (never "thank
        # you for booking 1 place", or "the 1 place you booked is paid for", to one who booked 3).
        "booked": len(group.places),
        "places": places if places is not None else group.places_kept,
        "total": money_words(
            total if total is not None else group.total.amount, group.total.currency
        ),
    }


def _invoice_said(group: GroupBooking, zone: str) -> dict[str, str] | None:
    invoice = group.invoice
    if invoice is None:
        return None
    return {
        "number": invoice.number or "",
        "url": invoice.url,
        "due": moment_when(invoice.due_at, zone),
        "billing_email": group.billing.billing_email if group.billing else "",
        "billing_name": group.billing.billing_name if group.billing else "",
        "po_number": group.billing.po_number if group.billing else "",
        "received": received_words(invoice.received),  # paid outside Stripe: when, how
    }


def _numbers_said(numbers: tuple[int, ...]) -> str:
    """ "place 2", "places 2 and 3", "places 1, 2 and 4"."""
    said = [str(n) for n in numbers]
    if len(said) <= 1:
        return f"place {''.join(said)}"
    return f"places {', '.join(said[:-1])} and {said[-1]}"


def _change_said(ports: Ports, job: EmailJob, group: GroupBooking, zone: str) -> dict[str, Any]:
    """What a GROUP_CHANGED email says: the event as its job recorded it (which, what money,
    how many places kept, the dates moved), never the state the group reached since."""
    currency = group.price.currency
    return {
        "event": job.reason,
        # Shares of places released under a payer's bank's dispute, refunded once it was won.
        "after_dispute": job.occasion == REFUNDED_ONCE_WON,
        "amount": money_if_any(job.amount, currency),
        "places": _numbers_said(job.group_places),
        "how_many": len(job.group_places),
        "places_kept": job.places_kept,
        "by_card": group.payment_method is PaymentMethod.CARD,
        # Whether the group was paid (a place given up with nothing left to refund had its
        # share refunded before, at Stripe): paid once, for good.
        "paid": group.amount_paid > 0,
        # Paid outside Stripe (its invoice marked paid): a share of it cannot
        # go back through Stripe, nor was any of it refunded there.
        "paid_off_stripe": paid_off_stripe(group),
        "paid_total": money_words(group.amount_paid, currency),
        **_shares_said(job, group),
        "book_again_url": f"{ports.public_base_url}/courses/{group.course_id}/group-booking",
        # A hold that lapsed: why, as the step that ended it recorded (an ended booking never
        # changes again, so the group's record is the event's).
        "headline": managers_headline(group.ended_because),
        "why": managers_why(group.ended_because),
        "invoice_now": _reissued_invoice_now(job, group),
        # A payment given back: why it could not be taken, as recorded when it came.
        "returned_because": returned_said(job.returned_because),
        # The invoice that payment paid, as Stripe numbered it ("": the group's own, or none;
        # a replaced invoice's, never the new one left to pay).
        "paid_invoice": job.refunded_invoice or "",
        **apply_by_move_said(job, group.apply_by, zone),
    }


def _owed_now(group: GroupBooking, zone: str) -> dict[str, Any] | None:
    """What a card booking still waiting for its payment asks as the email goes: the total for
    the places kept, where to pay it and until when the places are held (a
    payment on a replaced checkout given back whole leaves the new one to pay); None else."""
    if group.status is not GroupStatus.AWAITING_PAYMENT or group.checkout is None:
        return None
    if group.hold_expires_at is None:
        return None
    return {
        "amount": money_words(group.total.amount, group.total.currency),
        "places_kept": group.places_kept,
        "pay_url": group.checkout.url,
        "until": moment_when(group.hold_expires_at, zone),
    }


def _shares_said(job: EmailJob, group: GroupBooking) -> dict[str, Any]:
    """The share of the payment the places a give-up or the deadline released were worth (a
    place's price, for good), and what of it a refund at Stripe had given back before (the
    rest is what the job's refund gave back, never the rest called the share)."""
    currency = group.price.currency
    share = group.price.amount * len(job.group_places)
    back = job.amount or 0
    paid_at_stripe = group.amount_paid > 0 and not paid_off_stripe(group)
    # Nothing given back while the payer's bank holds the payment in a dispute: said as that,
    # never as a refund made earlier at Stripe.
    disputed = paid_at_stripe and back == 0 and group_payment_held(group) > 0
    earlier = share - back if paid_at_stripe and 0 <= back < share and not disputed else 0
    return {
        "share": money_words(share, currency),
        "refunded_earlier": money_if_any(earlier, currency),
        "disputed": disputed,
    }


def _reissued_invoice_now(job: EmailJob, group: GroupBooking) -> str:
    """Where the invoice an ``invoice_reissued`` email names stands as it goes: ``to_pay`` (still
    the one to pay, so the email asks for it), ``paid``, or ``overtaken`` (replaced or cancelled
    since: the email must not ask anyone to pay a void invoice)."""
    invoice = group.invoice
    if invoice is None or job.occasion != f"invoice{invoice.attempt}":
        return "overtaken"
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT:
        return "to_pay"
    return "paid" if group.status is GroupStatus.PAID else "overtaken"


# How many times one delivery reads a job's group when it changed between the read and the
# send's lease (a webhook saving it meanwhile). Read again at once rather than handed back to the
# queue, whose visibility timeout (60 s) would let the emails of later events go first;
# only a group changing on every read waits for the queue.
_READS = 3


def send_group_email(ports: Ports, job: EmailJob, now: datetime) -> GroupEmailOutcome:
    """Send a group job's email if it is still worth sending, to whom can still be written to,
    once (the module's docstring says how); then, for the manager's news of the employer's
    money going back, its billing contact's own message (``domain.payer.group_billing_notice``),
    claimed by its own id, as the mailer sends one person's billing contact theirs."""
    for _ in range(_READS):
        outcome = _send_as_read(ports, job, now)
        if outcome is not None:
            return outcome
    return GroupEmailOutcome.IN_FLIGHT


def _send_as_read(ports: Ports, job: EmailJob, now: datetime) -> GroupEmailOutcome | None:
    """Send the job's emails as its group reads now; None when the group changed before a
    send's lease could be taken (that one not sent: read it again; one sent is a duplicate)."""
    about = _still_worth_sending(ports, job)
    if isinstance(about, GroupEmailOutcome):
        return about
    first = _send_to_whom_it_is_for(ports, job, about, now)
    notice = None if about.place else group_billing_notice(job, about.group)
    if first is None or notice is None:
        return first
    theirs = _send_to_whom_it_is_for(ports, notice, about, now)
    if theirs is None:
        return None
    if GroupEmailOutcome.IN_FLIGHT in (first, theirs):
        return GroupEmailOutcome.IN_FLIGHT  # the queue delivers it again: the other is done
    return first if first in (GroupEmailOutcome.SENT, GroupEmailOutcome.DUPLICATE) else theirs


def _send_to_whom_it_is_for(
    ports: Ports, job: EmailJob, about: _About, now: datetime
) -> GroupEmailOutcome | None:
    recipient = _recipient(ports, job, about)
    if recipient is None:
        return GroupEmailOutcome.SKIPPED_NO_RECIPIENT
    sent = send_once(ports, job, about.group, _message(ports, job, about, recipient), now)
    if sent is GroupEmailOutcome.SENT:
        record_told_apply_by(ports, job, about.group, about.place)  # the date it gave: next move
    return sent


@dataclass(frozen=True)
class _About:
    """What a job's email is about, as it is now: the group, its course, the place whose
    colleague is written to (None: the manager is) and the occasion (``booked``, ``paid``)."""

    group: GroupBooking
    course: Course
    place: GroupPlace | None
    occasion: str


# The kinds written to a place's colleague, and how each finds the place still to tell.
_PLACE_FINDERS = {
    EmailKind.GROUP_PLACE_LINK: place_to_link,
    EmailKind.GROUP_PLACE_GIVEN_UP: place_gone_to_tell,
}


def _still_worth_sending(ports: Ports, job: EmailJob) -> _About | GroupEmailOutcome:
    """What the job's email is about now, or SKIPPED_GONE: the group or its course gone, the
    place's colleague no longer the one it was for, the manager's booked email superseded."""
    group = ports.groups.get_group(job.application_id)
    course = ports.repository.get_course(job.course_id) if group else None
    if group is None or course is None:
        return GroupEmailOutcome.SKIPPED_GONE
    if apply_by_news_overtaken(ports, job, group, course):
        return GroupEmailOutcome.SKIPPED_GONE  # superseded: a newer move's email tells
    if job.kind in _PLACE_FINDERS:
        return _place_still_to_tell(ports, job, group, course)
    occasion = _manager_occasion(group, job) if job.kind is EmailKind.GROUP_BOOKED else "paid"
    if occasion is None:
        return GroupEmailOutcome.SKIPPED_GONE
    return _About(group, course, None, occasion)


def _place_still_to_tell(
    ports: Ports, job: EmailJob, group: GroupBooking, course: Course
) -> _About | GroupEmailOutcome:
    """What the email to a place's colleague is about now, or why it is not sent: the place's
    colleague no longer the one it was for (SKIPPED_GONE); a place's end, told only to a
    colleague sent a link, to one never sent it (SKIPPED_NO_LINK) or whose link is being sent
    (IN_FLIGHT: decided once it is)."""
    place = _PLACE_FINDERS[job.kind](group, job)
    if place is None:
        return GroupEmailOutcome.SKIPPED_GONE
    if job.kind is EmailKind.GROUP_PLACE_GIVEN_UP:
        went = link_went(place, claim_reached_ses(ports, first_link(group, place).job_id))
        if went is False:
            return GroupEmailOutcome.SKIPPED_NO_LINK
        if went is None:
            return GroupEmailOutcome.IN_FLIGHT
    return _About(group, course, place, "paid")


def _recipient(ports: Ports, job: EmailJob, about: _About) -> str | None:
    """The one address written to: the place's colleague, the manager, or the billing contact
    for its own message (``domain.payer.group_recipient``); None when it cannot be written to
    (erased or suppressed)."""
    place = about.place
    to = place.colleague.email if place else group_recipient(job, about.group)
    if not to or to == ERASED_EMAIL or ports.repository.is_suppressed(to):
        return None
    return to


class LinkMisaddressed(RuntimeError):
    """A group's message would carry a link that acts for someone (the manager's page, a
    colleague's link to apply) to anyone but them: refused before it is claimed or sent."""


def _links_to_their_holders_alone(group: GroupBooking, message: OutgoingEmail) -> None:
    """Each link a group's message carries goes to its holder alone: the manager's page (which
    shows every colleague and changes the places) to the manager, a place's link to its
    colleague. The one check every group message passes, whoever composed it."""
    holders = {group.token: group.manager.email}
    holders.update({place.token: place.colleague.email for place in group.places})
    for token, holder in holders.items():
        if (token in message.text or token in message.html) and list(message.to) != [holder]:
            raise LinkMisaddressed(f"a link of group {group.group_id} to someone else")


def _message(ports: Ports, job: EmailJob, about: _About, recipient: str) -> OutgoingEmail:
    """The email the job asks for, to ``recipient`` alone, worded for the group as it is now
    and the event as the job recorded it."""
    group, course, place = about.group, about.course, about.place
    values = _values(ports, job, group, course, place, about.occasion)
    # The manager erased: written to the billing contact alone, with no link to a dead page.
    values["manager_erased"] = place is None and group.manager_erased
    if job.kind is EmailKind.GROUP_CHANGED:
        owed = _owed_now(group, course.definition.timezone)
        said = _change_said(ports, job, group, course.definition.timezone)
        values["change"] = said | {"owed": owed}
    if job.kind is EmailKind.GROUP_PLACE_GIVEN_UP:
        values["ended"] = colleague_told(
            _place_end(job, group),
            manager=group.manager.name,
            organisation=group.organisation,
            course=course.definition.title,
        )
    if job.to_billing_contact:
        values = group_payer_values(values, group, job)
    message = group_message(course, [recipient], ports.renderer.render(job.kind, values))
    _links_to_their_holders_alone(group, message)
    return message


def _place_end(job: EmailJob, group: GroupBooking) -> PlaceEnd:
    """Why a colleague's place ended, as its job recorded it (a job queued before it was
    recorded: as the group's end says)."""
    if job.reason:
        return PlaceEnd(job.reason)
    if group.ended_because is GroupEnding.REFUNDED_AT_STRIPE:
        return PlaceEnd.REFUNDED_AT_STRIPE
    return PlaceEnd.MANAGER_GAVE_UP


def send_once(
    ports: Ports, job: EmailJob, group: GroupBooking, message: OutgoingEmail, now: datetime
) -> GroupEmailOutcome | None:
    """Claim the job, lease the send on the group as it was read, and send; None when the group
    changed since it was read (the claim given back, nothing sent)."""
    repo = ports.repository
    claim = repo.claim_email(job.job_id, now, now - ports.email_claim_timeout)
    if claim is EmailClaim.DONE:
        return GroupEmailOutcome.DUPLICATE
    if claim is EmailClaim.IN_FLIGHT:
        return GroupEmailOutcome.IN_FLIGHT
    until = ports.clock() + SEND_LEASE
    if not ports.groups.hold_group_send(group, job.job_id, until):
        # The group changed since it was read (an erasure, a payment): the claim is given
        # back and the group read again, so the email says what holds now.
        repo.finish_email(job.job_id, "failed", ports.clock())
        return None
    send_leased(ports, job.job_id, group.group_id, message, until)
    return GroupEmailOutcome.SENT
