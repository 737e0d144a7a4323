"""DynamoDB throttling a store's method, made exact: the method raises DependencyUnavailable (as
every try against a throttled table ends) on the calls a test names, and runs as it is on the
others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking.domain.errors import DependencyUnavailable
from booking.services.ports import Repository
from tests.support.fired import armed


def every_call(*args: Any, **kwargs: Any) -> bool:
    return True


def marking_sent(job_id: str, state: str, now: Any) -> bool:
    """A call of ``finish_email`` that records a job sent (not failed, nor sent unconfirmed)."""
    return state == "sent"


def throttled(
    real: Callable[..., Any], when: Callable[..., bool] = every_call, times: int | None = None
) -> Callable[..., Any]:
    """``real``, refused as throttled on the calls ``when`` accepts (the first ``times`` of them;
    None: every one). The test fails if none was refused (``tests.support.fired``)."""
    refused = armed(f"throttling {getattr(real, '__qualname__', real)}")

    def call(*args: Any, **kwargs: Any) -> Any:
        if when(*args, **kwargs) and (times is None or refused[0] < times):
            refused[0] += 1
            raise DependencyUnavailable("dynamodb throttled")
        return real(*args, **kwargs)

    return call


def sent_not_recorded(monkeypatch: pytest.MonkeyPatch, repository: Repository) -> None:
    """SES takes a message, but the job cannot be recorded ``sent`` (every try throttled)."""
    monkeypatch.setattr(
        repository, "finish_email", throttled(repository.finish_email, marking_sent)
    )
