"""Who pays and how much: amounts due, discount codes, invoice due dates and invoice events,
without any I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from booking.adapters.bank_holidays import EnglandAndWalesBankHolidays
from booking.domain.application import ALLOWED_TRANSITIONS, Application, ApplicationForm
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import (
    AppliedDiscount,
    BillingDetails,
    DiscountCode,
    DiscountCodeDefinition,
    PaymentMethod,
    amount_due,
    invoice_due,
    invoice_hold_ends,
)
from booking.domain.course import Money
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.invoices import (
    ORGANISERS_VOID,
    InvoiceEvent,
    InvoiceEventKind,
    decide_invoice,
)
from booking.domain.payments import Action, Decision
from tests.support.applications import an_application, an_invoice, application_body
from tests.support.discount_codes import a_discount_code
from tests.support.invoiced import BILLING

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
LONDON = "Europe/London"
NO_HOLIDAYS: frozenset[date] = frozenset()  # weekends only: the rule's shape on its own
ENGLAND = EnglandAndWalesBankHolidays()
PRICE = Money(amount=20000)
HALF = AppliedDiscount(code="HALF", promotion_code_id="promo_1", percent_off=50)
TENNER = AppliedDiscount(code="TEN", promotion_code_id="promo_2", amount_off=1000)


# -- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bursary", "discount", "due"),
    [
        (0, None, 20000),
        (0, HALF, 10000),
        (5000, None, 15000),
        (5000, HALF, 7500),  # the fund's share first, then the code on what is left
        (0, TENNER, 19000),
        (19500, TENNER, 0),  # never below nothing
        (20000, HALF, 0),
        (25000, None, 0),
    ],
)
def test_the_amount_due_is_the_price_less_the_bursary_less_the_code(
    bursary: int, discount: AppliedDiscount | None, due: int
) -> None:
    assert amount_due(PRICE, bursary, discount) == due


def test_a_percentage_rounds_half_a_penny_up() -> None:
    third = AppliedDiscount(code="THIRD", promotion_code_id="p", percent_off=33.5)
    assert third.takes_off(201) == 67  # 67.335 pence
    assert HALF.takes_off(101) == 51  # 50.5 pence


@given(
    price=st.integers(1, 100_000_00),
    bursary=st.integers(0, 100_000_00),
    percent=st.floats(0.01, 100),
)
def test_what_is_due_is_never_negative_nor_more_than_the_price(
    price: int, bursary: int, percent: float
) -> None:
    discount = AppliedDiscount(code="X", promotion_code_id="p", percent_off=percent)
    due = amount_due(Money(amount=price), bursary, discount)
    assert 0 <= due <= price


# -- codes -----------------------------------------------------------------------------------


def discount_code(**changes: object) -> DiscountCode:
    return a_discount_code(
        **{"max_uses": 2, "uses": 0, "expires_at": NOW + timedelta(days=1), **changes}
    )


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({}, None),
        ({"percent_off": None, "amount_off": 1000, "currency": "eur"}, "other_currency"),
        # Spent is said before another currency: after a currency change such a code is
        # nearly always spent, and that is what the applicant should read.
        ({"percent_off": None, "amount_off": 1000, "currency": "eur", "uses": 2}, "spent"),
        ({"percent_off": None, "amount_off": 1000, "currency": "eur", "active": False}, "spent"),
        ({"percent_off": None, "amount_off": 1000, "currency": "eur", "expires_at": NOW}, "spent"),
        ({"uses": 2}, "spent"),
        ({"expires_at": NOW}, "spent"),
        ({"max_uses": None, "expires_at": None, "uses": 99}, None),
    ],
)
def test_a_code_may_be_given_while_it_lasts(
    changes: dict[str, object], refusal: str | None
) -> None:
    assert discount_code(**changes).refusal(NOW, "gbp") == refusal


def test_a_code_given_is_its_coupon_and_what_it_takes_off() -> None:
    applied = discount_code().applied()
    assert (applied.coupon_id, applied.promotion_code_id, applied.percent_off) == (
        "coupon_1",
        "promo_1",
        50,
    )


def test_an_organisers_code_takes_a_percentage_or_an_amount_never_both() -> None:
    assert DiscountCodeDefinition(code="HALF-2027", percent_off=50).percent_off == 50
    for bad in (
        {"code": "HALF"},
        {"code": "HALF", "percent_off": 50, "amount_off": 100},
        {"code": "HALF", "percent_off": 150},
        {"code": "x", "percent_off": 10},
        {"code": "has space", "percent_off": 10},
        {"code": "HALF", "percent_off": 10, "max_uses": 0},
        {"code": "HALF", "percent_off": 10, "expires_at": "2027-06-01T00:00:00"},
    ):
        with pytest.raises(ValidationError):
            DiscountCodeDefinition.model_validate(bad)


# -- invoices --------------------------------------------------------------------------------


def _bst(day: int, month: int = 5) -> datetime:
    """23:59 UK summer time on that day of 2027, the end of a working day."""
    return datetime(2027, month, day, 22, 59, tzinfo=UTC)


def test_an_invoice_falls_due_at_the_end_of_a_working_day_never_too_close_to_the_start() -> None:
    # NOW is Saturday 1 May 2027: 30 days on is Monday 31 May.
    start = NOW + timedelta(days=60)
    assert invoice_due(NOW, 30, start, 7, LONDON, NO_HOLIDAYS) == _bst(31)
    # 29 days on is a Sunday: the Monday after.
    assert invoice_due(NOW, 29, start, 7, LONDON, NO_HOLIDAYS) == _bst(31)
    # Capped a week before a Friday start: that Friday.
    assert invoice_due(NOW, 30, NOW + timedelta(days=20), 7, LONDON, NO_HOLIDAYS) == _bst(14)
    # Capped a week before a Saturday start, and Monday would be too late: the Friday before.
    assert invoice_due(NOW, 30, NOW + timedelta(days=21), 7, LONDON, NO_HOLIDAYS) == _bst(14)
    assert (
        invoice_due(NOW, 30, NOW + timedelta(days=8), 7, LONDON, NO_HOLIDAYS) is None
    )  # too little time


def test_a_due_date_in_winter_is_the_end_of_the_day_in_gmt() -> None:
    autumn = datetime(2027, 10, 20, 9, 0, tzinfo=UTC)  # Wednesday, BST
    start = datetime(2028, 1, 10, 15, 0, tzinfo=UTC)
    # 30 days on is Friday 19 November, after the clocks went back: 23:59 GMT.
    assert invoice_due(autumn, 30, start, 7, LONDON, ENGLAND) == datetime(
        2027, 11, 19, 23, 59, tzinfo=UTC
    )


def test_a_bank_holiday_is_no_due_day_the_next_working_day_is() -> None:
    """T2: 21 days from Friday 4 December 2026 is Christmas Day; Boxing Day falls on the
    Saturday and is kept on Monday 28th: due on Tuesday 29 December. 120 days from Sunday 29
    November 2026 is Easter Monday 2027: due on the Tuesday."""
    december = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    start = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    assert invoice_due(december, 21, start, 7, LONDON, ENGLAND) == datetime(
        2026, 12, 29, 23, 59, tzinfo=UTC
    )
    november = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    start = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)
    assert invoice_due(november, 120, start, 7, LONDON, ENGLAND) == _bst(30, month=3)
    # 30 days from 1 May 2027 is the Spring bank holiday (Monday 31 May): the Tuesday.
    assert invoice_due(NOW, 30, NOW + timedelta(days=60), 7, LONDON, ENGLAND) == _bst(1, 6)


def test_a_bank_holiday_at_the_cap_moves_back_to_the_working_day_before() -> None:
    """The Tuesday after Easter is too late when the course starts a week after Easter
    Monday: the invoice falls due on the Thursday before Good Friday."""
    november = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    start = datetime(2027, 4, 5, 14, 0, tzinfo=UTC)  # Monday, a week after Easter Monday
    thursday = datetime(2027, 3, 25, 23, 59, tzinfo=UTC)  # GMT: the clocks go forward on the 28th
    assert invoice_due(november, 120, start, 7, LONDON, ENGLAND) == thursday


def test_the_place_is_held_until_the_due_day_has_ended() -> None:
    """T2: due on Monday 31 May 2027 (BST) means held until midnight that night; in winter
    the midnight is GMT's."""
    assert invoice_hold_ends(_bst(31), LONDON) == datetime(2027, 5, 31, 23, 0, tzinfo=UTC)
    winter = datetime(2027, 11, 19, 23, 59, tzinfo=UTC)
    assert invoice_hold_ends(winter, LONDON) == datetime(2027, 11, 20, 0, 0, tzinfo=UTC)


