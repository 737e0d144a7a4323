"""A manager's group booking asked for at Stripe in the cohort's old currency, its save refused
because the cohort's currency changed meanwhile (``PriceChanged``): its checkout
is expired at Stripe, the group ends and its seats go back; nothing stays open in GBP on a USD
cohort."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.course import Money
from booking.domain.errors import PriceChanged
from booking.domain.group_place import GroupStatus
from booking.services import group_booking
from tests.fakes import Clock, fake_ports
from tests.fakes.groups import FakeGroupStore
from tests.support.group_bookings import GROUP_FORM
from tests.support.use_case_steps import course_definition


def test_a_currency_change_before_the_groups_checkout_is_saved_ends_the_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ports = fake_ports(Clock(), course=course_definition(capacity=5))
    real_ask = group_booking._ask_for_payment

    def asked_then_switched(*args: Any) -> Any:
        asked = real_ask(*args)  # a GBP checkout open at Stripe for the held group
        course = ports.repository.get_course("c1")
        assert course is not None
        usd = course.definition.model_copy(update={"price": Money(amount=20000, currency="usd")})
        ports.repository.put_course("c1", usd, checked=course)  # nothing priced in it yet
        return asked

    monkeypatch.setattr(group_booking, "_ask_for_payment", asked_then_switched)
    with pytest.raises(PriceChanged):
        group_booking.book_places(ports, "c1", GROUP_FORM)

    assert isinstance(ports.groups, FakeGroupStore)
    [group] = ports.groups.groups.values()
    assert group.status is GroupStatus.LAPSED
    assert [s.status for s in ports.payments.sessions.values()] == ["expired"]  # type: ignore[attr-defined]
    course = ports.repository.get_course("c1")
    assert course is not None
    assert (course.definition.price.currency, course.seats_taken) == ("usd", 0)
