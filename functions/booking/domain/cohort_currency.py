"""A cohort whose bookings involve money keeps its currency.

Everything a cohort's money says (its totals, a refund, a move's difference in price, an open
checkout's or invoice's amount) is counted in the cohort's currency. So once any booking holds
or will be asked for an amount in it, the currency stays: a booking paid, a checkout open at
Stripe that the booking still waits on, an invoice issued and unpaid, a bursary granted or a
discount code applied to a booking still standing, and any other booking or application still
standing (``domain.statuses.STANDING``: under review, waiting, offered, lapsed but payable
again) priced in it; a booking of another cohort moving in (its dearer move's difference
asked, or waiting on this cohort's list); a manager's group booking paid, or with its checkout
or invoice open; and a discount code taking a fixed amount off in it that a new application
may still give. One rule for the organiser API and the console (``services.courses``). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import DiscountCode, InvoiceRef
from booking.domain.group_place import GroupStatus
from booking.domain.payment_record import CheckoutRef
from booking.domain.statuses import STANDING
from booking.domain.wording import places_words

if TYPE_CHECKING:
    # Read only by the organisers' check: every save (the mailer's too) asks ``newly_priced``.
    from booking.domain.groups import GroupBooking

# The live count's view of time (``Course.priced``): the course item's count moves only with
# saves, so what it counts is what a stored booking says without asking the clock. A checkout
# that lapses by time alone (an ended application's, a group's) is left to the roster's read.
_NO_CHECKOUT_OPEN = datetime.max.replace(tzinfo=UTC)
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
PRICED = ("application or booking priced", "applications or bookings priced")
MOVING_IN = ("move into it waiting", "moves into it waiting")
# A booking whose every payment came back: it holds nothing now, but its payment and refund
# are recorded (and counted on the money page) in the currency.
REFUNDED = ("booking refunded", "bookings refunded")
# A manager's group booking: one payment for its places, said with them ("1 paid
# booking" read as one place).
GROUP_PAID = ("group booking paid", "group bookings paid")
GROUP_REFUNDED = ("group booking refunded", "group bookings refunded")
_OF_GROUPS = (GROUP_PAID, GROUP_REFUNDED)


def _open(checkout: CheckoutRef | None, now: datetime) -> bool:
    return checkout is not None and checkout.expires_at > now


def _unpaid(invoice: InvoiceRef | None) -> bool:
    return invoice is not None and invoice.status in _UNPAID


def money_held(
    application: Application, now: datetime, currency: str | None = None
) -> tuple[str, str] | None:
    """What ``application`` holds in its cohort's ``currency`` (one of the kinds above), if
    any; a standing price given in another currency (``currency`` named) holds nothing in it."""
    paid = _paid(application.money_received, application.money_returned, PAID, REFUNDED)
    if paid is not None:
        return paid
    if application.has_open_checkout(now):
        return CHECKOUT  # the booking still waits on it (holding its seat), not once it ended
    if _unpaid(application.invoice):
        return INVOICE
    if application.status not in STANDING:
        return None  # ended: a bursary or a code on it no longer stands for any money
    if application.bursary > 0:
        return BURSARY
    if application.discount is not None:
        return DISCOUNT
    price = application.price
    if currency is not None and price is not None and price.currency != currency:
        return None
    return PRICED  # its price stands, and it will be (or was) asked for it in that currency


def _paid(
    received: int, returned: int, paid: tuple[str, str], refunded: tuple[str, str]
) -> tuple[str, str] | None:
    """``paid`` while some of what was received is held, ``refunded`` once all of it came
    back; None when nothing was received (a payment Stripe holds no trace of took nothing)."""
    if received > returned:
        return paid
    return refunded if received > 0 else None


def group_money_held(group: GroupBooking, now: datetime) -> tuple[str, str] | None:
    """What a manager's group booking holds in its cohort's currency, if any."""
    paid = _paid(group.money_received, group.money_returned, GROUP_PAID, GROUP_REFUNDED)
    if paid is not None:
        return paid
    if group.status is GroupStatus.AWAITING_PAYMENT and _open(group.checkout, now):
        return CHECKOUT
    return INVOICE if _unpaid(group.invoice) else None


def code_held(code: DiscountCode, currency: str, now: datetime) -> bool:
    """Whether ``code`` takes a fixed amount off in ``currency`` that a new application may
    still give (active, not spent or expired): it cannot be given in another currency."""
    return code.amount_off is not None and code.refusal(now, currency) is None


def newly_priced(previous: Application | None, stored: Application) -> dict[str, str]:
    """The cohorts whose live count (``Course.priced``) counts ``stored`` and did not count
    ``previous`` (course id -> the currency it is priced in there): its own cohort, once it
    holds money or a standing price there (a submission, a payment started again, a move
    made), and a cohort its move newly waits for. The save holds only while each is still
    priced in that currency, and raises each one's count by one; a currency change is written
    only while its cohort's count is 0 (``CourseStore.put_course``'s ``checked``): the check
    and the save are one decision, whichever comes first, however late the roster's index
    lists the save. A save that changes only what is already counted (a
    payment, an invoice, a bursary on a standing booking) names nothing."""
    before = counted_in(previous) if previous is not None else {}
    after = counted_in(stored)
    return {course: cur for course, cur in after.items() if before.get(course) != cur}


def no_longer_priced(previous: Application | None, stored: Application) -> frozenset[str]:
    """The cohorts whose live count counted ``previous`` and does not count ``stored`` (a
    booking refunded whole, an application ended unpaid, a move made or given up): the save
    lowers each one's count by one, in its own transaction. A cohort it is counted in again
    in another currency is in :func:`newly_priced` too (its count stays, under its
    condition)."""
    before = counted_in(previous) if previous is not None else {}
    after = counted_in(stored)
    return frozenset(course for course, cur in before.items() if after.get(course) != cur)


def group_counted(group: GroupBooking | None) -> bool:
    """Whether the live count counts a manager's group booking: :func:`group_money_held`
    without the clock (its checkout counts while it is awaited: its lapse is a save)."""
    if group is None:
        return False
    if _paid(group.money_received, group.money_returned, GROUP_PAID, GROUP_REFUNDED) is GROUP_PAID:
        return True
    awaited = group.status is GroupStatus.AWAITING_PAYMENT and group.checkout is not None
    return awaited or _unpaid(group.invoice)


def group_newly_priced(previous: GroupBooking | None, stored: GroupBooking) -> str | None:
    """The currency a manager's group booking's save newly holds money in on its cohort (paid,
    its checkout or invoice open, and not before), else None: held to the same rule as
    :func:`newly_priced`."""
    if not group_counted(stored) or group_counted(previous):
        return None
    return stored.price.currency


def group_no_longer_priced(previous: GroupBooking | None, stored: GroupBooking) -> bool:
    """Whether a manager's group booking's save stops it counting on its cohort (refunded
    whole, lapsed unpaid): held to the same rule as :func:`no_longer_priced`."""
    return group_counted(previous) and not group_counted(stored)


def code_newly_priced(code: DiscountCode) -> str | None:
    """The currency a new discount code takes a fixed amount off in (:func:`code_held`), else
    None: its creation is held to the same rule as :func:`newly_priced`."""
    return code.currency if code.amount_off is not None else None


def counted_in(application: Application) -> dict[str, str]:
    """The cohorts whose live count (``Course.priced``) counts ``application`` (course id ->
    the currency it is priced in there), from its stored state alone."""
    if application.price is None:
        return {}  # stored before prices were kept: priced as its cohort is
    currency = application.price.currency  # a move keeps it (it is refused between currencies)
    counted: dict[str, str] = {}
    if money_held(application, _NO_CHECKOUT_OPEN, currency) not in (None, REFUNDED):
        # A booking whose money all came back prices nothing that stands: a late payment
        # given back on a cohort whose currency changed since is saved (settle's refusal).
        counted[application.course_id] = currency
    if application.status is ApplicationStatus.CONFIRMED:
        for move in (application.waiting_move, application.pending_move):
            if move is not None:
                counted[move.to_course_id] = currency
    return counted


def _counted(held: Iterable[tuple[tuple[str, str] | None, int]]) -> list[str]:
    """Each kind held, counted in words; a group booking's with its places ("1 group booking
    paid (2 places)"). ``held``: each booking's kind (None: nothing) and its places."""
    counts: dict[tuple[str, str], list[int]] = {}
    for kind, places in held:
        if kind is not None:
            count = counts.setdefault(kind, [0, 0])
            count[0] += 1
            count[1] += places
    said = []
    for kind, (n, places) in counts.items():
        words = f"{n} {kind[0] if n == 1 else kind[1]}"
        said.append(f"{words} ({places_words(places)})" if kind in _OF_GROUPS else words)
    return said