def form(**changes: object) -> dict[str, object]:
    return application_body(organisation="St Elsewhere", **changes)


def test_the_form_pays_by_card_unless_it_asks_for_an_invoice_with_a_billing_contact() -> None:
    assert ApplicationForm.model_validate(form()).billing() is None
    assert ApplicationForm.model_validate(form(payment_method="")).payment_method is (
        PaymentMethod.CARD
    )
    invoice = ApplicationForm.model_validate(form(**BILLING))
    billing = invoice.billing()
    assert billing is not None
    assert billing.address_lines() == ["1 Hospital Road", "Leeds LS1 1AA"]
    assert invoice.answers().organisation == "St Elsewhere"
    with pytest.raises(ValidationError):
        ApplicationForm.model_validate(form(payment_method="cheque"))
    with pytest.raises(ValidationError):
        ApplicationForm.model_validate(form(payment_method="invoice")).billing()
    with pytest.raises(ValidationError):
        BillingDetails(
            billing_name="Trust\nInjected",
            billing_email="a@example.org",
            billing_address="x",
        )


def application(status: S = S.AWAITING_INVOICE_PAYMENT, **changes: object) -> Application:
    base = an_application(
        status,
        at=NOW,
        seat_held=status is S.AWAITING_INVOICE_PAYMENT,
        price=PRICE,
        payment_method=PaymentMethod.INVOICE,
        invoice=an_invoice(at=NOW),
    )
    return base.model_copy(update=changes)


