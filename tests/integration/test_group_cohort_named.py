"""A group booking names its cohort by title and first day wherever a person or an accounts
team meets it, as every other message does: the manager's form and page (under the centre's
name), every group email's subject and footer, and the invoice's line."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import groups as booked
from tests.support.groups import group_page
from tests.support.invoiced import BILLING, INVOICED
from tests.support.stripe_client import requests_to
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

HTML = {"accept": "text/html"}
COHORT = "Compassionate Leadership Training, from Monday 7 June 2027"


def _organisation(system: System) -> str:
    return str(system.course(INVOICED).get("organisation") or "")


def test_the_managers_form_and_page_name_the_cohort_by_its_first_day(system: System) -> None:
    form = system.api("GET", f"/courses/{INVOICED}/group-booking", headers=HTML)
    assert f"</span>{COHORT}</h1>" in form.body
    group: dict[str, Any] = booked.paid_group(system)
    page = group_page(system, group)
    assert f"</span>{COHORT}</h1>" in page
    organisation = _organisation(system)
    if organisation:  # the centre's name heads both, as on the application form
        assert f'<header class="header"><p>{organisation}</p>' in form.body
        assert f'<header class="header"><p>{organisation}</p>' in page


def test_every_group_email_names_the_cohort_in_its_subject_and_footer(system: System) -> None:
    booked.paid_group(system)
    sent = system.deliver_emails()
    group_emails = [
        e
        for e in sent
        if e.to in (["florence@example.org"], *[[c["email"]] for c in booked.COLLEAGUES])
    ]
    assert group_emails
    for email in group_emails:
        assert email.subject.endswith(COHORT), email.subject
        assert f"--\n{COHORT}\n" in email.text


def test_the_invoice_line_names_the_cohort(system: System) -> None:
    reply = booked.book(system, **BILLING)
    assert reply.status == 201, reply.body
    invoice_items = requests_to(system.stripe_http, "/v1/invoiceitems")
    assert invoice_items
    assert all(r.params["description"] == f"3 places: {COHORT}" for r in invoice_items)
