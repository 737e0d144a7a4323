"""A payer's bank disputing a group booking's payment (a manager's card checkout, or the
employer's invoice for its places) or an employer's invoice for one place: recorded on the
booking that recorded the payment, read back at Stripe first, counted in the money with
Stripe's dispute fee, said in words on the group's page and the roster, and told to the
facilitators once per dispute, whatever the order and however many times the events come.
Through the webhook handler, moto and the Stripe stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.console import signed_in
from tests.support.exploration import seeded
from tests.support.groups import (
    COLLEAGUES,
    apply_through,
    colleague_applies,
    manager_view,
    paid_card_group,
    paid_group,
)
from tests.support.held_events import Delivery, events_held
from tests.support.invoiced import (
    INVOICED,
    applied_and_paid_outside_stripe,
    applied_by_invoice,
    invoiced_cohort,
)
from tests.support.page_text import text_of
from tests.support.stripe_events import sent
from tests.support.system import COURSE_ID, Reply, System

FORM = {"content-type": "application/x-www-form-urlencoded"}
FLAG = "Payment disputed by the payer's bank on"
FEE = "Stripe charged a £20.00 dispute fee, kept whatever the outcome."


def _dispute(system: System, path: str, reason: str = "product_not_received") -> Reply:
    """The payer's bank opens a dispute of what paid ``path`` (``/checkout/{id}`` or
    ``/invoices/{id}``) at the stand-in: its events sent at once (unless held)."""
    body = urlencode({"reason": reason}).encode()
    return system.stripe_local("POST", f"{path}/dispute", body, FORM)


def _close(system: System, dispute_id: str, outcome: str) -> Reply:
    body = urlencode({"outcome": outcome}).encode()
    return system.stripe_local("POST", f"/disputes/{dispute_id}/close", body, FORM)


def _opened(system: System, path: str) -> dict[str, Any]:
    reply = _dispute(system, path)
    assert reply.status == 200, reply.body
    answer = dict(reply.json())
    assert [e["webhook_status"] for e in answer["events"]] == [200, 200]
    return dict(answer["dispute"])


def _told(system: System) -> list[str]:
    """The text of each message about a dispute the facilitators were sent now."""
    course = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    facilitators = set(course.definition.facilitator_addresses())
    return [
        e.text
        for e in system.deliver_emails()
        if "disputed" in e.subject.lower() and set(e.to) == facilitators
    ]


def _checkout_of(group: dict[str, Any]) -> str:
    return "/checkout/" + urlsplit(str(group["pay_url"])).path.rsplit("/", 1)[-1]


def _invoice_of(answer: dict[str, Any], key: str) -> str:
    return "/invoices/" + str(answer[key]).rsplit("/", 1)[-1]


def _group_invoice(system: System, group: dict[str, Any]) -> str:
    invoice = system.stored_group(group).invoice
    assert invoice is not None
    return f"/invoices/{invoice.invoice_id}"


def _money(system: System, course_id: str) -> tuple[int, int, int, int, int]:
    totals = system.totals(course_id)
    figures = ("paid", "refunded", "disputed", "dispute_fees", "net")
    return tuple(int(totals[name]) for name in figures)  # type: ignore[return-value]


def _card_group(system: System, word: str = "g") -> dict[str, Any]:
    """Two colleagues' places on the sample cohort (£400), paid by the manager's card, the
    emails delivered: the booking's answer."""
    colleagues = [{**c, "email": f"{word}.{c['email']}"} for c in COLLEAGUES[:2]]
    return paid_card_group(system, colleagues=colleagues)


