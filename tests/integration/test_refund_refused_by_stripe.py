"""An organiser's (or a manager's) refund that Stripe refuses: what the roster
shows is what Stripe holds after the step (DESIGN "One truth"). Refunded already at Stripe
(its dashboard, its events not heard yet): Stripe's refund is found and recorded, the booking
refunded, the person told once. A payment Stripe no longer holds: a refusal in words, nothing
written and nobody emailed. The Stripe stand-in answers both as Stripe does."""

from __future__ import annotations

import json
from typing import Any

from booking.domain.groups import GroupBooking
from tests.support.cohorts import ADA, Cohorts
from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, MANAGER, give_up, manager_view, paid_card_group
from tests.support.page_text import text_of
from tests.support.system import System


def _booked(cohorts: Cohorts, *, cancelled: bool) -> tuple[str, str]:
    """Ada's booking paid £200.00 (cancelled keeping the money when ``cancelled``): its id
    and its payment intent."""
    app_id = str(cohorts.book("move-spring", ADA)["application_id"])
    if cancelled:
        assert cohorts.system.act_on(app_id, "cancel", refund=False).status == 200
    cohorts.emails()
    payment_intent = cohorts.system.stored(app_id).payment_intent
    assert payment_intent is not None
    return app_id, payment_intent


def _refunded_on_the_dashboard(cohorts: Cohorts, *, cancelled: bool) -> str:
    """Ada's booking (as ``_booked`` makes it) refunded whole at Stripe by hand, its events
    lost on the way: its id."""
    app_id, payment_intent = _booked(cohorts, cancelled=cancelled)
    system = cohorts.system
    system.lose_webhooks = True
    system.refund_at_stripe(payment_intent)
    system.lose_webhooks = False
    return app_id


