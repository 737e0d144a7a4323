"""Places booked by a manager, over `make run`: three places paid by one employer invoice,
each colleague applying through the link in their own email; and the manager's and the
colleague's pages in a real browser, each clean to axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean
from tests.e2e.test_emails_over_http import wait_for
from tests.e2e.test_who_pays_over_http import BILLING, small_course
from tests.support.applications import application_body

LINK = re.compile(r"https?://\S+/groups/\w+/places/\d+/apply\?token=[\w-]+")


def colleagues(tag: str, count: int = 3) -> list[dict[str, str]]:
    names = ("Mary Seacole", "Edith Cavell", "Grace Hopper")
    return [{"name": names[n], "email": f"group-{tag}-{n}@example.org"} for n in range(count)]


def book(stack: RunningStack, course_id: str, people: list[dict[str, str]]) -> Any:
    body = {
        "manager_name": "Florence Nightingale",
        "manager_email": "florence@example.org",
        "organisation": "St Elsewhere NHS Foundation Trust",
        "colleagues": people,
        "consent": True,
        **BILLING,
    }
    reply = stack.post(f"/courses/{course_id}/group-bookings", json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()


def pay_invoice(stack: RunningStack, group: dict[str, Any]) -> None:
    invoice_id = str(group["pay_url"]).rsplit("/", 1)[-1]
    paid = stack.post(f"/_local/stripe/invoices/{invoice_id}/pay")
    assert paid.status_code == 200, paid.text
    assert paid.json()["webhook_status"] == 200


def links_emailed(stack: RunningStack, people: list[dict[str, str]]) -> dict[str, str]:
    """Each colleague's own link, from the email they were sent."""
    addresses = {person["email"] for person in people}

    def told(outbox: list[dict[str, Any]]) -> dict[str, str]:
        found = {}
        for message in outbox:
            [to] = message["to"] if len(message["to"]) == 1 else [""]
            if to in addresses and message["subject"].startswith("Please apply for your place"):
                match = LINK.search(message["text"])
                assert match is not None, message["text"]
                found[to] = match.group(0)
        return found

    outbox = wait_for(stack, lambda o: len(told(o)) == len(addresses))
    return told(outbox)


