"""Recording a payment received outside Stripe reads the invoice at Stripe once before it asks
Stripe to mark it (it read it twice, once to see whether an earlier press had marked it
and again to see whether a payment of it was on its way), and a read Stripe refuses answers
503 with nothing written, as every other read of an open invoice does (it answered 409).
Through the real handlers, moto and the Stripe stand-in (the real ``stripe`` SDK)."""

from __future__ import annotations

from typing import Any

from tests.support.applications import invoice_id_of
from tests.support.groups import invoiced_group, pay_link_id
from tests.support.held_events import held
from tests.support.invoiced import applied_by_invoice, invoiced_cohort
from tests.support.stripe_client import RecordedRequest
from tests.support.system import System


def _invoice_calls(system: System, invoice_id: str, since: int) -> list[tuple[str, str]]:
    """The requests made of Stripe about ``invoice_id`` since the ``since``-th, in order."""
    made: list[RecordedRequest] = system.stripe_http.requests[since:]
    return [
        (r.method, r.path.removeprefix(f"/v1/invoices/{invoice_id}") or "/")
        for r in made
        if r.path.startswith(f"/v1/invoices/{invoice_id}")
    ]


def _booked(system: System) -> tuple[dict[str, Any], str]:
    invoiced_cohort(system)
    application = applied_by_invoice(system, email="ben@example.org")
    system.deliver_emails()
    return application, invoice_id_of(application)


def _marked_after_one_read(system: System, invoice_id: str, path: str) -> None:
    """The organiser API's press at ``path`` marks ``invoice_id`` paid outside Stripe (Stripe's
    own invoice.paid held back: its webhook's read is not the press's), and Stripe was asked
    once to decide (marked already? being paid?), then the mark, then the event path's own
    read of what was paid, after the mark."""
    since = len(system.stripe_http.requests)
    done, _events = held(system, lambda: system.admin("POST", path, json_body={}))
    assert done.status == 200, done.body
    assert _invoice_calls(system, invoice_id, since) == [
        ("get", "/"),
        ("post", "/pay"),
        ("get", "/"),
    ]


def test_one_read_before_the_mark_for_a_booking(system: System) -> None:
    application, invoice_id = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    _marked_after_one_read(system, invoice_id, path)


def test_one_read_before_the_mark_for_a_group(system: System) -> None:
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    path = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    _marked_after_one_read(system, pay_link_id(group), path)


def test_a_read_stripe_refuses_is_a_503_and_nothing_is_written(system: System) -> None:
    application, invoice_id = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    version = system.stored(application).version
    since = len(system.stripe_http.requests)
    system.stripe_http.fail_next = [400]  # Stripe refuses the read

    refused = system.admin("POST", path, json_body={})

    assert refused.status == 503, refused.body
    assert refused.json()["error"]["code"] == "payment_provider_unavailable"
    assert _invoice_calls(system, invoice_id, since) == [("get", "/")]  # never marked
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.stored(application).version == version
    assert system.deliver_emails() == []


def test_a_groups_read_stripe_refuses_is_a_503_and_nothing_is_written(system: System) -> None:
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    invoice_id = pay_link_id(group)
    version = system.stored_group(group).version
    system.stripe_http.fail_next = [400]

    api = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    refused = system.admin("POST", api, json_body={})

    assert refused.status == 503, refused.body
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.stored_group(group).version == version
    assert system.deliver_emails() == []
