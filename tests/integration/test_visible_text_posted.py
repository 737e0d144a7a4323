"""Over the API: an invisible billing name (a group's and a single invoice's), job
title, organisation, or a course's facilitator name was taken (201) and printed nothing where
the invoice, a roster or the course page shows it. Each is a 422 naming its field, in words,
and nothing is kept."""

from __future__ import annotations

import pytest

from tests.support.applications import ACCOUNTS
from tests.support.groups import book
from tests.support.invoiced import BILLING, INVOICED
from tests.support.system import System

SHOWN = "write it in characters that show"


@pytest.mark.usefixtures("invoiced")
@pytest.mark.parametrize("field", ["billing_name", "billing_address", "po_number"])
def test_an_invoice_applications_invisible_billing_field_is_refused(
    system: System, field: str
) -> None:
    billing = ACCOUNTS.model_dump() | {"po_number": "PO-1", field: "\u2800"}
    reply = system.apply(INVOICED, payment_method="invoice", **billing)
    assert reply.status == 422, reply.body
    assert SHOWN in reply.json()["error"]["fields"][field]
    assert system.applications() == []


@pytest.mark.usefixtures("invoiced")
def test_a_group_invoices_invisible_billing_name_is_refused(system: System) -> None:
    reply = book(system, **(BILLING | {"billing_name": "\u200b"}))
    assert reply.status == 422, reply.body
    assert SHOWN in reply.json()["error"]["fields"]["billing_name"]


@pytest.mark.parametrize("field", ["job_title", "organisation", "motivation"])
def test_an_invisible_answer_is_refused(system: System, field: str) -> None:
    reply = system.apply(**{field: "\u200b"})
    assert reply.status == 422, reply.body
    assert SHOWN in reply.json()["error"]["fields"][field]
    assert system.applications() == []


def test_a_course_with_an_invisible_facilitator_name_or_title_is_refused(system: System) -> None:
    file = system.course_file()
    named = {**file, "facilitators": [{"name": "\u200b", "email": "fac@example.org"}]}
    reply = system.admin("PUT", "/courses/fac-cohort", json_body=named)
    assert reply.status == 422, reply.body
    assert SHOWN in reply.json()["error"]["fields"]["facilitators.0.name"]
    titled = system.admin("PUT", "/courses/fac-cohort", json_body={**file, "title": "\u2060"})
    assert titled.status == 422, titled.body
    assert SHOWN in titled.json()["error"]["fields"]["title"]
    assert system.api("GET", "/courses/fac-cohort").status == 404
