"""Whoever paid is told: recording a payment received outside Stripe queues, through
the outbox like every email, a short acknowledgement to the invoice's billing contact (a
group's, and one person's employer; the person when they are their own billing contact), with
when and how it came; once per recording, never again on a second press or when Stripe's own
``invoice.paid`` arrives later. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from booking.services import paid_off_stripe
from tests.support.groups import MANAGER, invoiced_group
from tests.support.held_events import deliver, held
from tests.support.invoiced import (
    ACCOUNTS,
    BILLING,
    INVOICED,
    applied_by_invoice,
    invoiced_cohort,
)
from tests.support.system import System

PERSON = "ben@example.org"


def _acknowledgements(system: System) -> list[Any]:
    return [e for e in system.deliver_emails() if e.subject.startswith("Payment received")]


def test_one_persons_billing_contact_is_told_once(system: System) -> None:
    invoiced_cohort(system)
    application = applied_by_invoice(system, email=PERSON)
    system.deliver_emails()
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    given = {"method": "bank_transfer", "reference": "ACME 0042"}

    done, stripes_own = held(system, lambda: system.admin("POST", path, json_body=given))

    assert done.status == 200, done.body
    [told] = _acknowledgements(system)
    number = system.stored(application).invoice.number  # type: ignore[union-attr]
    assert told.to == [ACCOUNTS]
    assert told.subject.startswith(f"Payment received for invoice {number}: ")
    assert "we have received the payment of £200.00" in told.text
    assert "(received by bank transfer, bank's reference ACME 0042)" in told.text
    assert application["status_url"] not in told.text  # the person's link stays theirs
    # Stripe's own invoice.paid, late; a second press: nobody is told again.
    deliver(system, stripes_own)
    assert system.admin("POST", path, json_body={}).status == 200
    assert _acknowledgements(system) == []


def test_a_person_who_is_their_own_billing_contact_is_told(system: System) -> None:
    invoiced_cohort(system)
    answer = system.apply(INVOICED, **{**BILLING, "email": PERSON, "billing_email": PERSON})
    assert answer.status == 201, answer.body
    application = dict(answer.json())
    system.deliver_emails()
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"

    assert system.admin("POST", path, json_body={}).status == 200

    [told] = _acknowledgements(system)
    assert told.to == [PERSON]
    assert "for your place on" in told.text


def test_a_groups_billing_contact_is_told_once_and_the_manager_is_not(system: System) -> None:
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    api = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"

    done, stripes_own = held(
        system, lambda: system.admin("POST", api, json_body={"method": "cheque"})
    )

    assert done.status == 200, done.body
    [told] = _acknowledgements(system)
    assert told.to == [ACCOUNTS]
    assert MANAGER not in told.to
    assert "we have received the payment of £600.00" in told.text
    assert "(received by cheque)" in told.text
    assert group["group_id"] not in told.text  # never the manager's page
    deliver(system, stripes_own)
    assert system.admin("POST", api, json_body={}).status == 200
    assert _acknowledgements(system) == []


def _first_press_stopped_after_stripe(
    system: System, monkeypatch: pytest.MonkeyPatch, path: str, given: dict[str, Any]
) -> list[Any]:
    """The first press stopped after Stripe marked the invoice paid out of band, before it
    applied its own ``invoice.paid`` (the function ran out of time): Stripe's own events of
    the mark, held."""

    def stopped(ports: Any, event: Any) -> Any:
        raise TimeoutError("the function ran out of time")

    with monkeypatch.context() as patched:
        patched.setattr(paid_off_stripe, "_invoice_event_applied", stopped)
        done, stripes_own = held(system, lambda: system.admin("POST", path, json_body=given))
    assert done.status == 500, done.body
    assert _acknowledgements(system) == []
    return stripes_own


@pytest.mark.parametrize("first", ["stripes_event", "second_press"])
def test_a_press_stopped_after_stripe_marked_it_is_acknowledged_once_in_either_order(
    system: System, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    invoiced_cohort(system)
    application = applied_by_invoice(system, email=PERSON)
    system.deliver_emails()
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    given = {"method": "bank_transfer", "reference": "ACME 0042"}
    stripes_own = _first_press_stopped_after_stripe(system, monkeypatch, path, given)

    if first == "stripes_event":  # Stripe's invoice.paid confirms the booking first
        deliver(system, stripes_own)
        assert system.stored(application).status.value == "confirmed"
        assert system.admin("POST", path, json_body=given).status == 200
    else:
        assert system.admin("POST", path, json_body=given).status == 200
        deliver(system, stripes_own)

    [told] = _acknowledgements(system)
    assert told.to == [ACCOUNTS]
    assert "(received by bank transfer, bank's reference ACME 0042)" in told.text
    # A press again, and Stripe's event again: nobody is told a second time.
    assert system.admin("POST", path, json_body={}).status == 200
    deliver(system, stripes_own)
    assert _acknowledgements(system) == []


def test_a_groups_press_stopped_after_stripe_is_acknowledged_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    api = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    stripes_own = _first_press_stopped_after_stripe(system, monkeypatch, api, {"method": "cheque"})

    deliver(system, stripes_own)  # Stripe's own invoice.paid books the places first
    assert system.admin("POST", api, json_body={"method": "cheque"}).status == 200

    [told] = _acknowledgements(system)
    assert told.to == [ACCOUNTS]
    assert "(received by cheque)" in told.text
    assert system.admin("POST", api, json_body={}).status == 200
    assert _acknowledgements(system) == []
