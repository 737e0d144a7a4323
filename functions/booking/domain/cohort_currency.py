"""A cohort whose bookings involve money keeps its currency (hostile13 F15, retest13 N3).

Everything a cohort's money says (its totals, a refund, a move's difference in price, an open
checkout's or invoice's amount) is counted in the cohort's currency. So once any booking holds
an amount in it, the currency stays: a booking paid, a checkout open at Stripe (it may still be
paid, in the old currency), an invoice issued and unpaid, a bursary granted or a discount code
applied to a booking still standing; and a manager's group booking paid, or with its checkout or
invoice open. One rule for the organiser API and the console (``services.courses``). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import InvoiceRef
from booking.domain.group_place import GroupStatus
from booking.domain.groups import GroupBooking
from booking.domain.payment_record import CheckoutRef

S = ApplicationStatus
# Bookings that ended: a bursary or a code on them no longer stands for any money.
_ENDED = frozenset({S.DECLINED, S.EXPIRED, S.CANCELLED, S.REFUNDED})
# An invoice still asking for its amount.
_UNPAID = frozenset({"open", "overdue"})
# What holds money, as the refusal counts it (singular, plural).
PAID, CHECKOUT, INVOICE, BURSARY, DISCOUNT = (
    ("paid booking", "paid bookings"),
    ("checkout open", "checkouts open"),
    ("invoice unpaid", "invoices unpaid"),
    ("bursary granted", "bursaries granted"),
    ("discount code applied", "discount codes applied"),
)


def _open(checkouts: Iterable[CheckoutRef | None], now: datetime) -> bool:
    return any(ref is not None and ref.expires_at > now for ref in checkouts)


def _unpaid(invoice: InvoiceRef | None) -> bool:
    return invoice is not None and invoice.status in _UNPAID


def money_held(application: Application, now: datetime) -> tuple[str, str] | None:
    """What ``application`` holds in its cohort's currency (one of the kinds above), if any."""
    if application.charges_paid > 0 or application.payments:
        return PAID
    if _open((application.checkout, *application.checkout_history), now):
        return CHECKOUT
    if _unpaid(application.invoice):
        return INVOICE
    if application.status in _ENDED:
        return None
    if application.bursary > 0:
        return BURSARY
    return DISCOUNT if application.discount is not None else None


def group_money_held(group: GroupBooking, now: datetime) -> tuple[str, str] | None:
    """What a manager's group booking holds in its cohort's currency, if any."""
    if group.amount_paid > 0:
        return PAID
    if group.status is GroupStatus.AWAITING_PAYMENT and _open((group.checkout,), now):
        return CHECKOUT
    return INVOICE if _unpaid(group.invoice) else None


def currency_change_refusal(
    was: str,
    to: str,
    applications: Iterable[Application],
    groups: Iterable[GroupBooking],
    now: datetime,
) -> tuple[str, str] | None:
    """Why a cohort priced in ``was`` may not be saved priced in ``to`` (the message, and the
    reason beside ``price``), or None when it may: nothing it holds is in ``was``."""
    if was == to:
        return None
    held = [money_held(a, now) for a in applications] + [group_money_held(g, now) for g in groups]
    counts: dict[tuple[str, str], int] = {}
    for kind in filter(None, held):
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return None
    old, new = was.upper(), to.upper()
    said = [f"{n} {kind[0] if n == 1 else kind[1]}" for kind, n in counts.items()]
    listed = ", ".join(said[:-1]) + f" and {said[-1]}" if len(said) > 1 else said[0]
    return (
        f"this cohort has {listed} in {old}, so its prices stay in {old}: what its bookings "
        f"paid or were asked to pay is counted in it. Keep the currency, or make a new cohort "
        f"priced in {new}",
        f"keep the currency {old}: this cohort's bookings hold money in it ({listed})",
    )
