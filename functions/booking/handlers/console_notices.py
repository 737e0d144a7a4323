"""The notice at the top of an application's console page after an organiser's action: what
the action did, in words, true when it is shown (the action's redirect names the notice for
one showing, ``console_app.after_action``; the word is chosen from what its use case
returned).

Each notice is what was done, then who was emailed about it. Whether anyone was is said from
the application as the action left it, by the one rule of who can be told
(``domain.commands.nobody_to_tell``): an erased person's booking is never said to have emailed
them, since nothing is sent to an erased person (the mailer refuses); nor is a person whose
address is suppressed (the mailer skips it)."""

from __future__ import annotations

from collections.abc import Callable

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import nobody_to_tell
from booking.domain.emails import EmailKind
from booking.domain.payer import billing_contact_told, billing_told_though_erased
from booking.domain.refund_partway import partway_said, refused_partway
from booking.domain.wording import money_words, refunded_earlier_words
from booking.handlers.routes.console import (
    ALREADY,
    APPROVED,
    APPROVED_WAITLISTED,
    GROUP_PLACE_CANCELLED,
)
from booking.services.acted import Acted

_EMAILED = "The applicant has been emailed."
_PAID_BOTH_TOLD = (
    "The applicant has been emailed their booking confirmation, and the billing contact that "
    "the payment was received."
)
_NOTHING_AGAIN = "Nothing changed this time, and nobody was emailed again."
NOT_EMAILED_SUPPRESSED = (
    "Nobody was emailed: emails to this person's address bounced or were marked as spam, so "
    "none are sent to it."
)

# Each notice: what was done, and the email it sent ("" when it sends none).
DONE_WORDS: dict[str, tuple[str, str]] = {
    "approved": ("Approved.", _EMAILED),
    "approved_waitlisted": (
        "Approved, but the course is full: the applicant is on its waiting list, and is "
        "offered a place when one frees.",
        "They have been emailed that.",
    ),
    "declined": ("Declined.", _EMAILED),
    # Said from where the application then stands: whether money is going back (_cancelled).
    "cancelled": ("Cancelled.", _EMAILED),
    # A group place given up by the organisers (its manager erased): the employer paid for it,
    # not the colleague, so the notice says what became of the employer's share.
    "cancelled_group_refunded": (
        "Cancelled: the group place is given up, and its share of the employer's payment is "
        "being refunded to them through Stripe.",
        _EMAILED,
    ),
    "cancelled_group_kept": (
        "Cancelled: the group place is given up, and its share of the employer's payment is "
        "kept (nothing was refunded).",
        _EMAILED,
    ),
    # A cancelled booking's kept money given back (``_refunded``: how much).
    "refunded": ("Refund asked of Stripe.", _EMAILED),
    "resent": ("", "The confirmation is on its way to the applicant again."),
    "offer_resent": (
        "",
        "The offer is on its way to them again, with the same time to pay by (Place held "
        "until, on this page).",
    ),
    "certificate_sent_again": ("", "The certificate, with its PDF, is on its way to them again."),
    "funded": ("Bursary granted.", _EMAILED),
    "invoice_resent": ("Stripe is sending the invoice to the billing contact again.", ""),
    "invoice_voided": ("Invoice voided. The place has gone back to the course.", ""),
    "invoice_corrected": (
        "Corrected invoice sent: the old invoice is voided, and Stripe is emailing the new one "
        "to the billing contact. The place is still held.",
        "",
    ),
    "invoiced_instead": (
        "The card checkout is closed and Stripe is emailing the invoice to the employer's "
        "billing contact. The place is still held.",
        _EMAILED,
    ),
    "invoice_paid_off_stripe": (
        "Payment recorded: Stripe holds the invoice as paid outside Stripe, and the booking is "
        "confirmed.",
        _EMAILED,
    ),
    "invoice_paid_off_stripe_already": (
        "The invoice was recorded as paid already, and the booking confirmed. Nothing changed "
        "this time.",
        "",
    ),
    "given_back_by_hand": (
        "Recorded as given back by hand: the course's money counts it as refunded.",
        "",
    ),
    "given_back_by_hand_already": (
        "That was recorded as given back already. Nothing changed this time.",
        "",
    ),
    # The same action sent again (two tabs, a form resubmitted), its end holding already.
    "cancelled_already": (f"It was cancelled already. {_NOTHING_AGAIN}", ""),
    "refunded_already": (
        f"Its refund was asked of Stripe already. {_NOTHING_AGAIN}",
        "",
    ),
    "declined_already": (f"It was declined already. {_NOTHING_AGAIN}", ""),
    "funded_already": (f"That bursary was granted already. {_NOTHING_AGAIN}", ""),
    "invoice_corrected_already": (
        "The invoice already goes to these billing details. Nothing changed this time.",
        "",
    ),
    "invoiced_instead_already": (
        "The employer was invoiced already, at these billing details. Nothing changed this time.",
        "",
    ),
    "invoice_voided_already": (
        "The invoice was voided already, and its place gone back. Nothing changed this time.",
        "",
    ),
    "moved": (
        "Moved to the other cohort.",
        "The person has been emailed with the calendar update.",
    ),
    "moved_already": (
        "The booking had moved to that cohort already. Nothing changed this time, and nobody "
        "was emailed again.",
        "",
    ),
    "move_asked_already": (
        "The move to that cohort was asked for already: the person has the link to pay the "
        "difference. Nothing changed this time, and nobody was emailed again.",
        "",
    ),
    "move_asked": (
        "The other cohort costs more: a place there is held for the person until they pay the "
        "difference, and the booking moves once it is paid.",
        "They have been emailed a link to pay it.",
    ),
    "move_withdrawn": (
        "Move withdrawn. The place held on the other cohort has gone back, and the booking "
        "stays where it is.",
        "The person has been told so.",
    ),
    "move_waiting": (
        "The booking is on the other cohort's waiting list, in order with the people who "
        "applied there. It keeps its place here meanwhile and moves when a place frees there "
        "for it.",
        "",
    ),
}


