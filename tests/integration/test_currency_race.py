"""A cohort's currency check and its save are one decision, whichever lands first: a submission
between a currency change's check and its write is counted (the change is
checked again and refused with the usual 422); a currency change between a submission's read of
the price and its write refuses the submission whole (409, its checkout expired at Stripe,
nothing of it stored). Either way no GBP checkout is left on a USD cohort. Each racing request
runs as another invocation would, on a thread of its own (the IAM check attributes calls by the
calling thread's stack)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.another_invocation import in_another_invocation
from tests.support.races import at_the_first
from tests.support.system import COURSE_ID, Reply, System


def _in_dollars(system: System) -> Reply:
    file = {**system.course_file(), "price": {"amount": 25000, "currency": "usd"}}
    return system.admin("PUT", f"/courses/{COURSE_ID}", json_body=file)


@pytest.fixture(params=[False, True], ids=["paying", "under_review"])
def approval(request: pytest.FixtureRequest, system: System) -> bool:
    """Whether the sample cohort reviews applications first: each race is run on a paying
    cohort and on one under review."""
    required = bool(request.param)
    if required:
        system.put_course(COURSE_ID, {**system.course_file(), "approval_required": True})
    return required


def test_a_submission_between_the_check_and_the_write_refuses_the_change(
    system: System, monkeypatch: pytest.MonkeyPatch, approval: bool
) -> None:
    # The currency check has read nothing priced in GBP; an applicant lands now.
    raced = at_the_first(
        monkeypatch,
        system.ports.repository,
        "put_course",
        lambda: in_another_invocation(system.apply),
    )
    reply = _in_dollars(system)
    assert raced[0].status == 201, raced[0].body
    assert reply.status == 422, reply.body
    held = "1 application or booking priced" if approval else "1 checkout open"
    assert f"this cohort has {held} in GBP" in reply.json()["error"]["message"]
    assert reply.json()["error"]["fields"]["price"].startswith("keep the currency GBP")
    assert system.course()["price"]["currency"] == "gbp"


def test_a_currency_change_between_a_submissions_read_and_write_refuses_it_whole(
    system: System, monkeypatch: pytest.MonkeyPatch, approval: bool
) -> None:
    repository = system.ports.repository
    save = repository.save
    sessions: list[str] = []

    def change_first(new: Any, previous: Any, **kwargs: Any) -> Any:
        # The submission has read the GBP price (and opened its GBP checkout); the organiser's
        # switch to USD lands now, checked against a cohort with nothing in it.
        if previous is None and not sessions:
            sessions.append(new.checkout.session_id if new.checkout else "")
            changed = in_another_invocation(lambda: _in_dollars(system))
            assert changed.status == 200, changed.body
        return save(new, previous, **kwargs)

    monkeypatch.setattr(repository, "save", change_first)
    reply = system.apply()
    reply.refused(409, "concurrent_update")
    assert "price changed" in reply.json()["error"]["message"]
    assert system.applications() == []  # nothing half-written: no application, no seat
    course = system.course()
    assert course["price"]["currency"] == "usd"
    assert course["places_left"] == course["capacity"]
    if not approval:
        assert system.checkout_session(sessions[0])["status"] == "expired"
    # Asked again, it is priced as the cohort is now.
    monkeypatch.setattr(repository, "save", save)
    again = system.apply()
    assert again.status == 201, again.body
    (stored,) = system.applications()
    assert '"currency":"usd"' in stored["doc"]["S"].replace(" ", "")


def _index_not_listing_yet(system: System, application_id: str) -> None:
    """The roster's index as DynamoDB may show it just after a save committed: the item is in
    the table, the index (eventually consistent) does not list it yet. Its index keys taken
    off the item is what the index shows then."""
    table = system.resources.table_name
    key = {"pk": {"S": f"APP#{application_id}"}, "sk": {"S": "APP"}}
    assert system.dynamodb.get_item(TableName=table, Key=key).get("Item") is not None
    system.dynamodb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE gsi1pk, gsi1sk")


@pytest.mark.usefixtures("approval")
def test_a_save_the_index_does_not_list_yet_still_keeps_the_currency(system: System) -> None:
    """A submission committed just before the currency check read the course,
    which the roster's index does not list yet. The course item's live count says it: the
    change is refused in words, and the cohort stays in GBP."""
    applied = system.apply()
    assert applied.status == 201, applied.body
    _index_not_listing_yet(system, applied.json()["application_id"])
    assert system.ports.repository.list_applications(COURSE_ID) == []
    reply = _in_dollars(system)
    assert reply.status == 422, reply.body
    message = reply.json()["error"]["message"]
    assert "this cohort has 1 application or booking priced as its saves counted" in message
    assert reply.json()["error"]["fields"]["price"].startswith("keep the currency GBP")
    assert system.course()["price"]["currency"] == "gbp"
