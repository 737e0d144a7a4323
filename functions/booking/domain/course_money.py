"""A course's money, counted one way for every reader: the ``/admin`` totals (pence, for
scripts), the console's money and programme pages and the CLI (in pounds, through
:func:`money_figures`). Pure: applications and the course's price in, figures out.

Paid in is every payment recorded, by any application (a payment later refunded, or kept by
a cancelled booking, was still paid in); refunded is every refund; disputed is what payers'
banks took back in disputes and did not give back (Stripe's balance counts it so); net is
paid in less refunded and disputed.
Price, codes, bursaries and due count the bookings only (confirmed, or awaiting an invoice's
payment): what places sold for. Invoiced and unpaid is what open invoices still ask for.

A manager's group booking (``domain.groups``) is money of the course too: its payment (and any
payment it gave back whole) is paid in, its places' refunded shares and what it gave back are
refunded, an open group invoice is invoiced and unpaid, and its places kept, at the group's
price, are places booked and due (a group paid for, or invoiced). A colleague filling one of
its places is a booking with no money of its own: the group's line has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from booking.domain.application import Application, ApplicationStatus
from booking.domain.disputes import dispute_fees, disputed_total
from booking.domain.employer_share import owed_by_hand_words
from booking.domain.given_back import given_back_total
from booking.domain.group_figures import group_figures
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.money import Money, money_words
from booking.domain.refund_failed import failed_and_held
from booking.domain.transfer_record import waived_on_this_cohort
from booking.domain.wording import places_words

S = ApplicationStatus
# Statuses whose price counts in a course's money: booked, or being paid for by invoice.
BOOKED = frozenset({S.CONFIRMED, S.AWAITING_INVOICE_PAYMENT})
# A group's statuses whose places count as booked: paid for, or being paid for by invoice.
GROUP_BOOKED = frozenset({GroupStatus.PAID, GroupStatus.AWAITING_INVOICE_PAYMENT})


def paid_by_group_words(organisation: str) -> str:
    """What a colleague's place says where its money would be: the group paid for it."""
    if not organisation:
        return "Paid by the group booking"
    return f"Paid by the group booking ({organisation})"


def paid_by_group(application: Application, organisations: dict[str, str]) -> str:
    """ "Paid by the group booking (St Elsewhere)" for a colleague filling a group's place
    (their own payment is none: the group paid), "" for anyone else; ``organisations``: each
    group booking's id and the organisation its manager booked for."""
    ref = application.group_place
    return paid_by_group_words(organisations.get(ref.group_id, "")) if ref else ""


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
    due: int  # price less bursary, less discount, less a transfer's waived difference
    paid: int
    refunded: int
    invoiced_unpaid: int  # what an open invoice still asks for
    funded_in_full: bool
    # A colleague's place in this group booking: its price and payment are the group's line.
    group_id: str = ""
    # What a move to this cohort left unpaid, below Stripe's minimum charge (domain.transfers).
    waived: int = 0
    # What it still holds after its refund failed at Stripe, to give back by hand
    # (``domain.refund_failed``; 0: not so).
    refund_failed_held: int = 0
    # Of paid: received outside Stripe (its invoice marked paid: a bank transfer, a cheque).
    paid_off_stripe: int = 0
    given_back_by_hand: int = 0  # of refunded: that money given back by hand (domain.given_back)
    # Taken back by the payer's bank in a dispute, and not reinstated (``domain.disputes``).
    disputed: int = 0
    dispute_fees: int = 0  # Stripe's fees for those disputes (kept whatever the outcome)

    @property
    def booked(self) -> bool:
        return self.status in BOOKED

    @property
    def refund_failed(self) -> bool:
        return self.refund_failed_held > 0


