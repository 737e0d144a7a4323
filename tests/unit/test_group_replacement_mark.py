"""A group's invoice marked as being replaced (a place given up, or the organisers' correction):
the replacement's save holds only while the group still holds the invoice it replaces, marked
so, and clearing the mark (replaced, corrected, or the void refused) leaves none of it."""

from __future__ import annotations

import pytest

from booking.domain.group_figures import not_replacing, still_replacing
from booking.domain.groups import GroupBooking, GroupStatus
from tests.support.applications import ACCOUNTS
from tests.support.group_bookings import NOW, group_by_invoice

MARKED = group_by_invoice(
    replacing_invoice="in_1",
    replacing_place=2,
    replacing_since=NOW,
    replacing_billing=ACCOUNTS,
    replacing_with=("in_2",),
)


def test_a_group_on_the_invoice_marked_for_replacement_is_still_replacing_it() -> None:
    assert still_replacing(MARKED, "in_1")


@pytest.mark.parametrize(
    "meanwhile",
    [
        pytest.param(not_replacing(MARKED), id="its mark cleared, the invoice the same"),
        pytest.param(MARKED.model_copy(update={"status": GroupStatus.PAID}), id="paid"),
        pytest.param(MARKED.model_copy(update={"status": GroupStatus.LAPSED}), id="ended unpaid"),
        pytest.param(MARKED.model_copy(update={"invoice": None}), id="no invoice"),
    ],
)
def test_a_group_changed_meanwhile_is_not_still_replacing(meanwhile: GroupBooking) -> None:
    assert not still_replacing(meanwhile, "in_1")


def test_another_invoice_than_the_one_held_is_not_being_replaced() -> None:
    assert not still_replacing(MARKED, "in_2")


def test_clearing_the_mark_leaves_none_of_it() -> None:
    cleared = not_replacing(MARKED)
    assert (cleared.replacing_invoice, cleared.replacing_place, cleared.replacing_since) == (
        None,
        None,
        None,
    )
    assert (cleared.replacing_billing, cleared.replacing_with) == (None, ())
    assert cleared.invoice == MARKED.invoice  # the invoice itself stays