def currency_change_refusal(
    was: str,
    to: str,
    applications: Iterable[Application],
    groups: Iterable[GroupBooking],
    now: datetime,
    *,
    moving_in: Iterable[Application] = (),
    codes: Iterable[DiscountCode] = (),
    counted: int = 0,
) -> tuple[str, str] | None:
    """Why a cohort priced in ``was`` may not be saved priced in ``to`` (the message, and the
    reason beside ``price``), or None when it may: nothing it holds is in ``was``.
    ``moving_in``: the bookings of other cohorts whose move into this one waits (on its
    difference, or on this cohort's waiting list); ``codes``: the cohort's discount codes;
    ``counted``: the course item's live count (``Course.priced``), which decides when the
    roster (listed through an index that may lag a save) shows nothing."""
    if was == to:
        return None
    said = _counted(
        [(money_held(a, now, was), 1) for a in applications]
        + [(group_money_held(g, now), g.places_kept or len(g.places)) for g in groups]
        + [(MOVING_IN, 1) for _ in moving_in]
    )
    if not said and counted > 0:
        kind = PRICED[0] if counted == 1 else PRICED[1]
        said = [f"{counted} {kind} as its saves counted (the roster may list it a moment later)"]
    named = sorted(code.code for code in codes if code_held(code, was, now))
    if named:
        plural = "s" if len(named) > 1 else ""
        said.append(f"the discount code{plural} {', '.join(named)} taking an amount off")
    if not said:
        return None
    old, new = was.upper(), to.upper()
    listed = ", ".join(said[:-1]) + f" and {said[-1]}" if len(said) > 1 else said[0]
    expire = (
        f" (a code taking an amount off is given in its currency only: expire {', '.join(named)} "
        "before changing it)"
        if named
        else ""
    )
    return (
        f"this cohort has {listed} in {old}, so its prices stay in {old}: what its bookings "
        f"paid or are asked to pay is counted in it. Keep the currency, or make a new cohort "
        f"priced in {new}{expire}",
        f"keep the currency {old}: this cohort's bookings hold money in it ({listed} in {old})",
    )
