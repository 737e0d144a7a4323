"""A person booked by card whose employer is then invoiced instead (*Invoice the employer
instead*, ``POST /admin/applications/{id}/invoice/instead-of-card``): the booking, the
organiser's press, and that press stopped at its save after Stripe's expiry and the invoice
sent, for the tests of that act and of an invoice a stopped try sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.invoiced import INVOICED, invoiced_cohort

if TYPE_CHECKING:
    from tests.support.system import Reply, System

PERSON = "card-payer@example.org"
EMPLOYER = {
    "billing_name": "St Elsewhere Teaching Hospitals NHS Trust",
    "billing_email": "invoices@example.nhs.uk",
    "billing_address": "2 Infirmary Street\nLeeds LS1 2BB",
    "po_number": "PO-9001",
}


def by_card(system: System, **fields: Any) -> dict[str, Any]:
    """One person applying by card on :data:`INVOICED` (two places), checkout open."""
    invoiced_cohort(system, capacity=2)
    reply = system.apply(INVOICED, email=PERSON, **fields)
    assert reply.status == 201, reply.body
    system.deliver_emails()
    return dict(reply.json())


def invoiced_instead(system: System, application: dict[str, Any], **body: Any) -> Reply:
    """The organiser's press: the employer invoiced at ``body`` (else :data:`EMPLOYER`)."""
    path = f"/applications/{application['application_id']}/invoice/instead-of-card"
    return system.admin("POST", path, json_body=body or dict(EMPLOYER))


def stopped_after_the_expiry(
    system: System, monkeypatch: pytest.MonkeyPatch, act: Callable[[], Any]
) -> tuple[Any, list[Any]]:
    """``act`` stopped at its save after Stripe's expiry and the invoice sent; Stripe's
    events of it held."""
    repository = system.ports.repository
    real_save = repository.save

    def stopped(new: Any, previous: Any, **options: Any) -> Any:
        # The change's own save (not the mark's, nor the draft invoice's id's).
        if previous.checkout is not None and previous.checkout.expiring and new.invoice:
            raise TimeoutError("the function ran out of time")
        return real_save(new, previous, **options)

    system.hold_webhooks, start = True, len(system.pending)
    with monkeypatch.context() as patched:
        patched.setattr(repository, "save", stopped)
        reply = act()
    system.hold_webhooks = False
    caught, system.pending = system.pending[start:], system.pending[:start]
    return reply, caught
