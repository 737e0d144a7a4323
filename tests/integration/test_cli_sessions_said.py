"""The CLI says a course's sessions as the console does, by its one rule
(``domain.time_words.session_when``): the day, the start and the end, in the course's own clock
with BST or GMT ("Monday 7 June 2027, 15:00-17:00 BST"). ``course`` once gave the start alone,
so an organiser could not tell a two-hour session from a one-hour follow-up, and ``register``
gave each session's title alone ("1. Session 1 of 3"), so the numbers its marks are given by
had no day beside them. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.support.register_cohort import COURSE, after_the_course, register_cohort_file
from tests.support.system import COURSE_ID, System

DAY = r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]+ \d{4}"


def test_course_says_each_session_from_its_start_to_its_end(run: Any) -> None:
    code, shown = run("course", COURSE_ID)

    assert code == 0, shown
    assert "  Monday 7 June 2027, 15:00-17:00 BST  Session 1 of 6" in shown, shown
    follow_up = "  Tuesday 23 November 2027, 13:00-14:00 GMT  Follow-up: Reviewing our learning"
    assert follow_up in shown, shown


def test_register_lists_its_sessions_by_number_with_their_day_and_times(
    system: System, run: Any
) -> None:
    system.put_course(COURSE, register_cohort_file(date(2027, 3, 22)))  # Mondays, 10:00-12:30

    code, shown = run("register", COURSE)

    assert code == 0, shown
    assert "  1. Session 1 of 3: Monday 22 March 2027, 10:00-12:30 GMT" in shown, shown
    assert "  2. Session 2 of 3: Monday 29 March 2027, 10:00-12:30 BST" in shown, shown


def test_close_register_says_when_it_closed_in_uk_time_never_an_iso_stamp(
    system: System, run: Any
) -> None:
    system.put_course(COURSE, register_cohort_file(datetime.now(UTC).date() + timedelta(days=10)))
    after_the_course(system)

    code, closed = run("close-register", COURSE)
    again_code, again = run("close-register", COURSE)

    assert code == 0, closed
    assert again_code == 0, again
    when = rf"{DAY} at \d\d:\d\d (GMT|BST)"
    assert re.search(rf"^Register closed on {when}: 0 completed", closed), closed
    assert re.search(rf"^The register was closed already, on {when}: 0 completed", again), again
    assert "Z:" not in closed + again
