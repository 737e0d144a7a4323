"""What erasing one person did, in one shape and in words, for every surface that erases
(``DELETE /admin/people/{email}``, the console's erase step, ``course-booking erase``): each
application and each group booking that named them, as what, and what the erasure did to it
(an open invoice voided, seats given back, the manager's link ended)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.domain.application import Application
from booking.domain.billing import billing_contact_of
from booking.domain.email_words import addresses_said
from booking.domain.errors import PAYMENT_SETTLING, Conflict
from booking.domain.former_contacts import former_contacts_named, former_erased, not_billed_now
from booking.domain.groups import GroupBooking
from booking.domain.money import money_words
from booking.domain.payment_received import without_bank_reference
from booking.domain.statuses import WITHDRAWN_BY_ERASURE

APPLICANT = "applicant"
BILLING_CONTACT = "billing contact"
MANAGER = "manager"


# What an erasure says of a booking whose open invoice it could not void: a payment of it is
# on its way (the employer's bank debit being confirmed), and confirms the booking if it comes.
INVOICE_BEING_PAID = (
    "its invoice stays open, as the employer's payment of it is on its way (a bank debit "
    "being confirmed): that payment may still confirm the booking; if it does not come, void "
    "the invoice from the booking's page"
)
# What an erasure says of a booking whose card checkout was paid before it could expire it
# (one person's, a group's), one wording.
PAID_MEANWHILE = "its card checkout had been paid meanwhile, so the booking stands"
# What it says of a group's card checkout completed by a bank debit (Bacs, SEPA) still being
# confirmed: the booking stands, its places kept, but nothing is paid yet.
DEBIT_SETTLING = (
    "its card checkout was paid by a bank debit its bank is still confirming, so the booking "
    "stands: if the bank says it failed, the booking ends and its places go back"
)


@dataclass(frozen=True)
class ApplicationErased:
    """One application that named the person (as its applicant or its billing contact)."""

    application_id: str
    reference: str
    course_id: str
    role: str
    invoice_voided: bool = False
    seat_released: bool = False
    paid_meanwhile: bool = False  # its card checkout was paid before it could be expired
    # Its open invoice was not voided: a payment of it is on its way (a bank debit being
    # confirmed, or paid, its event to come), which still confirms the booking.
    invoice_being_paid: bool = False
    # Its cohort as organisers read it (title and first day); the id is the machine's.
    course_name: str = ""
    # How many facilitators' lists (one per cohort) sent the application were asked to delete
    # it (``domain.facilitators_told.delete_your_copy``), and at how many addresses, as the
    # emails asking them go (``services.facilitators_copies.copies_held``).
    lists_asked: int = 0
    addresses_asked: int = 0


@dataclass(frozen=True)
class GroupErased:
    """One group booking that named the person (as its manager, billing contact or on a
    place): ``roles`` as the export says them."""

    group_id: str
    course_id: str
    roles: tuple[str, ...]
    invoice_voided: bool = False
    checkout_expired: bool = False  # its unpaid card checkout expired at Stripe: it ended
    paid_meanwhile: bool = False  # its card checkout was paid before it could be expired
    debit_settling: bool = False  # that payment a bank debit its bank has yet to confirm
    seats_released: int = 0
    manager_told: bool = False  # the manager (not erased) is emailed that the places went
    invoice_paid: bool = False  # its open invoice was paid before the erasure could void it
    course_name: str = ""  # its cohort by title and first day, as organisers read it
    organisation: str = ""  # whose booking it is, as organisers tell group bookings apart
    ended: bool = False  # it ended unpaid (by this erasure or before): no colleague booked
    # Every invoice sent for it when the erasure saved it, if it was addressed to the person
    # (their customers are deleted with the others: one replaced after the erasure read it too).
    invoices: tuple[str, ...] = ()
    # How many facilitators' lists (one per cohort) sent its colleagues' bookings, which named
    # the erased manager, were asked to delete those emails (``services.manager_erasure``).
    lists_asked: int = 0

    @property
    def link_ended(self) -> bool:
        """The manager was erased: their link to the booking no longer works."""
        return MANAGER in self.roles


def roles_in(group: GroupBooking, address: str) -> tuple[str, ...]:
    """What ``group`` names ``address`` as (any case): manager, billing contact, colleague."""
    address = address.strip().lower()
    roles = [MANAGER] if group.manager.email.lower() == address else []
    named = {billing_contact_of(group.billing), marked_contact_of(group)}
    if address in named | former_contacts_named(group.former_billing):
        roles.append(BILLING_CONTACT)
    roles.extend(
        f"colleague (place {place.number})"
        for place in group.places
        if place.colleague.email.lower() == address
    )
    return tuple(roles)


def marked_contact_of(group: GroupBooking) -> str | None:
    """The billing contact a correction of ``group``'s invoice left half done is marked to
    (lower case; None: no such correction): named by the group until it is completed or
    ended, so found and erased by their address as its billing contact."""
    return billing_contact_of(group.replacing_billing)


def contact_erased(group: GroupBooking) -> bool:
    """Its manager or its billing contact was erased: an open invoice of theirs is voided
    (the erasure asked, or the provider-erasure sweep will), and no new one is made."""
    billing_erased = group.billing is not None and billing_contact_of(group.billing) is None
    return group.manager_erased or billing_erased


def refuse_new_invoice(group: GroupBooking) -> None:
    """A group whose manager or billing contact is erased gets no new invoice: nobody is left
    to send it to, and its open one is being voided, which ends the booking."""
    if contact_erased(group):
        raise Conflict(
            "this booking's invoice is being cancelled (its contact's data was erased), so its "
            "places can no longer change; the booking ends with it",
            code="invoice_being_voided",
        )


def card_debit_refusal(application: Application, then: str) -> Conflict | None:
    """The erasure's refusal while a bank debit (Bacs, SEPA) of ``application``'s card
    checkout is settling (``payment_pending``), as while an employer's debit of its invoice
    settles (``invoice_requests.refuse_while_being_paid``): erased under it, the
    booking would end and its place go on, and the money arriving days later be taken and
    given back whole. ``then``: what the organiser may do, and when. None: nothing settling."""
    if application.status not in WITHDRAWN_BY_ERASURE or not application.payment_pending:
        return None
    checkout = application.checkout
    amount = checkout.amount if checkout is not None else None
    currency = checkout.currency if checkout is not None else None
    paid = f" of {money_words(amount, currency)}" if amount is not None and currency else ""
    return Conflict(
        f"the person's bank is confirming a payment{paid} for "
        f"{application.reference_or_id} (a bank debit of its card checkout): nothing was "
        f"changed. {then}",
        code=PAYMENT_SETTLING,
    )


def billing_contact_erased(
    application: Application, now: datetime, contact: str | None = None
) -> Application:
    """``application`` with its billing contact ``contact`` blanked (name, address, email,
    PO): the rest is the applicant's, who was not erased. A contact an invoice was corrected
    away from is blanked where it is kept; when that is all they are, the current contact and
    invoice are another's and stay (None: the current contact, whoever it is)."""
    if contact is not None:
        kept = not_billed_now(application, contact)
        former = former_erased(application.former_billing, contact)
        application = application.model_copy(update={"former_billing": former, "updated_at": now})
        if kept:
            return application
    billing = application.billing.erased() if application.billing is not None else None
    # The bank's reference of the payment they made outside Stripe may name them too.
    invoice = without_bank_reference(application.invoice) if application.invoice else None
    return application.model_copy(
        update={"billing": billing, "invoice": invoice, "updated_at": now}
    )


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure changed: the applications and group bookings it erased."""

    applications: tuple[ApplicationErased, ...] = ()
    groups: tuple[GroupErased, ...] = ()
    # Stripe unreachable: its search for the customers it alone holds under the address is
    # owed, and made once Stripe answers (``services.provider_searches``).
    searched_later: bool = False
    searches_owed: int = 0  # every erasure's search still owed, this one's too

    def answer(self) -> dict[str, Any]:
        """The API's answer (``erased_applications``: the ids erased as the applicant, as ever;
        the rest added beside it)."""
        return {
            "erased_applications": [
                a.application_id for a in self.applications if a.role == APPLICANT
            ],
            "applications": [
                {
                    "application_id": a.application_id,
                    "reference": a.reference,
                    "course_id": a.course_id,
                    "as": a.role,
                    "invoice_voided": a.invoice_voided,
                    "seat_released": a.seat_released,
                    "paid_meanwhile": a.paid_meanwhile,
                    "invoice_being_paid": a.invoice_being_paid,
                    "facilitator_lists_asked": a.lists_asked,
                }
                for a in self.applications
            ],
            "group_bookings": [
                {
                    "group_id": g.group_id,
                    "course_id": g.course_id,
                    "as": list(g.roles),
                    "invoice_voided": g.invoice_voided,
                    "checkout_expired": g.checkout_expired,
                    "seats_released": g.seats_released,
                    "manager_told": g.manager_told,
                    "manager_link_ended": g.link_ended,
                    "facilitator_lists_asked": g.lists_asked,
                }
                for g in self.groups
            ],
            "stripe_pending": self.searched_later,
            "erasures_pending_at_stripe": self.searches_owed,
            "said": self.said(),
        }

    def said(self) -> list[str]:
        """What was erased, a sentence per application and group booking, the count first."""
        return [
            _count_said(self.applications, len(self.groups)),
            *(_application_said(a) for a in self.applications),
            *(_group_said(g) for g in self.groups),
            *_stripe_pending_said(self.searched_later, self.searches_owed),
        ]


def _stripe_pending_said(searched_later: bool, owed: int) -> list[str]:
    """What is still to be done at Stripe, in words: this erasure's part, then how many
    erasures wait for Stripe in all (never whose)."""
    said = []
    if searched_later:
        said.append(
            "Stripe could not be reached, so the customers Stripe alone holds under this "
            "address are still to be found and deleted there: that is pending, and is tried "
            "again every 15 minutes until Stripe answers (for at most 30 days)."
        )
    if owed:
        said.append(
            f"{_plural(owed, 'erasure is', 'erasures are')} still waiting for Stripe to answer."
        )
    return said


def _happened(*steps: tuple[bool, str]) -> list[str]:
    """The words of each step an erasure took, in the order the report says them."""
    return [said for taken, said in steps if taken]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _lists(count: int) -> str:
    """Facilitators' lists counted as organisers know them: one per cohort."""
    return f"the facilitators of {_plural(count, 'cohort', 'cohorts')}"