def test_a_refund_afterwards_of_a_charge_refunded_at_stripe_records_stripes_refund(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = _refunded_on_the_dashboard(cohorts, cancelled=True)

    answer = system.act_on(app_id, "refund")

    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "refunded"
    stored = system.stored(app_id)
    assert (stored.status.value, stored.amount_refunded) == ("refunded", 20000)
    assert cohorts.refunded_at_stripe() == [20000]  # the dashboard's one refund, no other
    told = cohorts.emails_to(ADA)
    assert len(told) == 1, [m.subject for m in told]
    assert "refund" in told[0].text
    again = system.act_on(app_id, "refund")
    assert again.status == 200, again.body
    assert cohorts.emails_to(ADA) == []


def test_a_cancel_with_a_refund_of_a_charge_refunded_at_stripe_records_stripes_refund(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = _refunded_on_the_dashboard(cohorts, cancelled=False)

    answer = system.act_on(app_id, "cancel", refund=True)

    assert answer.status == 200, answer.body
    stored = system.stored(app_id)
    assert (stored.status.value, stored.amount_refunded) == ("refunded", 20000)
    assert cohorts.refunded_at_stripe() == [20000]


def test_a_refund_afterwards_stripe_refuses_is_refused_in_words_and_nothing_is_written(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id, payment_intent = _booked(cohorts, cancelled=True)
    before = system.stored(app_id)
    system.payment_gone(payment_intent)

    answer = system.act_on(app_id, "refund")

    error = answer.refused(409, "refund_refused")
    assert "Stripe refused to refund this payment" in error["message"]
    assert "nobody was emailed" in error["message"]
    assert system.stored(app_id) == before
    assert cohorts.emails() == []
    assert cohorts.refunded_at_stripe() == []


def test_a_cancel_with_a_refund_stripe_refuses_cancels_nothing(system: System) -> None:
    cohorts = Cohorts(system)
    app_id, payment_intent = _booked(cohorts, cancelled=False)
    before = system.stored(app_id)
    system.payment_gone(payment_intent)

    answer = system.act_on(app_id, "cancel", refund=True)

    answer.refused(409, "refund_refused")
    assert system.stored(app_id) == before
    assert cohorts.emails() == []


def test_the_console_says_stripes_refusal_and_sends_nothing(system: System) -> None:
    cohorts = Cohorts(system)
    app_id, payment_intent = _booked(cohorts, cancelled=True)
    system.payment_gone(payment_intent)
    browser = signed_in(system)
    path = f"/console/applications/{app_id}"

    done = browser.press(path, f"{path}/refund")

    said = text_of(done.body if done.status != 303 else browser.get(done.headers["location"]).body)
    assert "Stripe refused to refund this payment" in said, said
    assert system.stored(app_id).status.value == "cancelled"
    assert cohorts.emails() == []


def test_the_stand_in_refuses_as_stripe_does(system: System) -> None:
    cohorts = Cohorts(system)
    _app_id, payment_intent = _booked(cohorts, cancelled=False)
    system.refund_at_stripe(payment_intent)

    twice = system.refund_at_stripe(payment_intent, status=400)
    error = json.loads(twice.body)["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "charge_already_refunded"
    assert error["doc_url"] == "https://stripe.com/docs/error-codes/charge-already-refunded"
    assert error["charge"].startswith("ch_")
    # Listed through the real SDK, as the production gateway reads them.
    [held] = system.ports.payments.refunds_held(payment_intent)
    assert (held.refund_amount, held.refund_succeeded) == (20000, True)
    assert str(held.refund_id).startswith("re_")

    missing = system.refund_at_stripe("pi_gone", status=400)
    gone = json.loads(missing.body)["error"]
    assert (gone["code"], gone["param"]) == ("resource_missing", "payment_intent")


def _paid_group(system: System) -> tuple[dict[str, Any], GroupBooking, str]:
    """A manager's booking of two places, paid by card and its emails sent: as the API
    answered it, as stored, and its payment intent."""
    group = paid_card_group(system, colleagues=COLLEAGUES[:2])
    paid = system.stored_group(group)
    assert paid.payment_intent is not None
    return group, paid, paid.payment_intent


def test_a_place_given_up_whose_share_stripe_refuses_to_refund_is_kept(system: System) -> None:
    """The same mistake on a manager's paid place: the share Stripe refuses to give back is
    refused in words, the place kept, the colleague's booking untouched, nobody emailed."""
    group, paid, payment_intent = _paid_group(system)
    system.payment_gone(payment_intent)

    refused = give_up(system, group, 2)

    refused.refused(409, "refund_refused")
    kept = system.ports.groups.get_group(group["group_id"])
    assert kept == paid
    assert manager_view(system, group)["places"][1]["state"] != "released"
    assert system.deliver_emails() == []


def test_a_refund_afterwards_racing_a_dashboard_refund_of_the_rest_answers_refunded(
    system: System,
) -> None:
    """Part refunded at Stripe (told), cancelled keeping the rest, the rest then
    refunded on the dashboard, its events not delivered yet, and the organiser's Refund a
    moment later: the answer is what Stripe holds (refunded, all of it), not the booking as it
    was before the dashboard's refund; the event delivered late changes nothing more."""
    cohorts = Cohorts(system)
    app_id, payment_intent = _booked(cohorts, cancelled=False)
    system.refund_at_stripe(payment_intent, 5000)
    assert len(cohorts.emails_to(ADA)) == 1  # the part refunded, told
    assert system.act_on(app_id, "cancel", refund=False).status == 200
    cohorts.emails()
    system.hold_webhooks = True
    system.refund_at_stripe(payment_intent)  # the rest, £150, on the dashboard
    system.hold_webhooks = False
    assert system.pending  # its events not delivered yet

    answer = system.act_on(app_id, "refund")

    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "refunded", answer.body
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]  # two refunds, no third
    for body, headers in system.pending:  # the dashboard refund's events, late
        assert system.webhook(body, headers).status == 200
    stored = system.stored(app_id)
    assert (stored.status.value, stored.amount_refunded) == ("refunded", 20000)
    told = cohorts.emails_to(ADA)
    assert len(told) == 1, [m.subject for m in told]  # the rest, told once
    assert "£150.00" in told[0].text


def test_a_refund_of_a_payment_whose_dashboard_refund_is_pending_is_refused_in_words(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = _refunded_on_the_dashboard(cohorts, cancelled=True)
    with system.standin._store.lock:  # a Bacs or SEPA refund: pending for days
        for refund in system.standin._store.refunds.values():
            refund["status"] = "pending"

    answer = system.act_on(app_id, "refund")

    error = answer.refused(409, "charge_already_refunded")
    assert "not gone through yet" in error["message"]
    assert (
        "recorded, and the person emailed, when Stripe reports it succeeded" in (error["message"])
    )
    stored = system.stored(app_id)
    assert (stored.status.value, stored.amount_refunded) == ("cancelled", 0)
    assert cohorts.emails_to(ADA) == []


def test_a_place_given_up_whose_payment_stripe_refunded_already_reads_stripes_refunds_back(
    system: System,
) -> None:
    """The group's payment refunded whole at Stripe (its events not yet here): a
    place given up reads Stripe's refunds back and records them, as a single booking's refund
    does, never "look it up in Stripe's dashboard": the booking ends refunded at Stripe, the
    manager and each colleague told once, and the refund's own events, when they come,
    change nothing and tell nobody again."""
    group, paid, payment_intent = _paid_group(system)
    system.hold_webhooks = True  # refunded at Stripe; its events not yet heard
    system.refund_at_stripe(payment_intent)

    answered = give_up(system, group, 2)

    assert answered.status == 200, answered.body
    assert answered.json()["ended_because"] == "refunded_at_stripe", answered.body
    stored = system.stored_group(group)
    assert (stored.amount_paid, stored.amount_refunded) == (paid.amount_paid, paid.amount_paid)
    assert all(place.released for place in stored.places)
    told = sorted(address for m in system.deliver_emails() for address in m.to)
    assert told == sorted([MANAGER, *(c["email"] for c in COLLEAGUES[:2])]), told
    # Stripe's events come now: recorded already, nobody told again.
    system.hold_webhooks = False
    for body, headers in list(system.pending):
        assert system.webhook(body, headers).status == 200
    again = system.stored_group(group)
    assert again.amount_refunded == paid.amount_paid
    assert system.deliver_emails() == []
    # Giving the other place up again is a repeat: the same answer.
    assert give_up(system, group, 1).status == 200


def test_the_organisers_give_up_of_a_place_refunded_already_at_stripe_reads_it_back(
    system: System,
) -> None:
    """The same for the organisers' cancel of a colleague's booking once the manager was
    erased: Stripe's refund of the group's payment is read back and recorded, and the place
    given up on the booking as that leaves it (nothing more to refund), never a 409."""
    from tests.support.groups import colleague_applies

    group, _, _ = _paid_group(system)
    colleague_applies(system, manager_view(system, group))
    assert system.admin("DELETE", f"/people/{MANAGER}").status == 200
    system.deliver_emails()
    paid = system.stored_group(group)
    assert paid.payment_intent is not None
    system.hold_webhooks = True  # refunded at Stripe; its events not yet heard
    system.refund_at_stripe(paid.payment_intent)
    colleague = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])[0]

    cancelled = system.cancel(colleague.application_id)

    assert cancelled.status == 200, cancelled.body
    assert cancelled.json()["status"] == "cancelled"
    after = system.stored_group(group)
    assert after.amount_refunded == paid.amount_paid  # Stripe's one refund, nothing more
    assert after.ended_because is not None
    assert after.ended_because.value == "refunded_at_stripe"
    assert after.places[0].released
    assert after.places[0].refund_id is None
