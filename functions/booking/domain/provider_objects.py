"""The payment provider's objects an application recorded: Stripe's events about them are
believed for it alone, and erasure finds the customers its invoices were addressed to."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # read, never built here: no import cycle with the model
    from booking.domain.application import Application


def provider_objects(application: Application) -> set[str]:
    """The ids of the provider's objects this application recorded: every checkout session it
    opened and its invoice. Stripe's events about them are believed for it alone."""
    opened = {ref.session_id for ref in application.checkout_history}
    current = (application.checkout.session_id,) if application.checkout else ()
    return opened | {*current, *((application.invoice.invoice_id,) if application.invoice else ())}


def invoices_ever_issued(application: Application) -> tuple[str, ...]:
    """Every invoice sent for the application (records from before ``invoices_issued`` was
    kept: their current invoice)."""
    current = (application.invoice.invoice_id,) if application.invoice else ()
    return tuple(dict.fromkeys((*application.invoices_issued, *current)))
