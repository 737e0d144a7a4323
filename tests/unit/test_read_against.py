"""What an organiser's act was read against: completed by the sweep, it is held to the mark it
left (replaced since, refused); pressed, to no mark (what its page showed is its decision's)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import Application
from booking.domain.errors import Conflict
from booking.domain.invoice_voiding import ACT_REPLACED, VoidingFor
from booking.domain.page_seen import Seen
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.domain.statuses import ApplicationStatus
from tests.support.applications import an_invoice, an_invoiced_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
GRANT = VoidingFor(since=NOW, bursary=5000)
CANCEL = VoidingFor(since=NOW, refund=True)


def _invoice_marked(act: VoidingFor) -> Application:
    """A booking whose open invoice is being voided for ``act``."""
    invoice = an_invoice(at=NOW, status="open", voiding=act)
    return an_invoiced_application(
        ApplicationStatus.AWAITING_INVOICE_PAYMENT, at=NOW, invoice=invoice
    )


def test_the_sweep_completes_an_act_only_while_its_mark_stands() -> None:
    ReadAgainst(marked=GRANT).refuse_if_replaced(_invoice_marked(GRANT))

    with pytest.raises(Conflict) as replaced:
        ReadAgainst(marked=GRANT).refuse_if_replaced(_invoice_marked(CANCEL))

    assert replaced.value.code == "act_replaced"
    assert str(replaced.value) == ACT_REPLACED


def test_an_organisers_press_is_held_to_no_mark() -> None:
    pressed = ReadAgainst(Seen(given=(("bursary", "0"),)))
    pressed.refuse_if_replaced(_invoice_marked(CANCEL))
    NOTHING_READ.refuse_if_replaced(_invoice_marked(CANCEL))

    assert pressed.pressed
    assert NOTHING_READ.pressed
    assert not ReadAgainst(marked=CANCEL).pressed
