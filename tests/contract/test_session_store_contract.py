"""The console's session store: the fake held to the DynamoDB adapter (on moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from booking.adapters.dynamodb.sessions import DynamoConsoleSessions
from booking.adapters.dynamodb.table import Table
from booking.domain.organisers import new_session
from booking.services.ports import ConsoleSessionStore
from tests.fakes import FakeConsoleSessions
from tests.support.moto_table import TABLE, the_fake_then_dynamodb

NOW = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[ConsoleSessionStore]:
    stores: Iterator[ConsoleSessionStore] = the_fake_then_dynamodb(
        request.param,
        FakeConsoleSessions,
        lambda client: DynamoConsoleSessions(Table(client, TABLE)),
    )
    yield from stores


def test_a_session_reads_back_as_it_was_put(store: ConsoleSessionStore) -> None:
    session = new_session("organiser-1", "sid-1", NOW)
    assert store.get_session("organiser-1", "sid-1") is None
    store.put_session(session)
    assert store.get_session("organiser-1", "sid-1") == session
    assert store.get_session("organiser-2", "sid-1") is None


def test_a_deleted_session_is_gone_and_deleting_twice_is_harmless(
    store: ConsoleSessionStore,
) -> None:
    store.put_session(new_session("organiser-1", "sid-1", NOW))
    store.delete_session("organiser-1", "sid-1")
    store.delete_session("organiser-1", "sid-1")
    assert store.get_session("organiser-1", "sid-1") is None


def test_every_session_of_one_organiser_goes_at_once(store: ConsoleSessionStore) -> None:
    for sid in ("a", "b", "c"):
        store.put_session(new_session("organiser-1", sid, NOW))
    store.put_session(new_session("organiser-2", "z", NOW))
    assert store.delete_sessions("organiser-1") == 3
    assert [store.get_session("organiser-1", sid) for sid in ("a", "b", "c")] == [None] * 3
    assert store.get_session("organiser-2", "z") is not None
    assert store.delete_sessions("organiser-1") == 0
