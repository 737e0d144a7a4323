"""The console's Find finds a group booking the way an accounts team or a manager asks for it
("Mary Manager", the invoice number and the PO all found nothing; only the
manager's exact address did): by the manager's name, the organisation, the invoice number or
the purchase order, each linked to the course's group bookings; and the page says what it
searched. What was typed is not logged."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote_plus

import pytest

from booking.services.finding import groups_matching
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.groups import invoiced_group
from tests.support.invoiced import BILLING, INVOICED
from tests.support.page_text import text_of
from tests.support.system import System


def _invoice_number(system: System, group: dict[str, Any]) -> str:
    stored = system.ports.groups.get_group(group["group_id"])
    assert stored is not None
    assert stored.invoice is not None
    assert stored.invoice.number
    return stored.invoice.number


@pytest.mark.usefixtures("invoiced")
def test_a_group_is_found_by_manager_organisation_invoice_or_order(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    group = invoiced_group(system, manager_name="Mary Manager")  # PO-4471
    number = _invoice_number(system, group)
    browser: ConsoleBrowser = signed_in(system)
    caplog.set_level(logging.INFO)
    link = f'href="/console/courses/{INVOICED}/group-bookings#group-{group["group_id"]}"'
    for typed in ("mary manager", "St Elsewhere", number.lower(), "po-4471", " PO-4471 "):
        found = browser.get(f"/console/search?q={quote_plus(typed)}")
        assert found.status == 200, (typed, found.body)
        said = text_of(found.body)
        assert "1 group booking by a manager, organisation, invoice number or purchase" in said
        assert link in found.body, typed
        for shown in ("Mary Manager", "PO-4471", number):
            assert shown in said, (typed, shown)
        assert (
            "Searched: applicants' names and organisations, and the employers their invoices "
            "are addressed to" in said
        )
    assert not [r for r in caplog.records if "mary" in r.getMessage().lower()]
    assert not [r for r in caplog.records if "4471" in r.getMessage()]


@pytest.mark.usefixtures("invoiced")
def test_a_single_booking_is_found_by_its_invoice_number_or_order(system: System) -> None:
    """One person's booking paid by their employer's invoice is found the same way."""
    applied = system.apply(INVOICED, email="inv@example.org", **BILLING).json()
    stored = system.stored(applied["application_id"])
    assert stored.invoice is not None
    assert stored.invoice.number
    browser: ConsoleBrowser = signed_in(system)
    link = f'href="/console/applications/{applied["application_id"]}"'
    for typed in (stored.invoice.number, "po-4471"):
        found = browser.get(f"/console/search?q={quote_plus(typed)}")
        assert found.status == 200, found.body
        assert link in found.body, typed
        assert "1 application on every course by a name or organisation holding" in text_of(
            found.body
        )


@pytest.mark.usefixtures("invoiced")
def test_part_of_an_order_number_finds_no_group(system: System) -> None:
    """An invoice number or a PO is matched whole (spaces and case forgiven): "44" is part of
    many numbers, and names no one's booking."""
    invoiced_group(system)  # PO-4471
    assert groups_matching(system.ports, "44") == []
    said = text_of(signed_in(system).get("/console/search?q=44").body)
    assert "No group booking has a manager, organisation, invoice number or purchase" in said


@pytest.mark.usefixtures("invoiced")
def test_a_reference_nobody_holds_is_still_not_found(system: System) -> None:
    invoiced_group(system)  # PO-4471
    assert signed_in(system).get("/console/search?q=CL-2345X").status == 404
