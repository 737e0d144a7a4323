"""Applications saved before the ``BILLING#`` lookup existed, backfilled through the organiser
API on moto (``POST /admin/billing-index/backfill``, ``services.backfills``): their billing
contact's export and erasure then find them; a second run writes nothing; an erased person or
billing contact is not indexed again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from booking.adapters.dynamodb.items import application_to_item
from booking.adapters.dynamodb.schema import person_key
from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import BillingDetails
from tests.support.applications import an_application, an_invoice, answers_of
from tests.support.invoiced import INVOICED, invoiced_cohort
from tests.support.system import COURSE_ID, System

ACCOUNTS = "accounts-old@example.org"
ERASED_CONTACT = "gone@example.org"
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system)


def _old_booking(app_id: str, course_id: str, email: str, billed_to: str | None) -> Application:
    billing = (
        BillingDetails(billing_name="Old Trust", billing_email=billed_to, billing_address="1 Rd")
        if billed_to
        else None
    )
    invoice = an_invoice(at=NOW, invoice_id=f"in_{app_id}", number=f"INV-{app_id}", status="paid")
    return an_application(
        ApplicationStatus.CONFIRMED,
        at=NOW,
        app_id=app_id,
        course_id=course_id,
        answers=answers_of(email),
        billing=billing,
        invoice=invoice if billing else None,
        amount_paid=20000,
        version=3,
    )


def _write_old_shape(system: System, application: Application) -> None:
    """The items a save made before the lookup existed: the application and who applied,
    and no ``BILLING#`` item."""
    table = system.resources.table_name
    system.dynamodb.put_item(TableName=table, Item=application_to_item(application, timedelta(90)))
    who = {
        **person_key(application.answers.email, application.application_id),
        "application_id": {"S": application.application_id},
    }
    system.dynamodb.put_item(TableName=table, Item=who)


def _backfilled(system: System) -> list[dict[str, Any]]:
    """Every course's page, as the CLI asks for them."""
    pages: list[dict[str, Any]] = []
    body: dict[str, Any] = {}
    while True:
        reply = system.admin("POST", "/billing-index/backfill", json_body=body)
        assert reply.status == 200, reply.body
        pages.append(reply.json())
        if reply.json()["next_course_id"] is None:
            return pages
        body = {"course_id": reply.json()["next_course_id"]}


def _total(pages: list[dict[str, Any]], key: str) -> int:
    return sum(int(p[key]) for p in pages)


def _billed_items(system: System) -> list[dict[str, Any]]:
    return [i for i in system.items() if i["pk"]["S"].startswith("BILLING#")]


def test_old_bookings_are_indexed_once_and_found_by_their_billing_contact(
    invoiced: System,
) -> None:
    system = invoiced
    for application in (
        _old_booking("old-1", INVOICED, "ada@example.org", ACCOUNTS),
        _old_booking("old-2", COURSE_ID, "mary@example.org", ACCOUNTS.upper()),
        _old_booking("old-3", INVOICED, "edith@example.org", None),  # paid by card
    ):
        _write_old_shape(system, application)
    # A billing contact erased before the backfill, and an applicant erased with theirs.
    contact_gone = _old_booking("old-4", INVOICED, "flo@example.org", ERASED_CONTACT)
    assert contact_gone.billing is not None
    _write_old_shape(
        system, contact_gone.model_copy(update={"billing": contact_gone.billing.erased()})
    )
    # (as an applicant's erasure left it before a billing contact of another person stayed)
    gone_with = _old_booking("old-5", COURSE_ID, "ida@example.org", ERASED_CONTACT).erased(NOW)
    assert gone_with.billing is not None
    _write_old_shape(system, gone_with.model_copy(update={"billing": gone_with.billing.erased()}))
    assert _billed_items(system) == []
    missed = system.admin("GET", f"/people/{ACCOUNTS}")
    assert missed.status == 404 or missed.json()["billing_contact_for"] == []

    pages = _backfilled(system)

    assert sorted(p["course_id"] for p in pages) == sorted([COURSE_ID, INVOICED])
    assert (_total(pages, "written"), _total(pages, "already_indexed")) == (2, 0)
    assert _total(pages, "not_billed") == 3
    found = system.admin("GET", f"/people/{ACCOUNTS}")
    assert found.status == 200, found.body
    listed = found.json()["billing_contact_for"]
    assert sorted(b["application_id"] for b in listed) == ["old-1", "old-2"]
    # Nobody erased is indexed again: their placeholder leads nowhere.
    assert len(_billed_items(system)) == 2
    for gone in (ERASED_CONTACT, "erased@invalid.example"):
        reply = system.admin("GET", f"/people/{gone}")
        assert reply.status == 404 or reply.json()["billing_contact_for"] == []

    # Run again: nothing to write, the same lookups found.
    again = _backfilled(system)
    assert (_total(again, "written"), _total(again, "already_indexed")) == (0, 2)
    assert len(_billed_items(system)) == 2

    # And the billing contact's erasure now reaches them.
    erased = system.admin("DELETE", f"/people/{ACCOUNTS}")
    assert erased.status == 200, erased.body
    assert sorted(a["application_id"] for a in erased.json()["applications"]) == [
        "old-1",
        "old-2",
    ]


def test_a_course_that_does_not_exist_is_a_404_and_a_stray_field_a_422(system: System) -> None:
    missing = system.admin("POST", "/billing-index/backfill", json_body={"course_id": "nope"})
    assert missing.status == 404, missing.body
    stray = system.admin("POST", "/billing-index/backfill", json_body={"course": "x"})
    assert stray.status == 422, stray.body


def test_an_empty_course_id_is_said_as_empty_not_as_missing(system: System) -> None:
    """The field may be left out (the first course): an empty one is wrong for being empty,
    and the answer says so, not that the field is required."""
    empty = system.admin("POST", "/billing-index/backfill", json_body={"course_id": ""})
    assert empty.status == 422, empty.body
    said = empty.json()["error"]["fields"]["course_id"]
    assert said == "it cannot be empty: leave it out, or give a value", said


def test_blanks_alone_are_said_as_empty(system: System) -> None:
    blanks = system.admin("POST", "/billing-index/backfill", json_body={"course_id": "   "})
    assert blanks.status == 422, blanks.body
    said = blanks.json()["error"]["fields"]["course_id"]
    assert said == "it cannot be empty: leave it out, or give a value", said
