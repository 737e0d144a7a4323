"""An organiser voids a group booking's unpaid invoice (``POST /admin/groups/{id}/invoice/void``
and the console's button), through the real handlers, moto and the Stripe stand-in: the group
ends exactly as Stripe's own ``invoice.voided`` ends it (seats freed and offered to the waiting
list, the manager told), the money recorded is what Stripe holds, and every refusal is in
words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import signed_in
from tests.support.groups import (
    OTHERS,
    give_up,
    group_page,
    group_when_stripe_voids,
    invoiced_group,
    manager_view,
    pay_link_id,
    places_left,
    when_stripe_is_asked,
)
from tests.support.invoiced import INVOICED, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.stripe_client import requests_to
from tests.support.stripe_events import stripe_moved
from tests.support.system import STRIPE_KEY, Reply, System

MANAGER = ["florence@example.org"]
BY_ORGANISER = "Ended: an organiser voided its invoice, so its places were released"
AT_STRIPE = "Ended: its invoice was voided at Stripe (not from here), so its places were released"
TOLD_BY_ORGANISER = "The invoice was cancelled: the places were released"


def _void(system: System, group: dict[str, Any]) -> Any:
    return system.admin("POST", f"/groups/{group['group_id']}/invoice/void")


def _invoice_at_stripe(system: System, group: dict[str, Any]) -> dict[str, Any]:
    return system.stripe_invoice(pay_link_id(group))


def _full_with_one_waiting(system: System) -> tuple[dict[str, Any], dict[str, Any]]:
    """A three-place cohort a group fills by invoice, and one applicant waiting for a place."""
    invoiced_cohort(system, capacity=3)
    group = invoiced_group(system)
    waiting = system.apply(INVOICED, **OTHERS[0]).json()
    assert waiting["status"] == "waitlisted"
    return group, dict(waiting)


def _what_the_manager_was_told(system: System) -> list[str]:
    return [email.subject for email in system.deliver_emails() if email.to == MANAGER]


def test_voiding_frees_the_seats_offers_them_to_the_waiting_list_and_records_what_stripe_holds(
    system: System,
) -> None:
    group, waiting = _full_with_one_waiting(system)
    system.deliver_emails()

    voided = _void(system, group)

    assert voided.status == 200, voided.body
    line = voided.json()
    assert (line["group_id"], line["status"], line["invoice_open"]) == (
        group["group_id"],
        "lapsed",
        False,
    )
    assert line["status_said"] == BY_ORGANISER
    assert line["ended_because"] == "voided_by_organiser"
    assert [p["state"] for p in line["places"]] == ["never_paid"] * 3
    assert manager_view(system, group)["status"] == "lapsed"
    assert manager_view(system, group)["ended_because"] == "voided_by_organiser"
    assert all(p["apply_url"] is None for p in manager_view(system, group)["places"])
    assert system.status_of(waiting)["status"] == "offered"
    assert places_left(system) == 2  # three freed, one held for the person offered it
    assert _invoice_at_stripe(system, group)["status"] == "void"
    # Money: nothing taken, nothing owed, as Stripe holds it.
    assert stripe_moved(system, group["group_id"]) == (0, 0)
    money = system.totals(INVOICED)
    assert (money["paid"], money["refunded"], money["invoiced_unpaid"]) == (0, 0, 0)
    assert money["group_places"] == 0
    [told] = _what_the_manager_was_told(system)
    assert told.startswith(TOLD_BY_ORGANISER)
    # Stripe's own invoice.voided, when it arrives, changes nothing more.
    assert all(reply.status == 200 for reply in system.webhook_replies)
    assert _what_the_manager_was_told(system) == []


def test_an_organisers_void_ends_the_group_as_stripes_own_void_does_but_says_who_voided(
    system: System,
) -> None:
    """One decision: a group voided here and one voided at Stripe end the same way (seats,
    status, one email each), each saying truly who voided the invoice."""
    invoiced_cohort(system, capacity=6)
    by_organiser = invoiced_group(system)
    at_stripe = invoiced_group(system, colleagues=OTHERS)
    system.deliver_emails()

    assert _void(system, by_organiser).status == 200
    [from_here] = [e for e in system.deliver_emails() if e.to == MANAGER]
    sent = system.stripe_local("POST", f"/invoices/{pay_link_id(at_stripe)}/void")
    assert sent.status == 200, sent.body
    [from_stripe] = [e for e in system.deliver_emails() if e.to == MANAGER]

    assert from_here.subject.startswith(TOLD_BY_ORGANISER)
    here_said = " ".join(from_here.text.split())
    assert "the course's organisers cancelled (voided) the invoice for them" in here_said
    assert "not paid" not in here_said + from_here.subject
    assert from_stripe.subject.startswith("The invoice was cancelled: the places were released")
    there_said = " ".join(from_stripe.text.split())
    assert "the invoice for them was cancelled (voided)." in there_said
    assert "organisers" not in there_said
    here, there = manager_view(system, by_organiser), manager_view(system, at_stripe)
    assert (here["status"], there["status"]) == ("lapsed", "lapsed")
    assert (here["ended_because"], there["ended_because"]) == (
        "voided_by_organiser",
        "voided_at_stripe",
    )
    # The places of a booking that ended unpaid are released, as its page and
    # the organisers' view say (never `not_applied`, as if a colleague might still apply).
    assert [p["state"] for p in here["places"]] == ["released"] * 3
    assert [p["state"] for p in there["places"]] == ["released"] * 2
    assert "Not applied yet" not in group_page(system, by_organiser)
    assert "Released: the booking ended before it was paid" in group_page(system, by_organiser)
    assert places_left(system) == 6
    lines = {
        g["group_id"]: g
        for g in system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    }
    assert lines[by_organiser["group_id"]]["status_said"] == BY_ORGANISER
    assert lines[at_stripe["group_id"]]["status_said"] == AT_STRIPE
    states = {p["state"] for g in lines.values() for p in g["places"]}
    assert states == {"never_paid"}


def test_stripes_void_arriving_after_the_organisers_keeps_their_reason_and_one_email(
    invoiced: System,
) -> None:
    """Stripe's own ``invoice.voided`` held until the organiser's void has ended the group:
    it neither says the invoice was voided at Stripe nor emails the manager again."""
    system = invoiced
    group = invoiced_group(system)
    system.deliver_emails()
    with system.standin.webhooks_held():
        assert _void(system, group).status == 200
        assert manager_view(system, group)["ended_because"] == "voided_by_organiser"
        [told] = _what_the_manager_was_told(system)
    assert system.webhook_replies[-1].status == 200  # Stripe's event, handled now
    assert told.startswith(TOLD_BY_ORGANISER)
    assert manager_view(system, group)["ended_because"] == "voided_by_organiser"
    assert _what_the_manager_was_told(system) == []
    page = text_of(group_page(system, group))
    assert TOLD_BY_ORGANISER in page
    assert "Not paid in time" not in page


def test_stripes_void_arriving_before_the_organisers_step_applies_it_is_theirs(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe's ``invoice.voided`` handled while Stripe is still answering the void (in
    process, the stand-in delivers it inside the call), before the organiser's own step: the
    group ends as the organiser's void all the same, and the manager is told once."""
    system = invoiced
    group = invoiced_group(system)
    system.deliver_emails()
    seen = group_when_stripe_voids(system, monkeypatch, group, after=True)
    assert _void(system, group).status == 200
    [ended_by_stripes_event] = seen
    assert ended_by_stripes_event.status == "lapsed"
    assert ended_by_stripes_event.ended_because == "voided_by_organiser"
    assert manager_view(system, group)["ended_because"] == "voided_by_organiser"
    [told] = _what_the_manager_was_told(system)
    assert told.startswith(TOLD_BY_ORGANISER)


