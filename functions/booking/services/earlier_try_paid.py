"""The employer paid the invoice an organiser's act sent before the function stopped, ahead of
the act's save (*Invoice the employer instead*, *Correct the invoice*, a bursary that replaces
an invoice): the invoice is the booking's, recorded by the act as a draft
(``invoices_issued``) with the booking's own idempotency key, so its payment confirms the
booking, never given back as a stranger's.

Stripe's ``invoice.paid`` of it first completes the act as pressed, the invoice the current
one (``services.invoice_issue``: read once at Stripe, nothing more sent), then confirms the
booking as any paid invoice does. A completion refused now (a race lost, the booking written
under the save) is a 503: Stripe delivers the event again, and the sweep may complete the act
meanwhile. A group's invoice replaced alike (a place given up before payment, or an
organiser's correction): the new invoice a stopped try recorded ahead (``replacing_with``) and
the employer paid completes the replacement with it, then pays the group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import BookingError, DependencyUnavailable
from booking.domain.invoice_voiding import checkout_act_of, checkout_marked, voiding_of
from booking.domain.provider_objects import sent_and_never_saved
from booking.domain.read_against import ReadAgainst
from booking.services.access import existing_course
from booking.services.ports import Ports

if TYPE_CHECKING:  # the webhook's cold start loads no group model before a group's event
    from booking.domain.groups import GroupBooking

logger = Logger(child=True)


def act_completed_by_its_payment(ports: Ports, owner: Application, invoice_id: str) -> Application:
    """``owner`` as it stands once the act that sent ``invoice_id`` and never saved it is
    completed with it (Stripe holds it paid); ``owner`` unchanged when ``invoice_id`` is not
    such an invoice. DependencyUnavailable: the act could not be completed now."""
    if sent_and_never_saved(owner) != invoice_id:
        return owner
    app_id = owner.application_id
    try:
        completed = _completed(ports, owner)
    except BookingError as refused:
        completed, code = False, refused.code
    else:
        code = "" if completed else "act_replaced"
    if not completed:
        fresh = ports.repository.get_application(app_id) or owner
        if sent_and_never_saved(fresh) != invoice_id:
            return fresh  # completed meanwhile (the organiser's press, the sweep)
        logger.warning("an act's paid invoice not recorded yet", extra={"code": code})
        raise DependencyUnavailable(
            "the booking's own act could not be completed with its paid invoice yet",
            code="payment_provider_unavailable",
        )
    logger.info("an act completed by its invoice's payment", extra={"application_id": app_id})
    return ports.repository.get_application(app_id) or owner


def _completed(ports: Ports, owner: Application) -> bool:
    """The act marked on ``owner`` completed, as the sweep completes it (the organisers' own
    use case, while the booking still carries the mark): True when it was."""
    voiding = voiding_of(owner)
    if voiding is not None and owner.invoice is not None:
        from booking.services.invoice_void_sweep import complete_marked

        complete_marked(ports, owner, voiding, owner.invoice.invoice_id)
        return True
    session_id = checkout_marked(owner)
    if checkout_act_of(owner) is not None and session_id is not None:
        from booking.services.checkout_acts import completed_as_pressed

        return completed_as_pressed(ports, owner, session_id)
    return False


def group_replacement_completed_by_its_payment(ports: Ports, invoice_id: str) -> None:
    """The replacement of a group's invoice (a place's give-up, or an organiser's correction)
    whose stopped try sent ``invoice_id`` (recorded ahead, never saved as the group's
    invoice), completed with it now that Stripe holds it paid, by the step that completes it
    when pressed again; nothing when ``invoice_id`` is no such invoice. DependencyUnavailable:
    not completed now."""
    group_id = ports.groups.group_of_object(invoice_id)
    group = ports.groups.get_group(group_id) if group_id else None
    if group is None or invoice_id not in group.replacing_with:
        return
    current = group.invoice.invoice_id if group.invoice is not None else None
    billing, number = group.replacing_billing, group.replacing_place
    if current == invoice_id or (billing is None and number is None):
        return  # recorded already, or no replacement to complete
    try:
        replacement_completed_as_pressed(ports, group)
    except BookingError as refused:
        logger.warning("a group's paid invoice not recorded yet", extra={"code": refused.code})
        raise DependencyUnavailable(
            "the group's replacement could not be completed with its paid invoice yet",
            code="payment_provider_unavailable",
        ) from refused
    logger.info(
        "a group's replacement completed by its invoice's payment", extra={"group_id": group_id}
    )


def replacement_completed_as_pressed(ports: Ports, group: GroupBooking) -> None:
    """``group``'s replacement completed as pressing again completes it, by the same use case:
    an organiser's correction to the details marked, or the give-up of the place marked (any
    invoice a stopped try sent and never recorded voided with it:
    ``group_invoice_replacement.unrecorded_voided``). Its payment's event and the sweep of a
    replacement left half done both complete it so."""
    billing, number = group.replacing_billing, group.replacing_place
    if billing is not None:
        from booking.services.group_invoice_correction import correct_group_invoice

        correct_group_invoice(
            ports, group.group_id, billing, read_against=ReadAgainst(marked=billing)
        )
        return
    assert number is not None
    from booking.services.group_unpaid_give_up import off_the_way_to_pay

    off_the_way_to_pay(ports, group, existing_course(ports, group.course_id), number)