def paid(invoice_id: str = "in_1", amount: int = 20000, event_id: str = "evt_1") -> InvoiceEvent:
    return InvoiceEvent(event_id, InvoiceEventKind.PAID, invoice_id, "app1", amount, "gbp")


def ended(kind: InvoiceEventKind, invoice_id: str = "in_1") -> InvoiceEvent:
    return InvoiceEvent("evt_2", kind, invoice_id, "app1")


def test_the_open_invoice_paid_in_full_confirms_and_a_replay_changes_nothing() -> None:
    assert decide_invoice(application(), paid(), NOW).action is Action.CONFIRM
    confirmed = application(S.CONFIRMED, seat_held=True)
    confirmed = confirmed.model_copy(
        update={"invoice": confirmed.invoice.model_copy(update={"status": "paid"})}  # type: ignore[union-attr]
    )
    assert decide_invoice(confirmed, paid(event_id="evt_9"), NOW).action is Action.IGNORE
    assert decide_invoice(application(recent_event_ids=("evt_1",)), paid(), NOW).action is (
        Action.IGNORE
    )


@pytest.mark.parametrize(
    ("app", "event", "action", "reason"),
    [
        (application(), paid(amount=19999), Action.REFUND, "amount_mismatch"),
        (application(), paid(invoice_id="in_old"), Action.REFUND, "invoice_replaced"),
        (application(S.EXPIRED), paid(), Action.CONFIRM_IF_SEAT_FREE, None),
        (application(S.CANCELLED), paid(), Action.REFUND, "application_cancelled"),
        (application(S.CONFIRMED, seat_held=True), paid(), Action.REFUND, "duplicate_payment"),
    ],
)
def test_money_the_booking_cannot_honour_goes_back(
    app: Application, event: InvoiceEvent, action: Action, reason: str | None
) -> None:
    decision = decide_invoice(app, event, NOW)
    assert decision.action is action
    if reason is not None:
        assert decision.reason == reason


# What the open invoice holding the seat does on each event that is no payment: a failed
# payment leaves it open, holding the seat (``invoice_payment_failed``); the rest let it go.
NOT_PAID_ACTION = {InvoiceEventKind.PAYMENT_FAILED: Action.KEEP_HOLD}


@pytest.mark.parametrize("kind", [k for k in InvoiceEventKind if k is not InvoiceEventKind.PAID])
def test_only_the_open_invoice_holding_the_seat_lets_it_go(kind: InvoiceEventKind) -> None:
    decision = decide_invoice(application(), ended(kind), NOW)
    assert decision.action is NOT_PAID_ACTION.get(kind, Action.RELEASE_HOLD)
    assert decision.reason.startswith("invoice_")
    assert decide_invoice(application(), ended(kind, "in_old"), NOW).action is Action.IGNORE
    assert decide_invoice(application(S.EXPIRED), ended(kind), NOW).action is Action.IGNORE
    confirmed = application(S.CONFIRMED, seat_held=True)
    assert decide_invoice(confirmed, ended(kind), NOW).action is Action.IGNORE