def test_a_paid_invoice_is_not_voided_its_confirmation_is_on_its_way(invoiced: System) -> None:
    system = invoiced
    group = invoiced_group(system)
    with system.standin.webhooks_held():  # paid at Stripe; its event not here yet
        paid = system.stripe_local(
            "POST", f"/v1/invoices/{pay_link_id(group)}/pay", headers=STRIPE_KEY
        )
        assert paid.status == 200, paid.body
        refused = _void(system, group)
        assert manager_view(system, group)["status"] == "awaiting_invoice_payment"
    error = refused.refused(409, "invoice_paid")
    assert error["message"] == (
        "this group's invoice was paid already; its confirmation is on its way"
    )
    assert _invoice_at_stripe(system, group)["status"] == "paid"
    # Refused on the read that found it paid (the rule the give-up and the sweep keep:
    # ``InvoicePaying.on_its_way``), before Stripe is asked to void it.
    voids = f"/v1/invoices/{pay_link_id(group)}/void"
    assert requests_to(system.stripe_http, voids) == []
    # Its event, delivered now, makes the places the colleagues'.
    assert manager_view(system, group)["status"] == "paid"
    assert places_left(system) == 2  # the seats stayed the group's


def test_voiding_twice_refuses_the_second_and_changes_nothing(invoiced: System) -> None:
    system = invoiced
    group = invoiced_group(system)
    assert _void(system, group).status == 200
    system.deliver_emails()
    again = _void(system, group)
    assert again.status == 409, again.body
    assert again.json()["error"] == {
        "code": "no_open_invoice",
        "message": "this group booking has no open invoice",
        "fields": {},
    }
    assert _what_the_manager_was_told(system) == []
    assert places_left(system) == 5


