"""A group booking's manager whose places went while the payer's bank's dispute held the
payment (lost: nothing refunded of them) is never told on their page that what was paid for
them is refunded. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_disputes_groups_invoices import _close, _group_invoice, _opened
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    give_up,
    group_page,
    manager_view,
    paid_group_with_an_apply_by,
    the_apply_by_passes,
)
from tests.support.page_text import text_of
from tests.support.system import System


def _places_and_money(system: System, group: dict[str, Any]) -> tuple[list[bool], int]:
    stored = system.stored_group(group)
    return [p.refund_id is not None for p in stored.places], stored.amount_refunded


@pytest.mark.usefixtures("invoiced")
def test_places_released_under_a_lost_dispute_are_never_said_to_be_refunded(
    system: System,
) -> None:
    """One place given up (its share refunded), then the whole payment disputed and lost, then
    the other places released at the apply-by date: nothing of theirs was refunded."""
    group = paid_group_with_an_apply_by(system, colleagues=COLLEAGUES[:3])
    assert give_up(system, group, 3).status == 200
    dispute = _opened(system, _group_invoice(system, group))
    assert _close(system, dispute["id"], "lost").status == 200

    the_apply_by_passes(system, group)

    assert _places_and_money(system, group) == ([False, False, True], 20000)
    status = manager_view(system, group)["status_said"]
    page = " ".join(text_of(group_page(system, group)).split())
    for words in (status, page):
        assert "what was paid for them is refunded" not in words
        assert (
            "what was paid for the places whose share was refunded before the payer's bank's "
            "dispute is refunded; what was paid for the rest was taken back by the payer's bank "
            "in the dispute, so nothing more is refunded from here"
        ) in words, words
    sent = system.deliver_emails()
    [told] = [e for e in sent if list(e.to) == [MANAGER] and "were released" in e.subject]
    assert "was taken back by the payer's bank in a dispute" in " ".join(told.text.split())
    assert "is being refunded" not in told.text
