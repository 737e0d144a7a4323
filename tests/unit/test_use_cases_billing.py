"""Who pays, as use cases on the fakes: employer invoices, discount codes and bursaries, from
the application to the confirmation (or the place going back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.emails import EmailKind
from booking.domain.erasure import billing_contact_erased
from booking.domain.errors import AlreadyApplied, Conflict, DependencyUnavailable, InvalidInput
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.services import (
    applications,
    bursaries,
    courses,
    discounts,
    invoicing,
    lifecycle,
    organisers,
    payments,
)
from booking.services.mailer import EmailInFlight, SendOutcome, send_email_job
from booking.services.payments import apply_checkout_event
from booking.services.ports import Ports
from tests.fakes import Clock, FakeEmailSender
from tests.fakes.held import gateway, repo, written
from tests.support.applications import WHAT_ACCOUNTS_NEED
from tests.support.billing_steps import (
    billing_course,
    by_invoice,
    clock,
    invoice_event,
    ports,
)
from tests.support.invoiced import BILLING
from tests.support.use_case_steps import answers

__all__ = ["clock", "ports"]  # the fixtures, used by name

FREE = DiscountCodeDefinition(code="FREE", percent_off=100)  # a code that covers the price


# -- invoices ------------------------------------------------------------------------------


def test_an_employer_is_invoiced_with_the_po_and_the_seat_is_held_until_it_falls_due(
    ports: Ports, clock: Clock
) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())

    assert view.status == "awaiting_invoice_payment"
    assert view.checkout_url is None
    [(invoice_id, invoice)] = gateway(ports).invoices.items()
    assert view.invoice_url == f"https://invoice.test/{invoice_id}"
    request = invoice.request
    assert request.billing.po_number == BILLING["po_number"]
    assert request.billing.billing_email == "accounts@example.nhs.uk"
    assert request.amount.amount == 20000
    # The cohort by its first day too: an accounts team may pay for two cohorts of it.
    assert request.description == (
        "Compassionate Leadership, from Monday 5 July 2027: a place for Ada Lovelace"
    )
    # 30 days from now is Monday 31 May, the Spring bank holiday: due on Tuesday 1 June
    # (Stripe is told 23:59 BST, shown as that day); no later than 7 days before the first
    # session (5 July 15:00 BST). The seat is held until that day has ended, at midnight.
    assert request.due_at == datetime(2027, 6, 1, 22, 59, tzinfo=UTC)
    stored = repo(ports).applications[view.application_id]
    assert stored.seat_held
    assert stored.hold_expires_at == datetime(2027, 6, 1, 23, 0, tzinfo=UTC)
    assert repo(ports).courses["c1"].seats_taken == 1
    assert written(ports, EmailKind.INVOICE_SENT) == [view.application_id]
    assert written(ports, EmailKind.BOOKING_CONFIRMED) == []


@pytest.mark.parametrize(("changes", "field"), WHAT_ACCOUNTS_NEED)
def test_an_invoice_without_what_accounts_need_is_refused_and_nothing_is_written(
    ports: Ports, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        applications.submit_application(ports, "c1", by_invoice() | changes)
    assert field in refused.value.fields
    assert repo(ports).applications == {}
    assert gateway(ports).invoices == {}


def test_invoices_only_where_the_course_allows_them_and_not_too_close_to_the_start(
    ports: Ports, clock: Clock
) -> None:
    card_only = billing_course().model_copy(update={"invoice_allowed": False})
    courses.put_course(ports, "card-only", card_only)
    with pytest.raises(InvalidInput) as refused:
        applications.submit_application(ports, "card-only", by_invoice())
    assert "payment_method" in refused.value.fields
    clock.now = clock.now + timedelta(days=58)  # a week before the start, less a few hours
    with pytest.raises(InvalidInput) as refused:
        applications.submit_application(ports, "c1", by_invoice())
    assert "card" in refused.value.fields["payment_method"]
    assert repo(ports).applications == {}


@pytest.mark.parametrize("at_stripe", ["open", "unknown", "down"])
def test_an_invoice_paid_event_stripe_does_not_hold_paid_confirms_nothing(
    ports: Ports, at_stripe: str
) -> None:
    """An ``invoice.paid`` is believed only as Stripe holds the invoice: open, nothing is
    written (200); not held by Stripe although the booking recorded it, or Stripe down:
    DependencyUnavailable (503, Stripe delivers it again)."""
    view = applications.submit_application(ports, "c1", by_invoice())
    before = repo(ports).applications[view.application_id]
    assert before.invoice is not None
    if at_stripe == "unknown":
        del gateway(ports).invoices[before.invoice.invoice_id]
    gateway(ports).down = at_stripe == "down"
    event = InvoiceEvent(
        "evt_inv", InvoiceEventKind.PAID, before.invoice.invoice_id, view.application_id, 20000
    )
    if at_stripe == "open":
        outcome = payments.apply_invoice_event(ports, event)
        assert (outcome.action, outcome.reason) == ("ignore", "invoice_not_paid_at_stripe")
    else:
        with pytest.raises(DependencyUnavailable):
            payments.apply_invoice_event(ports, event)
    assert repo(ports).applications[view.application_id] == before


def test_the_paid_invoice_confirms_once_with_the_payment_recorded(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())
    outcome = invoice_event(ports, view.application_id, InvoiceEventKind.PAID)
    assert (outcome.action, outcome.status) == ("confirm", "confirmed")
    again = payments.apply_invoice_event(
        ports,
        InvoiceEvent(
            "evt_again",
            InvoiceEventKind.PAID,
            next(iter(gateway(ports).invoices)),
            view.application_id,
            20000,
        ),
    )
    assert again.action == "ignore"
    stored = repo(ports).applications[view.application_id]
    assert stored.status is S.CONFIRMED
    assert stored.amount_paid == 20000
    assert stored.payment_intent is not None
    assert stored.invoice is not None
    assert stored.invoice.status == "paid"
    assert written(ports, EmailKind.BOOKING_CONFIRMED) == [view.application_id]
    assert written(ports, EmailKind.FACILITATOR_COPY) == [view.application_id]


def test_an_invoice_unpaid_at_its_due_date_frees_the_seat_for_the_next_in_line(
    ports: Ports, clock: Clock
) -> None:
    courses.put_course(ports, "c1", billing_course(capacity=1))
    first = applications.submit_application(ports, "c1", by_invoice())
    waiting = applications.submit_application(ports, "c1", answers("p1@example.org"))
    assert waiting.status == "waitlisted"

    # It falls due on Tuesday 1 June (the Monday is a bank holiday), the whole day: a sweep
    # in its last minute leaves it held; the first after midnight frees it.
    clock.now = datetime(2027, 6, 1, 22, 59, 30, tzinfo=UTC)
    assert lifecycle.sweep(ports, clock.now).holds_released == 0
    assert repo(ports).applications[first.application_id].seat_held
    clock.now = datetime(2027, 6, 1, 23, 0, tzinfo=UTC)
    summary = lifecycle.sweep(ports, clock.now)

    assert summary.holds_released == 1
    released = repo(ports).applications[first.application_id]
    assert (released.status, released.status_reason) == (S.EXPIRED, "invoice_overdue")
    assert not released.seat_held
    [invoice] = gateway(ports).invoices.values()
    assert invoice.status == "void"  # it cannot be paid for a place no longer held
    assert repo(ports).applications[waiting.application_id].status is S.OFFERED
    assert written(ports, EmailKind.INVOICE_ENDED) == [first.application_id]


def test_the_end_of_an_invoice_is_told_to_the_applicant_and_the_billing_contact(
    ports: Ports,
) -> None:
    """Each in a message of their own: the billing contact's without the applicant's link."""
    view = applications.submit_application(ports, "c1", by_invoice())
    invoice_event(ports, view.application_id, InvoiceEventKind.VOIDED)
    [job] = [j for j in repo(ports).written_emails if j.kind is EmailKind.INVOICE_ENDED]
    assert send_email_job(ports, job) is SendOutcome.SENT
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    person, accounts = sender.sent
    assert (list(person.to), list(accounts.to)) == (
        ["ada@example.org"],
        ["accounts@example.nhs.uk"],
    )
    for message in (person, accounts):
        assert "cancelled (voided)" in message.text
    assert view.token in person.text
    assert view.token not in accounts.text


@pytest.mark.parametrize(
    "kind", [InvoiceEventKind.VOIDED, InvoiceEventKind.UNCOLLECTIBLE, InvoiceEventKind.OVERDUE]
)
def test_a_voided_uncollectible_or_overdue_invoice_lets_the_place_go(
    ports: Ports, clock: Clock, kind: InvoiceEventKind
) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())
    if kind is InvoiceEventKind.OVERDUE:
        # Stripe calls it overdue from 23:59 on the due day; the day ends at midnight.
        clock.now = datetime(2027, 6, 1, 22, 59, 30, tzinfo=UTC)
        early = invoice_event(ports, view.application_id, kind, "evt_early")
        assert (early.action, early.status) == ("ignore", "awaiting_invoice_payment")
        clock.now = datetime(2027, 6, 1, 23, 0, tzinfo=UTC)
    outcome = invoice_event(ports, view.application_id, kind)
    assert (outcome.action, outcome.status) == ("release_hold", "expired")
    assert repo(ports).courses["c1"].seats_taken == 0
    # A late payment of it takes a free seat (it is still the application's invoice).
    if kind is InvoiceEventKind.UNCOLLECTIBLE:
        assert invoice_event(ports, view.application_id, InvoiceEventKind.PAID, "evt_2").status == (
            "confirmed"
        )


def test_a_failed_invoice_payment_is_told_only_while_the_invoice_holds_the_place(
    ports: Ports, clock: Clock
) -> None:
    """Within the hold: kept, the payer and the person told; once the due day has ended the
    sweep ends it in its own words, so a failure then says nothing of paying again."""
    view = applications.submit_application(ports, "c1", by_invoice())
    repo(ports).written_emails.clear()
    kept = invoice_event(ports, view.application_id, InvoiceEventKind.PAYMENT_FAILED, "evt_f1")
    assert (kept.action, kept.reason) == ("keep_hold", "invoice_payment_failed")
    assert kept.status == "awaiting_invoice_payment"
    assert written(ports, EmailKind.INVOICE_PAYMENT_FAILED) == [view.application_id]
    assert repo(ports).courses["c1"].seats_taken == 1

    clock.now = datetime(2027, 6, 1, 23, 0, tzinfo=UTC)  # the due day has ended
    late = invoice_event(ports, view.application_id, InvoiceEventKind.PAYMENT_FAILED, "evt_f2")
    assert (late.action, late.status) == ("ignore", "awaiting_invoice_payment")
    assert written(ports, EmailKind.INVOICE_PAYMENT_FAILED) == [view.application_id]


def test_organisers_resend_and_void_the_open_invoice(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())
    invoicing.resend_invoice(ports, view.application_id)
    [invoice] = gateway(ports).invoices.values()
    assert invoice.sends == 2
    voided = invoicing.void_by_organiser(ports, view.application_id).application
    assert (voided.status, voided.status_reason) == (S.EXPIRED, "invoice_voided")
    assert invoice.status == "void"
    with pytest.raises(Conflict) as refused:
        invoicing.void_by_organiser(ports, view.application_id)
    assert refused.value.code == "no_open_invoice"


def test_a_cancelled_invoice_booking_voids_its_invoice(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())
    lifecycle.cancel(ports, view.application_id, refund=False)
    [invoice] = gateway(ports).invoices.values()
    assert invoice.status == "void"
    assert repo(ports).courses["c1"].seats_taken == 0


def test_an_offered_place_can_be_paid_by_invoice_from_the_status_page(ports: Ports) -> None:
    courses.put_course(ports, "c2", billing_course(approval=True))
    view = applications.submit_application(ports, "c2", by_invoice())
    assert view.status == "pending_review"
    assert gateway(ports).invoices == {}
    lifecycle.approve(ports, view.application_id)
    offered = applications.get_application(ports, view.application_id, view.token)
    assert offered.can_request_invoice

    invoiced = invoicing.request_invoice(ports, view.application_id, view.token)

    assert invoiced.status is S.AWAITING_INVOICE_PAYMENT
    assert invoiced.seat_held
    assert len(gateway(ports).invoices) == 1
    with pytest.raises(Conflict):
        invoicing.request_invoice(ports, view.application_id, view.token)


# -- discount codes ------------------------------------------------------------------------


def make_code(ports: Ports, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"code": "HALF-2027", "percent_off": 50} | changes
    return discounts.code_view(
        discounts.create_discount_code(ports, "c1", DiscountCodeDefinition.model_validate(fields))
    )


def test_a_half_price_code_halves_what_the_checkout_asks_for(ports: Ports) -> None:
    code = make_code(ports, max_uses=10)
    view = applications.submit_application(ports, "c1", answers(discount_code="half-2027"))
    [session] = gateway(ports).sessions.values()
    assert session.request.discount is not None
    assert session.request.discount.promotion_code_id == code["promotion_code_id"]
    assert session.request.discount.coupon_id  # asked for as its coupon: no limit refuses it
    assert session.request.price.amount == 20000  # Stripe takes the code off
    assert view.amount_due == 10000
    assert view.discount_code == "HALF-2027"


@pytest.mark.parametrize(
    ("code", "reason"),
    [("NOPE-NOPE", "recognise"), ("half 2027", "recognise"), ("USED-UP", "used up")],
)
def test_an_unknown_or_used_up_code_is_refused_on_the_field(
    ports: Ports, code: str, reason: str
) -> None:
    make_code(ports, code="USED-UP", max_uses=1)
    first = applications.submit_application(
        ports, "c1", answers("first@example.org", discount_code="used-up")
    )
    with pytest.raises(InvalidInput) as refused:
        applications.submit_application(ports, "c1", answers(discount_code=code))
    assert reason in refused.value.fields["discount_code"]
    assert list(repo(ports).applications) == [first.application_id]


def test_a_one_use_code_is_used_by_the_first_application_not_the_first_payment(
    ports: Ports,
) -> None:
    make_code(ports, max_uses=1)
    first = applications.submit_application(ports, "c1", answers(discount_code="half-2027"))
    assert first.amount_due == 10000
    # Neither has paid, and the second is refused all the same: the first holds the use.
    with pytest.raises(InvalidInput) as refused:
        applications.submit_application(
            ports, "c1", answers("grace@example.org", discount_code="half-2027")
        )
    assert "used up" in refused.value.fields["discount_code"]
    assert len(gateway(ports).sessions) == 1  # nothing was opened for the refused one
    # The first ends without a booking: the use goes back for the next person.
    lifecycle.cancel(ports, first.application_id, refund=False)
    again = applications.submit_application(
        ports, "c1", answers("grace@example.org", discount_code="half-2027")
    )
    assert again.amount_due == 10000


def test_a_review_with_a_code_holds_its_use_until_declined(ports: Ports) -> None:
    courses.put_course(ports, "c1", billing_course(approval=True))
    make_code(ports, max_uses=1)
    pending = applications.submit_application(ports, "c1", answers(discount_code="half-2027"))
    with pytest.raises(InvalidInput):
        applications.submit_application(
            ports, "c1", answers("grace@example.org", discount_code="half-2027")
        )
    lifecycle.decline(ports, pending.application_id)
    later = applications.submit_application(
        ports, "c1", answers("grace@example.org", discount_code="half-2027")
    )
    assert later.status == "pending_review"


def test_a_code_for_another_course_is_unknown_here(ports: Ports) -> None:
    courses.put_course(ports, "c2", billing_course())
    discounts.create_discount_code(
        ports, "c2", DiscountCodeDefinition(code="OTHER-COURSE", percent_off=10)
    )
    with pytest.raises(InvalidInput):
        applications.submit_application(ports, "c1", answers(discount_code="OTHER-COURSE"))


def test_codes_are_checked_when_made(ports: Ports, clock: Clock) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_code(ports, percent_off=None, amount_off=30000)
    assert "amount_off" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        make_code(ports, expires_at=clock.now - timedelta(days=1))
    assert "expires_at" in refused.value.fields
    make_code(ports)
    with pytest.raises(Conflict) as clash:
        make_code(ports)
    assert clash.value.code == "discount_code_exists"


def test_an_invoice_with_a_code_asks_for_the_discounted_amount(ports: Ports) -> None:
    make_code(ports)
    view = applications.submit_application(ports, "c1", by_invoice(discount_code="HALF-2027"))
    [invoice] = gateway(ports).invoices.values()
    assert invoice.amount_due == 10000
    stored = repo(ports).applications[view.application_id]
    assert stored.invoice is not None
    assert stored.invoice.amount_due == 10000
    invoice_event(ports, view.application_id, InvoiceEventKind.PAID)
    assert repo(ports).applications[view.application_id].status is S.CONFIRMED


# -- bursaries -----------------------------------------------------------------------------


def test_a_fully_funded_place_is_confirmed_without_any_payment(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    funded = bursaries.grant_bursary(ports, view.application_id, 20000).application

    assert funded.status is S.CONFIRMED
    assert (funded.amount_paid, funded.bursary) == (0, 20000)
    [session] = gateway(ports).sessions.values()
    assert session.status == "expired"  # the open checkout can no longer take money
    assert written(ports, EmailKind.BOOKING_CONFIRMED) == [view.application_id]
    # A payment of that checkout racing the bursary is a duplicate: it goes back.
    checkout = repo(ports).applications[view.application_id].checkout
    assert checkout is None
    gateway(ports).pay_checkout(next(iter(gateway(ports).sessions)), "pi_late")
    apply_checkout_event(
        ports,
        CheckoutEvent(
            "evt_late",
            CheckoutEventKind.PAID,
            next(iter(gateway(ports).sessions)),
            view.application_id,
            payment_intent="pi_late",
            amount_total=20000,
        ),
    )
    assert gateway(ports).refunds
    assert repo(ports).applications[view.application_id].status is S.CONFIRMED
    # Asking again changes nothing, and says so.
    again = bursaries.grant_bursary(ports, view.application_id, 20000)
    assert not again.changed
    assert again.application.version == repo(ports).applications[view.application_id].version


def test_a_funded_place_needs_a_free_seat(ports: Ports) -> None:
    courses.put_course(ports, "c1", billing_course(capacity=1))
    applications.submit_application(ports, "c1", answers("p0@example.org"))
    waiting = applications.submit_application(ports, "c1", answers("p1@example.org"))
    with pytest.raises(Conflict) as refused:
        bursaries.grant_bursary(ports, waiting.application_id, 20000)
    assert refused.value.code == "course_full"


@pytest.mark.parametrize("amount", [0, -5, 20001, "100", True, 1.5, None])
def test_a_bursary_is_a_whole_number_of_pence_up_to_the_price(ports: Ports, amount: Any) -> None:
    view = applications.submit_application(ports, "c1", answers())
    with pytest.raises(InvalidInput) as refused:
        bursaries.grant_bursary(ports, view.application_id, amount)
    assert "amount" in refused.value.fields


def test_a_part_funded_place_pays_the_rest_by_a_new_checkout(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    part = bursaries.grant_bursary(ports, view.application_id, 5000).application
    assert part.status is S.AWAITING_PAYMENT
    assert part.checkout is None
    assert part.seat_held
    assert written(ports, EmailKind.BURSARY_GRANTED) == [view.application_id]
    again = applications.start_checkout(ports, view.application_id, view.token)
    newest = gateway(ports).sessions[max(gateway(ports).sessions)]
    assert newest.request.price.amount == 15000
    assert again.amount_due == 15000


def test_a_part_funded_invoice_is_replaced_by_one_for_the_rest(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())
    first_invoice = repo(ports).applications[view.application_id].invoice
    assert first_invoice is not None

    part = bursaries.grant_bursary(ports, view.application_id, 5000).application

    assert part.status is S.AWAITING_INVOICE_PAYMENT
    assert part.invoice is not None
    assert part.invoice.invoice_id != first_invoice.invoice_id
    assert part.invoice.amount_due == 15000
    assert gateway(ports).invoices[first_invoice.invoice_id].status == "void"
    # The old invoice's void changes nothing; paying it anyway is given back.
    stale = InvoiceEvent(
        "evt_v", InvoiceEventKind.VOIDED, first_invoice.invoice_id, part.application_id
    )
    assert payments.apply_invoice_event(ports, stale).action == "ignore"
    invoice_event(ports, view.application_id, InvoiceEventKind.PAID)
    assert repo(ports).applications[view.application_id].amount_paid == 15000


def test_a_grant_that_lost_to_the_same_grant_changed_nothing(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two grants of one amount at once: the one whose save lost voids the invoice it made
    and finds its end held already, so it says nothing changed (the console: "granted
    already"), though it asked Stripe for an invoice on the way."""
    view = applications.submit_application(ports, "c1", by_invoice())
    payments = gateway(ports)
    real_create = payments.create_invoice
    other: list[Any] = []

    def other_first(request: Any, drafted: Any = None) -> Any:
        if not other:
            other.append(None)
            other.append(bursaries.grant_bursary(ports, view.application_id, 5000))
        return real_create(request, drafted)

    monkeypatch.setattr(payments, "create_invoice", other_first)
    late = bursaries.grant_bursary(ports, view.application_id, 5000)

    assert other[1].changed
    assert not late.changed
    assert late.application.version == repo(ports).applications[view.application_id].version


