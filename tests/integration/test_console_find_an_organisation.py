"""The console's Find finds people by their employer ("Which of our staff
are booked?" from Sussex Community NHS Trust found nothing): an applicant's organisation, and
the legal name an invoice is addressed to, for single applications and group bookings alike.
What was typed is not logged."""

from __future__ import annotations

import logging

import pytest

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.groups import book
from tests.support.invoiced import BILLING, INVOICED
from tests.support.page_text import text_of
from tests.support.system import System


def test_an_organisation_finds_its_staff_on_every_course(
    system: System, browser: ConsoleBrowser, caplog: pytest.LogCaptureFixture
) -> None:
    system.put_course("second-cohort", system.course_file())
    sussex = "Sussex Community NHS Foundation Trust"
    first = system.apply(name="Jo Walsh", email="jo@example.org", organisation=sussex).json()
    second = system.apply(
        "second-cohort", name="Sam Reid", email="sam@example.org", organisation=sussex
    ).json()
    system.apply(name="Ada Lovelace", email="ada@example.org", organisation="Leeds Hospice")
    caplog.set_level(logging.INFO)

    said = browser.found("sussex community", first, second, not_listed="Ada Lovelace")

    assert "2 applications on every course by a name or organisation holding" in said
    assert not [r for r in caplog.records if "sussex" in r.getMessage().lower()]


@pytest.mark.usefixtures("invoiced")
def test_the_employer_an_invoice_is_addressed_to_finds_the_booking(system: System) -> None:
    billed = BILLING | {"billing_name": "Brighton Care Partnership Ltd"}
    applied = system.apply(
        INVOICED, email="inv@example.org", organisation="Ward 7", **billed
    ).json()
    signed_in(system).found("care partnership", applied)


@pytest.mark.usefixtures("invoiced")
def test_the_employer_a_group_invoice_is_addressed_to_finds_the_group(system: System) -> None:
    reply = book(system, **(BILLING | {"billing_name": "Hospice Trading Ltd"}))
    assert reply.status == 201, reply.body
    group = reply.json()
    found = signed_in(system).get("/console/search?q=hospice+trading")
    assert found.status == 200
    link = f'href="/console/courses/{INVOICED}/group-bookings#group-{group["group_id"]}"'
    assert link in found.body


@pytest.mark.usefixtures("invoiced")
def test_each_row_found_shows_the_organisation_it_was_found_by(system: System) -> None:
    """Find's table says which organisation each row holds: the applicant's
    own, and the employer an invoice is addressed to when that is another name."""
    system.apply(name="Jo Walsh", email="jo@example.org", organisation="Leeds Hospice")
    billed = BILLING | {"billing_name": "Leeds Care Partnership Ltd"}
    system.apply(
        INVOICED, name="Sam Reid", email="sam@example.org", organisation="Ward 7", **billed
    )

    found = signed_in(system).get("/console/search?q=leeds")

    assert found.status == 200, found.body
    rows = [text_of(row) for row in found.body.split("<tr>")[1:]]
    assert any("Organisation" in row for row in rows), rows
    assert any("Jo Walsh Leeds Hospice" in row for row in rows), rows
    assert any("Sam Reid Ward 7 (invoice to Leeds Care Partnership Ltd)" in row for row in rows)
