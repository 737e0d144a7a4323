"""The course form offers the programmes' existing follow-ups to choose a session's id from
(an organiser had to open another cohort's definition to find the id, and
type it to match): listed in words (title, day and time, the programme by its title) and
offered as the id box's suggestions."""

from __future__ import annotations

import re

from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def test_the_form_offers_the_follow_ups_the_programmes_have(
    system: System, browser: ConsoleBrowser
) -> None:
    course = system.stored_course(COURSE_ID)
    shared = [s for s in course.schedule if s.kind.value == "follow_up"]
    assert shared, "the sample cohort lists follow-ups"
    for path in ("/console/courses/new", f"/console/courses/{COURSE_ID}/edit"):
        page = browser.get(path).body
        [datalist] = re.findall(r'<datalist id="follow-up-ids">(.*?)</datalist>', page, re.S)
        offered = re.findall(r'<option value="([^"]+)">', datalist)
        assert offered == [s.key for s in shared]
        # Each session's id box takes its suggestions from that list.
        assert re.search(
            r'id="session-0-id" name="session-0-id" value="[^"]*" '
            r'autocomplete="off" list="follow-up-ids"',
            page,
        )
        words = text_of(page)
        assert (
            f"{shared[0].key} : Reviewing our learning and practice, Thursday 23 September 2027 "
            "at 16:00 BST, Compassionate Leadership Training" in words
        )