def _asked_at(erased: ApplicationErased) -> str:
    """Whom an application's erasure asked, by address as the timeline counts the emails
    asking them (by cohort when the addresses are not known)."""
    if not erased.addresses_asked:
        return _lists(erased.lists_asked)
    addresses = addresses_said(erased.addresses_asked)
    return addresses if erased.lists_asked == 1 else f"{addresses}, {_lists(erased.lists_asked)}"


def _count_said(applications: tuple[ApplicationErased, ...], groups: int) -> str:
    """What the erasure did, counted as it is true of each: the person's own applications
    erased, the other people's bookings whose billing details (theirs) were blanked, the group
    bookings they were erased from ("1 application erased; billing details blanked on 2 other
    bookings."), never another's booking counted as an application erased."""
    own = sum(a.role == APPLICANT for a in applications)
    others = len(applications) - own
    parts = [
        (
            own > 0 or not (others or groups),
            f"{_plural(own, 'application', 'applications')} erased",
        ),
        (
            others > 0,
            f"billing details blanked on {_plural(others, 'other booking', 'other bookings')}",
        ),
        (groups > 0, f"erased from {_plural(groups, 'group booking', 'group bookings')}"),
    ]
    said = "; ".join(_happened(*parts))
    return f"{said[0].upper()}{said[1:]}."


