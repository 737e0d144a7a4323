"""Everything that can run out is claimed like a seat: a discount code's uses, through the real
handlers, moto and the Stripe stand-in (``booking.domain.limits``)."""

from __future__ import annotations

from typing import Any

from booking.adapters.dynamodb.schema import application_key
from tests.support.applications import invoice_id_of
from tests.support.invoiced import INVOICED, applied_by_invoice, invoiced_cohort
from tests.support.system import COURSE_ID, System


def make_code(system: System, **terms: Any) -> None:
    body = {"code": "HALF-PRICE", "percent_off": 50} | terms
    system.made_code(COURSE_ID, **body)


def uses(system: System) -> int:
    code = system.ports.repository.get_discount_code(COURSE_ID, "half-price")
    assert code is not None
    return code.uses


def test_a_one_use_code_gives_one_discount_whoever_pays_first(system: System) -> None:
    make_code(system, max_uses=1)
    first = system.apply(discount_code="half-price")
    assert first.status == 201, first.body
    assert first.json()["amount_due"] == 10000
    # Before anybody has paid, the second applicant is refused on the field: the first
    # application holds the code's only use from the moment it was made.
    second = system.apply(email="grace@example.org", discount_code="half-price")
    assert second.status == 422, second.body
    assert "used up" in second.json()["error"]["fields"]["discount_code"]
    assert len(system.applications()) == 1  # nothing of the refused one was written
    opened = [e for e in system.standin.events() if e["type"] == "checkout.session.completed"]
    assert opened == []
    system.pay(first.json()["checkout_url"])
    assert system.standin.money_taken() == {first.json()["application_id"]: 10000}
    assert uses(system) == 1


def test_a_use_held_by_a_hold_that_ended_unpaid_goes_back_at_once(system: System) -> None:
    """A checkout that expired (an offer that lapsed, any hold that ended unpaid)
    gives its code's use back then, not at retention; started again, it finds it taken."""
    make_code(system, max_uses=1)
    holder = system.apply(discount_code="half-price").json()
    session_id = holder["checkout_url"].rsplit("/", 1)[-1]
    system.stripe_local("POST", f"/checkout/{session_id}/expire")
    assert system.stored(holder).status.value == "expired"
    assert uses(system) == 0

    again = system.apply(email="grace@example.org", discount_code="half-price")
    assert again.status == 201, again.body
    assert again.json()["amount_due"] == 10000
    path = f"/applications/{holder['application_id']}/checkout?token={holder['token']}"
    refused = system.api("POST", path).refused(409, "discount_code_used_up")
    assert "has been used up since the time to pay" in refused["message"]
    assert system.stored(holder).status.value == "expired"
    assert uses(system) == 1


def test_a_use_held_by_an_ended_booking_goes_back_when_retention_deletes_it(
    system: System,
) -> None:
    make_code(system, max_uses=1, percent_off=100)
    holder = system.apply(discount_code="half-price").json()
    assert system.stored(holder).status.value == "confirmed"  # nothing to pay
    assert system.cancel(holder["application_id"], refund=False).status == 200
    # A booking used its code: cancelled, it keeps it.
    refused = system.apply(email="grace@example.org", discount_code="half-price")
    assert refused.status == 422
    # The table's time-to-live deletes it (no transaction); the stream carries the removal to
    # the relay, which gives the use back.
    system.dynamodb.delete_item(
        TableName=system.resources.table_name, Key=application_key(holder["application_id"])
    )
    system.relay()
    assert uses(system) == 0
    again = system.apply(email="grace@example.org", discount_code="half-price")
    assert again.status == 201, again.body


def test_a_late_payment_of_a_hold_whose_code_use_was_taken_meanwhile_goes_back(
    system: System,
) -> None:
    """An invoice marked uncollectible ends its hold (the use back), and Stripe still lets it
    be paid: by then another application took the code's last use, so the payment cannot
    book the place at its price and goes back whole, in words; the use stays the other's."""
    invoiced_cohort(system, capacity=3)
    system.made_code(INVOICED, code="HALF-PRICE", percent_off=50, max_uses=1)
    first = applied_by_invoice(system, discount_code="half-price")
    invoice = invoice_id_of(first)
    assert system.stripe_local("POST", f"/invoices/{invoice}/mark_uncollectible").status == 200
    assert system.stored(first).status.value == "expired"
    other = system.apply(INVOICED, email="grace@example.org", discount_code="half-price")
    assert other.status == 201, other.body
    system.deliver_emails()

    assert system.stripe_local("POST", f"/invoices/{invoice}/pay").status == 200

    assert all(reply.status == 200 for reply in system.webhook_replies)
    assert system.stored(first).status.value == "refunded"
    assert system.standin.money_moved()[first["application_id"]] == (10000, 10000)
    code = system.ports.repository.get_discount_code(INVOICED, "half-price")
    assert code is not None
    assert code.uses == 1
    said = " ".join(" ".join(e.text.split()) for e in system.deliver_emails())
    assert "the discount code given with your application had no use left" in said


def _expired_its_use_taken_since(system: System) -> dict[str, Any]:
    """A half-price application whose checkout expired, its code's one use taken since."""
    make_code(system, max_uses=1)
    holder = dict(system.apply(discount_code="half-price").json())
    session_id = holder["checkout_url"].rsplit("/", 1)[-1]
    system.stripe_local("POST", f"/checkout/{session_id}/expire")
    assert system.apply(email="grace@example.org", discount_code="half-price").status == 201
    return holder


def test_a_restarted_hold_with_nothing_left_to_pay_is_refused_in_the_same_words(
    system: System,
) -> None:
    """The nothing-to-pay save (a bursary covering the rest) is refused in the
    checkout's words, not the store's bare "this discount code has no use left"."""
    holder = _expired_its_use_taken_since(system)
    stored = system.stored(holder)
    system.ports.repository.save(stored.model_copy(update={"bursary": 20000}), stored)
    path = f"/applications/{holder['application_id']}/checkout?token={holder['token']}"

    refused = system.api("POST", path).refused(409, "discount_code_used_up")

    assert "has been used up since the time to pay" in refused["message"]
    assert system.stored(holder).status.value == "expired"
