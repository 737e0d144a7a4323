"""An applicant who chose "My employer will pay by invoice", left the invoice
details empty and mistyped their email address was told only about the email address; once
they put it right, the form came back again with three more errors (the billing name, email
and address). Every answer that needs attention is named on the first refusal, in the
browser's form and in the JSON API alike, and nothing is kept."""

from __future__ import annotations

import pytest

from tests.support.applications import application_body
from tests.support.groups import book
from tests.support.invoiced import INVOICED
from tests.support.system import System

BILLING_FIELDS = {"billing_name", "billing_email", "billing_address"}
HTML = {"accept": "text/html"}


def _form(**overrides: str) -> dict[str, str]:
    """The application form as a browser posts it: strings, the box ticked as ``on``."""
    answers = application_body(consent="on", **overrides)
    return {name: str(value) for name, value in answers.items()}


@pytest.mark.usefixtures("invoiced")
def test_the_form_names_the_billing_details_with_the_other_mistakes(system: System) -> None:
    reply = system.api(
        "POST",
        f"/courses/{INVOICED}/applications",
        form=_form(email="ada@nhs", payment_method="invoice"),
        headers=HTML,
    )
    assert reply.status == 422, reply.body
    page = reply.body
    for field in ("email", *BILLING_FIELDS):
        assert f'href="#{field}"' in page, f"the error summary does not name {field}"
        assert f'id="{field}-error"' in page, f"{field} has no error beside it"
    assert system.applications() == []


@pytest.mark.usefixtures("invoiced")
def test_the_form_says_which_address_is_wrong(system: System) -> None:
    """Both addresses mistyped: the summary's two lines are told apart."""
    reply = system.api(
        "POST",
        f"/courses/{INVOICED}/applications",
        form=_form(email="ada@nhs", payment_method="invoice", billing_email="accounts@"),
        headers=HTML,
    )
    assert reply.status == 422, reply.body
    assert "Enter an email address in the correct format" in reply.body
    assert "Enter the billing email address in the correct format" in reply.body


@pytest.mark.usefixtures("invoiced")
def test_the_api_names_the_billing_details_with_the_other_mistakes(system: System) -> None:
    reply = system.apply(INVOICED, email="ada@nhs", job_title="", payment_method="invoice")
    assert reply.status == 422, reply.body
    fields = reply.json()["error"]["fields"]
    assert {"email", "job_title", *BILLING_FIELDS} <= set(fields)
    # A field refused already keeps its own reason.
    assert "email" in fields["email"] or "@" in fields["email"]
    assert system.applications() == []


@pytest.mark.usefixtures("invoiced")
def test_a_card_payment_is_never_asked_for_billing_details(system: System) -> None:
    reply = system.apply(INVOICED, email="ada@nhs", payment_method="card")
    assert reply.status == 422, reply.body
    assert set(reply.json()["error"]["fields"]) == {"email"}


def test_a_course_paid_by_card_says_so_beside_the_other_mistakes(system: System) -> None:
    system.put_course("by-card", {**system.course_file(), "invoice_allowed": False})
    reply = system.apply("by-card", email="ada@nhs", payment_method="invoice")
    assert reply.status == 422, reply.body
    fields = reply.json()["error"]["fields"]
    assert set(fields) == {"email", "payment_method"}
    assert "card" in fields["payment_method"]


@pytest.mark.usefixtures("invoiced")
def test_a_managers_booking_names_the_billing_details_with_the_other_mistakes(
    system: System,
) -> None:
    reply = book(system, manager_email="florence@nhs", payment_method="invoice")
    assert reply.status == 422, reply.body
    assert {"manager_email", *BILLING_FIELDS} <= set(reply.json()["error"]["fields"])
