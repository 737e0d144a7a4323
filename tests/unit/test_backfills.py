"""The billing index's backfill as a use case on the fakes (``services.backfills``): one course
a call, the next named; an application changed under it is read again, so a billing contact
erased meanwhile is never indexed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import BillingDetails
from booking.domain.erasure import billing_contact_erased
from booking.domain.errors import NotFound
from booking.services import courses
from booking.services.backfills import BackfillPage, backfill_billing_index
from booking.services.ports import Ports
from tests.fakes import fake_ports
from tests.fakes.held import repo
from tests.support.applications import an_application, answers_of
from tests.support.billing_steps import billing_course

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)
ACCOUNTS = "accounts@example.nhs.uk"
BILLING = BillingDetails(billing_name="Trust", billing_email=ACCOUNTS, billing_address="1 Rd")


@pytest.fixture
def ports() -> Ports:
    the_ports = fake_ports()
    for course_id in ("c2", "c1"):
        courses.put_course(the_ports, course_id, billing_course())
    return the_ports


def _saved_without_lookup(ports: Ports, app_id: str, course_id: str) -> Application:
    """An application as saved before the lookup was kept (its lookup dropped)."""
    application = an_application(
        ApplicationStatus.CONFIRMED,
        at=NOW,
        app_id=app_id,
        course_id=course_id,
        answers=answers_of(f"{app_id}@example.org"),
        billing=BILLING,
    )
    saved = ports.repository.save(application, None)
    ports.repository.forget_billing_contact(ACCOUNTS, [app_id])
    assert ports.repository.applications_billed_to(ACCOUNTS) == []
    return saved


def test_each_call_indexes_one_course_and_names_the_next(ports: Ports) -> None:
    _saved_without_lookup(ports, "a1", "c1")
    _saved_without_lookup(ports, "a2", "c2")
    first = backfill_billing_index(ports)
    assert first == BackfillPage("c1", 1, 0, 0, "c2")
    assert backfill_billing_index(ports, "c2") == BackfillPage("c2", 1, 0, 0, None)
    assert {a.application_id for a in ports.repository.applications_billed_to(ACCOUNTS)} == {
        "a1",
        "a2",
    }
    assert backfill_billing_index(ports, "c1") == BackfillPage("c1", 0, 1, 0, "c2")
    with pytest.raises(NotFound):
        backfill_billing_index(ports, "c9")


def test_a_billing_contact_erased_after_the_roster_was_read_is_not_indexed(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _saved_without_lookup(ports, "a1", "c1")
    ports.repository.save(billing_contact_erased(read, NOW), read)
    # The roster as it was read, before the erasure was saved.
    monkeypatch.setattr(repo(ports), "list_applications", lambda course_id: [read])
    assert backfill_billing_index(ports, "c1") == BackfillPage("c1", 0, 0, 1, "c2")
    assert all(not ids for ids in repo(ports).billed.values())


def test_no_courses_no_work() -> None:
    assert backfill_billing_index(fake_ports()) == BackfillPage(None, 0, 0, 0, None)
