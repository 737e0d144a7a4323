"""The deletions at the payment provider that erasure owes: the fake held to DynamoDB (moto)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.services.ports import Repository

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def test_owed_deletions_are_listed_oldest_first_once_each_until_done(repo: Repository) -> None:
    assert repo.owed_customer_deletions() == []
    repo.owe_customer_deletions(["in_b", "in_a"], NOW)
    repo.owe_customer_deletions(["in_c", "in_c"], NOW + timedelta(minutes=1))
    assert repo.owed_customer_deletions() == ["in_a", "in_b", "in_c"]
    assert repo.owed_customer_deletions(limit=2) == ["in_a", "in_b"]
    # Owed again (an erasure asked twice): still once, now among the later ones.
    repo.owe_customer_deletions(["in_a"], NOW + timedelta(minutes=2))
    assert repo.owed_customer_deletions() == ["in_b", "in_c", "in_a"]
    repo.customer_deletion_done("in_b")
    repo.customer_deletion_done("in_unknown")  # done twice, or never owed: harmless
    assert repo.owed_customer_deletions() == ["in_c", "in_a"]