def test_a_groups_card_payment_disputed_then_lost(system: System) -> None:
    group = _card_group(system)
    colleague_applies_to_place(system, group)
    before = _money(system, COURSE_ID)

    dispute = _opened(system, _checkout_of(group))

    stored = system.stored_group(group)
    assert stored.status.value == "paid"  # the places are not taken away
    [record] = stored.disputes
    assert (record.withdrawn, record.fee, record.status) == (40000, 2000, "needs_response")
    assert dispute["payment_intent"] == stored.payment_intent
    assert _money(system, COURSE_ID) == (
        before[0],
        before[1],
        40000,
        2000,
        before[4] - 42000,
    )
    [told] = _told(system)
    assert FLAG in told
    assert "St Elsewhere NHS Trust" in told
    assert "Stripe holds £400.00 until" in told
    assert FEE in told
    console = signed_in(system)
    page = text_of(console.get(f"/console/courses/{COURSE_ID}/group-bookings").body)
    assert f"Payment disputed {FLAG}" in page
    assert "the payer says they did not receive what they paid for" in page
    listed = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()
    assert FLAG in json.dumps(listed)
    # The roster says it beside the colleague whose place the group paid for.
    roster = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    [row] = [r for r in roster if r["group_id"]]
    assert row["disputed"].startswith(FLAG)
    record = system.admin("GET", f"/applications/{row['application_id']}").json()
    assert record["disputed"] == row["disputed"]  # one truth: the record says the same
    # The colleague's own page in the console says it too, as the roster does.
    own = text_of(console.get(f"/console/applications/{row['application_id']}").body)
    assert f"Payment disputed. {row['disputed']}" in own
    csv_text = console.get(f"/console/courses/{COURSE_ID}/roster.csv").body
    assert csv_text.count(FLAG) == 1
    listing = text_of(console.get(f"/console/courses/{COURSE_ID}").body)
    assert f"Payment disputed {FLAG}" in listing  # the course's list, beside the colleague
    money = text_of(console.get(f"/console/courses/{COURSE_ID}/money").body)
    assert "Taken back by payers' banks (disputes) £400.00" in money
    assert "Stripe's dispute fees (kept whatever the outcome) £20.00" in money

    assert _close(system, dispute["id"], "lost").status == 200

    assert system.stored_group(group).disputes[0].status == "lost"
    assert _money(system, COURSE_ID)[2:] == (40000, 2000, before[4] - 42000)
    assert _told(system) == []  # once per dispute


def colleague_applies_to_place(system: System, group: dict[str, Any]) -> None:
    """The first colleague of a :func:`_card_group` applies through their link."""
    first = COLLEAGUES[0]
    link = manager_view(system, group)["places"][0]["apply_url"]
    applied = apply_through(system, link, name=first["name"], email=f"g.{first['email']}")
    assert applied.status == 201, applied.body
    system.deliver_emails()


def test_a_groups_invoice_payment_disputed_then_won(system: System) -> None:
    invoiced_cohort(system)
    group = paid_group(system)
    colleague_applies(system, group)
    system.deliver_emails()
    before = _money(system, INVOICED)
    dispute = _opened(system, _group_invoice(system, group))
    [record] = system.stored_group(group).disputes
    assert (record.withdrawn, record.fee) == (60000, 2000)
    assert len(_told(system)) == 1

    closed = _close(system, dispute["id"], "won")
    assert [e["webhook_status"] for e in closed.json()["events"]] == [200, 200]

    [record] = system.stored_group(group).disputes
    assert (record.status, record.withdrawn, record.fee) == ("won", 0, 2000)
    # The bank gave the £600 back; Stripe's fee is kept whatever the outcome.
    assert _money(system, INVOICED) == (before[0], before[1], 0, 2000, before[4] - 2000)
    assert _told(system) == []
    page = text_of(signed_in(system).get(f"/console/courses/{INVOICED}/group-bookings").body)
    assert "The dispute was won: the £600.00 came back from the bank." in page


def test_an_employers_invoice_for_one_place_disputed(system: System) -> None:
    invoiced_cohort(system)
    application = applied_by_invoice(system)
    invoice = _invoice_of(application, "invoice_url")
    assert system.stripe_local("POST", f"{invoice}/pay").status == 200
    system.deliver_emails()
    before = _money(system, INVOICED)

    dispute = _opened(system, invoice)

    stored = system.stored(application)
    assert stored.status.value == "confirmed"
    [record] = stored.disputes
    assert (record.dispute_id, record.withdrawn, record.fee) == (dispute["id"], 20000, 2000)
    # Stripe's shapes: the dispute of the charge that paid the invoice (its payment intent, the
    # one the booking recorded), the withdrawal carrying Stripe's fee as Stripe itemises it.
    withdrawn = _dispute_events(system, dispute["id"])[1]["data"]["object"]
    assert withdrawn["payment_intent"] == stored.payment_intent
    [taken] = withdrawn["balance_transactions"]
    assert (taken["amount"], taken["fee"], taken["net"]) == (-20000, 2000, -22000)
    assert [(f["type"], f["description"]) for f in taken["fee_details"]] == [
        ("stripe_fee", "Dispute fee")
    ]
    assert _money(system, INVOICED)[2:] == (20000, 2000, before[4] - 22000)
    [told] = _told(system)
    assert FLAG in told
    page = text_of(
        signed_in(system).get(f"/console/applications/{application['application_id']}").body
    )
    assert FLAG in page
    assert FEE in page


def test_an_invoice_paid_outside_stripe_has_nothing_to_dispute(system: System) -> None:
    invoiced_cohort(system)
    application = applied_and_paid_outside_stripe(system)
    invoice = _invoice_of(application, "invoice_url")
    reply = _dispute(system, invoice)
    assert reply.status == 409, reply.body  # not paid through Stripe: no charge to dispute
    assert "was not paid through Stripe" in reply.body


