"""A session renamed at the same time is told as a renaming, not as "Changed dates":
the person is not sent looking for a new time."""

from __future__ import annotations

from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System


def test_a_rename_alone_is_told_as_a_renaming(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-spring", ADA)
    spring = cohorts.files["move-spring"]
    first, *rest = spring["sessions"]
    system.put_course("move-spring", {**spring, "sessions": [{**first, "title": "Welcome"}, *rest]})

    [told] = cohorts.emails_to(ADA)

    assert told.subject.startswith("Renamed sessions: "), told.subject
    assert "their dates and times are unchanged" in told.text
    assert "(RENAMED)" in told.text
    assert "new times" not in told.text


def test_a_rename_beside_a_new_time_is_still_told_as_changed_dates(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-spring", ADA)
    spring = cohorts.files["move-spring"]
    first, second, *rest = spring["sessions"]
    later = {**second, "start_time": "16:00", "end_time": "18:00"}
    sessions = [{**first, "title": "Welcome"}, later, *rest]
    system.put_course("move-spring", {**spring, "sessions": sessions})

    [told] = cohorts.emails_to(ADA)

    assert told.subject.startswith("Changed dates: "), told.subject
