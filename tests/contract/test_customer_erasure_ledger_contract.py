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
    assert repo.customer_deletion_owed("in_a")
    assert not repo.customer_deletion_owed("in_b")


def test_an_owed_search_is_claimed_by_one_run_at_a_time_until_done(repo: Repository) -> None:
    later = NOW + timedelta(minutes=10)
    assert repo.provider_searches_owed() == []
    repo.owe_provider_search("Ada@Example.org", ["ADA@example.org"], NOW, NOW + timedelta(days=30))
    repo.owe_provider_search("bo@example.org", [], NOW + timedelta(minutes=1), NOW)
    # Owed again (an erasure asked twice): one search, first owed when it was, asking by
    # every spelling either erasure gave.
    repo.owe_provider_search("ada@example.org", [], NOW + timedelta(minutes=2), NOW)
    assert sorted(repo.provider_searches_owed()) == [NOW, NOW + timedelta(minutes=1)]
    assert repo.provider_search_owed_for("ADA@example.org")
    assert not repo.provider_search_owed_for("cy@example.org")

    claimed = repo.claim_provider_searches(NOW + timedelta(minutes=3), later, limit=1)
    assert [(s.email.lower(), s.owed_at) for s in claimed] == [("ada@example.org", NOW)]
    assert set(claimed[0].spellings) == {"Ada@Example.org", "ADA@example.org", "ada@example.org"}
    # Claimed: not due to another run until the claim ends.
    [other] = repo.claim_provider_searches(NOW + timedelta(minutes=3), later, limit=10)
    assert other.email == "bo@example.org"
    assert repo.claim_provider_searches(NOW + timedelta(minutes=4), later, limit=10) == []
    assert len(repo.claim_provider_searches(later, later + timedelta(minutes=10), 10)) == 2

    repo.provider_search_done("ADA@example.org")
    repo.provider_search_done("ada@example.org")  # done twice: harmless
    assert not repo.provider_search_owed_for("ada@example.org")
    assert repo.provider_searches_owed() == [NOW + timedelta(minutes=1)]


def test_an_owed_search_is_claimed_by_its_address_as_the_runs_claim_it(repo: Repository) -> None:
    """An erasure (or export) of the address tries its search at once, through the same
    claim: never while a run's claim holds it, and a run never while its claim does."""
    later = NOW + timedelta(minutes=10)
    assert repo.claim_provider_search("ada@example.org", NOW, later) is None  # none owed
    repo.owe_provider_search("Ada@Example.org", [], NOW, NOW + timedelta(days=30))

    claimed = repo.claim_provider_search("ADA@example.org", NOW, later)

    assert claimed is not None
    assert claimed.email == "Ada@Example.org"
    assert repo.claim_provider_search("ada@example.org", NOW + timedelta(minutes=1), later) is None
    assert repo.claim_provider_searches(NOW + timedelta(minutes=1), later, limit=10) == []
    [run] = repo.claim_provider_searches(later, later + timedelta(minutes=10), 10)
    assert run.email == "Ada@Example.org"
    assert repo.claim_provider_search("ada@example.org", later, later) is None


def test_an_owed_search_covers_the_latest_erasure_that_owed_it(repo: Repository) -> None:
    """Owed again by a later erasure, the search finds what the provider made by that one
    (first owed as it was: its age, and the alarm, unchanged); an erasure's earlier time
    arriving after never lowers it. Made for an earlier erasure than the latest, it is kept."""
    later = NOW + timedelta(minutes=10)
    repo.owe_provider_search("ada@example.org", [], NOW, NOW + timedelta(days=30))
    [first] = repo.claim_provider_searches(NOW, NOW, limit=10)
    assert (first.owed_at, first.made_by) == (NOW, NOW)

    repo.owe_provider_search("Ada@example.org", [], later, later + timedelta(days=30))
    repo.owe_provider_search("ada@example.org", [], NOW + timedelta(minutes=5), later)

    [both] = repo.claim_provider_searches(later, later, limit=10)
    assert (both.owed_at, both.made_by) == (NOW, later)
    assert repo.provider_searches_owed() == [NOW]
    # The search made for the first erasure alone: still owed, for the later one.
    repo.provider_search_done("ada@example.org", first.made_by)
    assert repo.provider_search_owed_for("ada@example.org")
    repo.provider_search_done("ada@example.org", both.made_by)
    assert not repo.provider_search_owed_for("ada@example.org")