def place_money(application: Application, course_price: Money) -> PlaceMoney:
    if application.group_place is not None:
        # The group paid its price (the group's line counts it, once); the place itself is a
        # booking with nothing to pay, no discount and no bursary.
        return PlaceMoney(
            application_id=application.application_id,
            reference=application.reference_or_id,
            status=application.status,
            price=application.price_or(course_price).amount,
            discount_code="",
            discount=0,
            bursary=0,
            due=0,
            paid=application.money_received,
            refunded=application.money_returned,
            invoiced_unpaid=0,
            funded_in_full=False,
            group_id=application.group_place.group_id,
        )
    price = application.price_or(course_price)
    before_waiver = application.amount_due(course_price)
    waived = waived_on_this_cohort(application.transfers)
    due = before_waiver - waived
    after_bursary = max(price.amount - application.bursary, 0)
    awaiting_invoice = application.status is S.AWAITING_INVOICE_PAYMENT
    return PlaceMoney(
        application_id=application.application_id,
        reference=application.reference_or_id,
        status=application.status,
        price=price.amount,
        discount_code=application.discount.code if application.discount else "",
        discount=after_bursary - before_waiver,
        bursary=application.bursary_covering(course_price),
        due=due,
        paid=application.money_received,
        refunded=application.money_returned,
        invoiced_unpaid=due if awaiting_invoice else 0,
        funded_in_full=application.fully_funded(course_price),
        waived=waived,
        refund_failed_held=failed_and_held(application),
        paid_off_stripe=_received_off_stripe(application.amount_paid, application.payment_intent),
        given_back_by_hand=given_back_total(application.given_back),
        disputed=application.money_disputed,
        dispute_fees=dispute_fees(application.disputes),
    )


def _received_off_stripe(paid: int, payment_intent: str | None) -> int:
    """What a booking's or a group's own payment brought outside Stripe: paid, through no
    payment at Stripe (its invoice marked paid out of band: a bank transfer, a cheque)."""
    return paid if paid > 0 and not payment_intent else 0


@dataclass(frozen=True)
class GroupMoney:
    """One manager's group booking's money, in minor units."""

    group_id: str
    organisation: str  # the manager's organisation, as they gave it
    status: GroupStatus
    places: int  # the places it holds (not given back; none once it ended: ``group_figures``)
    price: int  # those places at the group's price, while booked (paid, or invoiced)
    paid: int  # its payment, and any payment it gave back whole
    refunded: int  # its places' refunded shares, and what it gave back
    invoiced_unpaid: int  # what its open invoice still asks for
    places_booked: int = 0  # every place it was booked with (0: as many as it holds)
    # Paid outside Stripe: the places given up's shares, owed back by hand (``employer_share``).
    owed_by_hand_said: str = ""
    paid_off_stripe: int = 0  # of paid: received outside Stripe
    given_back_by_hand: int = 0  # of refunded: that money given back by hand
    # Taken back by the payer's bank in disputes of its payment, and Stripe's fees for them.
    disputed: int = 0
    dispute_fees: int = 0

    @property
    def booked(self) -> bool:
        return self.status in GROUP_BOOKED

    @property
    def said(self) -> str:
        """ "Group booking: 3 places (St Elsewhere)": the line as a person reads it; one that
        no longer holds every place it was booked with says how many it keeps ("1 of 3
        places kept"), an ended one none."""
        booked = max(self.places_booked, self.places)
        if booked == self.places:
            return f"Group booking: {places_words(self.places)} ({self.organisation})"
        kept = f"{self.places} of {places_words(booked)} kept"
        return f"Group booking: {kept} ({self.organisation})"


