"""The paid event's one read of Stripe's checkout session (``services.believed``), on the
fakes: what Stripe not holding the booking's own session means, and what a session holding a
payment it has not taken means."""

from __future__ import annotations

import pytest

from booking.domain.application import ApplicationStatus as S
from booking.domain.errors import DependencyUnavailable
from booking.services import applications
from booking.services.payments import apply_checkout_event
from booking.services.ports import Ports
from tests.fakes import Clock, fake_ports
from tests.fakes.held import gateway, repo
from tests.support.use_case_steps import answers, course_definition, paid_event


@pytest.fixture
def ports() -> Ports:
    return fake_ports(Clock(), course=course_definition())


def test_the_bookings_own_session_unknown_at_stripe_is_an_outage_not_a_refusal(
    ports: Ports,
) -> None:
    """Stripe not holding a session the booking recorded is our misconfiguration (another
    account's key): the event is answered 503, Stripe delivers it again, nothing written."""
    view = applications.submit_application(ports, "c1", answers())
    event = paid_event(ports, view.application_id)
    gateway(ports).sessions.pop(event.session_id)
    with pytest.raises(DependencyUnavailable):
        apply_checkout_event(ports, event)
    stored = repo(ports).applications[view.application_id]
    assert (stored.status, stored.payment_intent) == (S.AWAITING_PAYMENT, None)


def test_a_session_holding_a_payment_it_has_not_taken_confirms_nothing(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    event = paid_event(ports, view.application_id)
    assert event.payment_intent is not None
    gateway(ports).pay_checkout(event.session_id, event.payment_intent, paid=False)  # declined
    outcome = apply_checkout_event(ports, event)
    assert outcome.action == "ignore"
    assert repo(ports).applications[view.application_id].status is S.AWAITING_PAYMENT
    gateway(ports).pay_checkout(event.session_id, event.payment_intent)  # paid at last
    assert apply_checkout_event(ports, event).status == S.CONFIRMED.value
