"""Paying by invoice, discount codes and bursaries: through the real handlers, moto and the
Stripe stand-in, with Stripe's signed events doing the confirming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from booking.services.lifecycle import sweep
from tests.support.applications import WHAT_ACCOUNTS_NEED, invoice_id_of
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System, application_body


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system, po_required=True, capacity=2)


# -- invoices ------------------------------------------------------------------------------


def test_an_employer_invoice_carries_the_po_and_paying_it_confirms_the_booking(
    invoiced: System,
) -> None:
    system = invoiced
    reply = system.apply(INVOICED, **BILLING)
    assert reply.status == 201, reply.body
    application = reply.json()
    assert application["status"] == "awaiting_invoice_payment"
    assert application["checkout_url"] is None
    assert application["invoice_url"].startswith("http://booking.test/_local/stripe/invoices/in_")
    assert application["payment_method"] == "invoice"
    assert application["amount_due"] == 20000

    invoice = system.stripe_invoice(invoice_id_of(application))
    assert invoice["status"] == "open"
    assert invoice["collection_method"] == "send_invoice"
    assert invoice["custom_fields"] == [{"name": "PO number", "value": "PO-4471"}]
    assert invoice["customer_name"] == "St Elsewhere NHS Foundation Trust"
    assert invoice["customer_email"] == "accounts@example.nhs.uk"
    assert invoice["amount_due"] == 20000
    assert "Ada Lovelace" in invoice["lines"]["data"][0]["description"]
    assert invoice["metadata"] == {
        "application_id": application["application_id"],
        "course_id": INVOICED,
    }
    assert application["invoice_due_at"] == _iso(invoice["due_date"])

    paid = system.stripe_local("POST", f"/invoices/{invoice['id']}/pay")
    assert paid.status == 200, paid.body
    assert system.webhook_replies[-1].status == 200
    confirmed = system.status_of(application)
    assert confirmed["status"] == "confirmed"
    assert confirmed["invoice_url"] is None
    [row] = system.admin("GET", f"/courses/{INVOICED}/applications").json()
    assert (row["invoice_status"], row["po_number"], row["amount_paid"]) == (
        "paid",
        "PO-4471",
        20000,
    )


def test_nothing_personal_reaches_stripe_metadata(invoiced: System) -> None:
    invoiced.apply(INVOICED, **BILLING)
    invoiced.apply(INVOICED, email="grace@example.org", name="Grace Hopper")
    for event in invoiced.standin.events():
        obj = event["data"]["object"]
        assert set((obj.get("metadata") or {}).values()) <= {
            *(a["pk"]["S"].removeprefix("APP#") for a in invoiced.applications()),
            INVOICED,
            "1",
        }, event["type"]


def _past_due(system: System, application: dict[str, Any]) -> None:
    """Move the clock to the end of the day the application's invoice falls due (a minute
    after its 23:59: the local midnight), whichever day of the week the test runs on."""
    due = datetime.fromisoformat(application["invoice_due_at"].replace("Z", "+00:00"))
    system.clock_offset += due - system.now() + timedelta(minutes=1)


def test_an_invoice_unpaid_past_its_due_date_frees_the_seat_for_the_next_in_line(
    invoiced: System,
) -> None:
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    system.pay(system.apply(INVOICED, email="p1@example.org").json()["checkout_url"])
    waiting = system.apply(INVOICED, email="p2@example.org").json()
    assert waiting["status"] == "waitlisted"

    _past_due(system, first)
    summary = sweep(system.ports, system.now())
    system.relay()

    assert summary.holds_released == 1
    released = system.status_of(first)
    assert released["status"] == "expired"
    assert system.stripe_invoice(invoice_id_of(first))["status"] == "void"
    assert system.status_of(waiting)["status"] == "offered"


def test_stripes_overdue_event_releases_the_place_too(invoiced: System) -> None:
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    _past_due(system, first)
    assert system.standin.expire_due()  # Stripe tells of the overdue invoice
    assert system.webhook_replies[-1].status == 200
    assert system.status_of(first)["status"] == "expired"
    assert system.stripe_invoice(invoice_id_of(first))["status"] == "void"
    assert system.course(INVOICED)["places_left"] == 2


def test_starting_again_by_card_after_a_late_invoice_drops_the_invoices_reason(
    invoiced: System,
) -> None:
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    _past_due(system, first)
    assert system.standin.expire_due()
    assert _stored_reason(system, first) == ("expired", "invoice_overdue")
    path = f"/applications/{first['application_id']}/checkout?token={first['token']}"
    restarted = system.api("POST", path)
    assert restarted.status == 201, restarted.body
    # Paying by card now: the invoice's reason no longer says why it stands where it does.
    assert _stored_reason(system, first) == ("awaiting_payment", None)
    console = system.admin("GET", f"/applications/{first['application_id']}").json()
    assert console["status_reason"] in (None, "")


def _stored_reason(system: System, application: dict[str, Any]) -> tuple[str, str | None]:
    stored = system.stored(application)
    return stored.status.value, stored.status_reason


def test_the_due_day_is_the_payers_until_it_ends_whatever_stripe_calls_overdue(
    invoiced: System,
) -> None:
    """T2: Stripe's due moment is 23:59; its overdue event in that last minute lets nothing
    go, and the place is still held until midnight, when the sweep releases it."""
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    due = datetime.fromisoformat(first["invoice_due_at"].replace("Z", "+00:00"))
    system.clock_offset += due - system.now() + timedelta(seconds=30)
    assert system.standin.expire_due()  # Stripe: overdue
    assert system.webhook_replies[-1].status == 200
    assert sweep(system.ports, system.now()).holds_released == 0
    assert system.status_of(first)["status"] == "awaiting_invoice_payment"
    paid = system.stripe_local("POST", f"/invoices/{invoice_id_of(first)}/pay")
    assert paid.status == 200, paid.body  # in the last minute of its day: on time
    assert system.status_of(first)["status"] == "confirmed"


def test_a_voided_invoice_releases_the_place_and_paying_it_is_refused(invoiced: System) -> None:
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    voided = system.stripe_local("POST", f"/invoices/{invoice_id_of(first)}/void")
    assert voided.status == 200, voided.body
    assert system.status_of(first)["status"] == "expired"
    assert system.stripe_local("POST", f"/invoices/{invoice_id_of(first)}/pay").status == 400


def test_an_uncollectible_invoice_voided_later_is_said_void_as_stripe_says(
    invoiced: System,
) -> None:
    """Found by the lifecycle machine: Stripe voids an invoice marked uncollectible; the place
    went back at the first, and the second must still be recorded, or the roster says
    ``uncollectible`` of an invoice Stripe holds as ``void``."""
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    invoice = invoice_id_of(first)
    assert system.stripe_local("POST", f"/invoices/{invoice}/mark_uncollectible").status == 200
    assert system.stripe_local("POST", f"/invoices/{invoice}/void").status == 200
    row = next(
        r
        for r in system.admin("GET", f"/courses/{INVOICED}/applications").json()
        if r["application_id"] == first["application_id"]
    )
    assert row["invoice_status"] == system.stripe_invoice(invoice)["status"] == "void"
    assert system.status_of(first)["status"] == "expired"


def test_organisers_resend_void_and_see_the_invoice(invoiced: System) -> None:
    system = invoiced
    first = system.apply(INVOICED, **BILLING).json()
    path = f"/applications/{first['application_id']}/invoice"
    assert system.admin("POST", f"{path}/resend").status == 200
    assert [e["type"] for e in system.standin.events()].count("invoice.sent") == 2
    voided = system.admin("POST", f"{path}/void")
    assert voided.status == 200, voided.body
    assert voided.json()["status"] == "expired"
    again = system.admin("POST", f"{path}/void")
    again.refused(409, "no_open_invoice")


@pytest.mark.parametrize(("changes", "field"), WHAT_ACCOUNTS_NEED)
def test_an_invoice_missing_what_accounts_need_is_422_and_nothing_is_written(
    invoiced: System, changes: dict[str, str], field: str
) -> None:
    reply = invoiced.apply(INVOICED, **(BILLING | changes))
    assert reply.status == 422
    assert field in reply.json()["error"]["fields"]
    assert invoiced.applications() == []
    assert not [e for e in invoiced.standin.events() if e["type"].startswith("invoice")]


def test_a_card_only_course_refuses_an_invoice(system: System) -> None:
    system.put_course("card-only", system.course_file() | {"invoice_allowed": False})
    reply = system.apply("card-only", **BILLING)
    assert reply.status == 422
    assert "payment_method" in reply.json()["error"]["fields"]


def test_the_form_offers_the_invoice_and_a_browser_lands_on_the_status_page(
    invoiced: System,
) -> None:
    page = invoiced.api("GET", f"/courses/{INVOICED}/apply", headers={"accept": "text/html"})
    assert 'value="invoice"' in page.body
    assert 'name="po_number"' in page.body
    assert 'name="discount_code"' in page.body
    form = {k: str(v) for k, v in (application_body() | BILLING).items() if k != "consent"}
    form["consent"] = "on"
    reply = invoiced.api(
        "POST", f"/courses/{INVOICED}/applications", form=form, headers={"accept": "text/html"}
    )
    assert reply.status == 303
    status = invoiced.api("GET", reply.headers["location"], headers={"accept": "text/html"})
    assert "We have invoiced your organisation" in status.body
    assert "View the invoice" in status.body
    form["po_number"] = ""
    form["email"] = "other@example.org"
    again = invoiced.api(
        "POST", f"/courses/{INVOICED}/applications", form=form, headers={"accept": "text/html"}
    )
    assert again.status == 422
    assert 'id="po_number-error"' in again.body


def test_an_approved_applicant_asks_for_the_invoice_from_the_status_page(
    system: System,
) -> None:
    definition = system.course_file() | {"invoice_allowed": True, "approval_required": True}
    system.put_course("reviewed", definition)
    application = system.apply("reviewed", **BILLING).json()
    assert application["status"] == "pending_review"
    assert (
        system.admin("POST", f"/applications/{application['application_id']}/approve").status == 200
    )
    asked = system.api(
        "POST",
        f"/applications/{application['application_id']}/invoice?token={application['token']}",
    )
    assert asked.status == 201, asked.body
    assert asked.json()["invoice_url"].startswith("http://booking.test/_local/stripe/invoices/")
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    wrong = system.api("POST", f"/applications/{application['application_id']}/invoice?token=x")
    assert wrong.status == 404


# -- discount codes ------------------------------------------------------------------------


def test_a_fifty_percent_code_gives_a_booking_that_paid_half_and_is_confirmed(
    system: System,
) -> None:
    made = system.made_code(code="HALF-PRICE", percent_off=50, max_uses=1)
    assert made["promotion_code_id"].startswith("promo_")

    application = system.apply(discount_code="half-price").json()
    assert application["amount_due"] == 10000
    session = system.checkout_session(application["checkout_url"])
    assert (session["amount_subtotal"], session["amount_total"]) == (20000, 10000)
    assert session["total_details"]["amount_discount"] == 10000

    system.pay(application["checkout_url"])
    assert system.status_of(application)["status"] == "confirmed"
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    assert (row["amount_paid"], row["discount"], row["discount_code"]) == (
        10000,
        10000,
        "HALF-PRICE",
    )
    assert system.standin.money_taken() == {application["application_id"]: 10000}

    spent = system.apply(email="grace@example.org", discount_code="HALF-PRICE")
    assert spent.status == 422
    assert "used up" in spent.json()["error"]["fields"]["discount_code"]
    unknown = system.apply(email="grace@example.org", discount_code="NO-SUCH")
    assert unknown.status == 422
    assert "discount_code" in unknown.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {"code": "X", "percent_off": 10},
        {"code": "BOTH-KINDS", "percent_off": 10, "amount_off": 100},
        {"code": "NEITHER"},
        {"code": "TOO-MUCH", "amount_off": 999999},
        {"code": "LATE-CODE", "percent_off": 10, "expires_at": "2001-01-01T00:00:00Z"},
        {"code": "EXTRA", "percent_off": 10, "colour": "red"},
    ],
)
def test_bad_discount_codes_are_422_and_made_nowhere(system: System, body: dict[str, Any]) -> None:
    reply = system.admin("POST", f"/courses/{COURSE_ID}/discount-codes", json_body=body)
    assert reply.status == 422, reply.body
    assert reply.json()["error"]["fields"]
    assert not [e for e in system.standin.events() if e["type"] == "promotion_code.created"]


def test_a_discount_code_for_an_unknown_course_is_404(system: System) -> None:
    reply = system.admin(
        "POST",
        "/courses/no-such-course/discount-codes",
        json_body={"code": "ABC", "percent_off": 5},
    )
    assert reply.status == 404


# -- bursaries -----------------------------------------------------------------------------


def test_a_funded_place_is_confirmed_with_no_payment(system: System) -> None:
    application = system.apply().json()
    funded = system.grant_bursary(application, 20000)
    assert funded.status == 200, funded.body
    assert funded.json()["status"] == "confirmed"
    assert funded.json()["amount_due"] == 0
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    events = [e for e in system.standin.events() if e["data"]["object"].get("id") == session_id]
    assert events[0]["type"] == "checkout.session.expired"
    assert system.standin.money_taken() == {}
    totals = system.totals(COURSE_ID)
    assert (totals["bursaries"], totals["funded_places"], totals["paid"]) == (20000, 1, 0)


def test_the_status_page_says_what_is_left_to_pay_by_the_one_rule(system: System) -> None:
    """The page's breakdown said "To pay" with the amount due, whatever was paid: it says
    "Left to pay" (``Application.left_to_pay``), during review, while offered, once paid."""
    system.put_course("reviewed", system.course_file() | {"approval_required": True})
    application = system.apply("reviewed").json()
    app_id, token = application["application_id"], application["token"]
    granted = system.admin("POST", f"/applications/{app_id}/bursary", json_body={"amount": 15000})
    assert granted.status == 200, granted.body

    def page() -> str:
        return text_of(system.status_page(application))

    in_review = page()
    assert "Left to pay £50.00" in in_review
    assert "To pay" not in in_review
    assert system.status_of(application)["left_to_pay"] == 5000
    assert system.admin("POST", f"/applications/{app_id}/approve").status == 200
    assert "Pay £50.00 and book your place" in page()
    checkout = system.api("POST", f"/applications/{app_id}/checkout?token={token}")
    assert checkout.status == 201, checkout.body
    assert system.pay(checkout.json()["checkout_url"]).status == 200
    booked = page()
    assert "Left to pay Nothing" in booked
    assert "£50.00 and book" not in booked
    assert system.status_of(application)["left_to_pay"] == 0


@pytest.mark.parametrize("amount", [0, -1, 20001, "200", None, True])
def test_a_bad_bursary_is_422(system: System, amount: Any) -> None:
    application = system.apply().json()
    reply = system.grant_bursary(application, amount)
    assert reply.status == 422
    assert "amount" in reply.json()["error"]["fields"]


def test_a_part_funded_place_pays_the_rest_through_checkout(system: System) -> None:
    application = system.apply().json()
    part = system.grant_bursary(application, 5000).json()
    assert (part["status"], part["amount_due"], part["checkout_url"]) == (
        "awaiting_payment",
        15000,
        None,
    )
    restarted = system.api(
        "POST",
        f"/applications/{application['application_id']}/checkout?token={application['token']}",
    ).json()
    system.pay(restarted["checkout_url"])
    assert system.status_of(application)["status"] == "confirmed"
    assert system.standin.money_taken() == {application["application_id"]: 15000}


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")