def test_a_group_paid_by_card_or_unknown_is_refused_in_words(invoiced: System) -> None:
    system = invoiced
    by_card = system.api(
        "POST",
        f"/courses/{INVOICED}/group-bookings",
        json_body={
            "manager_name": "Florence Nightingale",
            "manager_email": "florence@example.org",
            "organisation": "St Elsewhere NHS Trust",
            "colleagues": OTHERS,
            "consent": True,
        },
    ).json()
    refused = _void(system, by_card)
    assert (refused.status, refused.json()["error"]["code"]) == (409, "no_open_invoice")
    unknown = system.admin("POST", "/groups/no-such-group/invoice/void")
    assert unknown.status == 404, unknown.body
    assert "no-such-group" in unknown.json()["error"]["message"]


def test_the_console_voids_with_its_button_and_refuses_without_the_csrf_token(
    invoiced: System,
) -> None:
    system = invoiced
    group = invoiced_group(system)
    browser = signed_in(system)
    page = f"/console/courses/{INVOICED}/group-bookings"
    action = f"/console/groups/{group['group_id']}/invoice/void"
    said = browser.words(page)
    assert "Void the invoice" in said
    assert f'action="{action}"' in browser.get(page).body

    forged = browser.post(action, csrf_token="not-the-sessions")
    assert forged.status == 403
    unsigned = browser.post(action)
    assert unsigned.status == 403
    assert manager_view(system, group)["status"] == "awaiting_invoice_payment"

    card = browser.form(page, action)
    done = browser.post(action, **card)
    assert done.status == 303, done.body
    assert done.headers["location"] == page
    after = browser.words(done.headers["location"])
    assert "Invoice voided. The group's seats have gone back to the course" in after
    assert "Void the invoice" not in after
    assert BY_ORGANISER in after
    assert manager_view(system, group)["status"] == "lapsed"

    again = browser.post(action, **card)  # Back, and the same card's button again
    assert again.status == 409
    assert "This group booking has no open invoice." in text_of(again.body)
    missing = browser.post("/console/groups/no-such-group/invoice/void", csrf_token=browser.csrf())
    assert missing.status == 404


