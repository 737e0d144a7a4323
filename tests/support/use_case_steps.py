"""The course and the payment steps the use-case tests on in-memory fakes share: one course of
two weekly sessions at £200, an applicant's answers, and a checkout paid and heard."""

from __future__ import annotations

from typing import Any

from booking.domain.course import CourseDefinition
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.services.payments import apply_checkout_event
from booking.services.ports import Ports
from tests.fakes.held import gateway, repo
from tests.support.applications import application_body


def course_definition(capacity: int = 2, approval: bool = False) -> CourseDefinition:
    return CourseDefinition.model_validate(
        {
            "title": "Compassionate Leadership",
            "price": {"amount": 20000},
            "capacity": capacity,
            "approval_required": approval,
            "facilitators": ["facilitator@example.org"],
            "enquiries_email": "enquiries@example.org",
            "joining_url": "https://example.org/join",
            "sessions": [
                {"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"},
                {"date": "2027-06-14", "start_time": "15:00", "end_time": "17:00"},
            ],
        }
    )


def answers(email: str = "ada@example.org", **extra: Any) -> dict[str, Any]:
    """An applicant's answers on the form, as ``email`` (``extra``: any other answer)."""
    return application_body(email=email, **extra)


def paid_event(ports: Ports, application_id: str, event_id: str = "evt_paid") -> CheckoutEvent:
    """Stripe's paid event of the application's own checkout: £200, payment ``pi_<id>``."""
    checkout = repo(ports).applications[application_id].checkout
    assert checkout is not None
    return CheckoutEvent(
        event_id=event_id,
        kind=CheckoutEventKind.PAID,
        session_id=checkout.session_id,
        application_id=application_id,
        payment_intent=f"pi_{application_id}",
        amount_total=20000,
    )


def paid(ports: Ports, application_id: str, event_id: str = "evt_paid") -> None:
    """The application's checkout paid at Stripe, and its paid event heard."""
    event = paid_event(ports, application_id, event_id)
    gateway(ports).pay_checkout(event.session_id, f"pi_{application_id}")
    apply_checkout_event(ports, event)