def test_a_forged_dispute_of_a_groups_payment_is_refused(system: System) -> None:
    """A signed dispute event of the group's payment that Stripe holds no dispute of is read
    back, refused, and changes nothing."""
    group = _card_group(system)
    dispute = _opened(system, _checkout_of(group))
    before = _money(system, COURSE_ID)
    _told(system)
    forged = _dispute_events(system, dispute["id"])[1]
    forged["id"] = "evt_forged"
    forged["data"]["object"]["id"] = "du_forged"

    assert sent(system, forged)["action"] == "ignore"

    assert [d.dispute_id for d in system.stored_group(group).disputes] == [dispute["id"]]
    assert _money(system, COURSE_ID) == before
    assert _told(system) == []


def _dispute_events(system: System, dispute_id: str) -> list[dict[str, Any]]:
    """The dispute's events as the stand-in sent them, oldest first."""
    return [
        json.loads(json.dumps(e))
        for e in reversed(system.standin.events())
        if e["type"].startswith("charge.dispute.") and e["data"]["object"]["id"] == dispute_id
    ]


# -- any order, any number of times ------------------------------------------------------------

_EXAMPLE = iter(range(10_000))


def _a_group_paid_by_card(system: System) -> tuple[str, Callable[[], Any]]:
    word = f"o{next(_EXAMPLE)}"
    group = _card_group(system, word)
    return _checkout_of(group), lambda: system.stored_group(group)


def _a_group_paid_by_invoice(system: System) -> tuple[str, Callable[[], Any]]:
    word = f"i{next(_EXAMPLE)}"
    colleagues = [{**c, "email": f"{word}.{c['email']}"} for c in COLLEAGUES[:2]]
    group = paid_group(system, colleagues=colleagues)
    system.deliver_emails()
    return _group_invoice(system, group), lambda: system.stored_group(group)


def _a_place_paid_by_invoice(system: System) -> tuple[str, Callable[[], Any]]:
    application = applied_by_invoice(system, email=f"p{next(_EXAMPLE)}@example.org")
    invoice = _invoice_of(application, "invoice_url")
    assert system.stripe_local("POST", f"{invoice}/pay").status == 200
    system.deliver_emails()
    return invoice, lambda: system.stored(application)


BOOKINGS = {
    "group_card": _a_group_paid_by_card,
    "group_invoice": _a_group_paid_by_invoice,
    "invoice": _a_place_paid_by_invoice,
}


@st.composite
def _deliveries(draw: st.DrawFn, count: int) -> list[int]:
    """Which held event is delivered at each step: each at least once, some again, in any
    order."""
    again = draw(st.lists(st.integers(0, count - 1), max_size=3))
    return draw(st.permutations([*range(count), *again]))


@seeded(25_03)
@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(BOOKINGS)),
    outcome=st.sampled_from(["won", "lost", "open"]),
    data=st.data(),
)
def test_any_order_and_any_redelivery_ends_as_stripe_holds_the_dispute(
    system: System, kind: str, outcome: str, data: st.DataObject
) -> None:
    """A dispute of a group's card or invoice payment, or of one place's invoice, its events
    held and then delivered in any order, some more than once: the booking ends with the
    dispute as Stripe holds it (status, money withdrawn, Stripe's fee), the money counts it
    so, and the facilitators are told once."""
    system.put_course(COURSE_ID, {**system.course_file(), "capacity": 200})
    if kind != "group_card":
        invoiced_cohort(system, capacity=200)
    course_id = COURSE_ID if kind == "group_card" else INVOICED
    paid_path, stored = BOOKINGS[kind](system)
    _told(system)
    before = _money(system, course_id)

    def open_and_close() -> Reply:
        opened = _dispute(system, paid_path)
        if outcome == "open" or opened.status != 200:
            return opened
        return _close(system, opened.json()["dispute"]["id"], outcome)

    held: list[Delivery] = events_held(system, open_and_close)
    order = data.draw(_deliveries(len(held)))
    for index in order:
        assert system.webhook(*held[index]).status == 200

    [record] = stored().disputes
    amount = record.amount
    withdrawn = 0 if outcome == "won" else amount
    assert (record.status, record.withdrawn, record.fee) == (
        {"open": "needs_response"}.get(outcome, outcome),
        withdrawn,
        2000,
    )
    assert _money(system, course_id) == (
        before[0],
        before[1],
        before[2] + withdrawn,
        before[3] + 2000,
        before[4] - withdrawn - 2000,
    )
    assert len(_told(system)) == 1
