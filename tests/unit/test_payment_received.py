"""What an organiser says of a payment received outside Stripe (``domain.payment_received``):
read from what was typed or sent, refused in words, checked against today and the day the
invoice was sent, said in words, and its bank reference erased with the payer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.domain.errors import InvalidInput
from booking.domain.payment_received import (
    PaymentReceived,
    ReceivedHow,
    received_from,
    received_words,
    refuse_unless_in_time,
)

# 23:30 UTC on 31 May 2027 is already 1 June in London (BST).
LATE_EVENING = datetime(2027, 5, 31, 23, 30, tzinfo=UTC)
ZONE = "Europe/London"


def test_blank_fields_are_not_said_and_the_rest_are_read_as_typed() -> None:
    read = received_from({"received_on": " 2027-03-01 ", "method": "", "reference": " AB 12 "})
    assert read == PaymentReceived(received_on=date(2027, 3, 1), reference="AB 12")
    assert not received_from({"received_on": "", "method": None}).given


def test_every_field_that_needs_attention_is_named_in_words() -> None:
    with pytest.raises(InvalidInput) as refused:
        received_from({"received_on": "1/3/27", "method": "card", "reference": "A\nB"})
    assert refused.value.fields == {
        "received_on": "give the day it arrived as a date, like 2027-03-01",
        "method": "choose bank transfer, cheque, cash or another way",
        "reference": "write this on one line, without line breaks or tabs",
    }
    with pytest.raises(InvalidInput) as long:
        received_from({"reference": "R" * 61})
    assert long.value.fields == {"reference": "give the bank's reference in 60 characters or fewer"}


@pytest.mark.parametrize(
    "given", [0, 1796083200, "2027-03-01T00:00:00", "2027-03-01T00:00:00Z", "20270301", "2027-3-1"]
)
def test_a_day_is_taken_only_as_year_month_day(given: object) -> None:
    """Pydantic read a number as seconds since 1970 (0: 1 January 1970) and a
    date and time at midnight as its day; the API documents YYYY-MM-DD alone."""
    with pytest.raises(InvalidInput) as refused:
        received_from({"received_on": given})
    assert refused.value.fields == {
        "received_on": "give the day it arrived as a date, like 2027-03-01"
    }


def _checked_late_on_31_may(received_on: date) -> None:
    """``received_on`` checked late in the evening of 31 May 2027 (UTC) for an invoice sent on
    the morning of 20 May."""
    sent = datetime(2027, 5, 20, 9, 0, tzinfo=UTC)
    refuse_unless_in_time(
        PaymentReceived(received_on=received_on), now=LATE_EVENING, sent_at=sent, timezone=ZONE
    )


def test_the_day_is_neither_after_today_nor_before_the_invoice_was_sent_in_uk_days() -> None:
    for day in (date(2027, 5, 20), date(2027, 6, 1)):  # the day sent; today in London
        _checked_late_on_31_may(day)
    with pytest.raises(InvalidInput) as future:
        _checked_late_on_31_may(date(2027, 6, 2))
    assert future.value.fields == {"received_on": "the day it arrived cannot be in the future"}
    with pytest.raises(InvalidInput) as early:
        _checked_late_on_31_may(date(2027, 5, 19))
    assert (
        "before the invoice was sent, on Thursday 20 May 2027" in early.value.fields["received_on"]
    )


def test_it_is_said_in_words_and_its_reference_erased_alone() -> None:
    received = PaymentReceived(
        received_on=date(2027, 3, 1), method=ReceivedHow.BANK_TRANSFER, reference="ACME 42"
    )
    assert received_words(received) == (
        "received by bank transfer on Monday 1 March 2027, bank's reference ACME 42"
    )
    assert received_words(received.without_reference()) == (
        "received by bank transfer on Monday 1 March 2027"
    )
    assert received_words(PaymentReceived(method=ReceivedHow.CASH)) == "received in cash"
    assert received_words(PaymentReceived()) == ""
    assert received_words(None) == ""
