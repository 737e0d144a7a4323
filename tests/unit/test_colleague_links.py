"""Whether a group place's colleague was sent its link (``domain.colleague_links.link_went``),
which decides whether its end is told to them: the mailer's record of their first
link, or the date a link of theirs gave recorded on the place; undecided while it is sent."""

from __future__ import annotations

from booking.domain.colleague_links import first_link, link_went
from booking.domain.groups import GroupPlace, paid
from tests.support.group_bookings import NOW, group


def _place(**changes: object) -> GroupPlace:
    return paid(group(), "pi_1", NOW).places[1].model_copy(update=changes)


def test_a_link_that_reached_ses_went() -> None:
    assert link_went(_place(), True) is True


def test_a_link_that_never_reached_ses_did_not_go() -> None:
    # Never claimed, failed, skipped, or left ``sending`` by a dead delivery
    # (``services.email_claims.reached_ses``).
    assert link_went(_place(), False) is False


def test_a_link_being_sent_is_decided_once_it_is() -> None:
    assert link_went(_place(), None) is None


def test_a_date_recorded_for_the_colleague_named_now_says_a_link_went() -> None:
    # Its first link's claim expired, or a link sent again for an earlier date went.
    assert link_went(_place(substitutions=1, told_apply_by=(1, NOW)), False) is True
    # Recorded for the colleague named before: not this one's.
    assert link_went(_place(substitutions=1, told_apply_by=(0, NOW)), False) is False


def test_the_first_link_is_the_one_the_colleague_named_now_was_sent() -> None:
    booked = paid(group(), "pi_1", NOW)
    place = booked.places[1].model_copy(update={"substitutions": 2})
    job = first_link(booked, place)
    assert job.job_id == f"group_place_link:{booked.group_id}:place{place.number}:v2"
    assert job in booked.model_copy(update={"outbox": ()}).told_colleague(place).outbox