def group_money(group: GroupBooking) -> GroupMoney:
    figures = group_figures(group)
    kept = figures.places_kept
    booked = group.status in GROUP_BOOKED
    awaiting_invoice = group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
    return GroupMoney(
        group_id=group.group_id,
        organisation=group.organisation,
        status=group.status,
        places=kept,
        price=group.price.amount * kept if booked else 0,
        paid=figures.amount_paid,
        refunded=figures.amount_refunded,
        invoiced_unpaid=group.total.amount if awaiting_invoice else 0,
        places_booked=figures.places_booked,
        owed_by_hand_said=owed_by_hand_words(group),
        paid_off_stripe=_received_off_stripe(group.amount_paid, group.payment_intent),
        given_back_by_hand=given_back_total(group.returned_by_hand),
        disputed=disputed_total(group.disputes),
        dispute_fees=dispute_fees(group.disputes),
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
    group_places: int = 0  # places managers' groups booked (paid, or invoiced) and kept
    waived: int = 0  # differences moves left unpaid, below Stripe's minimum charge
    # What refunds that failed at Stripe left held: in net, yet owed back by hand.
    refunds_failed: int = 0
    # Of paid: received outside Stripe (finance reconciles it with the bank, not Stripe's
    # payouts; none of it can be refunded from here).
    paid_off_stripe: int = 0
    given_back_by_hand: int = 0  # of refunded: money paid outside Stripe given back by hand
    # Taken back by payers' banks in disputes and not reinstated: out of net, as at Stripe.
    disputed: int = 0
    # Stripe's fee for each dispute (£20 in the UK, kept whatever the outcome): out of net, as
    # at Stripe, and apart from refunds (no money went back to anyone).
    dispute_fees: int = 0
    lines: tuple[PlaceMoney, ...] = ()
    group_lines: tuple[GroupMoney, ...] = ()  # each group that was booked or moved money

    @property
    def net(self) -> int:
        return self.paid - self.refunded - self.disputed - self.dispute_fees

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
            "group_places": self.group_places,
            "waived": self.waived,
            "refunds_failed": self.refunds_failed,
            "paid_off_stripe": self.paid_off_stripe,
            "given_back_by_hand": self.given_back_by_hand,
            "disputed": self.disputed,
            "dispute_fees": self.dispute_fees,
        }


def course_money(
    applications: list[Application],
    course_price: Money,
    groups: list[GroupBooking] | tuple[GroupBooking, ...] = (),
) -> CourseMoney:
    """Every application's and every group booking's money added up; the lines oldest first,
    each one that was booked or moved money (one that never did is no line of the accounts)."""
    ordered = sorted(applications, key=lambda a: (a.created_at, a.application_id))
    places = [place_money(a, course_price) for a in ordered]
    by_age = sorted(groups, key=lambda g: (g.created_at, g.group_id))
    group_lines = [group_money(g) for g in by_age]
    from_places, from_groups = _places_figures(places), _groups_figures(group_lines)
    return CourseMoney(
        currency=course_price.currency,
        **{name: from_places.get(name, 0) + from_groups.get(name, 0) for name in ADDED_UP},
        lines=tuple(p for p in places if p.booked or p.paid or p.refunded or p.disputed),
        group_lines=tuple(g for g in group_lines if g.booked or g.paid or g.refunded or g.disputed),
    )


def _places_figures(places: list[PlaceMoney]) -> dict[str, int]:
    """The applications' part of the figures: what each booking's place sold for, and every
    payment and refund of any application."""
    booked = [p for p in places if p.booked]
    return {
        "confirmed": sum(p.status is S.CONFIRMED for p in booked),
        "awaiting_invoice_payment": sum(p.status is S.AWAITING_INVOICE_PAYMENT for p in booked),
        # A colleague's place is counted in its group's price (the group paid for it).
        "price": sum(p.price for p in booked if not p.group_id),
        "discounts": sum(p.discount for p in booked),
        "bursaries": sum(p.bursary for p in booked),
        "due": sum(p.due for p in booked),
        "paid": sum(p.paid for p in places),
        "refunded": sum(p.refunded for p in places),
        "invoiced_unpaid": sum(p.invoiced_unpaid for p in booked),
        "funded_places": sum(p.funded_in_full for p in booked),
        "waived": sum(p.waived for p in booked),
        "refunds_failed": sum(p.refund_failed_held for p in places),
        "paid_off_stripe": sum(p.paid_off_stripe for p in places),
        "given_back_by_hand": sum(p.given_back_by_hand for p in places),
        "disputed": sum(p.disputed for p in places),
        "dispute_fees": sum(p.dispute_fees for p in places),
    }


def _groups_figures(group_lines: list[GroupMoney]) -> dict[str, int]:
    """The groups' part: a group pays its places' price whole (no code or bursary takes
    anything off), and every payment and refund of any group counts."""
    booked = [g for g in group_lines if g.booked]
    return {
        "price": sum(g.price for g in booked),
        "due": sum(g.price for g in booked),
        "paid": sum(g.paid for g in group_lines),
        "refunded": sum(g.refunded for g in group_lines),
        "invoiced_unpaid": sum(g.invoiced_unpaid for g in group_lines),
        "group_places": sum(g.places for g in booked),
        "paid_off_stripe": sum(g.paid_off_stripe for g in group_lines),
        "given_back_by_hand": sum(g.given_back_by_hand for g in group_lines),
        "disputed": sum(g.disputed for g in group_lines),
        "dispute_fees": sum(g.dispute_fees for g in group_lines),
    }


