"""A group booking's payment the payer's bank has taken back in a dispute is never refunded as
well, one place's share at a time: the manager giving a place up and the organisers cancelling
a colleague's place with its share refunded (its manager erased) are refused in words (409
``payment_disputed``) before Stripe is asked, nothing changed, as a person's booking's refund
is (``domain.disputed_refunds``); once the dispute is won, the share is refunded as before.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from tests.integration.test_disputes_groups_invoices import (
    _card_group,
    _checkout_of,
    _close,
    _group_invoice,
    _opened,
)
from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, colleague_applies, give_up, paid_group
from tests.support.stripe_requests import refunds_asked
from tests.support.system import System


def test_a_manager_giving_up_a_place_of_a_disputed_payment_is_refused_in_words(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = _card_group(system)
    dispute = _opened(system, _checkout_of(group))
    system.deliver_emails()
    asked = refunds_asked(system, monkeypatch)

    error = give_up(system, group, 2).refused(409, "payment_disputed")

    said = str(error["message"])
    assert "payer's bank has taken back £400.00 of the payment for these places" in said
    assert "the place is still held" in said
    assert "ask the course's organisers" in said
    assert "Stripe's dashboard" not in said  # the manager has none
    assert asked == []  # never asked of Stripe
    stored = system.stored_group(group)
    assert [p.released for p in stored.places] == [False, False]
    assert stored.amount_refunded == 0
    assert system.deliver_emails() == []

    assert _close(system, dispute["id"], "won").status == 200
    assert give_up(system, group, 2).status == 200  # the money back: the share refunded
    assert asked == [stored.payment_intent]
    assert system.stored_group(group).amount_refunded == stored.price.amount


@pytest.mark.usefixtures("invoiced")
def test_the_organisers_cancel_of_a_colleagues_place_with_its_share_refunded_is_refused(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    colleague_applies(system, group)
    _opened(system, _group_invoice(system, group))
    assert system.admin("DELETE", "/people/florence@example.org").status == 200
    system.deliver_emails()
    [colleague] = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])
    asked = refunds_asked(system, monkeypatch)
    # The console's confirmation says so before the press, never a refund it cannot make.
    path = f"/console/applications/{colleague.application_id}/cancel?refund=on"
    cancelling = signed_in(system).words(path)
    assert "No refund can be made: the payer's bank has taken back £400.00" in cancelling
    assert "is refunded to" not in cancelling
    assert "of the group booking's payment for this place in a dispute" in cancelling
    assert "Cancel without the refund, or wait for the dispute's outcome." in cancelling

    error = system.cancel(colleague.application_id, refund=True).refused(409, "payment_disputed")

    said = str(error["message"])
    assert "payer's bank has taken back £400.00 of the payment for these places" in said
    assert "nothing was cancelled or refunded. Cancel it without the refund" in said
    assert asked == []
    assert not system.stored_group(group).places[0].released
    assert system.stored(colleague.application_id).status.value == "confirmed"
    # Without the refund, the place is given up as before, its share kept.
    assert system.cancel(colleague.application_id, refund=False).status == 200
    assert system.stored_group(group).places[0].released
    assert asked == []
