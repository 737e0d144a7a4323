"""An organiser's act carrying what its page showed (``seen``, ``domain.page_seen``) that ends
or replaces the open invoice voids it at Stripe first; the void is the act's point of no
return. A write landing while Stripe is asked (another organiser putting the billing contact's
address right) has the act decided again on a fresh read: it acts on the application as the
act itself changed it, so ``seen`` is compared no more (it was, on the read before the act's
mark), never "nothing was changed" said of an act whose invoice is void and which the sweep
then completes half an hour later.

Through the real handlers, moto and the Stripe stand-in; the race made exact by a hook at the
in-process Stripe client, just as the system's void reaches the stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.groups import at_the_void
from tests.support.invoiced import one_on_an_invoice
from tests.support.system import System


def _billing_put_right(system: System, app_id: str) -> None:
    """Another organiser's change of a fact the page showed: the billing contact's address."""
    repo = system.ports.repository
    current = repo.get_application(app_id)
    assert current is not None
    assert current.billing is not None
    billing = current.billing.model_copy(update={"billing_email": "accounts@example.org"})
    repo.save(current.model_copy(update={"billing": billing}), current)


@pytest.mark.parametrize(
    ("action", "body", "status"),
    [
        ("cancel", {}, "cancelled"),
        ("bursary", {"amount": 20000}, "confirmed"),
    ],
    ids=["cancel", "full-bursary"],
)
def test_a_fact_written_while_stripe_voids_leaves_the_act_done_as_pressed(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    body: dict[str, Any],
    status: str,
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    app_id = application["application_id"]
    seen = system.admin("GET", f"/applications/{app_id}").json()["seen"]
    at_the_void(
        system,
        monkeypatch,
        invoice_id,
        lambda: _billing_put_right(system, app_id),
    )

    answer = system.admin(
        "POST", f"/applications/{app_id}/{action}", json_body={**body, "seen": seen}
    )
    monkeypatch.undo()

    assert answer.status == 200, answer.body
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    stored = system.stored(application)
    assert stored.status.value == status
    assert stored.invoice is not None
    assert stored.invoice.voiding is None
    assert stored.billing is not None
    assert stored.billing.billing_email == "accounts@example.org"  # the write kept
    system.scheduled_run(system.now() + timedelta(hours=1))
    assert system.stored(application).status.value == status


def test_a_fact_changed_before_the_act_is_still_refused_nothing_voided(system: System) -> None:
    """The page's ``seen`` still counts on the read before the act's mark: a billing contact
    changed after the page was shown refuses the cancel, the invoice left open."""
    application, invoice_id = one_on_an_invoice(system)
    app_id = application["application_id"]
    seen = system.admin("GET", f"/applications/{app_id}").json()["seen"]
    _billing_put_right(system, app_id)

    refused = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"seen": seen})

    refused.refused(409, "application_changed")
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.stored(application).status.value == "awaiting_invoice_payment"


def test_a_fact_written_while_stripe_expires_the_checkout_leaves_the_cancel_done(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for a card checkout the cancel expires first (``checkout_expiry``): a write
    landing while Stripe is asked (a part bursary recorded meanwhile) leaves the cancel done as
    pressed, not refused as though nothing had changed with the checkout expired."""
    application = system.apply(email="card.payer@example.org").json()
    app_id = application["application_id"]
    system.deliver_emails()
    seen = system.admin("GET", f"/applications/{app_id}").json()["seen"]
    payments, repo = system.ports.payments, system.ports.repository
    stripes_expire = payments.expire_checkout
    written: list[str] = []

    def written_first(session_id: str) -> str:  # once, as the first expiry is asked
        current = repo.get_application(app_id)
        assert current is not None
        if not written:
            written.append(session_id)
            repo.save(current.model_copy(update={"bursary": 5000}), current)
        return stripes_expire(session_id)

    monkeypatch.setattr(payments, "expire_checkout", written_first)
    answer = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"seen": seen})
    monkeypatch.undo()

    assert answer.status == 200, answer.body
    stored = system.stored(application)
    assert stored.status.value == "cancelled"
    assert stored.checkout is None or not stored.checkout.expiring
