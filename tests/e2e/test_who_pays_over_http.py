"""Who pays, over HTTP against `make run`: an employer invoice with a PO (paid, or left unpaid
past its due date), a 50% discount code, and a funded place."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_emails_over_http import mine, wait_for
from tests.support.applications import application_body

BILLING = {
    "payment_method": "invoice",
    "billing_name": "St Elsewhere NHS Foundation Trust",
    "billing_email": "accounts@example.nhs.uk",
    "billing_address": "1 Hospital Road\nLeeds LS1 1AA",
    "po_number": "PO-2027-0042",
}


def applicant(email: str, **extra: Any) -> dict[str, Any]:
    return application_body(name="Edith Cavell", email=email, **extra)


def sample_course(stack: RunningStack) -> dict[str, Any]:
    course: dict[str, Any] = stack.sample()
    return course


def small_course(stack: RunningStack, capacity: int = 1) -> str:
    """A copy of the sample cohort's dates with few places, paid by card or invoice."""
    sample = sample_course(stack)
    course_id = f"invoiced-{uuid.uuid4().hex[:6]}"
    sessions = []
    for session in sample["sessions"]:
        start = datetime.fromisoformat(session["start"])
        end = datetime.fromisoformat(session["end"])
        sessions.append(
            {
                "date": start.date().isoformat(),
                "start_time": start.strftime("%H:%M"),
                "end_time": end.strftime("%H:%M"),
                "kind": session["kind"],
            }
        )
    made = _put(stack, course_id, capacity, sessions)
    assert made.status_code == 201, made.text
    return course_id


def edith_on_a_small_course(stack: RunningStack, word: str, **extra: Any) -> dict[str, Any]:
    """Edith Cavell applies (``extra``: more of the form's answers), at an address of her own
    made from ``word``, on a course of its own with two places: her application's answer."""
    email = f"{word}-{uuid.uuid4().hex[:8]}@example.org"
    return stack.applied(small_course(stack, capacity=2), **applicant(email, **extra))


