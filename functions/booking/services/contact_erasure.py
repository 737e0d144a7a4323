"""A billing contact erased from someone else's application (``services.people``): their
details blanked where the booking keeps them, and the invoice addressed to them voided as an
organiser voids it; one being paid is left open, said, as its payment confirms the booking."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.erasure import BILLING_CONTACT, ApplicationErased, billing_contact_erased
from booking.domain.errors import PAYMENT_ON_ITS_WAY, Conflict, DependencyUnavailable
from booking.domain.former_contacts import not_billed_now
from booking.services.concurrency import retried
from booking.services.invoicing import void_by_organiser
from booking.services.ports import Ports

logger = Logger(child=True)


def erase_billing_contact(ports: Ports, application: Application, email: str) -> ApplicationErased:
    """The billing contact blanked on someone else's application; its open invoice, if still
    addressed to them, voided as an organiser voids it (the place back, the applicant told)."""

    def blank(current: Application | None) -> Application | None:
        if current is None:
            return None
        return ports.repository.save(billing_contact_erased(current, ports.clock(), email), current)

    first: Application | None = application
    saved = retried(
        blank, lambda: ports.repository.get_application(application.application_id), first=first
    )
    voided = being_paid = False
    if saved is not None and saved.has_open_invoice() and not not_billed_now(application, email):
        try:
            void_by_organiser(ports, saved.application_id)
            voided = True
        except (Conflict, DependencyUnavailable) as refused:
            # Being paid (its payment confirms the place when it comes: said), or Stripe
            # unreachable: the customer's deletion stays owed, the sweep voids the invoice first.
            being_paid = refused.code in PAYMENT_ON_ITS_WAY
            logger.warning(
                "billing contact's invoice left open",
                extra={"application_id": saved.application_id, "reason": refused.code},
            )
    return ApplicationErased(
        application.application_id,
        application.reference_or_id,
        application.course_id,
        BILLING_CONTACT,
        invoice_voided=voided,
        seat_released=voided and application.seat_held,
        invoice_being_paid=being_paid,
    )
