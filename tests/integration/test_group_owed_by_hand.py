"""A group paid outside Stripe (its invoice marked paid) whose places are given up owes the
employer their share back by hand, and every organiser's view says so in words (the console's card
and money page read "Refunded £0.00" and nothing owed): the console's group
card, its money page, the organisers' JSON and the CLI's ``group-bookings``
(``domain.employer_share.owed_by_hand_words``: one rule). A group paid through Stripe, whose
shares are refunded there, owes nothing by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import cli
from tests.support.console import signed_in
from tests.support.groups import (
    MANAGER,
    give_up,
    group_page,
    manager_view,
    paid_group,
    paid_outside_stripe,
    pay_link_id,
    replaced_for_two,
    three_on_an_invoice,
)
from tests.support.invoiced import INVOICED, invoiced_cohort, paid_out_of_band
from tests.support.system import ADMIN_TOKEN, System

OWED = "£400.00 is owed back to the employer by hand"


def _views(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """What each organiser's view says of the group: the console's card and money page, the
    organisers' JSON and the CLI's ``group-bookings`` (its output, not its errors)."""
    console = signed_in(system)
    card = console.words(f"/console/courses/{INVOICED}/group-bookings")
    money = console.words(f"/console/courses/{INVOICED}/money")
    answer = system.admin("GET", f"/courses/{INVOICED}/group-bookings")
    assert answer.status == 200, answer.body
    [line] = answer.json()["groups"]
    cli.connect(system, monkeypatch)
    terminal = cli.run(capsys, "group-bookings", INVOICED)
    assert terminal.status == 0, terminal
    return [card, money, line["owed_by_hand_said"], " ".join(terminal.out.split())]


def _two_given_up_paid_outside_stripe(system: System) -> dict[str, Any]:
    """A group of three on the invoiced cohort, its invoice paid outside Stripe, then places 2
    and 3 given up (their share, £400.00, owed back by hand): the manager's answer."""
    group = paid_outside_stripe(invoiced_cohort(system))
    for place in (2, 3):
        assert give_up(system, group, place).status == 200
    return group


def test_a_group_paid_outside_stripe_shows_the_given_up_places_share_owed_by_hand(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_given_up_paid_outside_stripe(system)
    system.deliver_emails()

    for said in _views(system, monkeypatch, capsys):
        assert OWED in said, said
        assert "paid outside Stripe" in said


def test_a_group_paid_through_stripe_owes_nothing_by_hand(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    invoiced = invoiced_cohort(system)
    group = paid_group(invoiced)
    assert give_up(invoiced, group, 2).status == 200
    invoiced.deliver_emails()

    card, money, owed, terminal = _views(invoiced, monkeypatch, capsys)
    assert owed == ""
    for said in (card, money, terminal):
        assert "owed back to the employer by hand" not in said
        assert "Owed back by hand" not in said


def test_the_manager_reads_what_is_owed_back_by_hand_never_that_it_was_refunded(
    system: System,
) -> None:
    """The manager's JSON and page say what the organisers' views say: a group
    paid outside Stripe has nothing refunded from here, and with every place given up its
    status never says "what was paid for them is refunded"; nor does an email about a place
    given up say its seat goes to someone waiting on a course where nobody waits."""
    invoiced = system
    group = _two_given_up_paid_outside_stripe(invoiced)
    view = manager_view(invoiced, group)
    owed = (
        "£400.00 paid for the places given up or released was paid outside Stripe (the invoice "
        "was marked as paid), so it is not refunded from here: it is owed back to the employer "
        "by hand, to arrange with the course's organisers"
    )
    assert view["owed_by_hand_said"].startswith(owed)
    assert (view["amount_refunded"], view["status_said"]) == (0, "Paid: your colleagues can apply")
    page = " ".join(group_page(invoiced, group).split())
    assert "Owed back by hand" in page
    assert "£400.00 paid for the places given up or released was paid outside Stripe" in page

    assert give_up(invoiced, group, 1).status == 200
    view = manager_view(invoiced, group)
    said = view["status_said"]
    assert said == (
        "Every place was given up: what was paid for them was paid outside Stripe, so it is "
        "not refunded from here: it is owed back by hand, to arrange with the course's "
        "organisers"
    )
    assert view["owed_by_hand_said"].startswith(owed.replace("£400.00", "£600.00"))
    page = " ".join(group_page(invoiced, group).split())
    assert "is refunded" not in page
    assert "it is owed back by hand, to arrange with the course&#39;s organisers" in page
    sent = [m for m in invoiced.deliver_emails() if m.subject.startswith("A place given up")]
    manager = [m for m in sent if m.to == [MANAGER]]
    payer = [m for m in sent if m not in manager]
    assert len(manager) == 3
    # The employer's billing contact, whose money it is, is told each share is owed back to
    # them by hand, as they are told of a share refunded at Stripe.
    assert len(payer) == 3, [m.to for m in sent]
    for told in payer:
        assert "was paid outside Stripe" in told.text
        assert "the course's organisers will arrange its refund with you" in told.text
        assert "is being refunded" not in told.text + told.html
    for told in manager:
        assert "next person waiting" not in told.text + told.html
        assert "waiting list" not in told.text + told.html  # nobody is promised the seat
        assert "Its seat is given back to the course" in told.text
        assert "arrange its refund with the course's organisers" in told.text


def test_a_group_paid_through_stripe_with_every_place_given_up_reads_refunded(
    system: System,
) -> None:
    invoiced = invoiced_cohort(system)
    group = paid_group(invoiced)
    for place in (1, 2, 3):
        assert give_up(invoiced, group, place).status == 200
    view = manager_view(invoiced, group)
    assert view["status_said"] == "Every place was given up: what was paid for them is refunded"
    assert view["owed_by_hand_said"] == ""
    assert "Owed back by hand" not in group_page(invoiced, group)


def test_a_place_given_up_before_the_payment_is_never_said_owed_back_by_hand(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A place given up before the employer paid is taken off the invoice (a new one for the
    two places kept, £400.00), so the payment outside Stripe paid for nothing given back: no
    view says money is owed back by hand, and none may be recorded as given back; a place
    given up after it owes its own share, once."""
    group, old, left = three_on_an_invoice(system)
    assert give_up(system, group, 2).status == 200
    replaced_for_two(system, group, old, left)
    paid_out_of_band(system, pay_link_id(manager_view(system, group)))

    assert not any("owed back" in said for said in _views(system, monkeypatch, capsys))
    assert manager_view(system, group)["owed_by_hand_said"] == ""
    day = system.now().date().isoformat()
    record = {"amount": 100, "given_on": day, "method": "cheque"}
    path = f"/admin/groups/{group['group_id']}/given-back"
    headers = {"authorization": f"Bearer {ADMIN_TOKEN}", "idempotency-key": "k"}
    refused = system.api("POST", path, json_body=record, headers=headers)
    said = refused.refused(409, "nothing_to_give_back")["message"]
    assert "given up or released since it was paid (one given up before was taken off" in said

    assert give_up(system, group, 3).status == 200
    line = _views(system, monkeypatch, capsys)[2]
    assert line.startswith("£200.00 is owed back to the employer by hand"), line
