"""The late-invoice warnings after a course's save read Stripe briefly: the short-timeout reader,
and no more once it does not answer (the save is written; its answer must not time out)."""

from __future__ import annotations

from typing import Any

import pytest

from booking.services.late_invoices import _debited
from tests.fakes import Clock, fake_ports
from tests.fakes.held import gateway
from tests.support.stripe_requests import invoice_request


def test_stripe_not_answering_is_asked_once_and_by_the_reader_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ports = fake_ports(Clock())
    invoices = [gateway(ports).create_invoice(invoice_request()).invoice_id for _ in range(3)]
    gateway(ports).down = True
    asked: list[bool] = []
    read = gateway(ports).invoice_at_stripe

    def counted(invoice_id: str, *args: Any, a_person_waits: bool = True) -> Any:
        asked.append(a_person_waits)
        return read(invoice_id, *args, a_person_waits=a_person_waits)

    monkeypatch.setattr(gateway(ports), "invoice_at_stripe", counted)

    assert _debited(ports, invoices) == frozenset()  # unread: warned of as unpaid
    assert asked == [False]