# The figures that add up, across applications and groups and across a programme's cohorts.
ADDED_UP = (
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
    "group_places",
    "waived",
    "refunds_failed",
    "paid_off_stripe",
    "given_back_by_hand",
    "disputed",
    "dispute_fees",
)


def added_up(moneys: list[CourseMoney], currency: str) -> CourseMoney:
    """Several courses' money as one (a programme's cohorts): those in ``currency`` only."""
    same = [m for m in moneys if m.currency == currency]
    figures = {name: sum(getattr(m, name) for m in same) for name in ADDED_UP}
    return CourseMoney(currency=currency, **figures)


class NamedFigure(NamedTuple):
    """A figure as a person reads it: its key, its name, and whether it is left out at nought."""

    key: str
    name: str
    # Some figures are only ever news: a row "Waived on moves ... £0.00" says nothing an
    # organiser needs, and reads as if something were waived.
    only_when_any: bool = False


# What each figure is called wherever a person reads it (the console's pages, the CLI).
FIGURE_NAMES = (
    NamedFigure("paid", "Paid in"),
    NamedFigure(
        "paid_off_stripe",
        "Of which received outside Stripe (a bank transfer or cheque recorded)",
        only_when_any=True,
    ),
    NamedFigure("refunded", "Refunded"),
    NamedFigure(
        "given_back_by_hand",
        "Of which given back by hand (money received outside Stripe)",
        only_when_any=True,
    ),
    NamedFigure("disputed", "Taken back by payers' banks (disputes)", only_when_any=True),
    NamedFigure(
        "dispute_fees", "Stripe's dispute fees (kept whatever the outcome)", only_when_any=True
    ),
    NamedFigure("net", "Net (paid in less refunded)"),
    NamedFigure(
        "refunds_failed",
        "Of which refunds failed at Stripe, still to give back by hand",
        only_when_any=True,
    ),
    NamedFigure("invoiced_unpaid", "Invoiced, not yet paid"),
    NamedFigure("bursaries", "Bursaries"),
    NamedFigure("discounts", "Discount codes"),
    NamedFigure("waived", "Waived on moves (below Stripe's minimum charge)", only_when_any=True),
    NamedFigure("price", "Places booked, at their price"),
    NamedFigure("due", "Due for those places"),
)


def money_figures(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The money as people read it, each figure named and in pounds (``£200.00``), from the
    figures in minor units (:meth:`CourseMoney.in_minor_units`, or the ``/admin`` answer)."""
    currency = str(figures["currency"])
    disputed = int(figures.get("disputed", 0)) or int(figures.get("dispute_fees", 0))
    return [
        (
            NET_OF_DISPUTES if figure.key == "net" and disputed else figure.name,
            money_words(int(figures.get(figure.key, 0)), currency),
        )
        for figure in FIGURE_NAMES
        if not figure.only_when_any or int(figures.get(figure.key, 0))
    ]


# Net's name when payers' banks took money back (only then is it news).
NET_OF_DISPUTES = "Net (paid in less refunded, disputed and dispute fees)"


def bookings_said(figures: dict[str, Any]) -> str:
    """ "3 confirmed, 1 awaiting payment of an invoice (1 funded in full)": the bookings counted,
    and the places managers booked for their colleagues when there are any."""
    # A count at nought is left out ("0 awaiting invoice payment" reads as something to do).
    said = f"{figures['confirmed']} confirmed"
    awaiting = int(figures["awaiting_invoice_payment"])
    if awaiting:
        said += f", {awaiting} awaiting payment of an invoice"
    funded = int(figures["funded_places"])
    if funded:
        said += f" ({funded} funded in full)"
    group_places = int(figures.get("group_places", 0))
    if group_places:
        said += f"; {places_words(group_places)} booked by managers for their colleagues"
    return said
