"""The money as organisers read it (the console's money page, the CLI): a count or a figure at
nought that only ever is news is left out, not said as "0 awaiting invoice payment" or
"Waived on moves ... £0.00", which read as something to do or something given away."""

from __future__ import annotations

from typing import Any

from booking.domain.course_money import bookings_said, money_figures


def _figures(**changed: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "currency": "gbp",
        "paid": 20000,
        "refunded": 0,
        "net": 20000,
        "invoiced_unpaid": 0,
        "bursaries": 0,
        "discounts": 0,
        "waived": 0,
        "price": 20000,
        "due": 20000,
        "confirmed": 1,
        "awaiting_invoice_payment": 0,
        "funded_places": 0,
    }
    return figures | changed


def test_nought_awaiting_or_funded_is_not_said() -> None:
    assert bookings_said(_figures()) == "1 confirmed"
    assert bookings_said(_figures(awaiting_invoice_payment=2, funded_places=1)) == (
        "1 confirmed, 2 awaiting payment of an invoice (1 funded in full)"
    )


def test_nothing_waived_is_no_row_and_something_waived_is_one() -> None:
    names = [name for name, _ in money_figures(_figures())]
    assert not any(name.startswith("Waived") for name in names)
    assert "Refunded" in names  # a figure people look for is said at nought too
    waived = dict(money_figures(_figures(waived=20)))
    assert waived["Waived on moves (below Stripe's minimum charge)"] == "£0.20"
