"""A refusal made while a bank payment is going through (Bacs, SEPA: the checkout completed
unpaid, the money days away) says so, as the status page does, never words drawn from the
status alone: *Start payment again* is told the bank is still processing
the payment, not that the application "cannot be paid now"; withdrawing a move whose
difference is being paid that way is told the payment is going through and what follows
either way, not that "the person paid"; a move asked of the booking is told the same. Nothing
changes by any of them."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.cohorts import ADA, Cohorts, ada_moving_to_winter
from tests.support.system import System


def _session(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def test_start_payment_again_during_a_bank_payment_says_the_bank_is_processing_it(
    system: System,
) -> None:
    application = system.paying_by_bank_debit(email=ADA)
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"

    refused = system.api("POST", path).refused(409, "not_payable")

    assert refused["message"].startswith("the bank is still processing the payment"), refused
    assert "Awaiting payment" not in refused["message"]
    assert system.stored(application).payment_pending
    assert system.stored(application).checkout_attempts == 1


def test_a_move_asked_during_a_bank_payment_says_the_payment_is_going_through(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    application = system.paying_by_bank_debit("move-spring", email=ADA)

    refused = cohorts.move(application["application_id"], "move-summer").refused(
        409, "not_transferable"
    )

    assert "a payment of £200.00 for this booking is going through" in refused["message"]
    assert "Awaiting payment" not in refused["message"]
    assert system.stored(application).course_id == "move-spring"


def test_withdrawing_a_move_whose_difference_is_a_bank_payment_says_it_is_going_through(
    system: System,
) -> None:
    cohorts, app_id, pending = ada_moving_to_winter(system)
    pay_url = pending["pay_url"]
    assert system.pay_session(_session(pay_url), delayed=True).status == 200

    withdrawn = system.admin("POST", f"/applications/{app_id}/transfer/withdraw")

    said = withdrawn.refused(409, "move_paid")["message"]
    assert said.startswith("a payment of £50.00 for the move is going through"), said
    assert "if it arrives the move is made; if it fails the move ends" in said
    assert "paid the difference" not in said
    assert cohorts.record(app_id)["pending_move"] is not None
    # The bank fails: the move ends, the booking where it was.
    assert system.settle_session(_session(pay_url), succeeded=False).status == 200
    record = cohorts.record(app_id)
    assert (record["course_id"], record["pending_move"]) == ("move-spring", None)
