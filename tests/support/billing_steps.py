"""The billing use cases' course on the fakes, as the unit tests of who pays build it: one
session on 5 July 2027 at £200, employer invoices allowed (a purchase order asked for by
default); an applicant's answers, by card or by invoice; the fixtures; an invoice event heard."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.course import CourseDefinition
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.services import payments
from booking.services.ports import Ports
from tests.fakes import Clock, fake_ports
from tests.fakes.held import gateway, repo
from tests.support.invoiced import BILLING
from tests.support.use_case_steps import answers


def billing_course(
    capacity: int = 2, approval: bool = False, po_required: bool = True
) -> CourseDefinition:
    return CourseDefinition.model_validate(
        {
            "title": "Compassionate Leadership",
            "price": {"amount": 20000},
            "capacity": capacity,
            "approval_required": approval,
            "invoice_allowed": True,
            "po_required": po_required,
            "facilitators": ["facilitator@example.org"],
            "enquiries_email": "enquiries@example.org",
            "sessions": [{"date": "2027-07-05", "start_time": "15:00", "end_time": "17:00"}],
        }
    )


def by_invoice(email: str = "ada@example.org", **extra: Any) -> dict[str, Any]:
    return answers(email, **(BILLING | extra))


@pytest.fixture
def clock() -> Clock:
    return Clock()  # 1 May 2027: the course starts on 5 July


@pytest.fixture
def ports(clock: Clock) -> Ports:
    return fake_ports(clock, course=billing_course())


def invoice_event(
    ports: Ports, application_id: str, kind: InvoiceEventKind, event_id: str = "evt_inv"
) -> Any:
    invoice = repo(ports).applications[application_id].invoice
    assert invoice is not None
    if kind is InvoiceEventKind.PAID:
        gateway(ports).pay_invoice(invoice.invoice_id)
    return payments.apply_invoice_event(
        ports,
        InvoiceEvent(event_id, kind, invoice.invoice_id, application_id, invoice.amount_due, "gbp"),
    )
