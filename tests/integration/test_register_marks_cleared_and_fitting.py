"""The console's register: a mark given by mistake (a "Sent apologies" before the session,
or any mark before the register closes) is cleared by its own button, by the same rules as
setting one (saved as pressed, pressed twice changes nothing, refused once the register is
closed); and the register of a six-session course fits a 1200 px screen in Chromium, its
Completion column in view, axe-core finding nothing. Through the real handlers on moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from axe_playwright_python.sync_playwright import Axe

from tests.support.chromium import chromium_executable, launched_chromium
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.courses import register_course, weekly_sessions
from tests.support.page_text import text_of
from tests.support.register_cohort import COURSE, booked_on_it, register_cohort_file
from tests.support.system import System

PAGE = f"/console/courses/{COURSE}/register"
MARKS = f"{PAGE}/marks"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _first_session(system: System) -> str:
    [session, *_] = system.admin("GET", f"/courses/{COURSE}/register").json()["sessions"]
    return str(session["key"])


def _press(browser: ConsoleBrowser, application_id: str, session: str, mark: str) -> str:
    """The mark's button pressed in the person's row: the words of the page it leads to."""
    which = {"application_id": application_id, "session": session}
    pressed = browser.press(PAGE, MARKS, which, mark=mark)
    assert pressed.status == 303, pressed.body[:300]
    return browser.words(pressed.headers["location"])


def test_apologies_sent_before_a_session_can_be_cleared(system: System) -> None:
    system.put_course(COURSE, register_cohort_file(datetime.now(UTC).date() + timedelta(days=10)))
    ada = booked_on_it(system, "Ada Example", "ada@example.org")
    app_id, session = ada["application_id"], _first_session(system)
    browser = signed_in(system)
    assert "Clear mark for" not in browser.words(PAGE)  # nothing to clear yet

    said = _press(browser, app_id, session, "apologies")
    assert "Ada Example: sent apologies for session 1 of 3." in said
    assert "Clear mark for Ada Example" in said

    cleared = _press(browser, app_id, session, "clear")
    assert "Ada Example: not marked for session 1 of 3." in cleared
    assert "Clear mark for" not in cleared
    assert system.stored(app_id).attendance == {}
    before = system.items()
    assert "not marked for session 1 of 3." in _press(browser, app_id, session, "clear")
    assert system.items() == before  # pressed twice: nothing changes

    _press(browser, app_id, session, "apologies")
    system.clock_offset += timedelta(days=40)
    assert system.admin("POST", f"/courses/{COURSE}/register/close").status == 200
    browser = signed_in(system)  # the earlier sign-in has lapsed since
    refused = browser.act(MARKS, application_id=app_id, session=session, mark="clear")
    assert refused.status == 409
    assert "the register is closed: marks can no longer change" in text_of(refused.body).lower()
    assert system.stored(app_id).attendance != {}


def test_a_six_session_register_fits_a_1200_px_screen(system: System) -> None:
    first = datetime.now(UTC).date() - timedelta(days=1)  # begun: every mark offered
    system.put_course(COURSE, register_course(weekly_sessions(first - timedelta(weeks=0), 6), 4))
    system.clock_offset -= timedelta(days=2)  # booked before the first session began
    ada = booked_on_it(system, "Ada Example-Longname", "ada@example.org")
    booked_on_it(system, "Bartholomew Okonkwo-Smythe", "bart@example.org")
    system.clock_offset += timedelta(days=2)
    browser = signed_in(system)
    _press(browser, ada["application_id"], _first_session(system), "attended")
    html = browser.get(PAGE).body
    executable = chromium_executable()
    assert executable, "Chromium is needed to measure the register"

    with launched_chromium(executable) as chromium:
        page = chromium.new_page(viewport={"width": 1200, "height": 900})
        page.set_content(html)
        widths = page.evaluate(
            """() => {
              const wrap = document.querySelector('.table-wrap');
              const last = [...document.querySelectorAll('table.register thead th')].pop();
              return {scroll: wrap.scrollWidth, shown: wrap.clientWidth,
                      right: last.getBoundingClientRect().right,
                      page: document.documentElement.scrollWidth};
            }"""
        )
        results = Axe().run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_22_AA},
                "resultTypes": ["violations"],
            },
        )

    assert widths["scroll"] <= widths["shown"], widths
    assert widths["right"] <= 1200, widths  # the Completion column in view
    assert widths["page"] <= 1200, widths
    assert results.violations_count == 0, results.generate_report()


def test_clear_mark_on_a_page_older_than_the_mark_clears_nothing(system: System) -> None:
    """A page left open showing "Absent", marked "Attended" since by another press: its Clear
    mark is refused in words, the mark it never showed kept."""
    first = datetime.now(UTC).date() - timedelta(days=1)  # begun: every mark offered
    system.put_course(COURSE, register_course(weekly_sessions(first, 3), 2))
    system.clock_offset -= timedelta(days=2)  # booked before the first session began
    ada = booked_on_it(system, "Ada Example", "ada@example.org")
    system.clock_offset += timedelta(days=2)
    app_id, session = ada["application_id"], _first_session(system)
    browser = signed_in(system)
    _press(browser, app_id, session, "absent")
    older = browser.form(PAGE, MARKS, {"application_id": app_id, "session": session})
    _press(browser, app_id, session, "attended")  # another tab's press meanwhile

    refused = browser.post(MARKS, **{**older, "mark": "clear"})

    assert refused.status == 409, refused.body[:300]
    words = text_of(refused.body)
    assert "changed since you last looked at it (it is now Attended)" in words, words
    assert [m.value for m in system.stored(app_id).attendance.values()] == ["attended"]
    # Shown as it is now, the Clear mark of the current page clears it.
    assert "not marked for session 1 of 3." in _press(browser, app_id, session, "clear")
