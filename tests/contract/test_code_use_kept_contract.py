"""An application that expired before ``limits.holds_code_use`` gave a code's use back on
expiry still holds its use as the rule before stored it: its holding item and the code's count.
Started again (a checkout, an invoice), its claim counts that item as held: the
use is counted once, never twice, and given back once when it ends unbooked; at the code's
limit it is not refused its own use. Both repositories alike."""

from __future__ import annotations

import pytest

from booking.domain import limits
from booking.domain.application import ON_THE_WAY, Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.errors import StaleWrite
from booking.services.ports import Repository
from tests.contract.test_repository_contract import a_code_used, uses
from tests.support.repository_records import NOW


def _rule_before_the_deploy(application: Application) -> bool:
    """``holds_code_use`` as it was: an expired hold kept its use."""
    return application.discount is not None and (
        application.status in ON_THE_WAY
        or application.status is S.CONFIRMED
        or application.booked_at is not None
    )


def _expired_before_the_deploy(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, max_uses: int
) -> Application:
    holder = a_code_used(repo, max_uses=max_uses)
    with monkeypatch.context() as before:
        before.setattr(limits, "holds_code_use", _rule_before_the_deploy)
        lapsed = repo.save(holder.moved_to(S.EXPIRED, NOW, seat_held=False), holder)
    assert uses(repo) == 1  # as stored before the deploy
    return lapsed


def _started_again(repo: Repository, lapsed: Application) -> Application:
    """``lapsed`` started again (a checkout, an invoice), holding its seat: as saved."""
    return repo.save(lapsed.moved_to(S.AWAITING_PAYMENT, NOW, seat_held=True), lapsed)


def test_started_again_it_is_counted_once_and_given_back_once(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    lapsed = _expired_before_the_deploy(repo, monkeypatch, max_uses=2)

    again = _started_again(repo, lapsed)

    assert uses(repo) == 1
    repo.save(again.moved_to(S.CANCELLED, NOW, seat_held=False), again)
    assert uses(repo) == 0


def test_started_again_at_the_codes_limit_it_keeps_its_own_use(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    lapsed = _expired_before_the_deploy(repo, monkeypatch, max_uses=1)

    again = _started_again(repo, lapsed)

    assert again.status is S.AWAITING_PAYMENT
    assert uses(repo) == 1


def test_the_backfill_gives_back_a_use_kept_by_an_expiry_once(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``give_back_holding`` (the code uses' backfill): the item deleted and the count moved
    back once; run again, nothing; the application started again then claims afresh."""
    lapsed = _expired_before_the_deploy(repo, monkeypatch, max_uses=1)
    kept = limits.code_use_kept_by_expiry(lapsed)
    assert kept is not None

    assert repo.give_back_holding(lapsed, kept) is True
    assert uses(repo) == 0
    assert repo.give_back_holding(lapsed, kept) is False
    assert uses(repo) == 0

    _started_again(repo, lapsed)
    assert uses(repo) == 1


def test_the_backfill_gives_nothing_back_for_an_application_changed_since_its_read(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    lapsed = _expired_before_the_deploy(repo, monkeypatch, max_uses=2)
    kept = limits.code_use_kept_by_expiry(lapsed)
    assert kept is not None
    _started_again(repo, lapsed)

    with pytest.raises(StaleWrite):
        repo.give_back_holding(lapsed, kept)
    assert uses(repo) == 1


def test_a_use_held_by_todays_rule_is_not_the_backfills(repo: Repository) -> None:
    holder = a_code_used(repo, max_uses=2)
    assert limits.code_use_kept_by_expiry(holder) is None
    lapsed = repo.save(holder.moved_to(S.EXPIRED, NOW, seat_held=False), holder)
    assert uses(repo) == 0  # given back by today's rule at the expiry itself
    kept = limits.code_use_kept_by_expiry(lapsed)
    assert kept is not None
    assert repo.give_back_holding(lapsed, kept) is False
    assert uses(repo) == 0
