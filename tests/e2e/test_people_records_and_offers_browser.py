"""What organisers asked for next, in a real browser against `make run`, each page
checked by axe-core (WCAG 2.2 A and AA) and kept as a screenshot: the *People* page's purpose
and the printable record of a person, a course's printable answers, Find's
Organisation column, a refused save of the next cohort still saying where it was filled in
from, the status page of a lapse whose code was used up since, and *Send the offer again*."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in


def _admin(stack: RunningStack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.admin_token}"}


def _unique(word: str) -> str:
    return f"{word}-{uuid.uuid4().hex[:8]}"


def test_a_persons_printable_record_and_a_courses_answers(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    sample = stack.course_of_its_own("record")  # the shared sample's places left to others
    email = f"{_unique('record')}@example.org"
    organisation = _unique("Hove Hospice")
    stack.applied(
        sample,
        name="Ruth Ellis",
        email=email,
        organisation=organisation,
        motivation="To lead the night team with more kindness.",
        accessibility_needs="Step-free access, please",
    )
    sign_in(page, stack)

    page.goto(f"{stack.url}/console/people")
    expect(page.locator("main")).to_contain_text("See, print, export or erase what we hold")
    axe_clean(page, "org23-01-people")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Look up").click()
    page.get_by_role("link", name="Everything we hold about this person (to print)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(email)
    main = page.locator("main")
    expect(main).to_contain_text("To lead the night team with more kindness.")
    expect(main).to_contain_text("Email sent to the applicant")
    expect(main).to_contain_text("£0.00")  # nothing paid yet, in pounds
    axe_clean(page, "org23-02-person-record")
    page.emulate_media(media="print")
    expect(page.locator("header.header")).to_be_hidden()
    axe_clean(page, "org23-03-person-record-printed")
    page.emulate_media(media="screen")

    page.goto(f"{stack.url}/console/courses/{sample}")
    page.get_by_role("link", name="Read all answers (to print)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("All answers")
    expect(main).to_contain_text("Access needs: Step-free access, please")
    axe_clean(page, "org23-04-answers")
    page.get_by_label("Show applicants who are").select_option("awaiting_payment")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("awaiting payment")
    axe_clean(page, "org23-05-answers-awaiting-payment")

    page.goto(f"{stack.url}/console/search?q={quote(organisation)}")
    row = page.get_by_role("row").filter(has_text="Ruth Ellis")
    expect(row).to_contain_text(organisation)
    expect(page.get_by_role("columnheader", name="Organisation").first).to_be_visible()
    axe_clean(page, "org23-06-find-organisation")


def test_a_refused_next_cohort_keeps_its_note(stack: RunningStack, desktop: Page) -> None:
    page = desktop
    sign_in(page, stack)
    sample = stack.sample()["course_id"]
    page.goto(f"{stack.url}/console/courses/new?from={sample}")
    page.locator("#session-0-date").fill("2031-03-10")  # no times: refused
    page.get_by_role("button", name="Save the course").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#next-cohort")).to_contain_text("Filled in from")
    axe_clean(page, "org23-07-next-cohort-refused")


def test_a_lapse_whose_code_was_used_up_since_says_why(stack: RunningStack, desktop: Page) -> None:
    page = desktop
    sample = stack.course_of_its_own("code-used-up")
    code = _unique("ONCE").upper()
    made = stack.post(
        f"/admin/courses/{sample}/discount-codes",
        json={"code": code, "percent_off": 50, "max_uses": 1},
        headers=_admin(stack),
    )
    assert made.status_code == 201, made.text
    holder = stack.applied(sample, email=f"{_unique('lapsed')}@example.org", discount_code=code)
    session_id = str(holder["checkout_url"]).rsplit("/", 1)[-1]
    expired = stack.post(f"/_local/stripe/checkout/{session_id}/expire")
    assert expired.status_code == 200, expired.text
    stack.applied(sample, email=f"{_unique('taker')}@example.org", discount_code=code)

    page.goto(str(holder["status_url"]))
    main = page.locator("main")
    expect(main).to_contain_text("The discount code you applied with has been used up since")
    expect(page.get_by_role("button", name="Start payment again")).to_have_count(0)
    axe_clean(page, "org23-08-status-code-used-up")


def _approval_course(stack: RunningStack) -> str:
    sample = stack.sample()
    later = [
        (date.fromisoformat(s["start"][:10]) + timedelta(weeks=78)).isoformat()
        for s in sample["sessions"][:2]
    ]
    course_id = _unique("offer-again-cohort")
    definition: dict[str, Any] = {
        "title": "Compassionate Leadership (offer again)",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 4,
        "approval_required": True,
        "enquiries_email": "enquiries@example.org",
        "sessions": [{"date": d, "start_time": "15:00", "end_time": "17:00"} for d in later],
    }
    put = requests.put(
        f"{stack.url}/admin/courses/{course_id}", json=definition, headers=_admin(stack), timeout=30
    )
    assert put.status_code in (200, 201), put.text
    return course_id


def offered_from_the_console(stack: RunningStack, page: Page, word: str) -> str:
    """Dan Evans applies, at an address of his own made from ``word``, on a course of its own
    that needs approval; an organiser signed in on ``page`` approves it on his application's
    page, which says the place is offered: the address."""
    email = f"{_unique(word)}@example.org"
    applied = stack.applied(_approval_course(stack), name="Dan Evans", email=email)
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{applied['application_id']}")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".tag")).to_have_text("Place offered")
    return email


def test_an_organiser_sends_the_offer_again(stack: RunningStack, desktop: Page) -> None:
    page = desktop
    email = offered_from_the_console(stack, page, "offered")
    axe_clean(page, "org23-09-offered")
    stack.settle()
    offers = [m for m in stack.outbox() if email in m["to"]]
    page.get_by_role("button", name="Send the offer again").click()
    expect(page.get_by_role("status").first).to_contain_text("The offer is on its way to them")
    axe_clean(page, "org23-10-offer-sent-again")
    sent = stack.outbox_until(lambda s: len([m for m in s if email in m["to"]]) > len(offers))
    again = [m for m in sent if email in m["to"]]
    assert len(again) == len(offers) + 1
    assert again[0]["subject"] == offers[0]["subject"]  # the offer's email, as first sent