def test_confirmed_bookings_get_no_bursary(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", by_invoice())
    invoice_event(ports, view.application_id, InvoiceEventKind.PAID)
    with pytest.raises(Conflict) as refused:
        bursaries.grant_bursary(ports, view.application_id, 100)
    assert refused.value.code == "not_fundable"


# -- what organisers see -------------------------------------------------------------------


def test_the_roster_and_the_totals_count_discounts_and_bursaries(ports: Ports) -> None:
    courses.put_course(ports, "c1", billing_course(capacity=3))
    make_code(ports)
    coded = applications.submit_application(ports, "c1", by_invoice(discount_code="HALF-2027"))
    invoice_event(ports, coded.application_id, InvoiceEventKind.PAID)
    funded = applications.submit_application(ports, "c1", answers("p1@example.org"))
    bursaries.grant_bursary(ports, funded.application_id, 20000)
    invoiced = applications.submit_application(ports, "c1", by_invoice("p2@example.org"))

    rows = {row["application_id"]: row for row in organisers.roster(ports, "c1")}
    assert rows[coded.application_id]["discount"] == 10000
    assert rows[coded.application_id]["discount_code"] == "HALF-2027"
    assert rows[coded.application_id]["po_number"] == BILLING["po_number"]
    assert rows[coded.application_id]["invoice_status"] == "paid"
    assert rows[funded.application_id]["bursary"] == 20000
    assert rows[funded.application_id]["amount_due"] == 0
    assert rows[invoiced.application_id]["invoice_status"] == "open"
    csv = organisers.roster_csv(ports, "c1")
    assert "Bursary" in csv.splitlines()[0]
    assert ",£200.00," in csv  # the bursary, in pounds

    totals = organisers.money_totals(ports, "c1")
    assert totals == {
        "course_id": "c1",
        "currency": "gbp",
        "confirmed": 2,
        "awaiting_invoice_payment": 1,
        "price": 60000,
        "discounts": 10000,
        "bursaries": 20000,
        "due": 30000,
        "paid": 10000,
        "refunded": 0,
        "given_back_by_hand": 0,
        "invoiced_unpaid": 20000,
        "funded_places": 1,
        "group_places": 0,
        "waived": 0,
        "refunds_failed": 0,
        "paid_off_stripe": 0,
        "disputed": 0,
        "dispute_fees": 0,
        "net": 10000,
        "places": {"booked": 2, "held": 1, "free": 0},
    }


def test_a_checkout_paid_as_a_bursary_is_granted_gets_the_bursary_back(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    session = repo(ports).applications[view.application_id].checkout
    assert session is not None
    bursaries.grant_bursary(ports, view.application_id, 5000)  # meanwhile, the payment lands
    gateway(ports).pay_checkout(session.session_id, "pi_full")
    apply_checkout_event(
        ports,
        CheckoutEvent(
            "evt_paid",
            CheckoutEventKind.PAID,
            session.session_id,
            view.application_id,
            payment_intent="pi_full",
            amount_total=20000,
            currency="gbp",
        ),
    )
    stored = repo(ports).applications[view.application_id]
    assert stored.status is S.CONFIRMED
    assert gateway(ports).refunds[f"excess-{session.session_id}"] == ("pi_full", 5000)


# -- a place nobody paid for is a booking all the same -------------------------------------------


def _sent(ports: Ports, kind: EmailKind) -> Any:
    """Send the (last) job of ``kind`` and return the message the sender got."""
    job = [j for j in repo(ports).written_emails if j.kind is kind][-1]
    assert send_email_job(ports, job) is SendOutcome.SENT
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    return sender.sent[-1]


def test_a_funded_booking_cancelled_is_a_booking_cancelled_with_nothing_owed(
    ports: Ports,
) -> None:
    view = applications.submit_application(ports, "c1", answers())
    bursaries.grant_bursary(ports, view.application_id, 20000)
    confirmed = _sent(ports, EmailKind.BOOKING_CONFIRMED)
    assert "nothing for you to pay" in confirmed.text
    assert [a.filename for a in confirmed.attachments] == ["invite.ics"]

    cancelled = lifecycle.cancel(ports, view.application_id, refund=True).application
    # Nothing was paid, so no refund is promised.
    assert (cancelled.status, cancelled.status_reason) == (S.CANCELLED, None)
    assert cancelled.was_booked
    told = _sent(ports, EmailKind.CANCELLED)
    assert told.subject.startswith("Your booking has been cancelled")
    assert "No money was taken for it" in told.text
    assert "refunded" not in told.text
    # Its sessions leave the calendar the confirmation put them in.
    assert [a.filename for a in told.attachments] == ["cancel.ics"]
    status = applications.get_application(ports, view.application_id, view.token)
    assert status.was_booked


def test_a_full_code_confirms_with_nothing_to_pay_and_says_so(ports: Ports) -> None:
    discounts.create_discount_code(ports, "c1", FREE)
    view = applications.submit_application(ports, "c1", answers(discount_code="free"))
    # Booked at once: no checkout for nothing is ever opened.
    assert view.status == "confirmed"
    assert gateway(ports).sessions == {}
    assert repo(ports).courses["c1"].seats_taken == 1
    confirmed = _sent(ports, EmailKind.BOOKING_CONFIRMED)
    assert "nothing for you to pay" in confirmed.text
    assert "has been received" not in confirmed.text
    facilitators = _sent(ports, EmailKind.FACILITATOR_COPY)
    assert "(nothing to pay, with the discount code FREE (£200.00 off))" in facilitators.text


def test_a_full_code_by_invoice_is_booked_without_an_invoice(ports: Ports) -> None:
    discounts.create_discount_code(ports, "c1", FREE)
    view = applications.submit_application(ports, "c1", by_invoice(discount_code="free"))
    assert view.status == "confirmed"
    assert gateway(ports).invoices == {}
    assert written(ports, EmailKind.INVOICE_SENT) == []


def test_a_code_and_a_bursary_that_leave_nothing_confirm_an_invoice_booking_in_one_step(
    ports: Ports,
) -> None:
    discounts.create_discount_code(
        ports, "c1", DiscountCodeDefinition(code="LESS-150", amount_off=15000)
    )
    view = applications.submit_application(ports, "c1", by_invoice(discount_code="less-150"))
    assert view.status == "awaiting_invoice_payment"
    [(invoice_id, invoice)] = gateway(ports).invoices.items()
    assert invoice.amount_due == 5000
    funded = bursaries.grant_bursary(ports, view.application_id, 10000).application
    # £200 less a £100 bursary leaves £100; the £150 code takes all of it.
    assert (funded.status, funded.status_reason) == (S.CONFIRMED, "code_and_bursary")
    # Said as it was: both, with what each covered, not "your discount code".
    confirmed = " ".join(_sent(ports, EmailKind.BOOKING_CONFIRMED).text.split())
    assert (
        "With the discount code LESS-150 (£100.00 off) and a bursary of £100.00, there is "
        "nothing for you to pay." in confirmed
    )
    assert "With your discount code" not in confirmed
    assert invoice.status == "void"
    assert funded.invoice is not None
    assert (funded.invoice.invoice_id, funded.invoice.status) == (invoice_id, "void")
    assert len(gateway(ports).invoices) == 1  # no invoice for nothing


def test_an_approved_application_with_nothing_to_pay_is_booked_not_offered(
    ports: Ports,
) -> None:
    courses.put_course(ports, "c1", billing_course(approval=True))
    discounts.create_discount_code(ports, "c1", FREE)
    view = applications.submit_application(ports, "c1", answers(discount_code="free"))
    approved = lifecycle.approve(ports, view.application_id)
    assert approved.status is S.CONFIRMED
    assert gateway(ports).sessions == {}


def test_every_email_asking_for_payment_names_what_is_left_to_pay(ports: Ports) -> None:
    discounts.create_discount_code(ports, "c1", DiscountCodeDefinition(code="HALF", percent_off=50))
    view = applications.submit_application(ports, "c1", answers(discount_code="half"))
    received = _sent(ports, EmailKind.APPLICATION_RECEIVED)
    assert "£100.00" in received.text
    assert "£200.00" not in received.text
    assert "£100.00" in received.html
    assert "£200.00" not in received.html
    with pytest.raises(AlreadyApplied):
        applications.submit_application(ports, "c1", answers(discount_code="half"))
    again = _sent(ports, EmailKind.ALREADY_APPLIED)
    assert "£200.00" not in again.text + again.html
    assert view.amount_due == 10000


def test_expiring_a_code_refuses_it_to_newcomers_and_keeps_the_promised_price(
    ports: Ports,
) -> None:
    code = make_code(ports, max_uses=10)
    promised = applications.submit_application(ports, "c1", answers(discount_code="half-2027"))
    expired = discounts.expire_discount_code(ports, "c1", "HALF-2027")
    assert expired.at_provider is not None
    assert (expired.code.active, expired.at_provider.active) == (False, False)
    assert gateway(ports).code_states[code["promotion_code_id"]].active is False
    with pytest.raises(InvalidInput) as refused:
        applications.submit_application(
            ports, "c1", answers("late@example.org", discount_code="half-2027")
        )
    assert "expired" in refused.value.fields["discount_code"]
    # The first applicant's restarted checkout still asks for the coupon: half price.
    [session] = gateway(ports).sessions.values()
    assert session.request.discount is not None
    assert session.request.discount.coupon_id
    assert promised.amount_due == 10000


def test_a_code_kept_before_coupons_is_refused_here_and_left_active_at_stripe(
    ports: Ports,
) -> None:
    code = make_code(ports)
    kept = repo(ports).codes
    [(key, stored)] = kept.items()
    kept[key] = stored.model_copy(update={"coupon_id": None})  # as kept before coupons were
    expired = discounts.expire_discount_code(ports, "c1", "half-2027")
    assert expired.code.active is False
    # Promised prices ask Stripe for this promotion code: it must keep working there.
    assert gateway(ports).code_states[code["promotion_code_id"]].active is True


def test_an_end_of_invoice_email_read_before_the_billing_contacts_erasure_goes_to_the_applicant(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The erasure's save lands between the mailer's read and its lease: the lease is taken
    (the applicant is not erased), the applicant's own message goes, but the one composed for
    the contact is not sent; the queue's next delivery finds nobody left to tell."""
    view = applications.submit_application(ports, "c1", by_invoice())
    invoicing.void_by_organiser(ports, view.application_id)
    [job] = [j for j, _ in repo(ports).outbox.values() if j.kind is EmailKind.INVOICE_ENDED]
    lease = repo(ports).hold_send

    def erased_meanwhile(
        application_id: str, job_id: str, until: datetime, *, erased_read: bool = False
    ) -> bool:
        current = ports.repository.get_application(application_id)
        assert current is not None
        ports.repository.save(billing_contact_erased(current, ports.clock()), current)
        return lease(application_id, job_id, until, erased_read=erased_read)

    monkeypatch.setattr(repo(ports), "hold_send", erased_meanwhile)
    with pytest.raises(EmailInFlight):
        send_email_job(ports, job)
    monkeypatch.undo()
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    assert [m.to for m in sender.sent] == [["ada@example.org"]]
    assert send_email_job(ports, job) is SendOutcome.DUPLICATE
    assert [m.to for m in sender.sent] == [["ada@example.org"]]
