"""An expired application whose discount code was used up since (its own use went back at the
lapse, and someone else took the last one) is not offered *Start payment again*, which the
checkout would refuse 409: its status page says why, and what to do."""

from __future__ import annotations

from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def _lapsed_with_a_one_use_code(system: System) -> dict[str, object]:
    system.made_code(COURSE_ID, code="HALF-PRICE", percent_off=50, max_uses=1)
    holder = dict(system.apply(discount_code="half-price").json())
    session_id = str(holder["checkout_url"]).rsplit("/", 1)[-1]
    system.stripe_local("POST", f"/checkout/{session_id}/expire")
    assert system.stored(holder).status.value == "expired"
    return holder


def test_the_page_offers_starting_again_while_the_code_has_a_use_left(system: System) -> None:
    holder = _lapsed_with_a_one_use_code(system)
    page = system.status_page(holder)
    assert "Start payment again" in text_of(page)
    assert "used up since" not in text_of(page)


def test_the_code_used_up_since_says_why_and_offers_nothing(system: System) -> None:
    holder = _lapsed_with_a_one_use_code(system)
    taken = system.apply(email="grace@example.org", discount_code="half-price")
    assert taken.status == 201, taken.body

    said = text_of(system.status_page(holder))

    assert "Start payment again" not in said
    assert "can start again below" not in said
    assert "The discount code you applied with has been used up since" in said
    assert "reply to any of our emails, quoting your reference" in said
    assert "Left to pay" not in said
    view = system.status_of(holder)
    assert view["left_to_pay"] == 0


def test_back_from_stripe_the_page_still_says_why(system: System) -> None:
    """Back from Stripe's page without paying (``?checkout=cancelled``) after the code was
    used up, the page does not say "you can start the payment again below"."""
    holder = _lapsed_with_a_one_use_code(system)
    system.apply(email="grace@example.org", discount_code="half-price")
    path = f"/applications/{holder['application_id']}?token={holder['token']}&checkout=cancelled"
    page = system.api("GET", path, headers={"accept": "text/html"})
    assert page.status == 200, page.body
    said = text_of(page.body)
    assert "start the payment again below" not in said
    assert "The discount code you applied with has been used up since" in said