def test_a_card_shown_before_a_place_was_given_up_voids_nothing(invoiced: System) -> None:
    """*Void the invoice* acts only on what its card showed (``page_seen.group_facts``): a
    place given up since replaced the invoice with one for the places kept, which the card
    never showed: refused in words before Stripe is asked, the new invoice left open. A form
    without the card's ``seen`` is not the page's: 422, nothing voided."""
    system = invoiced
    group = invoiced_group(system)
    browser = signed_in(system)
    page = f"/console/courses/{INVOICED}/group-bookings"
    action = f"/console/groups/{group['group_id']}/invoice/void"
    card = browser.form(page, action)
    assert give_up(system, group, 3).status == 200
    invoice = system.stored_group(group).invoice
    assert invoice is not None
    replaced = invoice.invoice_id
    assert replaced != pay_link_id(group)
    system.deliver_emails()

    bare = {k: v for k, v in card.items() if k != "seen"}
    missing = browser.post(action, **bare)
    assert missing.status == 422, text_of(missing.body)[:500]
    assert "This form was not the page's: open the group bookings page again." in text_of(
        missing.body
    )
    refused = browser.post(action, **card)

    assert refused.status == 409, text_of(refused.body)[:500]
    words = text_of(refused.body)
    assert "The group booking changed since you last looked at it" in words
    assert "2 places kept" in words
    assert "nothing was voided" in words
    assert manager_view(system, group)["status"] == "awaiting_invoice_payment"
    assert system.stripe_invoice(replaced)["status"] == "open"
    assert _what_the_manager_was_told(system) == []
    # The card shown again voids the invoice it shows.
    assert browser.press(page, action).status == 303
    assert system.stripe_invoice(replaced)["status"] == "void"


