"""A code whose letters another course's code holds (Stripe keeps one namespace, whatever the
case) is refused naming that course, as the console lists it, not as if it were on this
course's page. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.invoiced import INVOICED, invoiced_cohort
from tests.support.stripe_client import stripe_client
from tests.support.system import COURSE_ID, System


def _make(system: System, course: str, code: str) -> tuple[int, str]:
    made = system.admin(
        "POST", f"/courses/{course}/discount-codes", json_body={"code": code, "percent_off": 10}
    )
    return made.status, made.body


def test_a_code_taken_on_another_course_is_refused_naming_it(system: System) -> None:
    invoiced_cohort(system)
    assert _make(system, INVOICED, "dupa")[0] == 201
    status, body = _make(system, COURSE_ID, "DUPA")
    assert status == 409, body
    name = system.course(INVOICED)["title"]
    assert f"already in use on {name}" in body
    assert "(as 'DUPA')" in body or "(as 'dupa')" in body


def _coupons_kept(system: System) -> set[str]:
    """The coupons Stripe holds: made and not deleted, by Stripe's own events."""
    client = stripe_client(system.stripe_http)
    events = client.v1.events.list({"type": "coupon.*", "limit": 100}).data
    made = {e.data.object["id"] for e in events if e.type == "coupon.created"}
    return made - {e.data.object["id"] for e in events if e.type == "coupon.deleted"}


def test_a_code_taken_on_another_course_asks_nothing_of_stripe(system: System) -> None:
    """Our own record is read first, so no coupon is made and left behind."""
    invoiced_cohort(system)
    assert _make(system, INVOICED, "FIVER")[0] == 201
    before = len(system.stripe_http.requests)
    assert _make(system, COURSE_ID, "fiver")[0] == 409
    assert system.stripe_http.requests[before:] == []


@pytest.mark.parametrize("refusal", ["held at Stripe", "outage"])
def test_a_promotion_code_stripe_refuses_leaves_no_coupon(
    system: System, monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    """Stripe refuses the promotion code, whatever the reason (its letters are an active code
    no course here has; Stripe fails): the coupon made for it is deleted, nothing kept."""
    if refusal == "held at Stripe":
        coupon = stripe_client(system.stripe_http).v1.coupons.create({"percent_off": 5})
        stripe_client(system.stripe_http).v1.promotion_codes.create(
            {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "OUTSIDE"}
        )
    else:
        answer = system.stripe_http._answer

        def failing(method: str, url: str, headers: Any, post_data: Any) -> Any:
            if method == "post" and url.endswith("/v1/promotion_codes"):
                system.stripe_http.fail_next.append(500)
            return answer(method, url, headers, post_data)

        monkeypatch.setattr(system.stripe_http, "_answer", failing)
    before = _coupons_kept(system)
    status, body = _make(system, COURSE_ID, "OUTSIDE")
    assert status in (409, 503), body
    assert _coupons_kept(system) == before
    assert system.admin("GET", f"/courses/{COURSE_ID}/discount-codes").json() == []


def test_a_promotion_code_whose_answer_was_lost_is_found_at_stripe_and_kept(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe made the promotion code but its answer was lost (a 5xx after it,
    every retry): the code is looked up at Stripe and recorded, its coupon kept, never
    deleted from under a live code."""
    answer = system.stripe_http._answer

    def lost(method: str, url: str, headers: Any, post_data: Any) -> Any:
        made = answer(method, url, headers, post_data)
        if method == "post" and url.endswith("/v1/promotion_codes"):
            return '{"error": {"type": "api_error", "message": "lost"}}', 500, {}
        return made

    monkeypatch.setattr(system.stripe_http, "_answer", lost)
    before = _coupons_kept(system)
    status, body = _make(system, COURSE_ID, "LOSTANSWER")
    assert status == 201, body
    kept = _coupons_kept(system) - before
    assert len(kept) == 1
    at_stripe = stripe_client(system.stripe_http).v1.promotion_codes.list({"code": "LOSTANSWER"})
    assert [p["promotion"]["coupon"] for p in at_stripe.data if p["active"]] == list(kept)
    listed = system.admin("GET", f"/courses/{COURSE_ID}/discount-codes").json()
    assert [c["code"] for c in listed] == ["LOSTANSWER"]