# Notices that say where the application stands as well as what was done: each is said only
# while that is still so when the page is shown (a place offered meanwhile, a move made or
# lapsed), and otherwise not at all; the page below says where it stands now.
_TRUE_WHILE: dict[str, Callable[[Application], bool]] = {
    "approved_waitlisted": lambda a: a.status is ApplicationStatus.WAITLISTED,
    "move_asked": lambda a: a.pending_move is not None,
    "move_asked_already": lambda a: a.pending_move is not None,
    "move_waiting": lambda a: a.waiting_move is not None,
    "invoice_paid_off_stripe": lambda a: a.status is ApplicationStatus.CONFIRMED,
}


def notice_of(done: str, outcome: Acted) -> str:
    """The notice for what this request's use case did (``outcome``), never for the action's
    name alone: a repeat that changed nothing says so; an approval on a full course put the
    applicant on the waiting list, and says that."""
    if not outcome.changed:
        return ALREADY.get(done, done)
    if outcome.employer_refund is not None:
        refunded, kept = GROUP_PLACE_CANCELLED
        return refunded if outcome.employer_refund > 0 else kept
    waits = outcome.application.status is ApplicationStatus.WAITLISTED
    return APPROVED_WAITLISTED if done == APPROVED and waits else done


def done_notice(
    done: str,
    application: Application,
    currency: str,
    *,
    suppressed: bool = False,
    employer: tuple[str, int] = ("", 0),
) -> str:
    """What the action just taken did, said from where the application now stands: a
    cancellation says whether money is going back; nobody is said to have been emailed who
    cannot be (their data erased, or ``suppressed``: their address is, the mailer sending it
    nothing)."""
    still = _TRUE_WHILE.get(done)
    if still is not None and not still(application):
        return ""
    did, told = DONE_WORDS.get(done, ("", ""))
    did = _what_was_done(done, did, application, currency, employer)
    told = _who_was_told(done, told, application, suppressed=suppressed)
    return " ".join(part for part in (did, told) if part)


def _what_was_done(
    done: str, did: str, application: Application, currency: str, employer: tuple[str, int]
) -> str:
    """The notice's first part, ``did`` unless the application says more: a cancellation's
    money, a refund's amount, a group place's share."""
    if done == "cancelled" and application.status in (
        ApplicationStatus.CANCELLED,
        ApplicationStatus.REFUNDED,
    ):
        return _cancelled(application, currency)
    if done == "refunded":
        return (
            f"{money_words(application.latest_refund, currency)} is being refunded through Stripe."
        )
    if done in GROUP_PLACE_CANCELLED and employer[0]:
        return _group_place_cancelled(done, employer, currency)
    return did


def _who_was_told(done: str, told: str, application: Application, *, suppressed: bool) -> str:
    """The notice's second part, ``told`` as the action's words give it, said of whom the
    emails could reach: nobody is said to have been emailed who cannot be."""
    told = _told_in_full(done, told, application)
    refusal = nobody_to_tell(application)
    if told and refusal is not None and billing_told_though_erased(application):
        return (
            f"The applicant was not emailed: {refusal.message}. The billing contact of the "
            "invoice that paid for it has been emailed about the refund."
        )
    if told and refusal is not None:
        return f"Nobody was emailed: {refusal.message}."
    if told and suppressed:
        return NOT_EMAILED_SUPPRESSED
    return told


def _told_in_full(done: str, told: str, application: Application) -> str:
    """``told`` with what the application adds: everyone a recorded payment emailed, or the
    address an offer went to again."""
    if done == "invoice_paid_off_stripe" and billing_contact_told(
        EmailKind.PAYMENT_RECEIVED, application
    ):
        # Said on the page before as two emails: the notice after named the applicant alone.
        return _PAID_BOTH_TOLD
    if done == "offer_resent" and not application.is_erased:
        # The address it went to, so a typo in it is seen: the page escapes it.
        return told.replace("to them again", f"to them again at {application.answers.email}")
    return told


def _group_place_cancelled(done: str, employer: tuple[str, int], currency: str) -> str:
    """A group place given up, with what became of the employer's (``organisation``) share:
    the ``refunded`` amount, or kept."""
    organisation, refunded = employer
    if done == "cancelled_group_refunded" and refunded:
        return (
            f"Cancelled: the group place is given up, and its {money_words(refunded, currency)} "
            f"share is being refunded to {organisation} through Stripe."
        )
    return (
        f"Cancelled: the group place is given up, and its share of {organisation}'s payment is "
        "kept (nothing was refunded)."
    )


def _cancelled(application: Application, currency: str) -> str:
    """A cancellation, with what happens to the money paid."""
    kept = application.amount_kept
    if application.status is ApplicationStatus.REFUNDED or application.status_reason in (
        "refund_requested",
        "cancelled_and_refunded",
    ):
        back = application.latest_refund
        if not back:
            return "Cancelled. The payment is being refunded through Stripe."
        earlier = refunded_earlier_words(back, application.charges_paid, currency)
        if earlier:
            return (
                f"Cancelled. {money_words(back, currency)} is being refunded through Stripe "
                f"({earlier})."
            )
        return f"Cancelled. {money_words(back, currency)} is being refunded in full through Stripe."
    if refused_partway(application):
        said = partway_said(application, currency)
        return f"Cancelled with a refund Stripe refused partway: {said}."
    if kept > 0:
        return f"Cancelled without a refund: the {money_words(kept, currency)} paid is kept."
    return "Cancelled. No money had been paid, so none is owed either way."
