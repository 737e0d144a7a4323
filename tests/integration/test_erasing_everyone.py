"""The right of access and erasure for every person the system names, on every surface (the
organiser API, the console's People pages, the CLI), through the real handlers, moto and the
Stripe stand-in: a one-person booking's billing contact, a group's manager, colleague and
billing contact; what each erasure says it did; an erased manager's link; the manager told
when erasing the billing contact ends their booking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking.domain.wording import cohort_name
from tests.support.console import signed_in
from tests.support.groups import (
    COLLEAGUES,
    book,
    colleague_applies,
    invoiced_group,
    paid_group,
    places_left,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.page_text import text_of
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

ACCOUNTS = "accounts-person@example.org"  # a named person's address, as billing contacts are
APPLICANT = "ada@example.org"


def _invoice_status(system: System, url: str) -> str:
    return str(system.stripe_invoice(url)["status"])


def _booked_by_invoice(system: System) -> dict[str, Any]:
    """Ada's one-person booking by invoice, billed to :data:`ACCOUNTS`."""
    reply = system.apply(INVOICED, email=APPLICANT, **{**BILLING, "billing_email": ACCOUNTS})
    assert reply.status == 201, reply.body
    assert reply.json()["status"] == "awaiting_invoice_payment"
    return dict(reply.json())


def test_a_one_person_bookings_billing_contact_is_found_erased_and_never_emailed_again(
    system: System,
) -> None:
    booked = _booked_by_invoice(system)
    system.deliver_emails()
    assert places_left(system) == 4
    found = system.admin("GET", f"/people/{ACCOUNTS.upper()}")
    assert found.status == 200, found.body
    [billed] = found.json()["billing_contact_for"]
    assert billed["as"] == "billing contact"
    assert billed["billing"]["billing_email"] == ACCOUNTS
    assert found.json()["applications"] == []  # never the applicant's answers
    assert "motivation" not in found.body

    erased = system.admin("DELETE", f"/people/{ACCOUNTS}")
    assert erased.status == 200, erased.body
    answer = erased.json()
    assert answer["erased_applications"] == []  # Ada is not erased
    [what] = answer["applications"]
    assert what["as"] == "billing contact"
    assert what["invoice_voided"] is True
    assert what["seat_released"] is True
    assert answer["said"][0] == "Billing details blanked on 1 other booking."  # Ada's, not erased
    assert "its open invoice was voided" in answer["said"][1]

    stored = system.stored(booked)
    assert stored.billing is not None
    assert stored.billing.billing_email == "erased@invalid.example"
    assert (stored.billing.billing_name, stored.billing.po_number) == ("[erased]", "")
    assert stored.answers.email == APPLICANT  # the applicant's own data stays
    assert _invoice_status(system, booked["invoice_url"]) == "void"
    assert places_left(system) == 5
    told = system.deliver_emails()
    assert [m.to for m in told] == [[APPLICANT]]  # the place went: Ada is told, alone
    [ended] = told
    words = " ".join(ended.text.split())
    assert words.startswith("Dear Ada Lovelace,"), words[:80]  # not "and [erased]"
    assert "[erased]" not in ended.text + ended.html
    assert words.count("nothing is owed") == 1, words
    # Nobody is left to send an invoice to: the email offers what the page offers, a card.
    assert "ask for a new invoice" not in words
    assert "pay by card from the booking page" in words
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    assert system.admin("DELETE", f"/people/{ACCOUNTS}").status == 404


def test_no_invoice_is_sent_to_an_erased_billing_contact_afterwards(system: System) -> None:
    booked = _booked_by_invoice(system)
    assert system.admin("DELETE", f"/people/{ACCOUNTS}").status == 200
    path = f"/applications/{booked['application_id']}"
    assert system.api("GET", f"{path}?token={booked['token']}").json()["status"] == "expired"
    assert "Send the invoice to my employer" not in system.status_page(booked)
    asked = system.api("POST", f"{path}/invoice?token={booked['token']}")
    asked.refused(409, "billing_contact_erased")
    assert "there is no one to send an invoice to" in asked.json()["error"]["message"]
    assert places_left(system) == 5  # refused before any seat was held
    again = system.api("POST", f"{path}/checkout?token={booked['token']}")
    assert again.status == 201, again.body  # the place can still be paid by card


def test_erasing_the_applicant_still_finds_their_own_billing_contact_once(system: System) -> None:
    """An applicant who is their own billing contact: one application, as the applicant."""
    reply = system.apply(INVOICED, email=ACCOUNTS, **{**BILLING, "billing_email": ACCOUNTS})
    assert reply.status == 201, reply.body
    exported = system.admin("GET", f"/people/{ACCOUNTS}").json()
    assert len(exported["applications"]) == 1
    assert exported["billing_contact_for"] == []
    answer = system.admin("DELETE", f"/people/{ACCOUNTS}").json()
    assert [a["as"] for a in answer["applications"]] == ["applicant"]