def _application_said(erased: ApplicationErased) -> str:
    if erased.role == APPLICANT:
        what = "the applicant: their name, address and answers erased"
    else:
        what = "the billing contact: the billing name, address, email and PO erased"
    done = _happened(
        (erased.invoice_voided, "its open invoice was voided"),
        (erased.seat_released, "its place went back to the course"),
        (erased.paid_meanwhile, f"{PAID_MEANWHILE}: cancel it with a refund to give it back"),
        (erased.invoice_being_paid, INVOICE_BEING_PAID),
        (
            erased.lists_asked > 0,
            "the facilitators it was sent to were asked to delete their copies "
            f"({_asked_at(erased)})",
        ),
    )
    told = (
        " (the applicant was told)"
        if erased.role == BILLING_CONTACT and erased.invoice_voided
        else ""
    )
    tail = f"; {' and '.join(done)}{told}" if done else ""
    on = erased.course_name or erased.course_id
    return f"Application {erased.reference} on {on}, as {what}{tail}."


def _group_said(erased: GroupErased) -> str:
    done = _happened(
        (erased.invoice_voided, "its open invoice was voided"),
        (erased.invoice_paid, "its invoice had been paid, so the booking stands"),
        (
            erased.checkout_expired,
            "its unpaid card checkout was expired at Stripe, so the booking ended",
        ),
        (erased.paid_meanwhile and not erased.debit_settling, PAID_MEANWHILE),
        (erased.debit_settling, DEBIT_SETTLING),
        (
            erased.seats_released > 0,
            f"its {_plural(erased.seats_released, 'place', 'places')} went back to the course",
        ),
        (erased.manager_told, "the manager was told"),
        (
            erased.lists_asked > 0,
            "the facilitators sent its colleagues' bookings, which named the manager, were "
            f"asked to delete those emails ({_lists(erased.lists_asked)})",
        ),
        (erased.link_ended and erased.ended, "the manager's link no longer works"),
        (
            erased.link_ended and not erased.ended,
            "the manager's link no longer works: the organisers now cancel its colleagues' "
            "bookings themselves",
        ),
    )
    tail = f"; {'; '.join(done)}" if done else ""
    roles = " and ".join(erased.roles)
    return (
        f"{group_named(erased.organisation)} on {erased.course_name or erased.course_id}, as "
        f"{roles}: their name and address erased{tail}."
    )


def group_named(organisation: str) -> str:
    """A group booking as organisers tell it apart: by the organisation it is for."""
    return f"{organisation}'s group booking" if organisation else "A group booking"
