"""What the fakes behind a unit test's ports hold, read by the test: the repository, the payment
gateway, the emails the use cases decided."""

from __future__ import annotations

from booking.domain.emails import EmailKind
from booking.services.ports import Ports
from tests.fakes.outside import FakePaymentGateway
from tests.fakes.repository import FakeRepository


def repo(ports: Ports) -> FakeRepository:
    assert isinstance(ports.repository, FakeRepository)
    return ports.repository


def gateway(ports: Ports) -> FakePaymentGateway:
    assert isinstance(ports.payments, FakePaymentGateway)
    return ports.payments


def written(ports: Ports, kind: EmailKind) -> list[str]:
    """The applications each email of ``kind`` written so far is about, in the order written."""
    return [j.application_id for j in repo(ports).written_emails if j.kind is kind]
