"""Places booked by a manager, through the real handlers, moto and the Stripe stand-in: the
seats held with the group, paid once (invoice or card), each colleague applying through their
own link, substitutions and cancellations place by place."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.console import signed_in
from tests.support.groups import (
    APPLY_BY_DAYS,
    COLLEAGUES,
    OTHERS,
    apply_through,
    book,
    booking_body,
    colleague_applies,
    give_up,
    group_page,
    invoiced_group,
    manager_view,
    paid_group,
    paid_group_with_an_apply_by,
    pay_invoice,
    pay_link_id,
    place_path,
    places_left,
    substitute,
    the_apply_by_passes,
    two_applied_then_withdrawn,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.page_text import text_of
from tests.support.system import System, application_body

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

HTML = {"accept": "text/html"}


def test_a_manager_books_three_places_by_invoice_and_each_colleague_applies(system: System) -> None:
    group = invoiced_group(system)
    assert group["status"] == "awaiting_invoice_payment"
    assert group["total"] == {"amount": 60000, "currency": "gbp"}
    assert places_left(system) == 2  # the three seats are held at once
    # Nobody can apply before it is paid.
    assert all(place["apply_url"] is None for place in group["places"])

    invoice = system.stripe_invoice(group["pay_url"])
    assert invoice["amount_due"] == 60000
    assert invoice["custom_fields"] == [{"name": "PO number", "value": "PO-4471"}]
    assert set(invoice["metadata"].values()) <= {group["group_id"], INVOICED}
    for colleague in COLLEAGUES:
        assert colleague["name"] not in str(invoice)
        assert colleague["email"] not in str(invoice)

    booked_emails = system.deliver_emails()
    assert [(e.to, e.subject) for e in booked_emails] == [
        (
            ["florence@example.org"],
            "Your booking of 3 places: Compassionate Leadership Training, from Monday 7 June 2027",
        )
    ]
    assert group["manager_url"] in booked_emails[0].text
    # It says the invoice: sent to whom, for what, its purchase order, and its page.
    for said in ("accounts@example.nhs.uk", "£600.00", "PO-4471", str(group["pay_url"])):
        assert said in booked_emails[0].text

    pay_invoice(system, group)
    paid = manager_view(system, group)
    assert paid["status"] == "paid"
    # Each colleague is emailed their own link (and nobody else's); the manager, that it is paid.
    links = {tuple(e.to): e for e in system.deliver_emails()}
    assert set(links) == {("florence@example.org",), *((c["email"],) for c in COLLEAGUES)}
    assert links[("florence@example.org",)].subject.startswith("Paid: your colleagues can apply")
    for place, colleague in zip(paid["places"], COLLEAGUES, strict=True):
        assert place["state"] == "not_applied"
        email = links[(colleague["email"],)]
        assert place["apply_url"] in email.text
        assert place["apply_url"].replace("&", "&amp;") in email.html
        others = [p["apply_url"] for p in paid["places"] if p is not place]
        assert not any(other in email.text for other in others)
        applied = apply_through(system, place["apply_url"], **colleague)
        assert applied.status == 201, applied.body
        assert applied.json()["status"] == "confirmed"
    after = manager_view(system, group)
    assert [p["state"] for p in after["places"]] == ["confirmed"] * 3
    assert all(p["reference"] and p["apply_url"] is None for p in after["places"])
    assert places_left(system) == 2  # the colleagues filled the group's seats, no more
    emails = system.deliver_emails()
    # Each colleague is told their place is confirmed; the facilitators get every booking.
    subjects = sorted((e.subject.split(":")[0], tuple(e.to)) for e in emails)
    course = system.stored_course(INVOICED)
    facilitators = tuple(sorted({f.email for f in course.definition.facilitators}))
    assert [s for s, _ in subjects].count("New booking") == 3
    assert {to for s, to in subjects if s == "New booking"} == {facilitators}
    assert {to for s, to in subjects if s.startswith("Your place")} == {
        (c["email"],) for c in COLLEAGUES
    }
    roster = system.admin("GET", f"/courses/{INVOICED}/applications").json()
    assert sorted(row["email"] for row in roster) == sorted(c["email"] for c in COLLEAGUES)


def test_a_colleague_is_told_their_place_was_booked_and_paid_by_the_manager(system: System) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    system.deliver_emails()
    applied = apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0])
    assert applied.status == 201, applied.body
    emails = system.deliver_emails()
    [theirs] = [e for e in emails if e.to == [COLLEAGUES[0]["email"]]]
    [copy] = [e for e in emails if e.subject.startswith("New booking")]
    payer = "Florence Nightingale of St Elsewhere NHS Trust"
    for said in (theirs.text, theirs.html, copy.text, copy.html):
        assert f"booked and paid for by {payer}" in said
        assert "discount code" not in said
    # The console's timeline says why there was nothing to pay (the words of this reason).
    row = system.admin("GET", f"/applications/{applied.json()['application_id']}").json()
    assert row["status_reason"] == "paid_by_group"


def test_a_withdrawn_colleague_gets_the_cancellation_email_with_its_calendar_cancel(
    system: System,
) -> None:
    two_applied_then_withdrawn(system)
    emails = system.deliver_emails()
    for colleague, words in (
        (COLLEAGUES[0], "given it to a colleague instead"),
        (COLLEAGUES[1], "has given it up"),
    ):
        [told] = [e for e in emails if e.to == [colleague["email"]]]
        assert told.subject.startswith("Your booking has been cancelled"), told.subject
        assert words in told.text
        # Whom to ask if it is a mistake is said once: the manager, not "reply" as well.
        for body in (told.text, told.html):
            assert body.count("If you think this is a mistake") == 1, body
            assert "please reply to this email" not in body
        [calendar] = [a for a in told.attachments if a.content_type == "text/calendar"]
        assert b"METHOD:CANCEL" in calendar.content


def test_a_link_fills_its_place_once_and_only_for_the_person_named(system: System) -> None:
    group = paid_group(system)
    link = group["places"][0]["apply_url"]
    wrong = apply_through(system, link, name="Someone Else", email="else@example.org")
    assert wrong.status == 422
    assert "email" in wrong.json()["error"]["fields"]
    assert apply_through(system, link, **COLLEAGUES[0]).status == 201
    again = apply_through(system, link, **COLLEAGUES[0])
    again.refused(409, "already_applied")
    parts = urlsplit(link)
    assert system.api("GET", f"{parts.path}?{parts.query}").status == 409
    # Another place's token, a made-up token, a place that does not exist: no such link.
    other = parse_qs(urlsplit(group["places"][1]["apply_url"]).query)["token"][0]
    base = f"/groups/{group['group_id']}/places"
    for path in (
        f"{base}/1/apply?token={other}",
        f"{base}/1/apply?token=nope",
        f"{base}/9/apply?token={other}",
        f"{base}/x/apply?token={other}",
    ):
        assert system.api("GET", path).status == 404, path


def test_a_group_needs_the_seats_free(system: System) -> None:
    too_many = [{"name": f"Person {n}", "email": f"p{n}@example.org"} for n in range(6)]
    reply = book(system, colleagues=too_many, **BILLING)
    assert reply.status == 409  # the contract's answer when the seats are not free
    assert reply.json()["error"]["code"] == "course_full"
    assert reply.json()["error"]["message"] == "this course has only 5 places left"
    assert book(system, **BILLING).status == 201
    third = {"name": "Third Person", "email": "third@example.org"}
    second = book(system, colleagues=[*OTHERS, third], **BILLING)
    assert second.status == 409  # two left, three wanted
    assert second.json()["error"]["code"] == "course_full"
    form = {
        "manager_name": "Florence Nightingale",
        "manager_email": "florence@example.org",
        "organisation": "St Elsewhere NHS Trust",
        "consent": "on",
        **{f"colleague_name_{n + 1}": c["name"] for n, c in enumerate(too_many)},
        **{f"colleague_email_{n + 1}": c["email"] for n, c in enumerate(too_many)},
        **BILLING,
    }
    page = system.api("POST", f"/courses/{INVOICED}/group-bookings", form=form, headers=HTML)
    assert page.status == 409  # the form again, the answers kept, the refusal beside them
    assert "This course has only 2 places left" in page.body
    assert "p5@example.org" in page.body
    assert places_left(system) == 2
    twice = [COLLEAGUES[0], COLLEAGUES[0]]
    assert book(system, colleagues=twice, **BILLING).status == 422


def test_the_booking_forms_mistakes_are_said_as_what_to_do(system: System) -> None:
    path = f"/courses/{INVOICED}/group-bookings"
    manager = {
        "manager_name": "Florence Nightingale",
        "manager_email": "florence@example.org",
        "organisation": "St Elsewhere NHS Trust",
        "consent": "on",
    }
    nobody = system.api("POST", path, form=manager, headers=HTML)
    assert nobody.status == 422, nobody.body
    assert "Name at least one colleague" in text_of(nobody.body)
    assert "Give at least" not in text_of(nobody.body)
    json_nobody = book(system, colleagues=[])
    assert json_nobody.json()["error"]["fields"] == {"colleagues": "name at least one colleague"}
    typo = manager | {"manager_email": "nope", "colleague_name_1": "A", "colleague_email_1": "x"}
    mistyped = text_of(system.api("POST", path, form=typo, headers=HTML).body)
    # The apply form's words, not the validator's.
    assert "Enter an email address in the correct format, like name@example.nhs.uk" in mistyped
    assert "Enter colleague 1's email address in the correct format, like" in mistyped
    assert "@-sign" not in mistyped
    # A key no form gives (tampered with): trying again as it was cannot help, and the page
    # does not say it might.
    tampered = manager | {"idempotency_key": "k" * 256, "colleague_name_1": "A"}
    refused = system.api(
        "POST", path, form=tampered | {"colleague_email_1": "a@example.org"}, headers=HTML
    )
    assert refused.status == 400, refused.body
    said = text_of(refused.body)
    assert "try again in a few minutes" not in said.lower()
    assert "Open the page again and send the form from there" in said
    assert places_left(system) == 5


def test_substituting_a_colleague_replaces_their_link_and_withdraws_their_application(
    system: System,
) -> None:
    group = paid_group(system)
    old_link = group["places"][0]["apply_url"]
    assert apply_through(system, old_link, **COLLEAGUES[0]).status == 201
    swapped = substitute(system, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"})
    assert swapped.status == 200, swapped.body
    place = swapped.json()["places"][0]
    assert (place["name"], place["state"]) == ("Ada Lovelace", "not_applied")
    told = [e for e in system.deliver_emails() if e.to == ["ada@example.org"]]
    assert len(told) == 1
    assert place["apply_url"] in told[0].text
    assert apply_through(system, old_link, **COLLEAGUES[0]).status == 404
    assert apply_through(system, place["apply_url"]).status == 201
    statuses = sorted(a["status"]["S"] for a in system.applications())
    assert statuses == ["cancelled", "confirmed"]
    assert places_left(system) == 2
    # Someone else's token cannot change the places.
    stranger = system.api(
        "POST",
        f"/groups/{group['group_id']}/places/2/substitute?token=nope",
        json_body={"name": "Ada Lovelace", "email": "ada2@example.org", "consent": True},
    )
    assert stranger.status == 404


def test_cancelling_a_place_refunds_its_share_and_frees_its_seat(system: System) -> None:
    group = paid_group(system)
    colleague_applies(system, group, 2)
    url = place_path(group, 2, "cancel")
    cancelled = system.api("POST", url)
    assert cancelled.status == 200, cancelled.body
    after = cancelled.json()
    assert after["places"][1]["state"] == "released"
    assert after["amount_refunded"] == 20000
    assert places_left(system) == 3
    assert system.api("POST", url).json()["amount_refunded"] == 20000  # a repeat: no more
    refunds = [e for e in system.standin.events() if e["type"] == "charge.refunded"]
    assert refunds
    assert refunds[0]["data"]["object"]["amount_refunded"] == 20000
    assert all(reply.status == 200 for reply in system.webhook_replies)
    assert sorted(a["status"]["S"] for a in system.applications()) == ["cancelled"]


def test_the_sweep_gives_back_the_seats_of_groups_never_paid(system: System) -> None:
    with system.standin.webhooks_held():  # Stripe's own events about it are lost
        by_card = book(system).json()
        by_invoice = book(system, colleagues=OTHERS, **BILLING).json()
    assert places_left(system) == 0
    system.clock_offset += timedelta(hours=1)
    with system.standin.webhooks_held():
        system.scheduled_run(system.now())
    assert manager_view(system, by_card)["status"] == "lapsed"
    assert manager_view(system, by_card)["ended_because"] == "checkout_expired"
    assert manager_view(system, by_invoice)["status"] == "awaiting_invoice_payment"
    assert manager_view(system, by_invoice)["ended_because"] is None
    assert places_left(system) == 3
    due = datetime.fromisoformat(str(by_invoice["hold_expires_at"]))
    system.clock_offset += due - system.now() + timedelta(minutes=1)
    with system.standin.webhooks_held():
        system.scheduled_run(system.now())
    assert manager_view(system, by_invoice)["status"] == "lapsed"
    assert manager_view(system, by_invoice)["ended_because"] == "not_paid_by_deadline"
    assert places_left(system) == 5
    assert system.stripe_invoice(by_invoice["pay_url"])["status"] == "void"


def test_erasing_a_colleague_takes_their_name_off_the_managers_page(system: System) -> None:
    group = paid_group(system)
    colleague_applies(system, group)
    erased = system.admin("DELETE", f"/people/{COLLEAGUES[0]['email']}")
    assert erased.status == 200, erased.body
    view = manager_view(system, group)
    said = str(view)
    assert COLLEAGUES[0]["name"] not in said
    assert COLLEAGUES[0]["email"] not in said
    assert view["places"][0]["state"] == "confirmed"  # the booking stays a booking
    assert places_left(system) == 2


def test_erasing_a_colleague_kills_their_link_and_the_manager_names_another(system: System) -> None:
    group = paid_group(system)
    link = group["places"][1]["apply_url"]
    assert system.admin("DELETE", f"/people/{COLLEAGUES[1]['email']}").status == 200
    parts = urlsplit(link)
    page = system.api("GET", f"{parts.path}?{parts.query}")
    assert page.status == 404, page.body
    for who in (COLLEAGUES[1], {"name": "Anyone", "email": "erased@invalid.example"}):
        refused = apply_through(system, link, **who)
        assert refused.status == 404, refused.body
        assert "erased@invalid.example" not in refused.body
    view = manager_view(system, group)
    assert view["places"][1]["apply_url"] is None  # nobody can use it as it is
    assert places_left(system) == 2  # the place stays the group's
    [line] = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    assert line["places"][1]["state_said"] == (
        "Erased: the person was erased; nobody can apply for it until the manager names "
        "someone else"
    )
    swapped = substitute(system, group, 2, {"name": "Ada Lovelace", "email": "ada@example.org"})
    assert swapped.status == 200, swapped.body
    new_link = swapped.json()["places"][1]["apply_url"]
    applied = apply_through(system, new_link, name="Ada Lovelace", email="ada@example.org")
    assert applied.status == 201, applied.body
    sent = [e.to for e in system.deliver_emails()]
    assert ["erased@invalid.example"] not in sent


def test_a_group_paid_before_its_booked_email_goes_gets_one_paid_email(system: System) -> None:
    """Each email is about its own event: the booked email, sent after the payment, would
    only repeat the paid one (it was once rendered as a second identical paid email)."""
    system.hold_stream = True  # the booked email still waits when the payment arrives
    group = book(system, **BILLING).json()
    pay_invoice(system, group)
    system.hold_stream = False
    to_manager = [e for e in system.deliver_emails() if e.to == ["florence@example.org"]]
    assert [e.subject.split(":")[0] for e in to_manager] == ["Paid"]
    # Booked and not yet paid: the booked email says booked, not paid.
    other = book(system, colleagues=OTHERS, **BILLING).json()
    [booked] = [e for e in system.deliver_emails() if e.to == ["florence@example.org"]]
    assert booked.subject.startswith("Your booking of 2 places")
    assert other["manager_url"] in booked.text


def test_a_retried_booking_with_its_key_is_the_same_booking(system: System) -> None:
    body = booking_body(colleagues=COLLEAGUES[:2])
    headers = {"idempotency-key": "double-click-1"}
    path = f"/courses/{INVOICED}/group-bookings"
    first = system.api("POST", path, json_body=body, headers=headers)
    again = system.api("POST", path, json_body=body, headers=headers)
    assert first.status == 201, first.body
    assert again.json()["group_id"] == first.json()["group_id"]
    assert places_left(system) == 3
    # The key again with other people and another way to pay: refused in words, never
    # answered with the first booking (whose card payment nobody asked for this time).
    reused = system.api(
        "POST",
        path,
        json_body=body | {"colleagues": OTHERS[:1], "payment_method": "invoice", **BILLING},
        headers=headers,
    )
    refusal = reused.refused(409, "idempotency_key_reused")
    assert "already used for a group booking with other answers" in refusal["message"]
    assert places_left(system) == 3
    assert len(system.ports.groups.groups_of_course(INVOICED)) == 1
    other = system.api(
        "POST",
        path,
        json_body=body | {"colleagues": OTHERS},
        headers={"idempotency-key": "another"},
    )
    assert other.json()["group_id"] != first.json()["group_id"]


def test_a_colleague_who_has_a_place_on_the_course_already_is_refused_beside_their_row(
    system: System,
) -> None:
    own = system.api(
        "POST", f"/courses/{INVOICED}/applications", json_body=application_body(**COLLEAGUES[1])
    )
    assert own.status == 201, own.body  # applying on their own (their checkout open)
    left = places_left(system)
    refused = book(system, **BILLING)
    assert refused.status == 422, refused.body
    assert list(refused.json()["error"]["fields"]) == ["colleagues.1.email"]
    assert places_left(system) == left  # nothing held
    # Named in another group's place that still holds its seat: the same.
    first = book(system, colleagues=[COLLEAGUES[0]], **BILLING)
    assert first.status == 201, first.body
    again = book(system, colleagues=[COLLEAGUES[2], COLLEAGUES[0]], **BILLING)
    assert again.status == 422, again.body
    assert list(again.json()["error"]["fields"]) == ["colleagues.1.email"]
    # A substitution cannot name them either.
    paid = paid_group(system, colleagues=[COLLEAGUES[2]])
    swap = substitute(system, paid, 1, COLLEAGUES[0])
    assert swap.status == 422, swap.body
    assert list(swap.json()["error"]["fields"]) == ["email"]


def test_a_double_submitted_booking_form_is_one_booking(system: System) -> None:
    page = system.api("GET", f"/courses/{INVOICED}/group-booking", headers={"accept": "text/html"})
    assert page.status == 200, page.body
    key = page.body.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    assert len(key) >= 16
    form = {
        "idempotency_key": key,
        "manager_name": "Florence Nightingale",
        "manager_email": "florence@example.org",
        "organisation": "St Elsewhere NHS Trust",
        "colleague_name_1": COLLEAGUES[0]["name"],
        "colleague_email_1": COLLEAGUES[0]["email"],
        "consent": "on",
        **BILLING,
    }
    headers = {"accept": "text/html"}
    path = f"/courses/{INVOICED}/group-bookings"
    first = system.api("POST", path, form=form, headers=headers)
    second = system.api("POST", path, form=form, headers=headers)
    assert first.status == second.status == 303, (first.body, second.body)
    assert first.headers["location"] == second.headers["location"]
    assert places_left(system) == 4
    assert len(system.ports.groups.groups_of_course(INVOICED)) == 1
    # Back, another colleague typed in, sent again (the hidden key kept): a page that says
    # the form was sent already, and nothing booked or changed.
    edited = form | {"colleague_email_1": OTHERS[0]["email"]}
    refused = system.api("POST", path, form=edited, headers=headers)
    assert refused.status == 409, refused.body
    said = text_of(refused.body)
    assert "This form was sent already" in said
    assert "Nothing was changed by sending it again" in said
    assert "open the form afresh" in said
    assert "Idempotency-Key" not in said
    assert "Your application's page" not in said
    assert places_left(system) == 4
    assert len(system.ports.groups.groups_of_course(INVOICED)) == 1


def test_a_place_given_up_before_the_invoice_is_paid_comes_off_the_invoice(system: System) -> None:
    group = book(system, **BILLING).json()
    first_invoice = pay_link_id(group)
    reply = give_up(system, group, 3)
    assert reply.status == 200, reply.body
    after = reply.json()
    assert after["total"] == {"amount": 40000, "currency": "gbp"}
    assert after["places"][2]["state"] == "released"
    assert places_left(system) == 3
    second_invoice = str(after["pay_url"]).rsplit("/", 1)[-1]
    assert second_invoice != first_invoice

    assert system.stripe_invoice(first_invoice)["status"] == "void"
    assert system.stripe_invoice(second_invoice)["amount_due"] == 40000
    assert "2 places" in system.stripe_invoice(second_invoice)["lines"]["data"][0]["description"]
    pay_invoice(system, after)
    paid = manager_view(system, group)
    assert paid["status"] == "paid"
    assert [p["apply_url"] is not None for p in paid["places"]] == [True, True, False]
    # The last places given up before payment end the booking: its seats all go back.
    other = book(system, colleagues=OTHERS[:1], **BILLING).json()
    assert places_left(system) == 2
    ended = give_up(system, other, 1)
    assert ended.json()["status"] == "lapsed"
    assert ended.json()["ended_because"] == "every_place_given_up"
    assert places_left(system) == 3


def test_a_manager_or_a_colleague_who_never_applied_is_found_and_erased(system: System) -> None:
    group = paid_group(system)
    exported = system.admin("GET", "/people/florence@example.org")
    assert exported.status == 200, exported.body
    assert [g["as"] for g in exported.json()["group_bookings"]] == ["manager"]
    colleague = system.admin("GET", f"/people/{COLLEAGUES[1]['email']}").json()
    assert colleague["group_bookings"][0]["as"] == "colleague (place 2)"
    assert colleague["applications"] == []
    for address in ("florence@example.org", COLLEAGUES[1]["email"]):
        assert system.admin("DELETE", f"/people/{address}").status == 200
        assert system.admin("GET", f"/people/{address}").status == 404
        assert system.admin("DELETE", f"/people/{address}").status == 404
    # The erased manager's link died with them; the organisers' view names neither.
    gone = system.api("GET", f"/groups/{group['group_id']}?token={group['token']}")
    assert gone.status == 404, gone.body
    view = system.admin("GET", f"/courses/{INVOICED}/group-bookings").body
    for said in ("Florence Nightingale", "florence@example.org", COLLEAGUES[1]["name"]):
        assert said not in view
    assert COLLEAGUES[0]["name"] in view  # the others' places are theirs still


def test_erasing_a_person_a_keyed_booking_named_forgets_what_its_request_asked(
    system: System,
) -> None:
    body = booking_body(colleagues=COLLEAGUES[:1], **BILLING)
    path = f"/courses/{INVOICED}/group-bookings"
    headers = {"idempotency-key": "erased-later"}
    booked = system.api("POST", path, json_body=body, headers=headers)
    assert booked.status == 201, booked.body
    group = system.stored_group(booked.json()["group_id"])
    assert group.request_fingerprint is not None
    assert system.admin("DELETE", f"/people/{COLLEAGUES[0]['email']}").status == 200
    forgotten = system.stored_group(group.group_id)
    assert forgotten.request_fingerprint is None
    # The key again, with the erased person's answers: refused, never the booking shown.
    again = system.api("POST", path, json_body=body, headers=headers)
    again.refused(409, "idempotency_key_reused")


def test_a_groups_billing_contact_is_found_and_erasing_them_or_the_manager_voids_its_invoice(
    system: System,
) -> None:

    def invoice_status(group: dict[str, Any]) -> str:
        return str(system.stripe_invoice(group["pay_url"])["status"])

    by_contact = book(system, colleagues=COLLEAGUES[:1], **BILLING).json()
    contact = BILLING["billing_email"]
    found = system.admin("GET", f"/people/{contact}")
    assert found.status == 200, found.body
    assert [g["as"] for g in found.json()["group_bookings"]] == ["billing contact"]
    assert system.admin("DELETE", f"/people/{contact}").status == 200
    assert system.admin("GET", f"/people/{contact}").status == 404
    assert invoice_status(by_contact) == "void"
    assert manager_view(system, by_contact)["status"] == "lapsed"
    # The organisers read why: not that it went unpaid.
    assert manager_view(system, by_contact)["ended_because"] == "person_erased"
    assert places_left(system) == 5
    # Erasing the manager of a booking whose invoice is open: the same.
    by_manager = book(
        system, colleagues=OTHERS[:1], manager_email="boss@example.org", **BILLING
    ).json()
    assert system.admin("DELETE", "/people/boss@example.org").status == 200
    assert invoice_status(by_manager) == "void"
    assert places_left(system) == 5


def test_places_nobody_filled_by_the_deadline_are_given_up_and_refunded(system: System) -> None:
    group = paid_group_with_an_apply_by(system)
    first_start = system.first_start(INVOICED)
    assert datetime.fromisoformat(group["apply_by"]) == first_start - timedelta(days=APPLY_BY_DAYS)
    colleague_applies(system, group)
    system.scheduled_run(datetime.fromisoformat(group["apply_by"]) - timedelta(minutes=1))
    assert places_left(system) == 2  # not yet
    the_apply_by_passes(system, group)
    after = manager_view(system, group)
    assert [p["state"] for p in after["places"]] == ["confirmed", "released", "released"]
    assert after["amount_refunded"] == 40000
    assert places_left(system) == 4
    system.scheduled_run(system.now() + timedelta(hours=1))  # once only
    assert manager_view(system, group)["amount_refunded"] == 40000
    late_apply = apply_through(system, group["places"][1]["apply_url"], **COLLEAGUES[1])
    assert late_apply.status == 409, late_apply.body
    assert late_apply.json()["error"]["code"] == "apply_by_passed"  # not "cancelled"
    page = group_page(system, group)
    assert "Colleagues apply by" not in page
    assert "1 of 3" in page
    # Released at the apply-by date, which the manager did not do: said so, not "Cancelled".
    assert page.count("Released at the apply-by date: nobody applied") == 2
    assert "Cancelled" not in page
    late = substitute(system, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"})
    late.refused(409, "apply_by_passed")


def test_the_managers_page_says_every_place_was_given_up_and_the_form_has_every_row(
    system: System,
) -> None:
    form = system.api("GET", f"/courses/{INVOICED}/group-booking", headers=HTML).body
    assert 'name="colleague_name_12"' in form  # as many rows as a booking may have
    group = book(system, colleagues=COLLEAGUES[:2], **BILLING).json()
    for number in (1, 2):
        reply = give_up(system, group, number)
        assert reply.status == 200, reply.body
    page = group_page(system, group)
    assert "Every place was given up" in page
    assert "Not paid in time" not in page
    assert "0 of 2" in page
    assert "Total" not in page
    assert "Colleagues apply by" not in page


def test_a_place_the_booking_does_not_have_is_not_found(system: System) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    cancel = give_up(system, group, 2)
    assert cancel.status == 404, cancel.body
    swap = substitute(system, group, 2, {"name": "Ada Lovelace", "email": "ada@example.org"})
    assert swap.status == 404, swap.body


def test_the_organisers_leave_a_colleagues_booking_to_the_manager(system: System) -> None:
    """A colleague's booking on a group place is the employer's: the organisers' cancel is
    refused in words that send them to the manager, nothing changes, and the console offers
    neither Cancel nor Transfer for it."""
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    applied = apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0])
    assert applied.status == 201, applied.body
    application_id = applied.json()["application_id"]
    left = places_left(system)
    refused = system.cancel(application_id)
    error = refused.refused(409, "group_place")
    assert "(St Elsewhere NHS Trust)" in error["message"]
    assert "give the place up" in error["message"]
    assert system.admin("GET", f"/applications/{application_id}").json()["status"] == "confirmed"
    assert places_left(system) == left
    again = apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0])
    assert again.status == 409, again.body  # the place is still theirs: already applied

    browser = signed_in(system)
    page = browser.get(f"/console/applications/{application_id}").body
    assert "Not here: this booking fills a place of a manager&#39;s group booking" in page
    assert "Cancel booking" not in page
    assert "Transfer to another cohort" not in page
    # Posted all the same (with what the application is now, as the API reads it): refused.
    seen = system.admin("GET", f"/applications/{application_id}").json()["seen"]
    posted = browser.act(f"/console/applications/{application_id}/cancel", refund="on", seen=seen)
    assert posted.status == 409
    assert system.admin("GET", f"/applications/{application_id}").json()["status"] == "confirmed"
