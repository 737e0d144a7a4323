"""The organisers' *Group bookings* page in a real browser against ``make run``: reached from
the course's page with the keyboard alone (Tab to the link, Enter), each group and place said
in words, on to a colleague's application by its link; and a group's unpaid invoice voided
with its button (the notice in words after it, the seats back, the invoice void at the Stripe
stand-in); a colleague's booking on a place of a group whose manager was erased cancelled
with its share refunded to the employer; clean to axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, no_violations, sign_in
from tests.e2e.test_group_bookings_over_http import (
    book,
    colleagues,
    links_emailed,
    pay_invoice,
)
from tests.e2e.test_who_pays_over_http import BILLING, small_course
from tests.support.applications import application_body

pytestmark = pytest.mark.e2e


def signed_in_at(stack: RunningStack, page: Page, path: str) -> Page:
    """``page`` signed in to the console with the organiser token, then at ``path``."""
    sign_in(page, stack)
    page.goto(f"{stack.url}{path}")
    return page


def _tab_to(page: Page, name: str) -> None:
    """Press Tab until the link named ``name`` has the focus (the keyboard alone)."""
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.textContent")
        if focused and focused.strip() == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_the_group_bookings_page_is_reached_and_read_with_the_keyboard_and_passes_axe(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = small_course(stack, capacity=4)
    people = colleagues(uuid.uuid4().hex[:8], 2)
    group = book(stack, course_id, people)
    pay_invoice(stack, group)
    link = links_emailed(stack, people)[people[0]["email"]]
    path = link.split("/groups/", 1)[1].replace("/apply?", "/applications?")
    applied = stack.post(f"/groups/{path}", json=application_body(**people[0]))
    assert applied.status_code == 201, applied.text
    page = signed_in_at(stack, organiser, f"/console/courses/{course_id}")
    _tab_to(page, "Group bookings")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Group bookings")
    main = page.locator("main")
    expect(main).to_contain_text("St Elsewhere NHS Foundation Trust: 2 places")
    expect(main).to_contain_text("Florence Nightingale")
    expect(main).to_contain_text("£200.00 a place; £400.00 for the places kept")
    expect(main).to_contain_text("Link sent, not applied yet")
    no_violations(page, "60-group-bookings")
    reference = page.get_by_role("link", name=f"the application of {people[0]['name']}")
    reference.focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text(people[0]["name"])


def _invoice_sends(stack: RunningStack, group: dict[str, Any]) -> int:
    """How many times Stripe (the stand-in) has sent the group's invoice."""
    invoice_id = str(group["pay_url"]).rsplit("/", 1)[-1]
    return sum(
        1
        for e in stack.get("/_local/stripe/events").json()
        if e["type"] == "invoice.sent" and e["data"]["object"]["id"] == invoice_id
    )


def test_an_organiser_voids_a_groups_invoice_from_the_group_bookings_page(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = small_course(stack, capacity=4)
    group = book(stack, course_id, colleagues(uuid.uuid4().hex[:8], 2))
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 2
    page = signed_in_at(stack, organiser, f"/console/courses/{course_id}/group-bookings")
    main = page.locator("main")
    expect(main).to_contain_text("Invoice due by")
    button = page.get_by_role(
        "button", name="Void the invoice of St Elsewhere NHS Foundation Trust"
    )
    no_violations(page, "61-group-invoice-open")
    # The card names the invoice and its contact; *Resend the invoice* sends it again, as a
    # single application's does.
    expect(main).to_contain_text("Billed to")
    expect(main).to_contain_text("not paid yet; falls due on")
    before = _invoice_sends(stack, group)
    page.get_by_role(
        "button", name="Resend the invoice of St Elsewhere NHS Foundation Trust"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Stripe is sending the invoice to the billing contact again."
    )
    no_violations(page, "61b-group-invoice-resent")
    assert _invoice_sends(stack, group) == before + 1

    button.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(
        "Invoice voided. The group's seats have gone back to the course"
    )
    expect(main).to_contain_text(
        "Ended: an organiser voided its invoice, so its places were released"
    )
    expect(main).to_contain_text("Released: the booking ended before it was paid")
    expect(page.get_by_role("button", name="Void the invoice")).to_have_count(0)
    no_violations(page, "62-group-invoice-voided")
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 4
    invoice_id = str(group["pay_url"]).rsplit("/", 1)[-1]
    events = stack.get("/_local/stripe/events").json()
    voided = [
        e
        for e in events
        if e["type"] == "invoice.voided" and e["data"]["object"]["id"] == invoice_id
    ]
    assert len(voided) == 1


def _paid_group_without_its_manager(stack: RunningStack, course_id: str) -> str:
    """A group paid by invoice whose first colleague applied through their link, its manager
    (an address of this test's own) then erased: the colleague's application id."""
    tag = uuid.uuid4().hex[:8]
    people = colleagues(tag, 2)
    manager = f"manager-{tag}@example.org"
    body = {
        "manager_name": "Florence Nightingale",
        "manager_email": manager,
        "organisation": "St Elsewhere NHS Foundation Trust",
        "colleagues": people,
        "consent": True,
        **BILLING,
    }
    booked = stack.post(f"/courses/{course_id}/group-bookings", json=body)
    assert booked.status_code == 201, booked.text
    group: dict[str, Any] = booked.json()
    pay_invoice(stack, group)
    parts = urlsplit(links_emailed(stack, people[:1])[people[0]["email"]])
    applied = stack.post(
        f"{parts.path.removesuffix('/apply')}/applications?{parts.query}",
        json=application_body(**people[0]),
    )
    assert applied.status_code == 201, applied.text
    admin = stack.admin_headers
    erased = stack.delete(f"/admin/people/{manager}", headers=admin)
    assert erased.status_code == 200, erased.text
    return str(applied.json()["application_id"])


def test_an_organiser_cancels_a_colleagues_group_place_refunding_its_share_to_the_employer(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = small_course(stack, capacity=4)
    application_id = _paid_group_without_its_manager(stack, course_id)
    page = signed_in_at(stack, organiser, f"/console/applications/{application_id}")
    refund = page.get_by_label(
        "Also refund its £200.00 share to St Elsewhere NHS Foundation Trust through Stripe"
    )
    no_violations(page, "63-group-place-cancel")
    refund.check()
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.locator("main")).to_contain_text(
        "£200.00 is refunded to St Elsewhere NHS Foundation Trust through Stripe."
    )
    no_violations(page, "63b-group-place-cancel-confirmation")
    page.get_by_role("button", name="Yes, cancel the booking").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Cancelled: the group place is given up, and its £200.00 share is being refunded to "
        "St Elsewhere NHS Foundation Trust through Stripe."
    )
    expect(page.locator("main")).not_to_contain_text("No money had been paid")
    no_violations(page, "64-group-place-cancelled")
