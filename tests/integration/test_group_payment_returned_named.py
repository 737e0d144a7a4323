"""The billing contact's "payment given back" message names the invoice that payment paid,
as Stripe numbered it, never the group's new invoice left to pay (hostile25 F2): the employer
paid the group's invoice while the manager gave a place up, the give-up's read came before the
payment, and the invoice for the places kept replaced the one paid, whose payment then went
back whole. Through the real handlers, moto and the Stripe stand-in: the payment lands at
Stripe as the give-up makes the new invoice, its event after the give-up's save."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.support.groups import COLLEAGUES, give_up, invoiced_group, manager_view
from tests.support.held_events import deliver, held
from tests.support.invoiced import ACCOUNTS, invoiced_cohort
from tests.support.system import System


def _invoice_of(group: Mapping[str, Any]) -> str:
    return str(group["pay_url"]).rsplit("/", 1)[-1]


def test_a_payment_of_a_replaced_group_invoice_given_back_names_that_invoice(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoiced_cohort(system)
    group = invoiced_group(system, colleagues=COLLEAGUES)
    system.deliver_emails()
    old = _invoice_of(group)
    old_number = system.stripe_invoice(old)["number"]
    answer = system.stripe_http._answer
    paid: list[int] = []

    def paid_as_the_new_invoice_is_made(method: str, url: str, headers: Any, post_data: Any) -> Any:
        if method == "post" and url.endswith("/v1/invoices") and not paid:
            paid.append(system.stripe_local("POST", f"/invoices/{old}/pay").status)
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(system.stripe_http, "_answer", paid_as_the_new_invoice_is_made)
    done, events = held(system, lambda: give_up(system, group, 2))
    monkeypatch.undo()
    if done.status != 200:
        pytest.fail(f"the give-up raced by the payment answered {done.status}: {done.body}")
    assert paid == [200]
    deliver(system, events)

    view = manager_view(system, group)
    new = _invoice_of(view)
    new_number = system.stripe_invoice(new)["number"]
    assert new != old
    assert new_number != old_number
    assert system.stripe_invoice(old)["status"] == "paid"
    assert (view["amount_paid"], view["amount_refunded"]) == (60000, 60000)
    emails = system.deliver_emails()
    [to_accounts] = [e for e in emails if e.to == [ACCOUNTS] and "could not be kept" in e.text]
    [said] = [line for line in to_accounts.text.splitlines() if "could not be kept" in line]
    assert f"(invoice {old_number}, purchase order" in said
    assert new_number not in said
