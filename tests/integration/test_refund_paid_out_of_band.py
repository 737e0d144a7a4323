"""A booking whose invoice was marked paid outside Stripe (paid out of band: the employer paid by
bank transfer) holds no money Stripe can give back: the cancel with a refund,
Refund afterwards and the CLI's ``refund`` are refused in words (409 ``no_payment_to_refund``,
as a move to a cheaper cohort is), nothing is cancelled, refunded or emailed by the refusal,
and no surface says a refund was made. Through the real handlers, moto and the stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import cli
from tests.support.console import signed_in
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    colleague_applies,
    give_up,
    group_page,
    manager_view,
    paid_outside_stripe,
)
from tests.support.invoiced import INVOICED, applied_and_paid_outside_stripe, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System

PERSON = "ada@example.org"


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system)


def _booked_paid_off_stripe(system: System) -> dict[str, Any]:
    application = applied_and_paid_outside_stripe(system)
    stored = system.stored(application)
    assert (stored.status.value, stored.amount_paid, stored.payment_intent) == (
        "confirmed",
        20000,
        None,
    )
    system.deliver_emails()
    return dict(application)


def _refused_in_words(answer: Any) -> str:
    error = answer.refused(409, "no_payment_to_refund")
    assert "paid outside Stripe" in error["message"]
    assert "£200.00" in error["message"]
    return str(error["message"])


def test_a_cancel_with_a_refund_is_refused_and_changes_nothing(invoiced: System) -> None:
    application = _booked_paid_off_stripe(invoiced)
    path = f"/applications/{application['application_id']}"

    said = _refused_in_words(invoiced.admin("POST", f"{path}/cancel", json_body={"refund": True}))

    assert "Cancel it without the refund" in said
    stored = invoiced.stored(application)
    assert (stored.status.value, stored.amount_refunded) == ("confirmed", 0)
    assert invoiced.deliver_emails() == []


def test_refund_afterwards_and_a_repeat_cancel_with_a_refund_are_refused(
    invoiced: System,
) -> None:
    application = _booked_paid_off_stripe(invoiced)
    path = f"/applications/{application['application_id']}"
    cancelled = invoiced.admin("POST", f"{path}/cancel", json_body={"refund": False})
    assert cancelled.status == 200, cancelled.body
    invoiced.deliver_emails()

    for answer in (
        invoiced.admin("POST", f"{path}/refund", json_body={}),
        invoiced.admin("POST", f"{path}/cancel", json_body={"refund": True}),
    ):
        said = _refused_in_words(answer)
        assert "nothing was refunded" in said

    stored = invoiced.stored(application)
    assert (stored.status.value, stored.amount_refunded) == ("cancelled", 0)
    assert invoiced.deliver_emails() == []


def test_the_cli_refund_says_why_and_never_that_a_refund_was_made(
    invoiced: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.connect(invoiced, monkeypatch)
    application = _booked_paid_off_stripe(invoiced)
    path = f"/applications/{application['application_id']}"
    assert invoiced.admin("POST", f"{path}/cancel", json_body={"refund": False}).status == 200

    ran = cli.run(capsys, "refund", application["reference"])

    assert ran.status == 1, ran
    assert "paid outside Stripe" in ran.err
    assert "refunded at Stripe already" not in ran.out + ran.err
    assert invoiced.stored(application).amount_refunded == 0


def test_a_place_of_a_group_paid_off_stripe_is_given_up_saying_its_share_was_not_refunded(
    invoiced: System,
) -> None:
    group = paid_outside_stripe(invoiced)
    invoiced.deliver_emails()
    page = " ".join(group_page(invoiced, group).split())
    assert "paid outside Stripe: its price is not refunded from here" in page
    assert "get its price back" not in page

    assert give_up(invoiced, group, 1).status == 200

    [told] = [m for m in invoiced.deliver_emails() if m.to == [MANAGER]]
    text = " ".join(told.text.split())
    assert "£200.00, was paid outside Stripe" in text, text
    assert "cannot be refunded from here" in text
    assert "refunded at Stripe" not in text
    assert "is being refunded" not in text
    assert manager_view(invoiced, group)["amount_refunded"] == 0


def test_a_colleagues_booking_on_a_group_paid_off_stripe_is_refused_with_doable_advice(
    invoiced: System,
) -> None:
    """The organisers' cancel and Refund of a colleague's booking on a place of a group paid
    outside Stripe are the manager's to give up; the refusal never promises the employer a
    refund Stripe cannot make."""
    group = paid_outside_stripe(invoiced)
    colleague_applies(invoiced, manager_view(invoiced, group))
    roster = invoiced.admin("GET", f"/courses/{INVOICED}/applications").json()
    [holder] = [a for a in roster if a["email"] == COLLEAGUES[0]["email"]]
    path = f"/applications/{holder['application_id']}"
    for action, body in (
        ("cancel", {"refund": True}),
        ("cancel", {"refund": False}),
        ("refund", {}),
    ):
        refused = invoiced.admin("POST", f"{path}/{action}", json_body=body)
        assert refused.status == 409, refused.body
        said = refused.json()["error"]["message"]
        assert "its share is refunded to the employer" not in said
        assert "paid outside Stripe, so its share is not refunded from here" in said


def _another_cohort(system: System, course_id: str, price: int) -> None:
    """A cohort of the same programme as :data:`INVOICED`, at ``price`` (pence)."""
    course = system.course_file()
    system.put_course(course_id, {**course, "invoice_allowed": True, "price": {"amount": price}})


def test_a_move_to_a_cheaper_cohort_is_refused_saying_what_to_do_instead(
    invoiced: System,
) -> None:
    """Its difference would be given back, and Stripe holds nothing to give it from: refused
    on /admin and beside the cohort on the console, in words that say what the organiser can
    do (a cohort at the same price moves at once, as the words say)."""
    application = _booked_paid_off_stripe(invoiced)
    _another_cohort(invoiced, "invoiced-cheaper", 15000)
    _another_cohort(invoiced, "invoiced-same", 20000)
    path = f"/applications/{application['application_id']}"
    move = {"to_course_id": "invoiced-cheaper"}

    said = _refused_in_words(invoiced.admin("POST", f"{path}/transfer", json_body=move))

    assert "costs £50.00 less" in said
    assert "nothing was moved" in said
    assert "Choose a cohort at the same price" in said
    assert "cancel this booking without the refund" in said
    assert "(Record money given back by hand)" in said
    assert said.endswith("and have the person apply to " + said.split(" costs ")[0])
    stored = invoiced.stored(application)
    assert (stored.course_id, stored.transfers) == (INVOICED, ())
    assert invoiced.deliver_emails() == []
    browser = signed_in(invoiced)
    page = text_of(browser.get(f"/console{path}/transfer").body)
    assert "nothing was moved. Choose a cohort at the same price" in page, page
    # The way the words offer first is open: the same price moves at once.
    same = invoiced.admin("POST", f"{path}/transfer", json_body={"to_course_id": "invoiced-same"})
    assert same.status == 200, same.body
    assert invoiced.stored(application).course_id == "invoiced-same"
