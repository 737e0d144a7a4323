"""Bookings whose invoice was corrected to another billing contact before the contact it was
corrected away from was kept (``former_billing``) name them nowhere, though the old invoice's
customer at Stripe still holds them. The operator's backfill (``POST
/admin/former-contacts/backfill``, ``services.backfills``) records them from what Stripe
holds, so the people routes find and erase them; run twice, it records nothing more. Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from booking.adapters.dynamodb.schema import billing_contact_key
from booking.domain.billing import BillingDetails
from tests.integration.test_erasure_at_stripe import customer_of, deleted, erase
from tests.integration.test_replaced_billing_contact import _corrected_away_from_accounts
from tests.support.applications import invoice_id_of
from tests.support.groups import three_on_an_invoice
from tests.support.invoiced import (
    ACCOUNTS,
    BILLING,
    CORRECTED,
    INVOICED,
    group_invoice_corrected,
    invoiced_cohort,
)
from tests.support.system import STRIPE_KEY, System


def _as_saved_before_former_contacts_were_kept(
    system: System, application: dict[str, Any], contact: str = ACCOUNTS
) -> None:
    """The booking as a correction stored it before: no replaced contact (``contact``), nor
    their lookup."""
    stored = system.stored(application)
    assert stored.former_billing, "the correction should have kept the replaced contact"
    system.ports.repository.save(stored.model_copy(update={"former_billing": ()}), stored)
    key = billing_contact_key(contact, stored.application_id)
    system.dynamodb.delete_item(TableName=system.resources.table_name, Key=key)


def _backfill(system: System, course_id: str | None = None) -> dict[str, Any]:
    body = {"course_id": course_id} if course_id else {}
    reply = system.admin("POST", "/former-contacts/backfill", json_body=body)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def _backfill_every_course(system: System) -> dict[str, int]:
    """Every course paged through, as the CLI does: the counts added up."""
    totals = {"recorded": 0, "already_recorded": 0, "nobody_to_record": 0}
    page = _backfill(system)
    while True:
        for name in totals:
            totals[name] += page[name]
        if page["next_course_id"] is None:
            return totals
        page = _backfill(system, page["next_course_id"])


def test_a_contact_replaced_before_they_were_kept_is_recorded_found_and_erased(
    system: System,
) -> None:
    application, old, new = _corrected_away_from_accounts(system)
    _as_saved_before_former_contacts_were_kept(system, application)
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404  # the gap

    assert _backfill_every_course(system) == {
        "recorded": 1,
        "already_recorded": 0,
        "nobody_to_record": 0,
    }

    found = system.admin("GET", f"/people/{ACCOUNTS}")
    assert found.status == 200, found.body
    [held] = found.json()["billing_contact_for"]
    assert (held["application_id"], held["as"]) == (
        application["application_id"],
        "billing contact",
    )
    assert held["billing"]["billing_name"] == BILLING["billing_name"]
    [former] = system.stored(application).former_billing
    assert former.invoice_id == old
    # As the old invoice was addressed: name, email, the address's lines and its PO.
    kept = {name: BILLING[name] for name in BillingDetails.model_fields}
    assert former.billing.prints_as(BillingDetails.model_validate(kept))
    # Run again: nothing more recorded, the booking left as it was.
    version = system.stored(application).version
    assert _backfill_every_course(system) == {
        "recorded": 0,
        "already_recorded": 1,
        "nobody_to_record": 0,
    }
    assert system.stored(application).version == version
    # Their erasure deletes their customer and leaves the current contact's invoice alone.
    assert erase(system, ACCOUNTS).status == 200
    assert deleted(system, old)
    assert system.stripe_invoice(new)["status"] == "open"
    assert customer_of(system, new)["email"] == CORRECTED["billing_email"]


def test_a_replaced_invoice_to_the_same_contact_or_a_deleted_customer_records_nobody(
    system: System,
) -> None:
    """A correction of the PO alone (the same contact), or a replaced invoice whose customer
    Stripe deleted (its contact erased), leaves nobody to record."""
    application, old, _new = _corrected_away_from_accounts(system)
    _as_saved_before_former_contacts_were_kept(system, application)
    path = f"/applications/{application['application_id']}/invoice/correct"
    assert system.admin("POST", path, json_body=CORRECTED | {"po_number": "PO-2"}).status == 200
    assert system.admin("POST", path, json_body=CORRECTED | {"po_number": "PO-3"}).status == 200
    customer_id = system.stripe_invoice(old)["customer"]
    gone = system.stripe_local("DELETE", f"/v1/customers/{customer_id}", headers=STRIPE_KEY)
    assert gone.status == 200, gone.body

    assert _backfill_every_course(system) == {
        "recorded": 0,
        "already_recorded": 0,
        "nobody_to_record": 3,
    }
    assert system.stored(application).former_billing == ()


def test_a_groups_contact_replaced_before_they_were_kept_is_recorded(system: System) -> None:
    group, old, _left = three_on_an_invoice(system)
    assert group_invoice_corrected(system, group).status == 200
    stored = system.stored_group(group)
    system.ports.groups.save_group(stored.model_copy(update={"former_billing": ()}), stored)
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404  # the gap

    page = _backfill(system, INVOICED)

    assert (page["recorded"], page["already_recorded"]) == (1, 0)
    found = system.admin("GET", f"/people/{ACCOUNTS}")
    assert found.status == 200, found.body
    [held] = found.json()["group_bookings"]
    assert (held["as"], held["replaced_invoice"]) == ("billing contact", old)
    assert _backfill(system, INVOICED)["recorded"] == 0


def test_an_erased_contact_is_never_recorded_again(system: System) -> None:
    """A replaced contact who also applied themselves, erased before the backfill ran: the
    erasure answered 200, so the backfill must not bring them back from Stripe."""
    application, old, _new = _corrected_away_from_accounts(system)
    _as_saved_before_former_contacts_were_kept(system, application)
    system.booked(email=ACCOUNTS)
    assert erase(system, ACCOUNTS).status == 200
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404

    _backfill_every_course(system)

    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    assert system.stored(application).former_billing == ()
    assert deleted(system, old)


SPELT = "Accounts.Office@example.nhs.uk"  # the replaced contact's address as they typed it


def held_by_stripe_alone_with_capitals(system: System) -> str:
    """:data:`SPELT` typed on an invoice corrected away from them before such contacts were
    kept (only Stripe holds them so), and on their own booking: that old invoice's id."""
    invoiced_cohort(system, capacity=3)
    applied = system.apply(INVOICED, **(BILLING | {"billing_email": SPELT}))
    assert applied.status == 201, applied.body
    application = dict(applied.json())
    old = invoice_id_of(application)
    path = f"/applications/{application['application_id']}/invoice/correct"
    assert system.admin("POST", path, json_body=dict(CORRECTED)).status == 200
    _as_saved_before_former_contacts_were_kept(system, application, SPELT)
    system.booked(INVOICED, email=SPELT)
    return old


def test_an_address_spelt_with_capitals_is_found_at_stripe_when_erased_in_lower_case(
    system: System,
) -> None:
    """The replaced contact typed their address with capitals, on the invoice and on their own
    booking; the organiser erases it typed in lower case. Stripe's filter by address matches
    case and all, so it is asked as our records spell it too: the customer Stripe alone holds
    is deleted, and the backfill never brings them back."""
    old = held_by_stripe_alone_with_capitals(system)

    assert erase(system, SPELT.lower()).status == 200

    assert deleted(system, old)
    _backfill_every_course(system)
    assert system.admin("GET", f"/people/{SPELT.lower()}").status == 404
