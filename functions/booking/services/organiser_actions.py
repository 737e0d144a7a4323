"""Which organiser actions fit an application now: the console offers only these, decided from
the same rules the use cases enforce (an action offered is never one they refuse)."""

from __future__ import annotations

from booking.domain.application import FUNDABLE_STATUSES, Application, ApplicationStatus
from booking.domain.commands import nobody_to_tell
from booking.domain.disputed_refunds import held_by_a_dispute
from booking.domain.groups import fills_a_group_place
from booking.domain.invoice_instead import may_invoice_instead
from booking.domain.settlement import CANCELLABLE, cancelled_keeping_money
from booking.domain.waiting_moves import waiting_on

S = ApplicationStatus


def available_actions(
    application: Application,
    *,
    wait_ended: bool = False,
    manager_erased: bool = False,
    place_refused: bool = False,
    offer_holds: bool = False,
    too_late_for_invoice: bool = False,
) -> frozenset[str]:
    """The organiser actions the use cases accept for this application now (for an erased
    person's booking: what is about the money or the seat, not what would tell them;
    ``wait_ended``: its waiting move's end has passed, so it cannot be withdrawn;
    ``manager_erased``: its group's manager was erased, so the organisers cancel it;
    ``place_refused``: no bursary may be given to it now, ``domain.live_for_money``;
    ``offer_holds``: a place is offered and still held, as every view reads it;
    ``too_late_for_invoice``: no invoice issued now could fall due before the course starts)."""
    on_group_place = fills_a_group_place(application)
    return frozenset(
        _about_the_place(application, on_group_place, manager_erased, offer_holds)
        | _about_a_move(application, wait_ended)
        | _about_the_money(application, on_group_place, place_refused, too_late_for_invoice)
    )


def _about_the_place(
    application: Application, on_group_place: bool, manager_erased: bool, offer_holds: bool
) -> set[str]:
    """Deciding, cancelling and telling: what is about the person's place."""
    actions = set()
    if application.status is S.PENDING_REVIEW:
        actions |= {"approve", "decline"}
    # A colleague's booking on a group place is the manager's to give up or give to someone
    # else (``domain.settlement``'s cancellation refuses it), until the manager is erased;
    # it stays on the group's cohort.
    if application.status in CANCELLABLE and (not on_group_place or manager_erased):
        actions.add("cancel")
    told = nobody_to_tell(application) is None
    if application.status is S.CONFIRMED and told:
        actions |= {"resend"} if on_group_place else {"resend", "transfer"}
    if offer_holds and application.status is S.OFFERED and told:
        actions.add("resend_offer")  # its email again
    return actions


def _about_a_move(application: Application, wait_ended: bool) -> set[str]:
    """A move to another cohort waiting for its difference, or on a full cohort's waiting list."""
    pending = application.pending_move is not None and application.status is S.CONFIRMED
    waiting = waiting_on(application) is not None and not wait_ended
    return {"withdraw_move"} if pending or waiting else set()


def _about_the_money(
    application: Application, on_group_place: bool, place_refused: bool, too_late: bool
) -> set[str]:
    """Refunds, bursaries and the open invoice."""
    actions = set()
    # What its cancellation kept, given back (the Refund action); never while the payer's
    # bank holds part of it in a dispute, which the refund's own rule refuses.
    if (
        cancelled_keeping_money(application)
        and not on_group_place
        and not held_by_a_dispute(application)
    ):
        actions.add("refund")
    if application.status in FUNDABLE_STATUSES and not place_refused:
        actions.add("bursary")
    if not on_group_place and not too_late and may_invoice_instead(application):
        actions.add("invoice_instead")  # the employer pays
    if application.has_open_invoice():
        actions |= {"resend_invoice", "void_invoice"}
        invoice = application.invoice
        if invoice is not None and invoice.voiding is None and not invoice.void_asked:
            # Paid outside Stripe (a bank transfer): ``services.paid_off_stripe``; sent again
            # to corrected billing details: ``services.invoice_correction``.
            actions |= {"record_payment", "correct_invoice"}
    return actions