def test_a_manager_books_three_places_by_invoice_and_each_colleague_applies_by_their_link(
    stack: RunningStack,
) -> None:
    course_id = small_course(stack, capacity=4)
    tag = uuid.uuid4().hex[:8]
    people = colleagues(tag)
    group = book(stack, course_id, people)
    assert group["status"] == "awaiting_invoice_payment"
    assert group["total"] == {"amount": 60000, "currency": "gbp"}
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 1
    page = stack.get(urlsplit(group["pay_url"]).path, headers={"Accept": "text/html"})
    assert "PO-2027-0042" in page.text
    assert "£600.00" in page.text

    pay_invoice(stack, group)
    links = links_emailed(stack, people)
    for person in people:
        parts = urlsplit(links[person["email"]])
        form = stack.get(f"{parts.path}?{parts.query}")
        assert form.status_code == 200
        assert person["name"] in form.text
        answer = stack.post(
            f"{parts.path.removesuffix('/apply')}/applications?{parts.query}",
            json=application_body(name=person["name"], email=person["email"]),
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "confirmed"
    view = stack.get(f"/groups/{group['group_id']}?token={group['token']}").json()
    assert [p["state"] for p in view["places"]] == ["confirmed"] * 3
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 1
    # Each colleague is told their place is confirmed, with the calendar file, like anyone.
    addresses = {person["email"] for person in people}
    outbox = wait_for(
        stack,
        lambda o: (
            {m["to"][0] for m in o if m["subject"].startswith("Your place is confirmed")}
            >= addresses
        ),
    )
    confirmed = [m for m in outbox if m["subject"].startswith("Your place is confirmed")]
    assert {m["to"][0] for m in confirmed} >= addresses
    assert all(m["attachments"] for m in confirmed if m["to"][0] in addresses)


def no_violations(page: Page, name: str) -> None:
    axe_clean(page, f"groups-{name}")


def test_the_manager_books_in_a_browser_and_the_pages_pass_axe(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = small_course(stack, capacity=3)
    tag = uuid.uuid4().hex[:8]
    page.goto(f"{stack.url}/courses/{course_id}/apply")
    page.get_by_role("link", name="Book several places at once").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoiced cohort")
    no_violations(page, "1-form")
    page.get_by_role("button", name="Book the places").click()  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()
    no_violations(page, "2-form-errors")
    page.get_by_label("Your full name").fill("Florence Nightingale")
    page.get_by_label("Your email address").fill("florence@example.org")
    page.get_by_label("Your organisation").fill("St Elsewhere")
    people = colleagues(tag, 2)
    for n, person in enumerate(people, start=1):
        page.get_by_label(f"Colleague {n}: full name").fill(person["name"])
        page.get_by_label(f"Colleague {n}: email address").fill(person["email"])
    page.get_by_label("By invoice to my organisation").check()
    page.get_by_label("Organisation's legal name").fill(BILLING["billing_name"])
    page.get_by_label("Billing email address").fill(BILLING["billing_email"])
    page.get_by_label("Billing address").fill("1 Hospital Road, Leeds")
    page.get_by_label("Purchase order number").fill(BILLING["po_number"])
    expect(page.locator("#consent-hint")).to_contain_text("only to book their places")
    page.get_by_label("I confirm that each colleague I name knows").check()
    page.get_by_role("button", name="Book the places").click()
    expect(page).to_have_url(re.compile(r"/_local/stripe/invoices/in_"))
    invoice_id = page.url.rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/invoices/{invoice_id}/pay").status_code == 200

    def paid_notice(message: dict[str, Any]) -> bool:
        # Newest first: this booking's (two places), not an earlier test's.
        subject, text = message["subject"], message["text"]
        return subject.startswith("Paid: your colleagues") and "the 2 places" in text

    manager = next(m for m in wait_for(stack, lambda o: any(map(paid_notice, o))) if paid_notice(m))
    manager_link = re.search(r"https?://\S+/groups/\w+\?token=[\w-]+", manager["text"])
    assert manager_link is not None
    page.goto(manager_link.group(0))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoiced cohort")
    no_violations(page, "3-manager-page")
    links = links_emailed(stack, people)
    page.goto(links[people[0]["email"]])
    expect(page.get_by_label("Full name")).to_have_value(people[0]["name"])
    no_violations(page, "4-colleague-form")
    page.get_by_label("Job title").fill("Ward sister")
    page.get_by_label("Organisation").fill("St Elsewhere")
    page.locator("#leadership_role").fill("A surgical ward")
    page.locator("#motivation").fill("To lead with compassion")
    page.locator("#consent").check()
    page.get_by_role("button", name="Send my application").click()
    expect(page).to_have_url(re.compile(r"/applications/\w+\?token="))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_booking_form_sent_again_says_so_in_a_persons_words_and_passes_axe(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = small_course(stack, capacity=3)
    people = colleagues(uuid.uuid4().hex[:8], 2)
    key_field = page.locator('input[name="idempotency_key"]')

    def filled_in(person: dict[str, str]) -> None:
        page.goto(f"{stack.url}/courses/{course_id}/group-booking")
        page.get_by_label("Your full name").fill("Florence Nightingale")
        page.get_by_label("Your email address").fill("florence@example.org")
        page.get_by_label("Your organisation").fill("St Elsewhere")
        page.get_by_label("Colleague 1: full name").fill(person["name"])
        page.get_by_label("Colleague 1: email address").fill(person["email"])
        page.get_by_label("By invoice to my organisation").check()
        page.get_by_label("Organisation's legal name").fill(BILLING["billing_name"])
        page.get_by_label("Billing email address").fill(BILLING["billing_email"])
        page.get_by_label("Billing address").fill("1 Hospital Road, Leeds")
        page.get_by_label("Purchase order number").fill(BILLING["po_number"])
        page.get_by_label("I confirm that each colleague I name knows").check()

    filled_in(people[0])
    first_key = key_field.input_value()
    page.get_by_role("button", name="Book the places").click()
    expect(page).to_have_url(re.compile(r"/_local/stripe/invoices/in_"))
    # The first page's form again with another colleague (Back, an edit, send): its key kept.
    filled_in(people[1])
    key_field.evaluate("(field, key) => { field.value = key; }", first_key)
    page.get_by_role("button", name="Book the places").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form was sent already")
    words = page.locator("body").inner_text()
    assert "Nothing was changed by sending it again" in words
    assert "open the form afresh" in words
    assert "Idempotency" not in words
    assert "other answers" not in words
    no_violations(page, "5-sent-again")
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 2
