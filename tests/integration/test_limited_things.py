"""Everything that can run out is claimed like a seat: a discount code's uses, through the real
handlers, moto and the Stripe stand-in (``booking.domain.limits``)."""

from __future__ import annotations

from typing import Any

from booking.adapters.dynamodb.schema import application_key
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


def test_a_use_held_by_an_expired_application_goes_back_when_retention_deletes_it(
    system: System,
) -> None:
    make_code(system, max_uses=1)
    holder = system.apply(discount_code="half-price").json()
    session_id = holder["checkout_url"].rsplit("/", 1)[-1]
    system.stripe_local("POST", f"/checkout/{session_id}/expire")
    stored = system.stored(holder)
    assert stored.status.value == "expired"
    # Expired, it may still pay at its promised price: the use stays with it.
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
    assert again.json()["amount_due"] == 10000
