"""A course's money, counted one way for every reader: the ``/admin`` totals (pence, for
scripts), the console's money and programme pages and the CLI (in pounds, through
:func:`money_figures`). Pure: applications and the course's price in, figures out.

Paid in is every payment recorded, by any application (a payment later refunded, or kept by
a cancelled booking, was still paid in); refunded is every refund; net is paid in less
refunded.
Price, codes, bursaries and due count the bookings only (confirmed, or awaiting an invoice's
payment): what places sold for. Invoiced and unpaid is what open invoices still ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from booking.domain.application import Application, ApplicationStatus
from booking.domain.money import Money, money_words

S = ApplicationStatus
# Statuses whose price counts in a course's money: booked, or being paid for by invoice.
BOOKED = frozenset({S.CONFIRMED, S.AWAITING_INVOICE_PAYMENT})


@dataclass(frozen=True)
class PlaceMoney:
    """One application's money, in minor units."""

    application_id: str
    reference: str
    status: ApplicationStatus
    price: int  # what the place cost when applied for
    discount_code: str
    discount: int  # what the code took off (after the bursary)
    bursary: int  # what a fund pays of the price
    due: int  # price less bursary, less discount
    paid: int
    refunded: int
    invoiced_unpaid: int  # what an open invoice still asks for
    funded_in_full: bool

    @property
    def booked(self) -> bool:
        return self.status in BOOKED


def place_money(application: Application, course_price: Money) -> PlaceMoney:
    price = application.price_or(course_price)
    due = application.amount_due(course_price)
    after_bursary = max(price.amount - application.bursary, 0)
    awaiting_invoice = application.status is S.AWAITING_INVOICE_PAYMENT
    return PlaceMoney(
        application_id=application.application_id,
        reference=application.reference or application.application_id,
        status=application.status,
        price=price.amount,
        discount_code=application.discount.code if application.discount else "",
        discount=after_bursary - due,
        bursary=min(application.bursary, price.amount),
        due=due,
        paid=application.money_received,
        refunded=application.money_returned,
        invoiced_unpaid=due if awaiting_invoice else 0,
        funded_in_full=application.fully_funded(course_price),
    )


@dataclass(frozen=True)
class CourseMoney:
    """A course's money at a glance, with the line of every application that has any."""

    currency: str
    confirmed: int = 0
    awaiting_invoice_payment: int = 0
    price: int = 0
    discounts: int = 0
    bursaries: int = 0
    due: int = 0
    paid: int = 0
    refunded: int = 0
    invoiced_unpaid: int = 0
    funded_places: int = 0
    lines: tuple[PlaceMoney, ...] = ()

    @property
    def net(self) -> int:
        return self.paid - self.refunded

    def in_minor_units(self) -> dict[str, Any]:
        """The figures as the ``/admin`` API gives them (``MoneyTotalsOut``): pence."""
        return {
            "currency": self.currency,
            "confirmed": self.confirmed,
            "awaiting_invoice_payment": self.awaiting_invoice_payment,
            "price": self.price,
            "discounts": self.discounts,
            "bursaries": self.bursaries,
            "due": self.due,
            "paid": self.paid,
            "refunded": self.refunded,
            "net": self.net,
            "invoiced_unpaid": self.invoiced_unpaid,
            "funded_places": self.funded_places,
        }


def course_money(applications: list[Application], course_price: Money) -> CourseMoney:
    """Every application's money added up; the lines oldest application first, each one that
    was booked or moved money (an application that never did is no line of the accounts)."""
    ordered = sorted(applications, key=lambda a: (a.created_at, a.application_id))
    places = [place_money(a, course_price) for a in ordered]
    booked = [p for p in places if p.booked]
    return CourseMoney(
        currency=course_price.currency,
        confirmed=sum(p.status is S.CONFIRMED for p in booked),
        awaiting_invoice_payment=sum(p.status is S.AWAITING_INVOICE_PAYMENT for p in booked),
        price=sum(p.price for p in booked),
        discounts=sum(p.discount for p in booked),
        bursaries=sum(p.bursary for p in booked),
        due=sum(p.due for p in booked),
        paid=sum(p.paid for p in places),
        refunded=sum(p.refunded for p in places),
        invoiced_unpaid=sum(p.invoiced_unpaid for p in booked),
        funded_places=sum(p.funded_in_full for p in booked),
        lines=tuple(p for p in places if p.booked or p.paid or p.refunded),
    )


def added_up(moneys: list[CourseMoney], currency: str) -> CourseMoney:
    """Several courses' money as one (a programme's cohorts): those in ``currency`` only."""
    same = [m for m in moneys if m.currency == currency]
    figures = {
        name: sum(getattr(m, name) for m in same)
        for name in (
            "confirmed",
            "awaiting_invoice_payment",
            "price",
            "discounts",
            "bursaries",
            "due",
            "paid",
            "refunded",
            "invoiced_unpaid",
            "funded_places",
        )
    }
    return CourseMoney(currency=currency, **figures)


# What each figure is called wherever a person reads it (the console's pages, the CLI).
FIGURE_NAMES = (
    ("paid", "Paid in"),
    ("refunded", "Refunded"),
    ("net", "Net (paid in less refunded)"),
    ("invoiced_unpaid", "Invoiced, not yet paid"),
    ("bursaries", "Bursaries"),
    ("discounts", "Discount codes"),
    ("price", "Places booked, at their price"),
    ("due", "Due for those places"),
)


def money_figures(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The money as people read it, each figure named and in pounds (``£200.00``), from the
    figures in minor units (:meth:`CourseMoney.in_minor_units`, or the ``/admin`` answer)."""
    currency = str(figures["currency"])
    return [(name, money_words(int(figures[key]), currency)) for key, name in FIGURE_NAMES]


def bookings_said(figures: dict[str, Any]) -> str:
    """ "3 confirmed, 1 awaiting invoice payment (1 funded in full)": the bookings counted."""
    return (
        f"{figures['confirmed']} confirmed, {figures['awaiting_invoice_payment']} awaiting "
        f"invoice payment ({figures['funded_places']} funded in full)"
    )
