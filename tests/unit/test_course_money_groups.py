"""The course's money counts its managers' group bookings (``domain.course_money``): pure,
the one count every organiser's view reads."""

from __future__ import annotations

from booking.domain.application import ApplicationStatus as S
from booking.domain.application import GroupPlaceRef
from booking.domain.billing import PaymentMethod
from booking.domain.course_money import added_up, course_money, paid_by_group
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupStatus, lapsed, paid
from booking.domain.money import Money
from tests.support.group_bookings import group
from tests.support.repository_records import NOW, application

PRICE = Money(amount=20000)


def test_a_paid_group_with_a_place_given_up_counts_its_payment_refund_and_kept_places() -> None:
    done = paid(group(), "pi_1", NOW)
    given_up = done.with_place(
        done.places[2].model_copy(update={"released": True, "refund_id": "re_1"}), NOW
    ).model_copy(update={"refunds": {"re_1": 20000}})
    colleague = application(
        "a1",
        status=S.CONFIRMED,
        seat_held=True,
        group_place=GroupPlaceRef(group_id="g1", place=1, group_version=2),
    )
    money = course_money([colleague], PRICE, [given_up])
    assert (money.paid, money.refunded, money.net) == (60000, 20000, 40000)
    assert (money.price, money.due, money.discounts, money.invoiced_unpaid) == (40000, 40000, 0, 0)
    assert (money.confirmed, money.group_places) == (1, 2)
    [line] = money.lines
    assert (line.group_id, line.price, line.due, line.discount, line.paid) == ("g1", 20000, 0, 0, 0)
    [group_line] = money.group_lines
    assert group_line.said == "Group booking: 2 of 3 places kept (St Elsewhere)"
    assert (group_line.price, group_line.paid, group_line.refunded) == (40000, 60000, 20000)
    assert paid_by_group(colleague, {"g1": "St Elsewhere"}) == (
        "Paid by the group booking (St Elsewhere)"
    )
    assert paid_by_group(application("a2"), {"g1": "St Elsewhere"}) == ""


def test_an_open_group_invoice_is_invoiced_unpaid_and_its_places_booked() -> None:
    invoiced = group(
        status=GroupStatus.AWAITING_INVOICE_PAYMENT, payment_method=PaymentMethod.INVOICE
    )
    money = course_money([], PRICE, [invoiced])
    assert (money.invoiced_unpaid, money.paid, money.price, money.due) == (60000, 0, 60000, 60000)
    assert money.group_places == 3
    assert added_up([money, money], "gbp").group_places == 6


def test_a_group_never_paid_is_no_booking_but_a_payment_it_gave_back_is_money_moved() -> None:
    open_checkout = group()
    assert course_money([], PRICE, [open_checkout]).group_lines == ()
    gone = lapsed(group(group_id="g2"), NOW, GroupEnding.CHECKOUT_EXPIRED).model_copy(
        update={"given_back": {"pi_late": 60000}}
    )
    money = course_money([], PRICE, [open_checkout, gone])
    assert (money.paid, money.refunded, money.price, money.group_places) == (60000, 60000, 0, 0)
    assert [g.group_id for g in money.group_lines] == ["g2"]
