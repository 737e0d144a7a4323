"""What an organiser's act was read against: completed by the sweep, it is held to the mark it
left (replaced since, refused); pressed, to no mark (what its page showed is its decision's)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.billing_details import BillingDetails
from booking.domain.errors import Conflict
from booking.domain.invoice_voiding import ACT_REPLACED, VoidingFor, act_marked
from booking.domain.page_seen import Seen
from booking.domain.read_against import NOTHING_READ, ReadAgainst, pressed_on
from booking.domain.statuses import ApplicationStatus
from tests.support.applications import ACCOUNTS, an_invoice, an_invoiced_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
GRANT = VoidingFor(since=NOW, bursary=5000)
CANCEL = VoidingFor(since=NOW, refund=True)


def _mark_on_a_booking(act: VoidingFor) -> VoidingFor | None:
    """The mark a booking whose open invoice is being voided for ``act`` carries."""
    invoice = an_invoice(at=NOW, status="open", voiding=act)
    status = ApplicationStatus.AWAITING_INVOICE_PAYMENT
    return act_marked(an_invoiced_application(status, at=NOW, invoice=invoice))


def test_the_sweep_completes_an_act_only_while_its_mark_stands() -> None:
    ReadAgainst(marked=GRANT).refuse_if_replaced(_mark_on_a_booking(GRANT))

    with pytest.raises(Conflict) as replaced:
        ReadAgainst(marked=GRANT).refuse_if_replaced(_mark_on_a_booking(CANCEL))

    assert replaced.value.code == "act_replaced"
    assert str(replaced.value) == ACT_REPLACED


def test_a_groups_correction_is_held_to_the_details_it_marked() -> None:
    other = BillingDetails(**{**ACCOUNTS.model_dump(), "billing_email": "ap@example.org"})
    ReadAgainst(marked=ACCOUNTS).refuse_if_replaced(ACCOUNTS)

    with pytest.raises(Conflict, match=ACT_REPLACED):
        ReadAgainst(marked=ACCOUNTS).refuse_if_replaced(other)
    with pytest.raises(Conflict, match=ACT_REPLACED):
        ReadAgainst(marked=ACCOUNTS).refuse_if_replaced(None)  # corrected meanwhile, by a press


def test_an_organisers_press_is_held_to_no_mark() -> None:
    pressed = pressed_on(Seen(given=(("bursary", "0"),)))
    pressed.refuse_if_replaced(_mark_on_a_booking(CANCEL))
    NOTHING_READ.refuse_if_replaced(_mark_on_a_booking(CANCEL))

    assert pressed.pressed
    assert NOTHING_READ.pressed
    assert not ReadAgainst(marked=CANCEL).pressed