def test_the_consoles_people_pages_find_and_erase_everyone_a_group_names(system: System) -> None:
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    browser = signed_in(system)
    course = system.stored_course(INVOICED)
    cohort = cohort_name(course)
    people = {
        "florence@example.org": "manager",
        COLLEAGUES[0]["email"]: "colleague (place 1)",
        BILLING["billing_email"]: "billing contact",
    }
    for address, role in people.items():
        page = text_of(browser.get(f"/console/people?email={address}").body)
        assert "We hold no data" not in page
        assert "Group bookings that name them" in page
        assert role in page
        # The cohort as organisers know it (title and first day), never the booking's ids.
        assert cohort in page
        assert group["group_id"] not in page
        confirm = browser.get(f"/console/people/erase?email={address}")
        assert confirm.status == 200, confirm.body
        assert role in text_of(confirm.body)
        said = f"St Elsewhere NHS Trust's group booking on {cohort}, as {role}"
        assert said in text_of(confirm.body)
    # A one-person booking's billing contact too.
    booked = _booked_by_invoice(system)
    page = text_of(browser.get(f"/console/people?email={ACCOUNTS}").body)
    assert "as the billing contact of someone else's application" in page
    assert booked["reference"] in page

    erased = browser.press(
        "/console/people/erase?email=florence%40example.org", "/console/people/erase", confirm="on"
    )
    assert erased.status == 200, erased.body
    said = text_of(erased.body)
    assert "Erased from 1 group booking." in said
    # The cohort and the group as organisers read them, never by their ids.
    assert f"St Elsewhere NHS Trust's group booking on {cohort}, as manager" in said
    assert group["group_id"] not in said
    assert INVOICED not in said
    assert "its open invoice was voided" in said
    assert "its 1 place went back to the course" in said
    assert "the manager's link no longer works" in said
    assert places_left(system) == 4  # Ada's booking holds one of the five


def test_the_cli_says_what_erasing_a_manager_did(
    system: System, run: Callable[..., tuple[int, str]]
) -> None:
    group = invoiced_group(system, colleagues=COLLEAGUES[:2])
    assert places_left(system) == 3
    status, out = run("erase", "florence@example.org", "--yes")
    assert status == 0, out
    lines = out.strip().splitlines()
    assert lines[0] == "Erased from 1 group booking."
    course = system.stored_course(INVOICED)
    group_said = f"St Elsewhere NHS Trust's group booking on {cohort_name(course)}, as manager"
    assert lines[1].startswith(group_said)
    assert group["group_id"] not in out
    assert INVOICED not in out
    assert "its open invoice was voided; its 2 places went back to the course" in lines[1]
    assert "erased 0 applications" not in out
    assert places_left(system) == 5


def test_an_erased_managers_link_ends_and_the_organisers_cancel_a_colleagues_booking(
    system: System,
) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    colleague_applies(system, group)
    system.deliver_emails()
    answer = system.admin("DELETE", "/people/florence@example.org").json()
    [erased_group] = answer["group_bookings"]
    assert erased_group["manager_link_ended"] is True
    assert erased_group["invoice_voided"] is False  # paid: the places stay the group's
    base = f"/groups/{group['group_id']}"
    token = f"token={group['token']}"
    page = system.api("GET", f"{base}?{token}")
    assert page.status == 404, page.body
    assert COLLEAGUES[1]["name"] not in page.body
    given_up = system.api("POST", f"{base}/places/2/cancel?{token}")
    assert given_up.status == 404, given_up.body
    other = {"name": "New Person", "email": "new@example.org", "consent": True}
    swapped = system.api("POST", f"{base}/places/1/substitute?{token}", json_body=other)
    assert swapped.status == 404, swapped.body
    assert not any(m.to == ["florence@example.org"] for m in system.deliver_emails())

    # A colleague's place erased before: said as it now is (nobody left to name someone).
    assert system.admin("DELETE", f"/people/{COLLEAGUES[1]['email']}").status == 200
    overview = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()
    [place_2] = [p for p in overview["groups"][0]["places"] if p["number"] == 2]
    assert place_2["state"] == "erased"
    assert "and so was the manager" in place_2["state_said"]
    assert "until the manager names someone else" not in place_2["state_said"]

    # The organisers act on the places now: a colleague's booking is cancelled by them.
    colleague = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])[0]
    browser = signed_in(system)
    detail = text_of(browser.get(f"/console/applications/{colleague.application_id}").body)
    assert "Ask the manager" not in detail
    cancelled = system.cancel(colleague.application_id)
    assert cancelled.status == 200, cancelled.body
    assert cancelled.json()["status"] == "cancelled"
    after = system.stored_group(group)
    assert after.places[0].released
    assert after.places[0].refund_id is not None  # its share back to the employer
    sent = system.deliver_emails()
    told = [m for m in sent if m.to == [COLLEAGUES[0]["email"]]]
    [cancelled_email] = [m for m in told if "The organisers have cancelled" in m.text]
    for body in (cancelled_email.text, cancelled_email.html):
        assert body.count("If you think this is a mistake") == 1, body
        assert "please reply to this email" in body
    # The employer's share refunded: the manager erased, its billing contact alone is told,
    # with no link to the manager's (dead) page and no calendar.
    [to_employer] = [m for m in sent if BILLING["billing_email"] in m.to]
    assert to_employer.to == [BILLING["billing_email"]]
    for body in (to_employer.text, to_employer.html):
        assert "The course's organisers have cancelled place 1 of the booking made for" in body
        assert "£200.00" in body
        assert f"Dear {BILLING['billing_name']}," in body
        assert group["token"] not in body
    assert not to_employer.attachments


def test_erasing_a_groups_billing_contact_that_ends_it_tells_the_manager(system: System) -> None:
    group = book(system, colleagues=COLLEAGUES[:1], **BILLING).json()
    system.deliver_emails()
    answer = system.admin("DELETE", f"/people/{BILLING['billing_email']}").json()
    [ended] = answer["group_bookings"]
    assert ended["as"] == ["billing contact"]
    assert ended["invoice_voided"] is True
    assert ended["manager_told"] is True
    assert "the manager was told" in answer["said"][1]
    job = f"group_changed:{group['group_id']}:hold_lapsed:lapsed"
    to_manager = [m for m in system.deliver_emails() if m.to == ["florence@example.org"]]
    assert len(to_manager) == 1
    assert to_manager[0].subject != ""
    assert system.ports.repository.email_state(job) == "sent"