def at_stripe(stack: RunningStack, path: str) -> dict[str, Any]:
    """The stand-in's Stripe object at ``path`` (``invoices/in_...``), which must be found."""
    reply = requests.get(
        f"{stack.url}/_local/stripe/v1/{path}",
        headers={"Authorization": "Bearer sk_test_local"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def _put(
    stack: RunningStack, course_id: str, capacity: int, sessions: list[Any]
) -> requests.Response:
    return requests.put(
        f"{stack.url}/admin/courses/{course_id}",
        json={
            "title": "Invoiced cohort",
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": capacity,
            "invoice_allowed": True,
            "po_required": True,
            "enquiries_email": "enquiries@example.org",
            "sessions": sessions,
        },
        headers=stack.admin_headers,
        timeout=30,
    )


def test_a_booking_by_invoice_with_a_po_is_confirmed_when_the_invoice_is_paid(
    stack: RunningStack,
) -> None:
    course_id = sample_course(stack)["course_id"]
    email = f"invoice-{uuid.uuid4().hex[:8]}@example.org"
    reply = stack.post(f"/courses/{course_id}/applications", json=applicant(email, **BILLING))
    assert reply.status_code == 201, reply.text
    application = reply.json()
    assert application["status"] == "awaiting_invoice_payment"
    invoice_url = application["invoice_url"]
    assert invoice_url.startswith(f"{stack.url}/_local/stripe/invoices/in_")
    invoice_id = invoice_url.rsplit("/", 1)[-1]

    # The invoice is in the stand-in with that PO, addressed to the employer.
    page = requests.get(invoice_url, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "PO-2027-0042" in page.text
    assert "St Elsewhere NHS Foundation Trust" in page.text
    assert "£200.00" in page.text
    sent = [
        e
        for e in stack.get("/_local/stripe/events").json()
        if e["type"] == "invoice.sent" and e["data"]["object"]["id"] == invoice_id
    ]
    assert sent[0]["data"]["object"]["custom_fields"] == [
        {"name": "PO number", "value": "PO-2027-0042"}
    ]

    paid = stack.post(f"/_local/stripe/invoices/{invoice_id}/pay")
    assert paid.status_code == 200, paid.text
    assert paid.json()["webhook_status"] == 200
    status = requests.get(application["status_url"], timeout=30).json()
    assert status["status"] == "confirmed"

    outbox = wait_for(
        stack,
        lambda o: any(m["subject"].startswith("Your place is confirmed") for m in mine(o, email)),
    )
    [confirmation] = [m for m in mine(outbox, email) if m["subject"].startswith("Your place")]
    assert "invoice" in confirmation["text"]
    [calendar] = confirmation["attachments"]
    assert calendar["filename"] == "invite.ics"
    assert "BEGIN:VEVENT" in calendar["content"]
    assert any(m["subject"].startswith("We have invoiced") for m in mine(outbox, email))


def test_an_invoice_left_unpaid_past_its_due_date_frees_the_seat_for_the_next_in_line(
    stack: RunningStack,
) -> None:
    course_id = small_course(stack, capacity=1)
    first = stack.post(
        f"/courses/{course_id}/applications",
        json=applicant(f"late-{uuid.uuid4().hex[:8]}@example.org", **BILLING),
    ).json()
    assert first["status"] == "awaiting_invoice_payment"
    second = stack.post(
        f"/courses/{course_id}/applications",
        json=applicant(f"next-{uuid.uuid4().hex[:8]}@example.org"),
    ).json()
    assert second["status"] == "waitlisted"

    due = datetime.fromisoformat(first["invoice_due_at"].replace("Z", "+00:00"))
    tick = stack.post(
        "/_local/scheduler/tick",
        json={"time": (due + timedelta(minutes=15)).isoformat().replace("+00:00", "Z")},
    )
    assert tick.status_code == 200, tick.text
    assert tick.json()["holds_released"] >= 1  # other tests' lapsed holds may go too

    assert requests.get(first["status_url"], timeout=30).json()["status"] == "expired"
    assert requests.get(second["status_url"], timeout=30).json()["status"] == "offered"
    invoice_page = requests.get(first["invoice_url"], timeout=30).text
    assert "voided" in invoice_page

    # The applicant and the billing contact are each told in a message of their own: the
    # billing contact's names the applicant and the invoice, and nothing else of theirs.
    reference = first["reference"]

    def ended(outbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m
            for m in outbox
            if m["subject"].endswith(f"({reference})") and "no longer" in m["subject"]
        ]

    outbox = wait_for(stack, lambda o: len(ended(o)) >= 2)
    told = ended(outbox)
    [person] = [m for m in told if m["to"] != [BILLING["billing_email"]]]
    [accounts] = [m for m in told if m["to"] == [BILLING["billing_email"]]]
    assert len(person["to"]) == 1
    assert first["token"] in person["text"]
    assert accounts["attachments"] == []
    for said in (accounts["text"], accounts["html"]):
        assert "Edith Cavell" in said
        assert person["to"][0] not in said
        assert first["token"] not in said
        assert first["status_url"] not in said


def test_a_fifty_percent_code_gives_a_booking_that_paid_one_hundred_pounds(
    stack: RunningStack,
) -> None:
    course_id = sample_course(stack)["course_id"]
    code = f"HALF-{uuid.uuid4().hex[:6]}"
    made = stack.post(
        f"/admin/courses/{course_id}/discount-codes",
        json={"code": code, "percent_off": 50, "max_uses": 5},
        headers=stack.admin_headers,
    )
    assert made.status_code == 201, made.text
    email = f"half-{uuid.uuid4().hex[:8]}@example.org"
    application = stack.post(
        f"/courses/{course_id}/applications", json=applicant(email, discount_code=code.lower())
    ).json()
    assert application["amount_due"] == 10000
    checkout = requests.get(application["checkout_url"], timeout=30)
    assert "£100.00" in checkout.text

    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/checkout/{session_id}/pay").status_code == 200
    assert requests.get(application["status_url"], timeout=30).json()["status"] == "confirmed"
    roster = stack.get(
        f"/admin/courses/{course_id}/applications", headers=stack.admin_headers
    ).json()
    [row] = [r for r in roster if r["application_id"] == application["application_id"]]
    assert (row["amount_paid"], row["discount"], row["discount_code"]) == (10000, 10000, code)

    unknown = stack.post(
        f"/courses/{course_id}/applications",
        json=applicant(f"x-{uuid.uuid4().hex[:8]}@example.org", discount_code="NOT-A-CODE"),
    )
    assert unknown.status_code == 422
    assert "discount_code" in unknown.json()["error"]["fields"]


def test_a_funded_place_is_confirmed_with_no_payment(stack: RunningStack) -> None:
    course_id = sample_course(stack)["course_id"]
    email = f"funded-{uuid.uuid4().hex[:8]}@example.org"
    application = stack.post(f"/courses/{course_id}/applications", json=applicant(email)).json()
    funded = stack.post(
        f"/admin/applications/{application['application_id']}/bursary",
        json={"amount": 20000},
        headers=stack.admin_headers,
    )
    assert funded.status_code == 200, funded.text
    assert funded.json()["status"] == "confirmed"
    status = requests.get(application["status_url"], timeout=30).json()
    assert (status["status"], status["amount_due"], status["bursary"]) == ("confirmed", 0, 20000)
    outbox = wait_for(
        stack,
        lambda o: any(m["subject"].startswith("Your place is confirmed") for m in mine(o, email)),
    )
    [confirmation] = [m for m in mine(outbox, email) if m["subject"].startswith("Your place")]
    assert re.search(r"funded by a bursary", confirmation["text"])
    totals = stack.get(f"/admin/courses/{course_id}/totals", headers=stack.admin_headers).json()
    assert totals["funded_places"] >= 1
    assert totals["bursaries"] >= 20000


def test_a_one_use_code_gives_one_discount_and_a_full_code_books_by_invoice(
    stack: RunningStack,
) -> None:
    """Issue 19's symptoms over `make run`: a one-use code gave every applicant before the
    first paid a discount; a 100% code by invoice sent an invoice for nothing."""
    course_id = small_course(stack, capacity=5)
    once, free = f"ONCE-{uuid.uuid4().hex[:6]}", f"FREE-{uuid.uuid4().hex[:6]}"
    for terms in (
        {"code": once, "percent_off": 50, "max_uses": 1},
        {"code": free, "percent_off": 100},
    ):
        made = stack.post(
            f"/admin/courses/{course_id}/discount-codes", json=terms, headers=stack.admin_headers
        )
        assert made.status_code == 201, made.text
    first = stack.post(
        f"/courses/{course_id}/applications",
        json=applicant(f"once-{uuid.uuid4().hex[:8]}@example.org", discount_code=once),
    )
    assert first.status_code == 201, first.text
    second = stack.post(
        f"/courses/{course_id}/applications",
        json=applicant(f"twice-{uuid.uuid4().hex[:8]}@example.org", discount_code=once),
    )
    assert second.status_code == 422, second.text
    assert "used up" in second.json()["error"]["fields"]["discount_code"]
    booked = stack.post(
        f"/courses/{course_id}/applications",
        json=applicant(f"free-{uuid.uuid4().hex[:8]}@example.org", discount_code=free) | BILLING,
    )
    assert booked.status_code == 201, booked.text
    assert (booked.json()["status"], booked.json()["invoice_url"]) == ("confirmed", None)
