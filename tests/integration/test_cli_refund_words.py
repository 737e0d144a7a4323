"""The CLI's words about refunds: ``refund`` of a booking its cancellation
refunded never names a cause it cannot know; ``cancel --refund`` after a refund Stripe refused
partway names the CLI's own ``refund``, not a page and a POST; a reference no application can
have (a slash, a line break) is refused in words before any request."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from booking.domain.identifiers import HOLDS_NO_SEPARATOR
from tests.integration.test_refund_refused_partway import _moved_and_paid
from tests.support import cli
from tests.support.system import System


@pytest.mark.parametrize("reference", ["../../courses", "CL-22222\n", "CL-2/2222", "CL-22\t222"])
def test_a_reference_no_application_can_have_is_refused_before_any_request(
    terminal: System,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    reference: str,
) -> None:
    asked: list[Any] = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda *given, **more: asked.append(given))
    for argv in (("refund", reference), ("cancel", "--refund", reference)):
        ran = cli.run(capsys, *argv)
        assert ran.status == 1, ran
        assert ran.err == f"course-booking: no application {reference!r}: {HOLDS_NO_SEPARATOR}\n"
    assert asked == []


def test_refund_after_a_cancellation_with_a_refund_names_no_cause_it_cannot_know(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    applied = terminal.apply().json()
    reference = applied["reference"]
    assert terminal.pay(applied["checkout_url"]).status == 200
    assert cli.run(capsys, "cancel", "--refund", reference).status == 0

    ran = cli.run(capsys, "refund", reference)

    assert ran.status == 0, ran
    assert "It was refunded already (£200.00: by the cancellation with a refund" in ran.out
    assert "by a Refund asked here earlier or from" not in ran.out


def test_cancel_with_a_refund_after_a_partway_refusal_names_the_clis_refund(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    cohorts, app_id = _moved_and_paid(terminal)
    stored = terminal.stored(app_id)
    terminal.payment_gone(str(stored.payment_intent))
    reference = str(stored.reference)
    assert cli.run(capsys, "cancel", "--refund", reference).status == 1

    again = cli.run(capsys, "cancel", "--refund", reference)

    assert again.status == 1
    assert f"run 'course-booking refund {reference}'" in again.err
    assert "its page" not in again.err
    assert "POST" not in again.err
    assert "without a refund" not in again.err
    assert cohorts.refunded_at_stripe() == [5000]
