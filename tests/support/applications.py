"""Applications as the tests write them: every answer filled, stamped at one moment, in the
status the test is about. One builder, so that a field the model gains is given in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from booking.domain.application import Answers, Application, ApplicationStatus
from booking.domain.billing import BillingDetails, InvoiceRef


def answers_of(email: str = "ada@example.org", name: str = "Ada", **changes: str) -> Answers:
    """An applicant's answers, every field filled; ``changes`` replaces any of them."""
    filled = {
        "name": name,
        "email": email,
        "job_title": "Ward manager",
        "organisation": "NHS Trust",
        "leadership_role": "A ward",
        "motivation": "To lead with more care",
    }
    return Answers.model_validate({**filled, **changes})


def an_application(
    status: ApplicationStatus,
    *,
    at: datetime,
    app_id: str = "app1",
    course_id: str = "course",
    answers: Answers | None = None,
    **fields: object,
) -> Application:
    """An application made (and last changed) ``at``, with its own token and ``answers`` (else
    :func:`answers_of`'s); ``fields``: any other of its fields."""
    return Application(
        application_id=app_id,
        course_id=course_id,
        status=status,
        token=f"tok-{app_id}",
        answers=answers or answers_of(),
        created_at=at,
        updated_at=at,
    ).model_copy(update=fields)


# An employer's accounts team, as a booking by invoice names it.
ACCOUNTS = BillingDetails(
    billing_name="St Elsewhere NHS Foundation Trust",
    billing_email="accounts@example.nhs.uk",
    billing_address="1 Hospital Road",
)


def an_invoice(*, at: datetime, **fields: object) -> InvoiceRef:
    """Stripe's invoice ``in_1`` for £200.00, open, sent ``at`` and due thirty days later;
    ``fields``: any other of its fields."""
    return InvoiceRef.model_validate(
        {
            "invoice_id": "in_1",
            "url": "https://invoice",
            "due_at": at + timedelta(days=30),
            "amount_due": 20000,
            **fields,
        }
    )


def an_invoiced_application(
    status: ApplicationStatus,
    *,
    at: datetime,
    invoice: InvoiceRef | None = None,
    billing: BillingDetails | None = ACCOUNTS,
    **fields: object,
) -> Application:
    """An application (:func:`an_application`) billed to an employer: ``invoice`` (else
    :func:`an_invoice`, paid) addressed to ``billing`` (:data:`ACCOUNTS` unless given);
    ``fields``: any other of its fields."""
    billed = {"invoice": invoice or an_invoice(at=at, status="paid"), "billing": billing}
    return an_application(status, at=at).model_copy(update=billed | fields)


# What an application by invoice may lack that an accounts team needs (as changes to its billing
# details), and the field its refusal names: the service and the HTTP API refuse the same.
WHAT_ACCOUNTS_NEED: list[tuple[dict[str, str], str]] = [
    ({"billing_name": ""}, "billing_name"),
    ({"billing_email": "not an address"}, "billing_email"),
    ({"billing_address": ""}, "billing_address"),
    ({"po_number": ""}, "po_number"),
    ({"payment_method": "cheque"}, "payment_method"),
]


def application_body(**overrides: Any) -> dict[str, Any]:
    """The application form as a person submits it (``POST /courses/{id}/applications``), every
    answer given; ``overrides`` replaces or adds any."""
    body: dict[str, Any] = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "job_title": "Ward Manager",
        "organisation": "St Elsewhere NHS Trust",
        "leadership_role": "A surgical ward of 30 staff",
        "motivation": "To lead with more compassion.",
        "accessibility_needs": "",
        "consent": True,
    }
    return body | overrides


def session_id_of(application: Mapping[str, Any]) -> str:
    """The Checkout Session an application answer's ``checkout_url`` leads to."""
    return str(application["checkout_url"]).rsplit("/", 1)[-1]


def invoice_id_of(application: Mapping[str, Any]) -> str:
    """The invoice an application answer's ``invoice_url`` shows."""
    return str(application["invoice_url"]).rsplit("/", 1)[-1]
