"""The console's pages and actions over HTTP, signed in: what organisers see and what each
action does (through the same use cases as the ``/admin`` API)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from booking.handlers.course_form import form_of
from tests.conftest import COURSES_DIR
from tests.support.console import ConsoleBrowser, error_beside, posted_fields
from tests.support.invoiced import BILLING
from tests.support.page_text import text_of
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


def _applied(system: System, course_id: str = COURSE_ID, **answers: Any) -> dict[str, Any]:
    reply = system.apply(course_id, **answers)
    assert reply.status == 201, reply.body
    return dict(reply.json())


def _paid(system: System, **answers: Any) -> dict[str, Any]:
    return system.booked(**answers)


def _error_beside(page: str, field: str) -> re.Match[str] | None:
    return error_beside(page, field)


# -- reading ------------------------------------------------------------------------------------


def test_the_first_page_counts_places_holds_waiting_and_money(
    system: System, browser: ConsoleBrowser
) -> None:
    _paid(system, email="paid@example.org")
    _applied(system, email="holding@example.org")
    refunded = _paid(system, email="refunded@example.org")
    assert (
        browser.press(
            f"/console/applications/{refunded['application_id']}/cancel?refund=on",
            f"/console/applications/{refunded['application_id']}/cancel",
        ).status
        == 303
    )
    page = browser.get("/console")
    assert page.status == 200
    [row] = re.findall(
        rf"<tr>\s*<th scope=\"row\"><a href=\"/console/courses/{COURSE_ID}\".*?</tr>",
        page.body,
        re.S,
    )
    cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # Each place counted once (booked, held unpaid, free), then waiting, to review, and the
    # money: paid in, refunded, net.
    assert cells == [
        "Open",
        "1",
        "1",
        "18 of 20",
        "0",
        "0",
        "Paid in £400.00 Refunded £200.00 Net £200.00",
    ]
    assert "Monday 7 June 2027 to Monday 13 December 2027 (10 sessions)" in text_of(row)


def test_a_courses_applications_can_be_filtered_and_searched(
    system: System, browser: ConsoleBrowser
) -> None:
    mary = _paid(system, name="Mary Seacole", email="mary@example.org")
    grace = _applied(system, name="Grace Hopper", email="grace@example.org")
    base = f"/console/courses/{COURSE_ID}"

    def shown(query: str) -> set[str]:
        reply = browser.get(f"{base}?{query}")
        assert reply.status == 200, reply.body
        return set(re.findall(r'href="/console/applications/(\w+)"', reply.body))

    assert shown("") == {mary["application_id"], grace["application_id"]}
    assert shown("status=confirmed") == {mary["application_id"]}
    assert shown("status=awaiting_payment") == {grace["application_id"]}
    assert shown("q=seacole") == {mary["application_id"]}
    assert shown("q=GRACE%40example") == {grace["application_id"]}
    reference = grace["reference"]
    spoken = reference.lower().replace("-", " ")  # as someone reads it out on the phone
    assert shown(f"q={quote(spoken)}") == {grace["application_id"]}
    assert shown(f"q={reference}&status=confirmed") == set()
    page = browser.get(base)
    assert mary["reference"] in page.body
    assert "Confirmed (1)" in page.body
    bad = browser.get(f"{base}?status=maybe")
    assert bad.status == 422
    assert 'id="status-error"' in bad.body


def test_the_roster_csv_carries_the_references(system: System, browser: ConsoleBrowser) -> None:
    application = _paid(system, name="=HYPERLINK(1)")
    reply = browser.get(f"/console/courses/{COURSE_ID}/roster.csv")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    [row] = list(csv.DictReader(io.StringIO(reply.body.lstrip("\ufeff"))))
    assert row["Reference"] == application["reference"]
    assert row["Full name"] == "'=HYPERLINK(1)"  # formula injection neutralised as in the API
    admin = system.admin("GET", f"/courses/{COURSE_ID}/applications?format=csv")
    assert admin.body == reply.body


def test_an_applications_page_shows_its_answers_escaped_and_only_the_actions_that_fit(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _applied(system, name="<script>alert(1)</script> Ada", motivation="A & B")
    page = browser.get(f"/console/applications/{application['application_id']}")
    assert page.status == 200
    assert "<script>alert(1)" not in page.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ada" in page.body
    assert application["reference"] in page.body
    words = text_of(page.body)
    assert "Application received: awaiting payment" in words
    assert "A & B" in words
    assert "/cancel" in page.body
    for action in ("approve", "decline", "resend"):
        assert f'/{action}"' not in page.body
    assert browser.get("/console/applications/no-such-application").status == 404


# -- actions ------------------------------------------------------------------------------------


def test_approving_offers_a_place_and_the_page_says_so(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _applied(system, system.approval_course())
    path = f"/console/applications/{application['application_id']}"
    assert '/approve"' in browser.get(path).body
    reply = browser.act(f"{path}/approve")
    assert reply.status == 303
    assert reply.headers["location"] == path
    assert system.stored_document(application["application_id"])["status"] == "offered"
    after = browser.get(reply.headers["location"])
    assert "Approved. The applicant has been emailed." in after.body
    assert "Status: Awaiting review → Place offered" in text_of(after.body)
    # Approving again is refused by the use case, and said at the top of the page.
    again = browser.act(f"{path}/approve")
    assert again.status == 409
    assert "only applications awaiting review can be approved; this one is “place offered”" in (
        text_of(again.body).lower()
    )


def test_approving_on_a_full_course_says_the_applicant_went_to_the_waiting_list(
    system: System, browser: ConsoleBrowser
) -> None:
    course = system.approval_course()
    for n in range(5):  # its five places offered
        offered = _applied(system, course, email=f"offered{n}@example.org")
        approved = system.admin("POST", f"/applications/{offered['application_id']}/approve")
        assert approved.json()["status"] == "offered", approved.body
    application = _applied(system, course, email="last@example.org")
    path = f"/console/applications/{application['application_id']}"
    reply = browser.act(f"{path}/approve")
    assert reply.status == 303
    assert reply.headers["location"] == path
    assert system.stored_document(application["application_id"])["status"] == "waitlisted"
    said = text_of(browser.get(reply.headers["location"]).body)
    assert (
        "the applicant is on its waiting list, and is offered a place when one frees. They "
        "have been emailed that." in said
    )
    assert "Approved. The applicant has been emailed." not in said


def test_approving_a_person_whose_address_is_suppressed_says_nobody_was_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    """Emails to the address bounced before: the mailer sends it nothing, and the notice
    does not claim it did."""
    application = _applied(system, system.approval_course(), email="bounced@example.org")
    system.ports.repository.suppress_address("bounced@example.org", "bounce", system.now())
    system.deliver_emails()
    path = f"/console/applications/{application['application_id']}"
    reply = browser.act(f"{path}/approve")
    assert reply.headers["location"] == path
    said = browser.words(reply.headers["location"])
    assert (
        "Approved. Nobody was emailed: emails to this person's address bounced or were marked "
        "as spam, so none are sent to it." in said
    )
    assert "has been emailed" not in said
    assert all("bounced@example.org" not in email.to for email in system.deliver_emails())


def test_declining_sends_the_organisers_words_and_a_long_message_is_refused_beside_it(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _applied(system, system.approval_course())
    path = f"/console/applications/{application['application_id']}"
    too_long = browser.act(f"{path}/decline", message="x" * 4001)
    assert too_long.status == 422
    assert 'id="message-error"' in too_long.body
    assert "x" * 4001 in too_long.body  # what was typed is kept
    assert system.stored_document(application["application_id"])["status"] == "pending_review"
    reply = browser.act(f"{path}/decline", message="  Please apply to the spring cohort.  ")
    assert reply.status == 303
    stored = system.stored_document(application["application_id"])
    assert stored["status"] == "declined"
    assert stored["decline_note"] == "Please apply to the spring cohort."


def test_cancelling_with_refund_shows_the_payment_the_refund_and_the_emails(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _paid(system)
    system.deliver_emails()
    path = f"/console/applications/{application['application_id']}"
    page = browser.get(path)
    assert "Also refund £200.00 through Stripe" in text_of(page.body)
    cancelled = browser.press(f"{path}/cancel?refund=on", f"{path}/cancel")
    assert cancelled.status == 303
    # The banner says the money is going back, not just "Cancelled".
    banner = browser.words(cancelled.headers["location"])
    assert "Cancelled. £200.00 is being refunded in full through Stripe." in banner
    system.deliver_emails()
    words = browser.words(path)
    for said in (
        "Status: Awaiting payment → Confirmed",
        "Payment received: £200.00",
        "Email sent to the applicant: Booking confirmed, with the calendar file",
        "Email sent to the facilitators (1 address): New booking, with the application",
        "Status: Confirmed → Refunded",
        "Refunded: £200.00",
        "Email sent to the applicant: Payment refunded",
    ):
        assert said in words
    assert words.index("Payment received") < words.index("Refunded: £200.00")
    assert system.stored_document(application["application_id"])["amount_refunded"] == 20000


def test_cancelling_with_refund_after_a_refund_at_stripe_says_what_this_refund_gives_back(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _paid(system)
    application_id = application["application_id"]
    system.refund_at_stripe(system.stored_document(application_id)["payment_intent"], 5000)
    system.deliver_emails()
    partial = system.sent[-1].text
    # Part of what was paid, said as such (never "your payment" beside "partial").
    assert "We have refunded £50.00 of what you paid for" in partial
    path = f"/console/applications/{application_id}"
    assert "Also refund £150.00 through Stripe" in browser.words(path)
    cancelled = browser.press(f"{path}/cancel?refund=on", f"{path}/cancel")
    assert cancelled.status == 303
    # The refund's events have arrived by now (the booking is refunded): the banner still says
    # what this refund gives back, and what has come back in all.
    assert system.stored_document(application_id)["status"] == "refunded"
    banner = browser.words(cancelled.headers["location"])
    assert (
        "Cancelled. £150.00 is being refunded through Stripe "
        "(with the £50.00 refunded earlier, £200.00 in all)."
    ) in banner
    refunds = requests_to(system.stripe_http, "/v1/refunds")
    assert refunds[-1].params.get("amount") in (None, "15000")
    emails = {email.subject.split(":")[0]: email for email in system.deliver_emails()}
    for email in emails.values():
        for body in (email.text, text_of(email.html)):
            assert "£200.00 you paid is being refunded" not in body
            assert "(£200.00)" not in body
    refunded_email = emails["Your payment has been refunded"]
    said = "We have refunded £150.00 of your payment for"
    assert said in refunded_email.text
    assert said in text_of(refunded_email.html)
    assert "(with the £50.00 refunded earlier, £200.00 in all)" in refunded_email.text


def test_cancelling_without_refund_keeps_the_money(system: System, browser: ConsoleBrowser) -> None:
    application = _paid(system)
    path = f"/console/applications/{application['application_id']}"
    cancelled = browser.press(f"{path}/cancel", f"{path}/cancel")
    assert cancelled.status == 303
    banner = browser.words(cancelled.headers["location"])
    assert "Cancelled without a refund: the £200.00 paid is kept." in banner
    stored = system.stored_document(application["application_id"])
    assert (stored["status"], stored["amount_refunded"]) == ("cancelled", 0)
    assert system.course()["places_left"] == 20


def test_resending_the_confirmation_of_a_booking(system: System, browser: ConsoleBrowser) -> None:
    application = _paid(system)
    system.deliver_emails()
    path = f"/console/applications/{application['application_id']}"
    reply = browser.act(f"{path}/resend")
    assert reply.status == 303
    [resent] = system.deliver_emails()
    assert resent.subject.startswith("Your place is confirmed")
    confirmations = browser.words(path).count("Booking confirmed, with the calendar file")
    assert confirmations == 2


# -- people -------------------------------------------------------------------------------------


def test_a_persons_page_exports_and_erases_after_confirmation(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _paid(system, email="kept@example.org", name="Kept Person")
    page = browser.get("/console/people?email=KEPT%40example.org")
    assert page.status == 200
    assert application["reference"] in page.body
    # The readable views are the page, the printable record and each application's page;
    # the JSON export is said to be the machine-readable copy, pence and codes.
    said = text_of(page.body)
    assert "The JSON export is the machine-readable copy" in said
    assert "amounts in pence, status codes and ISO times" in said
    assert f'href="/console/applications/{application["application_id"]}"' in page.body
    readable = text_of(browser.get(f"/console/applications/{application['application_id']}").body)
    assert "Kept Person" in readable
    assert "£200.00" in readable
    export = browser.get("/console/people/export?email=kept%40example.org")
    assert export.status == 200
    assert "attachment" in export.headers["content-disposition"]
    assert export.json()["applications"][0]["answers"]["name"] == "Kept Person"
    confirm = browser.get("/console/people/erase?email=kept%40example.org")
    assert confirm.status == 200
    assert "cannot be undone" in confirm.body
    unconfirmed = browser.act("/console/people/erase", email="kept@example.org")
    assert unconfirmed.status == 422
    assert 'id="confirm-error"' in unconfirmed.body
    assert system.stored_document(application["application_id"])["answers"]["name"] == "Kept Person"
    erased = browser.press(
        "/console/people/erase?email=kept%40example.org", "/console/people/erase", confirm="on"
    )
    assert erased.status == 200
    assert "1 application erased." in text_of(erased.body)
    assert f"Application {application['reference']}" in text_of(erased.body)
    assert system.stored_document(application["application_id"])["answers"]["name"] == "[erased]"
    after = browser.get(f"/console/applications/{application['application_id']}")
    assert "Personal data erased on request" in text_of(after.body)
    assert "Kept Person" not in after.body
    # The placeholder address an erasure leaves is nobody's: "[erased]" as every other field,
    # on the application's page and the course's list.
    assert "Email address [erased]" in text_of(after.body)
    listed = browser.get(f"/console/courses/{COURSE_ID}")
    for page in (after, listed):
        assert "erased@invalid.example" not in page.body
    assert "[erased]" in text_of(listed.body)
    nobody = browser.get("/console/people?email=kept%40example.org")
    assert "We hold no data about kept@example.org" in text_of(nobody.body)
    assert browser.get("/console/people?email=not-an-address").status == 422


def test_searching_finds_a_reference_or_a_person(system: System, browser: ConsoleBrowser) -> None:
    application = _applied(system, email="found@example.org")
    by_reference = browser.get(f"/console/search?q={application['reference'].lower()}")
    assert by_reference.status == 303
    assert by_reference.headers["location"] == (
        f"/console/applications/{application['application_id']}"
    )
    by_email = browser.get("/console/search?q=found%40example.org")
    assert by_email.headers["location"] == "/console/people?email=found%40example.org"
    assert browser.get("/console/search?q=CL-22222").status == 404
    # Anything else is a name, found on every course (test_console_find_a_name).
    assert browser.get("/console/search?q=hello").status == 200
    assert browser.get("/console/search?q=").status == 422


# -- courses ------------------------------------------------------------------------------------


def _course_form(**changes: str) -> dict[str, str]:
    form = {
        "course_id": "spring-cohort-2031",
        "title": "Spring cohort",
        "programme": "compassionate-leadership",
        "price": "250.00",
        "currency": "gbp",
        "capacity": "12",
        "timezone": "Europe/London",
        "offer_valid_hours": "48",
        "reminder_offsets_hours": "24, 1",
        "enquiries_email": "enquiries@example.org",
        "session-0-date": "2031-03-24",
        "session-0-start_time": "15:00",
        "session-0-end_time": "17:00",
        "session-0-kind": "core",
        "session-1-date": "2031-03-31",
        "session-1-start_time": "15:00",
        "session-1-end_time": "17:00",
        "session-1-kind": "core",
        "session-2-kind": "core",  # an empty row: only its preset choice
        "facilitator-0-name": "Amara Okafor",
        "facilitator-0-email": "amara.okafor@example.org",
    }
    form.update(changes)
    return form


def test_a_course_is_created_from_the_form(system: System, browser: ConsoleBrowser) -> None:
    reply = browser.act("/console/courses", **_course_form())
    assert reply.status == 303, text_of(reply.body)
    assert reply.headers["location"] == "/console/courses/spring-cohort-2031"
    # Its page says once that the course was saved, as every action does.
    assert "Course saved." in browser.words(reply.headers["location"])
    assert "Course saved." not in browser.words(reply.headers["location"])
    course = system.course("spring-cohort-2031")
    assert (course["price"], course["capacity"]) == ({"amount": 25000, "currency": "gbp"}, 12)
    assert [s["start"] for s in course["sessions"]] == [
        "2031-03-24T15:00:00+00:00",
        "2031-03-31T15:00:00+01:00",  # the clocks went forward in between
    ]
    assert course["facilitators"] == [{"name": "Amara Okafor", "bio": None}]
    edit = browser.get("/console/courses/spring-cohort-2031/edit")
    assert edit.status == 200
    assert 'value="2031-03-31"' in edit.body
    assert 'value="250.00"' in edit.body


def _session_dates(page: str) -> list[str]:
    """The date typed in each session row the page shows, in order."""
    return re.findall(r'id="session-\d+-date" name="session-\d+-date" value="([^"]*)"', page)


def test_the_course_form_has_a_row_for_every_session_of_the_course(
    system: System, browser: ConsoleBrowser
) -> None:
    sessions = system.course()["sessions"]
    assert len(sessions) == 10
    edit = browser.get(f"/console/courses/{COURSE_ID}/edit").body
    assert _session_dates(edit) == [s["start"][:10] for s in sessions]
    # A new course starts with six empty rows, its usual shape.
    assert _session_dates(browser.get("/console/courses/new").body) == [""] * 6


def test_sessions_are_added_and_removed_without_javascript_keeping_what_was_typed(
    system: System, browser: ConsoleBrowser
) -> None:
    typed = _course_form(title="Typed before adding")
    added = browser.act("/console/courses", rows="add-session", **typed)
    assert added.status == 200, text_of(added.body)
    assert _session_dates(added.body) == ["2031-03-24", "2031-03-31", "", ""]
    assert 'value="Typed before adding"' in added.body
    assert system.api("GET", "/courses/spring-cohort-2031").status == 404  # nothing saved
    # The second session removed: the third row's (empty) becomes the second.
    removed = browser.act("/console/courses", rows="remove-session-1", **typed)
    assert _session_dates(removed.body) == ["2031-03-24", ""]
    assert "Remove session 2" in removed.body
    one = browser.act(
        "/console/courses",
        rows="remove-session-0",
        **{k: v for k, v in typed.items() if not k.startswith(("session-1", "session-2"))},
    )
    # The last row stays (a course has a session); and an unknown change changes nothing.
    assert _session_dates(one.body) == [""]
    assert "Remove session 1" not in one.body
    odd = browser.act("/console/courses", rows="remove-session-99", **typed)
    assert _session_dates(odd.body) == ["2031-03-24", "2031-03-31", ""]
    facilitator = browser.act("/console/courses", rows="add-facilitator", **typed)
    assert 'id="facilitator-1-email"' in facilitator.body
    assert 'value="amara.okafor@example.org"' in facilitator.body
    # Pressing Enter in a field presses the form's first button: the hidden save.
    first_button = re.search(
        r"<form method=\"post\" action=\"/console/courses\" novalidate>"
        r".*?<button([^>]*)>",
        added.body,
        re.S,
    )
    assert first_button is not None
    assert 'name="rows"' not in first_button.group(1)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"title": ""}, "title", "Fill this in"),
        ({"price": "two hundred"}, "price", "Enter the price in pounds"),
        ({"price": "10.001"}, "price", "at most two decimal places"),
        ({"capacity": "0"}, "capacity", "Enter 1 or more"),
        ({"session-1-date": "2031-02-30"}, "session-1-date", "Enter a date, like 2027-06-07"),
        ({"session-0-end_time": "14:00"}, "session-0-end_time", "must end after it starts"),
        # 01:30 on the night the clocks go forward does not exist in London.
        (
            {"session-1-date": "2031-03-30", "session-1-start_time": "01:30"},
            "session-1-start_time",
            # Said as the console says dates, never "2031-03-30 01:30".
            "Sunday 30 March 2031, 01:30 does not exist in Europe/London",
        ),
        ({"facilitator-0-email": "amara@"}, "facilitator-0-email", ""),
        ({"reminder_offsets_hours": "24h"}, "reminder_offsets_hours", "whole hours"),
        ({"reminder_offsets_hours": "24, 24"}, "reminder_offsets_hours", "given twice"),
        # A follow-up among the core sessions, beside that session.
        ({"session-0-kind": "follow_up"}, "session-0-start_time", "comes after the last core"),
        ({"timezone": "London"}, "timezone", "Enter a time zone such as Europe/London"),
        ({"course_id": "Not An Id"}, "course_id", "lower-case"),
    ],
)
def test_a_mistake_in_the_course_form_is_shown_beside_its_field_and_nothing_is_saved(
    system: System, browser: ConsoleBrowser, changes: dict[str, str], field: str, says: str
) -> None:
    before = system.items()
    reply = browser.act("/console/courses", **_course_form(**changes))
    assert reply.status == 422
    found = _error_beside(reply.body, field)
    assert found, f"no error beside {field}"
    assert says in text_of(found.group(1))
    assert f'href="#{field}"' in reply.body  # and listed in the summary at the top
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', reply.body)
    assert system.items() == before


def test_a_course_form_with_no_session_asks_for_one(
    system: System, browser: ConsoleBrowser
) -> None:
    before = system.items()
    blank = {
        f"session-{n}-{part}": "" for n in (0, 1) for part in ("date", "start_time", "end_time")
    }
    reply = browser.act("/console/courses", **_course_form(**blank))
    assert reply.status == 422
    said = text_of(reply.body)
    assert "Add at least one session" in said
    assert "Give at least" not in said
    assert system.items() == before


def test_replacing_a_course_below_its_places_taken_is_refused_beside_capacity(
    system: System, browser: ConsoleBrowser
) -> None:
    _paid(system)
    _paid(system, email="second@example.org")
    assert browser.get(f"/console/courses/{COURSE_ID}/edit").status == 200
    definition = system.stored_course(COURSE_ID)
    fields = posted_fields(form_of(COURSE_ID, definition.definition))
    fields["capacity"] = "1"
    reply = browser.act("/console/courses", **fields)
    assert reply.status == 409
    assert 'id="capacity-error"' in reply.body
    assert system.course()["capacity"] == 20


def test_saving_a_file_that_seems_to_move_a_follow_up_without_an_id_warns_of_it(
    system: System, browser: ConsoleBrowser
) -> None:
    follow_up = {
        "session-2-date": "2031-05-20",
        "session-2-start_time": "16:00",
        "session-2-end_time": "17:00",
        "session-2-kind": "follow_up",
    }
    assert browser.act("/console/courses", **_course_form(**follow_up)).status == 303
    moved = browser.act(
        "/console/courses", **_course_form(**{**follow_up, "session-2-date": "2031-05-27"})
    )
    assert moved.status == 303
    assert moved.headers["location"] == "/console/courses/spring-cohort-2031"
    page = browser.get(moved.headers["location"])
    assert page.status == 200
    warned = "Course saved. The follow-up on 20 May 2031 has no id, so moving it made a new event"
    assert warned in text_of(page.body)
    # Warned once: a reload (or the address kept from before) says it no more.
    assert warned not in browser.words(moved.headers["location"])
    assert warned not in browser.words(f"{moved.headers['location']}?moved_without_id=2031-05-20")
    # Given an id, it moves as itself: no warning.
    named = {**follow_up, "session-2-id": "spring-reunion"}
    assert browser.act("/console/courses", **_course_form(**named)).status == 303
    again = browser.act(
        "/console/courses", **_course_form(**{**named, "session-2-date": "2031-05-27"})
    )
    assert again.headers["location"] == "/console/courses/spring-cohort-2031"


def test_raising_a_full_courses_places_says_whom_the_waiting_list_offered_them(
    system: System, browser: ConsoleBrowser
) -> None:
    """Saved, and who was offered a place, by name and reference."""
    definition = system.stored_course(COURSE_ID)
    fields = posted_fields(form_of(COURSE_ID, definition.definition))
    assert browser.act("/console/courses", **{**fields, "capacity": "1"}).status == 303
    _paid(system)
    kim = _applied(system, name="Kim Yoon", email="kim@example.org")
    lee = _applied(system, name="Lee Park", email="lee@example.org")
    assert (kim["status"], lee["status"]) == ("waitlisted", "waitlisted")
    saved = browser.act("/console/courses", **{**fields, "capacity": "2"})
    assert saved.status == 303
    said = browser.words(saved.headers["location"])
    assert (
        f"Course saved. Kim Yoon ({kim['reference']}) was offered a place from the waiting list "
        "and emailed." in said
    )
    assert "Lee Park (" not in said  # still waiting: one place was added
    both = browser.act("/console/courses", **{**fields, "capacity": "4"})
    assert f"Lee Park ({lee['reference']}) was offered a place" in browser.words(
        both.headers["location"]
    )


def test_moving_a_booked_cohort_to_another_programme_is_refused_beside_programme(
    system: System, browser: ConsoleBrowser
) -> None:
    _paid(system)
    definition = system.stored_course(COURSE_ID)
    fields = posted_fields(form_of(COURSE_ID, definition.definition))
    fields["programme"] = "another-programme"
    before = system.items()
    reply = browser.act("/console/courses", **fields)
    assert reply.status == 409
    found = _error_beside(reply.body, "programme")
    assert found, "no error beside programme"
    assert "1 confirmed booking" in text_of(found.group(1))
    assert system.items() == before


def _upload(browser: ConsoleBrowser, course_id: str, content: bytes) -> Any:
    return browser.upload(course_id, content)


def test_a_course_is_loaded_from_a_definition_file(system: System, browser: ConsoleBrowser) -> None:
    definition = json.loads(Path(COURSES_DIR / "compassionate-leadership.json").read_text())
    reply = _upload(browser, "from-a-file", json.dumps(definition).encode())
    assert reply.status == 303, text_of(reply.body)
    assert system.course("from-a-file")["title"] == definition["title"]


@pytest.mark.parametrize(
    ("course_id", "content", "field", "says"),
    [
        ("from-a-file", b"{not json", "definition", "not JSON"),
        ("from-a-file", b"[1, 2]", "definition", "one JSON object"),
        ("from-a-file", b"", "definition", "Choose a file"),
        ("from-a-file", b'{"title": "T", "price": {"amount": 1}}', "definition", "capacity"),
        ("Bad Id", None, "upload_course_id", "lower-case"),
    ],
)
def test_a_definition_file_with_mistakes_is_refused_beside_the_file(
    system: System,
    browser: ConsoleBrowser,
    course_id: str,
    content: bytes | None,
    field: str,
    says: str,
) -> None:
    if content is None:
        content = (COURSES_DIR / "compassionate-leadership.json").read_bytes()
    before = system.items()
    reply = _upload(browser, course_id, content)
    assert reply.status == 422
    found = _error_beside(reply.body, field)
    assert found, reply.body
    assert says in text_of(found.group(1))
    assert system.items() == before


# -- who pays: bursaries and invoices -----------------------------------------------------------


def _invoiced(system: System, browser: ConsoleBrowser) -> tuple[dict[str, Any], str]:
    system.put_course(
        "invoiced", system.course_file() | {"invoice_allowed": True, "po_required": True}
    )
    application = _applied(system, "invoiced", **BILLING)
    assert application["status"] == "awaiting_invoice_payment"
    return application, f"/console/applications/{application['application_id']}"


def test_an_invoiced_application_shows_its_invoice_and_can_be_resent_or_voided(
    system: System, browser: ConsoleBrowser
) -> None:
    application, path = _invoiced(system, browser)
    words = browser.words(path)
    for said in (
        "for £200.00, not paid yet; falls due on",
        "for £200.00 sent to the billing contact, due",  # the timeline's line for it
        "Billed to St Elsewhere NHS Foundation Trust <accounts@example.nhs.uk>",
        "Purchase order number PO-4471",
        "Resend invoice",
        "Void invoice",
    ):
        assert said in words
    assert "sent again to the billing contact" not in words
    assert browser.act(f"{path}/invoice/resend").status == 303
    words = browser.words(path)
    assert "Stripe is sending the invoice" in words
    # The timeline says so, from the resend the action recorded on the invoice.
    number = system.stored_document(application["application_id"])["invoice"]["number"]
    assert f"Invoice {number} sent again to the billing contact" in words
    assert browser.act(f"{path}/invoice/resend").status == 303
    assert browser.words(path).count("sent again to the billing contact") == 2

    void = browser.form(f"{path}/invoice/void", f"{path}/invoice/void")
    assert browser.post(f"{path}/invoice/void", **void).status == 303
    stored = system.stored_document(application["application_id"])
    assert (stored["status"], stored["status_reason"], stored["seat_held"]) == (
        "expired",
        "invoice_voided",
        False,
    )
    words = browser.words(path)
    assert "for £200.00, voided" in words
    assert "Void invoice" not in words
    # Voided already: a second void (a stale page) is refused and says why, changing nothing.
    before = system.items()
    again = browser.post(f"{path}/invoice/void", **void)
    assert again.status == 409
    assert "no open invoice" in text_of(again.body)
    assert system.items() == before


def test_a_bursary_in_full_confirms_the_place_without_payment(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _applied(system)
    path = f"/console/applications/{application['application_id']}"
    assert "Grant bursary" in browser.words(path)
    assert browser.press(path, f"{path}/bursary", amount="200.00").status == 303
    stored = system.stored_document(application["application_id"])
    assert (stored["status"], stored["bursary"], stored["amount_paid"]) == ("confirmed", 20000, 0)
    words = browser.words(path)
    assert "Bursary £200.00" in words
    # Said once: never "Price to pay Nothing" above "Left to pay Nothing".
    assert "Left to pay Nothing: the bursary covers the whole price" in words
    assert "Price to pay" not in words
    assert "Bursary granted: £200.00 of the price" in words  # the timeline's line for it


def test_a_part_bursary_leaves_the_rest_to_pay(system: System, browser: ConsoleBrowser) -> None:
    application = _applied(system)
    path = f"/console/applications/{application['application_id']}"
    assert browser.press(path, f"{path}/bursary", amount="£150").status == 303
    stored = system.stored_document(application["application_id"])
    assert (stored["status"], stored["bursary"]) == ("awaiting_payment", 15000)
    assert "Left to pay £50.00" in browser.words(path)
    # A second bursary replaces the first, and its form says so beside the amount.
    assert "Currently £150.00: the amount you give replaces it" in browser.words(path)
    # Once the rest is paid, nothing is left to pay (it said £50.00 still).
    token = application["token"]
    checkout = system.api(
        "POST", f"/applications/{application['application_id']}/checkout?token={token}"
    )
    assert system.pay(checkout.json()["checkout_url"]).status == 200
    words = browser.words(path)
    assert "Left to pay Nothing" in words
    assert "Left to pay £50.00" not in words


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "in pounds"),
        ("fifty", "in pounds"),
        ("-5", "above zero"),
        ("0.001", "two decimal places"),
        ("250.00", "at most the price"),
    ],
)
def test_a_bursary_amount_with_a_mistake_is_refused_beside_the_field(
    system: System, browser: ConsoleBrowser, typed: str, says: str
) -> None:
    application = _applied(system)
    path = f"/console/applications/{application['application_id']}"
    before = system.items()
    reply = browser.press(path, f"{path}/bursary", amount=typed)
    assert reply.status == 422
    found = _error_beside(reply.body, "amount")
    assert found, reply.body
    assert says in text_of(found.group(1))
    assert system.items() == before
