"""The enrolments a manager's group booking claims for its colleagues, through the handlers and
the table: taken over by the colleague's link, given back when a colleague is erased, and a
booking stored before groups made these claims read, paid and changed as before, taking the
claims that are free at its next save."""

from __future__ import annotations

from typing import Any

import pytest

from booking.adapters.dynamodb.schema import enrolment_key, group_key
from booking.domain.application import Application, ApplicationForm, ApplicationStatus
from booking.domain.validation import parse
from tests.support.applications import an_application
from tests.support.groups import (
    COLLEAGUES,
    apply_on_their_own,
    colleague_applies,
    invoiced_group,
    manager_view,
    paid_group,
    pay_invoice,
)
from tests.support.invoiced import INVOICED
from tests.support.system import System, application_body

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def _claim(system: System, email: str) -> dict[str, Any] | None:
    """The table's enrolment item of ``email`` on the invoiced course (None: free)."""
    key = enrolment_key(INVOICED, email)
    found = system.dynamodb.get_item(
        TableName=system.resources.table_name, Key=key, ConsistentRead=True
    )
    return found.get("Item")


def _held_by(item: dict[str, Any] | None) -> tuple[str, ...] | None:
    if item is None:
        return None
    if "application_id" in item:
        return ("application", item["application_id"]["S"])
    return ("place", item["group_id"]["S"], item["place"]["N"])


def test_the_colleagues_link_takes_the_claim_and_erasure_gives_the_others_back(
    system: System,
) -> None:
    group = paid_group(system)
    gid = group["group_id"]
    assert [_held_by(_claim(system, c["email"])) for c in COLLEAGUES] == [
        ("place", gid, str(n)) for n in (1, 2, 3)
    ]
    colleague_applies(system, group)
    [filled] = [p for p in manager_view(system, group)["places"] if p["number"] == 1]
    assert _held_by(_claim(system, COLLEAGUES[0]["email"]))[0] == "application"  # type: ignore[index]
    assert filled["state"] == "confirmed"
    # Erased: the place stays the group's, the person's claim goes (nobody is named on it).
    assert system.admin("DELETE", f"/people/{COLLEAGUES[1]['email']}").status == 200
    assert _claim(system, COLLEAGUES[1]["email"]) is None
    assert system.admin("DELETE", f"/people/{COLLEAGUES[0]['email']}").status == 200
    assert _claim(system, COLLEAGUES[0]["email"]) is None
    assert _held_by(_claim(system, COLLEAGUES[2]["email"])) == ("place", gid, "3")


def _as_stored_before_claims(system: System, group_id: str) -> None:
    """The group as the code before this change left it: no claims, no flag in its document."""
    table = system.resources.table_name
    stored = system.stored_group(group_id)
    for place in stored.places:
        system.dynamodb.delete_item(
            TableName=table, Key=enrolment_key(stored.course_id, place.colleague.email)
        )
    doc = stored.model_dump_json(exclude={"enrolments_claimed"})
    assert "enrolments_claimed" not in doc
    system.dynamodb.update_item(
        TableName=table,
        Key=group_key(group_id),
        UpdateExpression="SET doc = :d",
        ExpressionAttributeValues={":d": {"S": doc}},
    )


def _applied_before(system: System, email: str) -> Application:
    """An application of ``email``'s own, saved as a race before this change could leave it
    (the read before the group's save found nothing): it holds its enrolment."""
    form = parse(ApplicationForm, application_body(email=email, payment_method="card"))
    now = system.now()
    application = an_application(
        ApplicationStatus.AWAITING_PAYMENT,
        at=now,
        app_id="before-claims",
        course_id=INVOICED,
        answers=form.answers(),
    )
    return system.ports.repository.save(application, None)


def test_a_booking_stored_before_claims_is_paid_and_takes_the_free_ones(system: System) -> None:
    group = invoiced_group(system)
    gid = group["group_id"]
    _as_stored_before_claims(system, gid)
    earlier = _applied_before(system, COLLEAGUES[1]["email"])
    old = system.stored_group(gid)
    assert not old.enrolments_claimed
    assert manager_view(system, group)["status"] == "awaiting_invoice_payment"
    pay_invoice(system, group)  # its next save: the webhook answers 200 (checked there)
    assert manager_view(system, group)["status"] == "paid"
    assert _held_by(_claim(system, COLLEAGUES[0]["email"])) == ("place", gid, "1")
    assert _held_by(_claim(system, COLLEAGUES[1]["email"])) == (
        "application",
        earlier.application_id,
    )  # held already: left as it was
    assert _held_by(_claim(system, COLLEAGUES[2]["email"])) == ("place", gid, "3")
    # From now on it is like any booking: its colleagues apply through their links.
    colleague_applies(system, manager_view(system, group), place=3)
    assert apply_on_their_own(system, COLLEAGUES[0]["email"]).status == 409
