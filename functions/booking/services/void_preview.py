"""What an organiser's *Void the invoice* would do, decided by the void's own settlement run
without writing (it acted at once, and the place was lost): the console's
confirmation page says it in words, so it promises no other emails than the void makes
(``services.invoicing.organisers_voided``, ``domain.payer.billing_contact_told``)."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.commands import nobody_to_tell
from booking.domain.emails import EmailKind
from booking.domain.invoices import organisers_void
from booking.domain.payer import billing_contact_told
from booking.domain.settlement import settle
from booking.services.console import ApplicationDetail, application_detail
from booking.services.ports import Ports
from booking.services.settle import situation_now


@dataclass(frozen=True)
class VoidPreview:
    """Who the void emails, and whether the place it holds goes back."""

    person_emailed: bool  # the person, told the invoice ended and the place went back
    billing_contact: str | None  # their employer's billing contact, told in a message of its own
    seat_freed: bool  # the place the invoice held goes back to the course


def void_confirmation(ports: Ports, application_id: str) -> tuple[ApplicationDetail, VoidPreview]:
    """The console's page before a void: the application as shown (NotFound first), and what
    its void does, decided as Stripe's ``invoice.voided`` at the organiser's ask is."""
    detail = application_detail(ports, application_id)
    application = detail.application
    invoice = application.invoice
    if "void_invoice" not in detail.actions or invoice is None:
        return detail, VoidPreview(person_emailed=False, billing_contact=None, seat_freed=False)
    voided = organisers_void(invoice.invoice_id, application.application_id)
    # Decided on the invoice as the void leaves it: the organisers' ask recorded on it first
    # (``services.invoicing.organisers_voided``).
    asked = application.model_copy(
        update={"invoice": invoice.model_copy(update={"void_asked": True})}
    )
    after = settle(asked, voided, situation_now(ports, application)).application
    if after is None:
        return detail, VoidPreview(person_emailed=False, billing_contact=None, seat_freed=False)
    known = {job.job_id for job in application.outbox}
    told = next(
        (j for j in after.outbox if j.job_id not in known and j.kind is EmailKind.INVOICE_ENDED),
        None,
    )
    return detail, VoidPreview(
        person_emailed=(
            told is not None and nobody_to_tell(after) is None and not detail.address_suppressed
        ),
        billing_contact=(
            billing_contact_told(EmailKind.INVOICE_ENDED, after, told) if told else None
        ),
        seat_freed=application.seat_held and not after.seat_held,
    )
