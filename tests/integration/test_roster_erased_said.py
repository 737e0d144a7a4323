"""The roster's CSV (the console's download and `course-booking roster --csv`, one export) says
an erased person's address as the console's pages do, "[erased]", never the placeholder
address the record keeps (``erased@invalid.example``), which a mail merge would write to.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.support.console import signed_in
from tests.support.invoiced import BILLING, INVOICED, applied_by_invoice
from tests.support.system import COURSE_ID, System


def _rows(system: System, course_id: str) -> list[dict[str, str]]:
    download = signed_in(system).get(f"/console/courses/{course_id}/roster.csv")
    assert download.status == 200, download.body
    return list(csv.DictReader(io.StringIO(download.body.lstrip("\ufeff"))))


def test_an_erased_applicants_address_reads_erased_in_the_roster(system: System) -> None:
    system.booked(COURSE_ID, name="Jo Gone", email="gone@example.org")
    assert system.admin("DELETE", "/people/gone@example.org").status == 200

    [row] = _rows(system, COURSE_ID)

    assert row["Full name"] == "[erased]"
    assert row["Email address"] == "[erased]", row
    assert "invalid.example" not in ",".join(row.values())


@pytest.mark.usefixtures("invoiced")
def test_an_erased_billing_contacts_address_reads_erased_in_the_roster(system: System) -> None:
    applied: dict[str, Any] = applied_by_invoice(system, email="jo@example.org")
    assert applied["status"] == "awaiting_invoice_payment", applied
    assert system.admin("DELETE", f"/people/{BILLING['billing_email']}").status == 200

    [row] = _rows(system, INVOICED)

    assert row["Billing email address"] in {"", "[erased]"}, row
    assert "invalid.example" not in ",".join(row.values())
