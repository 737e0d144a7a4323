"""A group's places changed before it is paid: a colleague's misspelt address is put right (a
substitution) while the employer's invoice is unpaid, and the link goes to the right address
once it is paid; a booking that lapsed unpaid changes no more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.groups import (
    COLLEAGUES,
    book,
    give_up,
    group_page,
    invoiced_group,
    manager_view,
    pay_invoice,
    place_path,
    substitute,
)
from tests.support.invoiced import INVOICED
from tests.support.system import COURSE_ID, System

CORRECTED = {"name": "Mary Seacole", "email": "mary.seacole@example.org"}


def test_a_misspelt_address_is_put_right_before_the_invoice_is_paid(
    invoiced: System,
) -> None:
    system = invoiced
    group = invoiced_group(system)
    system.deliver_emails()
    swapped = substitute(system, group, 1, CORRECTED)
    assert swapped.status == 200, swapped.body
    after = swapped.json()
    assert after["status"] == "awaiting_invoice_payment"
    assert after["places"][0]["email"] == CORRECTED["email"]
    assert all(place["apply_url"] is None for place in after["places"])
    assert system.deliver_emails() == []  # no link before it is paid
    pay_invoice(system, group)
    sent = system.deliver_emails()
    told = [e.to[0] for e in sent if e.subject.startswith("Please apply for your place")]
    assert sorted(told) == sorted(
        [CORRECTED["email"], COLLEAGUES[1]["email"], COLLEAGUES[2]["email"]]
    )
    [link_email] = [e for e in sent if e.to == [CORRECTED["email"]]]
    assert manager_view(system, group)["places"][0]["apply_url"] in link_email.text
    # No link had gone to the misspelt address: a correction, not another colleague named.
    [line] = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    first = line["places"][0]
    assert (first["state_said"], first["substitutions"]) == ("Link sent, not applied yet", 0)


def test_a_booking_that_lapsed_unpaid_changes_no_more(invoiced: System) -> None:
    system = invoiced
    group = invoiced_group(system)
    due = system.stored_group(group)
    assert due.hold_expires_at is not None
    system.scheduled_run(due.hold_expires_at + timedelta(minutes=1))
    swapped = substitute(system, group, 1, CORRECTED)
    swapped.refused(409, "lapsed")


def test_a_card_group_gives_up_a_place_before_paying_and_pays_for_the_places_kept(
    system: System,
) -> None:
    left = int(system.course(COURSE_ID)["places_left"])
    group = book(system, course=COURSE_ID).json()
    old_pay_url = str(group["pay_url"])
    page = group_page(system, group)
    assert "Give up place 3: pay only for the places kept" in page
    assert "Send someone else instead of" in page
    url = place_path(group, 3, "cancel")
    reply = system.api("POST", url)
    assert reply.status == 200, reply.body
    after = reply.json()
    assert after["status"] == "awaiting_payment"
    assert after["total"] == {"amount": 40000, "currency": "gbp"}
    assert after["pay_url"] != old_pay_url
    assert int(system.course(COURSE_ID)["places_left"]) == left - 2
    assert system.checkout_session(old_pay_url)["status"] == "expired"
    assert system.checkout_session(str(after["pay_url"]))["amount_total"] == 40000
    assert system.api("POST", url).json()["pay_url"] == after["pay_url"]  # a repeat
    assert system.pay(str(after["pay_url"])).status == 200
    paid = manager_view(system, group)
    assert paid["status"] == "paid"
    assert [p["apply_url"] is not None for p in paid["places"]] == [True, True, False]
    assert paid["total"] == {"amount": 40000, "currency": "gbp"}
    stored = system.stored_group(group)
    assert stored.amount_paid == 40000


def test_a_card_group_whose_last_place_is_given_up_before_paying_ends(system: System) -> None:
    left = int(system.course(COURSE_ID)["places_left"])
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
    reply = give_up(system, group, 1)
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "lapsed"
    assert reply.json()["ended_because"] == "every_place_given_up"
    assert int(system.course(COURSE_ID)["places_left"]) == left
    assert system.checkout_session(str(group["pay_url"]))["status"] == "expired"


def test_giving_up_the_last_place_again_is_a_quiet_repeat(system: System) -> None:
    # The repeat of what ended the booking answers as the first did (a client that retries a
    # timed-out request is not told 409 `lapsed` for what it asked and got).
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
    first = give_up(system, group, 1)
    assert first.status == 200, first.body
    again = give_up(system, group, 1)
    assert again.status == 200, again.body
    assert again.json() == first.json()


def test_giving_up_the_last_place_racing_the_same_is_a_quiet_repeat(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loser read the group before the winner's save: its own save is refused, and it finds
    # the place given up meanwhile: what it asked is done, the same answer as the winner's.
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
    groups = system.ports.groups
    real_save = groups.save_group
    winner: list[Any] = []

    def save_after_the_winner(new: Any, before: Any) -> Any:
        if not winner:
            monkeypatch.setattr(groups, "save_group", real_save)
            winner.append(give_up(system, group, 1))  # the other request, saved first
        return real_save(new, before)

    monkeypatch.setattr(groups, "save_group", save_after_the_winner)
    loser = give_up(system, group, 1)
    [won] = winner
    assert won.status == 200, won.body
    assert loser.status == 200, loser.body
    assert loser.json() == won.json()
    assert loser.json()["status"] == "lapsed"