def test_stripe_calling_an_invoice_overdue_before_its_day_ends_lets_nothing_go() -> None:
    """Stripe's due moment is 23:59 on the due day; the day is the payer's until midnight."""
    midnight = datetime(2027, 5, 31, 23, 0, tzinfo=UTC)
    held = application(hold_expires_at=midnight)
    overdue = ended(InvoiceEventKind.OVERDUE)
    a_minute_to = midnight - timedelta(minutes=1)
    assert decide_invoice(held, overdue, a_minute_to).action is Action.IGNORE
    assert decide_invoice(held, overdue, midnight).action is Action.RELEASE_HOLD
    voided = ended(InvoiceEventKind.VOIDED)  # a void is an ending whenever it comes
    assert decide_invoice(held, voided, a_minute_to) == Decision(
        Action.RELEASE_HOLD, "invoice_voided"
    )
    # Once the due day ended unpaid, a void (the sweep's, asked before it lets the place go,
    # its event perhaps first) ends it as not paid in time.
    assert decide_invoice(held, voided, midnight) == Decision(
        Action.RELEASE_HOLD, "invoice_overdue"
    )


def test_stripes_void_of_an_invoice_voided_for_an_organisers_act_ends_nothing() -> None:
    """Marked before an organiser's cancel or bursary voids it (``domain.invoice_voiding``):
    Stripe's own ``invoice.voided`` ends nothing, the act's save does; the organisers' void
    of it (their ask recorded on it, ``void_ends_the_hold``) and its other endings still end
    it."""
    held = application()
    assert held.invoice is not None
    marked = held.model_copy(
        update={"invoice": held.invoice.model_copy(update={"voiding": VoidingFor(since=NOW)})}
    )
    voided = ended(InvoiceEventKind.VOIDED)
    assert decide_invoice(marked, voided, NOW) == Decision(
        Action.IGNORE, "voided for an organiser's act"
    )
    assert decide_invoice(held, voided, NOW).action is Action.RELEASE_HOLD
    # Who asked is recorded, not read from an event's id: an organiser's ask
    # on the invoice ends it whichever event says it is void; an id alone ends nothing.
    organisers = InvoiceEvent(f"{ORGANISERS_VOID}in_1", InvoiceEventKind.VOIDED, "in_1", "app1")
    assert decide_invoice(marked, organisers, NOW).action is Action.IGNORE
    invoice = marked.invoice
    assert invoice is not None
    asked = marked.model_copy(update={"invoice": invoice.model_copy(update={"void_asked": True})})
    assert decide_invoice(asked, voided, NOW).action is Action.RELEASE_HOLD
    assert decide_invoice(asked, organisers, NOW).action is Action.RELEASE_HOLD
    uncollectible = ended(InvoiceEventKind.UNCOLLECTIBLE)
    assert decide_invoice(marked, uncollectible, NOW).action is Action.RELEASE_HOLD
    # The sweep looks at it five minutes on, unless its hold lapses first.
    assert marked.sweep_due_at() == NOW + timedelta(minutes=5)
    assert held.sweep_due_at() == held.hold_lapses_at()  # None here: no hold time given


def test_an_invoice_booking_can_be_confirmed_released_or_replaced_and_nothing_else() -> None:
    assert ALLOWED_TRANSITIONS[S.AWAITING_INVOICE_PAYMENT] == {
        S.AWAITING_INVOICE_PAYMENT,
        S.CONFIRMED,
        S.EXPIRED,
        S.CANCELLED,
        S.REFUNDED,
    }
    for status in (S.OFFERED, S.EXPIRED, S.AWAITING_PAYMENT):
        assert S.AWAITING_INVOICE_PAYMENT in ALLOWED_TRANSITIONS[status]


def test_a_funded_place_and_an_open_invoice_are_known_to_the_application() -> None:
    assert application().has_open_invoice()
    assert not application(S.EXPIRED).has_open_invoice()
    assert application(bursary=20000).fully_funded(PRICE)
    assert not application(bursary=19999).fully_funded(PRICE)
    assert application(bursary=5000, discount=HALF).amount_due(PRICE) == 7500
    # Applications stored before prices were recorded are priced at the course's price.
    assert application(price=None).amount_due(Money(amount=30000)) == 30000


def test_erasure_forgets_a_billing_contact_that_is_the_person_and_keeps_another() -> None:
    """The person's own address as billing contact goes with them; another person's (the
    employer's accounts team) is theirs to erase, and stays to be told of their money going
    back (as a group's billing contact stays when its manager is erased)."""
    own = application(
        billing=BillingDetails(
            billing_name="Ada", billing_email="ADA@example.org", billing_address="Leeds"
        )
    )
    assert own.answers.email == "ada@example.org"
    erased = own.erased(NOW)
    assert erased.billing is not None
    assert "ada@example.org" not in erased.model_dump_json().lower()
    assert "Leeds" not in erased.model_dump_json()
    billing = BillingDetails(
        billing_name="Trust", billing_email="accounts@example.org", billing_address="Leeds"
    )
    kept = application(billing=billing).erased(NOW)
    assert kept.billing == billing
    assert kept.answers.email != "ada@example.org"