def test_a_place_given_up_while_the_organiser_voids_the_invoice_is_refused_in_words(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The organiser's ask to void the group's invoice is recorded; the manager gives a place
    up before Stripe is asked: refused in words (409 ``invoice_being_voided``), no invoice for
    the places kept made, and the organiser's void then ends the booking as asked."""
    system = invoiced
    group = invoiced_group(system)
    payments = system.ports.payments
    stripes_void = payments.void_invoice
    raced: list[Any] = []

    def manager_first(invoice_id: str) -> str:
        if not raced:
            raced.append(give_up(system, group, 3))
        return stripes_void(invoice_id)

    monkeypatch.setattr(payments, "void_invoice", manager_first)
    voided = _void(system, group)
    monkeypatch.undo()

    [refused] = raced
    error = refused.refused(409, "invoice_being_voided")
    assert "the organisers are cancelling this booking's invoice" in error["message"]
    assert "nothing was changed" in error["message"]
    assert voided.status == 200, voided.body
    assert voided.json()["status_said"] == BY_ORGANISER
    assert [r.path for r in system.stripe_http.requests].count("/v1/invoices") == 1  # the first
    assert places_left(system) == 5


def _voided_while_a_place_is_given_up(
    system: System, monkeypatch: pytest.MonkeyPatch, group: dict[str, Any]
) -> tuple[Reply, int]:
    """The organisers void ``group``'s invoice as its manager's give-up of place 3 asks Stripe
    for the invoice of the places kept: the void is done (200) and the give-up refused (409
    ``group_changed``). The void's answer, and how many Stripe requests came before."""
    asked = len(system.stripe_http.requests)
    organisers = when_stripe_is_asked(
        system, monkeypatch, "/v1/invoices", lambda: _void(system, group)
    )
    changed = give_up(system, group, 3)
    monkeypatch.undo()
    [voided] = organisers
    assert voided.status == 200, voided.body
    changed.refused(409, "group_changed")
    return voided, asked


def test_the_organisers_void_landing_as_a_place_is_given_up_ends_the_booking(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager's give-up has voided the old invoice at Stripe and is making the one for the
    places kept when the organiser voids the group's invoice: the organiser's void (their ask
    recorded before Stripe's event of the void was applied) ends the booking; the manager is
    asked to look again, and the invoice made for the places kept is voided, not left to pay."""
    system = invoiced
    group = invoiced_group(system)
    old = pay_link_id(group)
    voided, asked = _voided_while_a_place_is_given_up(system, monkeypatch, group)
    assert voided.json()["status_said"] == BY_ORGANISER
    view = manager_view(system, group)
    assert (view["status"], view["ended_because"]) == ("lapsed", "voided_by_organiser")
    assert system.stripe_invoice(old)["status"] == "void"
    voided_ids = {
        r.path.split("/")[3]
        for r in system.stripe_http.requests
        if r.path.startswith("/v1/invoices/") and r.path.endswith("/void")
    }
    # The old invoice void; the draft the give-up made for the places kept is never sent nor
    # payable (refused as it was to be recorded, voided unsent by the adapter).
    assert old in voided_ids
    assert {system.stripe_invoice(i)["status"] for i in voided_ids} == {"void"}
    later = system.stripe_http.requests[asked:]
    drafts = {r.path.split("/")[3] for r in later if r.path.startswith("/v1/invoices/")}
    drafts -= {old}
    assert drafts, "the give-up made no draft"
    assert {system.stripe_invoice(i)["status"] for i in drafts} <= {"void", "paid"}
    assert not [r for r in later if r.path.endswith("/send")]
    assert places_left(system) == 5


def test_the_cli_names_the_open_invoice_and_voids_it_refusing_a_second_time_in_words(
    invoiced: System, run: Any
) -> None:
    system = invoiced
    group = invoiced_group(system)

    code, listed = run("group-bookings", INVOICED)
    assert code == 0, listed
    command = f"course-booking void-group-invoice {group['group_id']}"
    assert f"Invoice open: {command}" in listed

    # The id typed in capitals, pasted with spaces around it, names the same group: a group's
    # id is lower-case hexadecimal.
    code, out = run("void-group-invoice", f" {group['group_id'].upper()} ")
    assert code == 0, out
    assert f"Invoice voided. St Elsewhere NHS Trust: {BY_ORGANISER}." in out
    assert places_left(system) == 5
    code, listed = run("group-bookings", INVOICED)
    assert "Invoice open" not in listed
    assert f"St Elsewhere NHS Trust: 3 places ({BY_ORGANISER})" in listed
    code, out = run("void-group-invoice", group["group_id"])
    assert code != 0
    assert "this group booking has no open invoice" in out.lower()


def test_the_give_ups_draft_made_after_the_organisers_void_is_voided_unsent(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The organisers' void lands as the give-up drafts the invoice for the places
    kept: the draft is not recorded on the ended group, and it is voided unsent, so the billing
    contact is never sent an invoice for a booking that ended (before, it was finalized and
    sent, and only the save's undo voided it)."""
    system = invoiced
    group = invoiced_group(system)
    _, asked = _voided_while_a_place_is_given_up(system, monkeypatch, group)
    paths = [r.path for r in system.stripe_http.requests[asked:]]
    assert not [p for p in paths if p.endswith("/send")], paths
    assert "/v1/invoiceitems" not in paths  # refused before its line: nothing to pay
    stored = system.stored_group(group)
    assert (stored.status.value, stored.replacing_with) == ("lapsed", ())
    assert places_left(system) == 5


def test_the_admin_void_compares_the_seen_it_is_given(invoiced: System) -> None:
    """``/admin``'s group void takes ``seen`` (optional, as every /admin confirmation): the
    group's as the group bookings list gave it; a place given up since is refused in words,
    nothing voided; the ``seen`` read again voids; any other field is refused by its name."""
    system = invoiced
    group = invoiced_group(system)
    listed = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()
    [line] = [g for g in listed["groups"] if g["group_id"] == group["group_id"]]
    void = f"/groups/{group['group_id']}/invoice/void"
    assert give_up(system, group, 3).status == 200
    invoice = system.stored_group(group).invoice
    assert invoice is not None
    system.deliver_emails()

    refused = system.admin("POST", void, json_body={"seen": line["seen"]})

    assert refused.refused(409, "application_changed")
    assert "changed since you last looked at it" in refused.body
    assert system.stripe_invoice(invoice.invoice_id)["status"] == "open"
    assert system.admin("POST", void, json_body={"refund": True}).status == 422
    again = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()
    [fresh] = [g for g in again["groups"] if g["group_id"] == group["group_id"]]
    assert system.admin("POST", void, json_body={"seen": fresh["seen"]}).status == 200
    assert system.stripe_invoice(invoice.invoice_id)["status"] == "void"
