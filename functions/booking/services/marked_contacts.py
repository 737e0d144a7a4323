"""A billing contact named only in the mark of an organiser's act still on its way:
a correction of an invoice stopped after the old invoice's void at Stripe, before its save
(the new details on the invoice's mark), or an invoice to the employer instead of the card
stopped after the checkout's expiry (the details on the checkout's mark). The save of the mark
indexes the contact (``invoice_voiding.contacts_named``), so their export and erasure find the
booking; the erasure ends the act (once nothing refuses the erasure), so the sweep never
completes it and sends an invoice to someone who asked to be erased.

Why end it rather than refuse the erasure until the mark settles: the mark settles by the
sweep's completion, which sends them the invoice (Stripe emails it, and a customer holding
their name and address is made) after they asked to be erased; ended now, nothing is sent to
them and their details go with the mark. What the act left behind is decided as every act left
half done is (``half_done``, ``checkout_acts``): Stripe read once. The correction's old invoice
void at Stripe (the correction cannot be completed: its contact is gone), the booking ends by
that void as an organiser's *Void the invoice* ends it, its place let go (as the erasure of a
billing contact voids the open invoice addressed to them); still open, the mark is taken back
and the booking goes on on its old invoice. The invoice instead of the card: its mark taken
back (the person may pay by card again; the hold ends at its end as an unpaid one's). Either
act's invoice sent to them before it stopped (its id recorded first, while a draft) is voided
and its customer deleted first.

Refused in words, nothing erased, while the act is younger than ``LEFT_HALF_DONE_AFTER``: it
may still be running, and its own save settles the mark (then its contact is the booking's,
erased as any billing contact is)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.billing import billing_contact_of
from booking.domain.erasure import BILLING_CONTACT, ApplicationErased
from booking.domain.errors import Conflict
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.provider_objects import sent_and_never_saved
from booking.services.checkout_acts import checkout_mark_taken_back
from booking.services.invoice_requests import invoice_held, unmark_voiding
from booking.services.invoicing import organisers_voided
from booking.services.ports import Ports
from booking.services.provider_erasure import disown_invoice

logger = Logger(child=True)
ACT_ON_ITS_WAY = "act_on_its_way"


@dataclass(frozen=True)
class _Marked:
    """An act whose mark names the contact: which kind, and the act."""

    application: Application
    act: VoidingFor
    corrected: bool  # a correction of the invoice (else an invoice instead of the card)


def _marks_naming(application: Application, contact: str) -> list[_Marked]:
    found = []
    invoice = application.invoice
    voiding = invoice.voiding if invoice is not None else None
    if voiding is not None and billing_contact_of(voiding.corrected) == contact:
        found.append(_Marked(application, voiding, corrected=True))
    checkout = application.checkout
    marked = checkout.expiring_for if checkout is not None and checkout.expiring else None
    if marked is not None and billing_contact_of(marked.invoiced_instead) == contact:
        found.append(_Marked(application, marked, corrected=False))
    return found


def _marked(email: str, billed: list[Application]) -> list[_Marked]:
    contact = email.strip().lower()
    return [m for application in billed for m in _marks_naming(application, contact)]


def refuse_while_acts_young(ports: Ports, email: str, billed: list[Application]) -> None:
    """The erasure of ``email`` refused in words (409, before anything is done) while an act
    on ``billed`` (the applications billed to them, read) whose mark names them is young."""
    now = ports.clock()
    young = [m for m in _marked(email, billed) if m.act.left_half_done_at() > now]
    if young:
        refs = ", ".join(sorted({m.application.reference_or_id for m in young}))
        raise Conflict(
            f"an organiser's change to the invoice of {refs}, which names this billing contact, "
            "is still being finished: nothing was erased. Please try again in a few minutes",
            code=ACT_ON_ITS_WAY,
        )


def end_acts_naming(ports: Ports, email: str, billed: list[Application]) -> list[ApplicationErased]:
    """Every act on ``billed`` whose mark names ``email`` ended (after
    :func:`refuse_while_acts_young`, and after the erasure's refusals, so a refused erasure
    ends none): what each ending did, as the erasure reports it. Stripe unreachable: 503."""
    ended: list[ApplicationErased] = []
    for application in sorted({m.application.application_id for m in _marked(email, billed)}):
        # Read again: the act may have been completed or taken back since it was read.
        fresh = ports.repository.get_application(application)
        ended += [_ended(ports, m) for m in _marked(email, [fresh] if fresh else [])]
    return ended


def _ended(ports: Ports, marked: _Marked) -> ApplicationErased:
    application = marked.application
    app_id = application.application_id
    said = ApplicationErased(
        app_id, application.reference_or_id, application.course_id, BILLING_CONTACT
    )
    sent = sent_and_never_saved(application)
    if sent is not None:  # the invoice it sent them before it stopped: voided, customer gone
        disown_invoice(ports, sent)
    if not marked.corrected:
        checkout = application.checkout
        assert checkout is not None
        checkout_mark_taken_back(ports, app_id, checkout.session_id)
        logger.info("an invoice instead ended by its contact's erasure", extra={"id": app_id})
        return said
    invoice = application.invoice
    assert invoice is not None
    held = invoice_held(ports, invoice.invoice_id)  # Stripe unreachable: 503, pressed again
    if held is not None and held.status != "void":
        unmark_voiding(ports, app_id, invoice.invoice_id)  # the void never reached Stripe
        logger.info("a correction taken back for its contact's erasure", extra={"id": app_id})
        return said
    organisers_voided(ports, app_id, invoice.invoice_id)
    unmark_voiding(ports, app_id, invoice.invoice_id)
    logger.info("a correction ended by its void for its contact's erasure", extra={"id": app_id})
    return ApplicationErased(
        app_id,
        application.reference_or_id,
        application.course_id,
        BILLING_CONTACT,
        invoice_voided=True,
        seat_released=application.seat_held,
    )


def ended_alone(
    ended: list[ApplicationErased], erased: list[ApplicationErased]
) -> list[ApplicationErased]:
    """The acts ``ended`` whose booking the erasure did not also erase as its billing contact's
    (``erased``): their mark alone named the person."""
    done = {e.application_id for e in erased}
    return [e for e in ended if e.application_id not in done]
