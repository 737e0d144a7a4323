"""Whether a group's card offers *Correct the invoice*, and whether its page then opens, are
one rule (``domain.group_invoice_correction.correction_offered``): a replacement's mark left
for an invoice that is no longer the group's own (the give-up or correction it was for lost
before Stripe was asked anything) neither hides the card's offer nor refuses its page, and
the page shows the details the current invoice went to, not the mark's. Nor does a
correction's mark so left refuse a place's give-up (``correction_half_done``, one rule).

Through the console, moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from booking.domain.billing_details import BillingDetails
from tests.support.console import signed_in
from tests.support.groups import (
    give_up,
    manager_view,
    pay_link_id,
    replaced_for_two,
    three_on_an_invoice,
)
from tests.support.invoiced import BILLING, CORRECTED, INVOICED
from tests.support.page_text import text_of
from tests.support.system import System

PAGE = f"/console/courses/{INVOICED}/group-bookings"
ELSEWHERE = BillingDetails(
    billing_name="Long Gone Trading Ltd",
    billing_email="old-accounts@example.org",
    billing_address="9 Old Road\nYork YO1 1AA",
    po_number="PO-1",
)


@pytest.mark.parametrize(
    "mark",
    [
        pytest.param({"replacing_place": 2}, id="a-place-given-up"),
        pytest.param({"replacing_billing": ELSEWHERE}, id="a-correction"),
    ],
)
def test_a_mark_left_for_an_earlier_invoice_neither_hides_nor_refuses_a_correction(
    system: System, mark: dict[str, object]
) -> None:
    group, old, _ = three_on_an_invoice(system)
    stored = system.stored_group(group)
    left = {"replacing_invoice": "in_no_longer_its_own", "replacing_since": system.now(), **mark}
    system.ports.groups.save_group(stored.model_copy(update=left), stored)
    browser = signed_in(system)
    card = text_of(browser.get(PAGE).body)
    assert "Correct the invoice" in card
    assert "already void at Stripe" not in card

    page = f"/console/groups/{group['group_id']}/invoice/correct"
    shown = browser.get(page)

    assert shown.status == 200, shown.body
    assert f'value="{BILLING["billing_name"]}"' in shown.body  # the invoice's, not the mark's
    assert ELSEWHERE.billing_name not in shown.body
    done = browser.press(page, page, **CORRECTED)
    assert done.status == 303, done.body
    assert pay_link_id(manager_view(system, group)) != old
    assert system.stripe_invoice(old)["status"] == "void"


def test_a_correction_mark_left_for_an_earlier_invoice_refuses_no_give_up(
    system: System,
) -> None:
    """A correction's mark left for an invoice that is no longer the group's own is no
    correction under way: the manager's give-up of a place goes ahead (the old invoice void,
    a new one for the two places kept), never refused as 'being corrected'."""
    group, old, left = three_on_an_invoice(system)
    stored = system.stored_group(group)
    left_mark = {
        "replacing_invoice": "in_no_longer_its_own",
        "replacing_since": system.now(),
        "replacing_billing": ELSEWHERE,
    }
    system.ports.groups.save_group(stored.model_copy(update=left_mark), stored)

    reply = give_up(system, group, 2)

    assert reply.status == 200, reply.body
    replaced_for_two(system, group, old, left)
