"""The notice at the top of an application's console page after an organiser's action: what
the action did, in words, true when it is shown (the action's redirect names the notice for
one showing, ``console_app.after_action``; the word is chosen from what its use case
returned)."""

from __future__ import annotations

from collections.abc import Callable

from booking.domain.application import Application, ApplicationStatus
from booking.domain.wording import money_words, refunded_earlier_words

DONE_WORDS = {
    "approved": "Approved. The applicant has been emailed.",
    "approved_waitlisted": "Approved, but the course is full: the applicant is on its waiting "
    "list and has been emailed that. They are offered a place when one frees.",
    "declined": "Declined. The applicant has been emailed.",
    # Said from where the application then stands: whether money is going back (_done).
    "cancelled": "Cancelled. The applicant has been emailed.",
    "resent": "The confirmation is on its way to the applicant again.",
    "funded": "Bursary granted. The applicant has been emailed.",
    "invoice_resent": "Stripe is sending the invoice to the billing contact again.",
    "invoice_voided": "Invoice voided. The place has gone back to the course.",
    "moved": "Moved to the other cohort. The person has been emailed with the calendar update.",
    "moved_already": "The booking had moved to that cohort already. Nothing changed this "
    "time, and nobody was emailed again.",
    "move_asked_already": "The move to that cohort was asked for already: the person has the "
    "link to pay the difference. Nothing changed this time, and nobody was emailed again.",
    "move_asked": "The other cohort costs more: the person has been emailed a link to pay the "
    "difference, and a place there is held for them until then. The booking moves once it is "
    "paid.",
    "move_withdrawn": "Move withdrawn. The place held on the other cohort has gone back, and "
    "the person has been told the booking stays where it is.",
    "move_waiting": "The booking is on the other cohort's waiting list, in order with the "
    "people who applied there. It keeps its place here meanwhile and moves when a place frees "
    "there for it.",
}


# Notices that say where the application stands as well as what was done: each is said only
# while that is still so when the page is shown (a place offered meanwhile, a move made or
# lapsed), and otherwise not at all; the page below says where it stands now.
_TRUE_WHILE: dict[str, Callable[[Application], bool]] = {
    "approved_waitlisted": lambda a: a.status is ApplicationStatus.WAITLISTED,
    "move_asked": lambda a: a.pending_move is not None,
    "move_asked_already": lambda a: a.pending_move is not None,
    "move_waiting": lambda a: a.waiting_move is not None,
}


def done_notice(done: str, application: Application, currency: str) -> str:
    """What the action just taken did, said from where the application now stands: a
    cancellation says whether money is going back."""
    still = _TRUE_WHILE.get(done)
    if still is not None and not still(application):
        return ""
    if done != "cancelled" or application.status not in (
        ApplicationStatus.CANCELLED,
        ApplicationStatus.REFUNDED,
    ):
        return DONE_WORDS.get(done, "")
    kept = application.amount_kept
    emailed = "The applicant has been emailed."
    if application.status is ApplicationStatus.REFUNDED or application.status_reason in (
        "refund_requested",
        "cancelled_and_refunded",
    ):
        back = application.latest_refund
        if not back:
            return "Cancelled. The payment is being refunded through Stripe. " + emailed
        earlier = refunded_earlier_words(back, application.charges_paid, currency)
        if earlier:
            return (
                f"Cancelled. {money_words(back, currency)} is being refunded through Stripe "
                f"({earlier}). " + emailed
            )
        return (
            f"Cancelled. {money_words(back, currency)} is being refunded in full through Stripe. "
            + emailed
        )
    if kept > 0:
        return (
            f"Cancelled without a refund: the {money_words(kept, currency)} paid is kept. "
            "The applicant has been emailed."
        )
    return (
        "Cancelled. No money had been paid, so none is owed either way. "
        "The applicant has been emailed."
    )
