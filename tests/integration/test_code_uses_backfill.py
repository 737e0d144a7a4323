"""Applications that expired before a hold ending unpaid gave its code's use back were stored
still holding it. ``POST /admin/code-uses/backfill`` (``course-booking
backfill-code-uses``, ``services.backfills``) gives each back once, one course a call, over
moto: the code's count comes right, a second run gives nothing back, and the application
started again then counts its use once. Through the real handlers and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain import limits
from booking.domain.application import ON_THE_WAY, Application
from booking.domain.application import ApplicationStatus as S
from tests.support.applications import session_id_of
from tests.support.system import COURSE_ID, System


def _rule_before_the_deploy(application: Application) -> bool:
    """``holds_code_use`` as it was: an expired hold kept its use."""
    return application.discount is not None and (
        application.status in ON_THE_WAY
        or application.status is S.CONFIRMED
        or application.booked_at is not None
    )


def _uses(system: System) -> int:
    found = system.ports.repository.get_discount_code(COURSE_ID, "ONCE")
    assert found is not None
    return found.uses


def _expired_before_the_deploy(system: System, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An application using the one-use code ONCE whose checkout expired before the deploy."""
    system.made_code(COURSE_ID, code="ONCE", percent_off=50, max_uses=1)
    applied = system.apply(discount_code="once")
    assert applied.status == 201, applied.body
    with monkeypatch.context() as before:
        before.setattr(limits, "holds_code_use", _rule_before_the_deploy)
        system.stripe_local("POST", f"/checkout/{session_id_of(applied.json())}/expire")
    assert system.stored(applied.json()).status is S.EXPIRED
    assert _uses(system) == 1  # as stored before the deploy: the one use taken
    return dict(applied.json())


def test_the_backfill_gives_back_the_use_an_older_expiry_kept_once(
    system: System, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    application = _expired_before_the_deploy(system, monkeypatch)
    refused = system.apply(email="bea@example.org", discount_code="once")
    assert refused.status == 422, refused.body  # the code reads used up: nobody holds it

    first = system.admin("POST", "/code-uses/backfill")

    assert first.status == 200, first.body
    assert first.json() == {"course_id": COURSE_ID, "given_back": 1, "next_course_id": None}
    assert _uses(system) == 0
    code, said = run("backfill-code-uses")
    assert (code, said) == (0, "Backfilled the discount code uses of 1 course: 0 given back.\n")
    assert _uses(system) == 0
    again = system.api(
        "POST",
        f"/applications/{application['application_id']}/checkout?token={application['token']}",
    )
    assert again.status in (200, 201), again.body
    assert _uses(system) == 1  # started again: its use counted once


def test_the_backfill_refuses_an_unknown_course_in_words(system: System) -> None:
    missing = system.admin("POST", "/code-uses/backfill", json_body={"course_id": "nope"})
    assert "nope" in missing.refused(404, "not_found")["message"]
