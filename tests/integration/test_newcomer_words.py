"""Words a newcomer met, each said once and truly: an ended cohort is "Ended" in the console,
the CLI and load-course, with no place free; an expired code has no uses "left"; a place a
bursary funds whole is "Paid by: Bursary" in the roster; the console home tells two cohorts of
one title apart; the group form's error summary names its field; the local sign-in hint has no
Markdown."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from booking.cli.runs import run_said
from booking.domain.wording import course_state_said, uses_words
from tests.conftest import COURSES_DIR
from tests.support.cli import at_the_terminal
from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

HTML = {"accept": "text/html"}
PAST = "compassionate-leadership-2025"


def _variant(system: System, course_id: str, **changes: Any) -> None:
    """The sample course under another id, its definition changed by ``changes``."""
    sample = system.stored_course(COURSE_ID)
    system.put_course(course_id, sample.definition.model_copy(update=changes))


def test_an_ended_cohort_is_said_ended_everywhere(
    system: System,
    browser: ConsoleBrowser,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = at_the_terminal(system, monkeypatch, capsys)
    code, out = run("load-course", str(COURSES_DIR / "past" / f"{PAST}.json"))
    assert code == 0, out
    assert f" [{PAST}]: " in out
    assert out.splitlines()[0].endswith("sessions, ended")
    assert "places left" not in out.splitlines()[0]

    code, out = run("courses")
    [line] = [line for line in out.splitlines() if f"[{PAST}]" in line]
    assert f"[{PAST}]: Ended, £" in line

    code, out = run("course", PAST)
    assert "Status: Ended" in out

    home = browser.words("/console")
    assert "Ended" in home
    course_page = browser.words(f"/console/courses/{PAST}")
    assert "Ended" in course_page
    assert "Closed" not in course_page

    # Its empty places are gone, not free: the courses list said "20 of 20" free, its page and
    # the CLI "0 of 20 booked, 20 free", and the programme counted them in its places free.
    [row] = re.findall(
        rf'<a href="/console/courses/{PAST}">.*?</tr>', browser.get("/console").body, re.S
    )
    assert '<td class="num">0 of 20</td>' in row
    assert "0 of 20 booked" in course_page
    assert "0 of 20 booked, 20 free" not in course_page
    code, out = run("course", PAST)
    assert "Places: 0 of 20 booked\n" in out + "\n"
    programme = browser.words("/console/programmes/compassionate-leadership")
    open_free = system.course(COURSE_ID)["places_left"]
    assert f"{open_free} free" in programme.split("All cohorts together", 1)[1]
    assert f"{open_free + 20} free" not in programme


def test_the_console_home_names_each_cohort_by_its_first_day(
    system: System, browser: ConsoleBrowser
) -> None:
    page = browser.get("/console").body
    assert re.search(
        rf'<a href="/console/courses/{COURSE_ID}">Compassionate Leadership Training, from '
        r"\w+day \d+ \w+ \d{4}</a>",
        page,
    )


def test_a_code_that_can_no_longer_be_used_has_no_uses_left() -> None:
    assert uses_words(1, 2) == "1 of 2 used, 1 left"
    assert uses_words(1, 2, ended=True) == "1 of 2 used"
    assert uses_words(1, None, ended=True) == "1 used"


def test_a_place_a_bursary_funds_whole_is_paid_by_bursary(
    system: System, browser: ConsoleBrowser
) -> None:
    application = system.apply().json()
    assert system.grant_bursary(application, 20000).status == 200
    assert system.status_of(application)["status"] == "confirmed"
    reply = browser.get(f"/console/courses/{COURSE_ID}/roster.csv")
    [row] = list(csv.DictReader(io.StringIO(reply.body.lstrip("\ufeff"))))
    assert row["Paid by"] == "Bursary"


def test_the_group_forms_error_summary_names_the_consent_box(system: System) -> None:
    # Every field filled in but the consent box, left unticked.
    manager = {"manager_name": "Ruth Manager", "manager_email": "manager@example.org"}
    colleague = {"colleague_name_1": "Colleague One", "colleague_email_1": "one@example.org"}
    form = {**manager, "organisation": "St Elsewhere NHS Trust", **colleague}
    page = system.api("POST", f"/courses/{COURSE_ID}/group-bookings", form=form, headers=HTML)
    assert page.status == 422
    said = text_of(page.body)
    # The manager's box in its own words (what they confirm of their colleagues), never the
    # application form's, written for a person giving their own answers.
    assert (
        "Tick the box to confirm your colleagues know you are giving us their names and email "
        "addresses"
    ) in said
    assert "I confirm that each colleague I name knows I am booking them a place" in said
    assert "to book their places and to email each of them about the course" in said
    assert "how we use your answers" not in said
    assert "This field is required" not in said
    box = re.search(r'<input type="checkbox" id="consent"[^>]*>', page.body)
    assert box is not None
    assert 'aria-describedby="consent-hint consent-error"' in box.group(0)
    # A program is told the same in its JSON, and the box is counted by the one rule.
    # (JSON names its colleagues as a list: the form's numbered rows are a form's only.)
    colleagues = [{"name": "Colleague One", "email": "one@example.org"}]
    unticked: dict[str, Any] = {
        **manager,
        "organisation": form["organisation"],
        "colleagues": colleagues,
    }
    unticked["consent"] = False
    as_json = system.api("POST", f"/courses/{COURSE_ID}/group-bookings", json_body=unticked)
    assert as_json.status == 422
    assert "know you are giving us their names" in as_json.json()["error"]["fields"]["consent"]


def test_the_sign_in_hint_has_no_markdown(system: System) -> None:
    form = ConsoleBrowser(system).get("/console/sign-in")
    assert "make run" in form.body
    assert "`" not in text_of(form.body)


def test_an_approval_that_finds_the_course_full_says_it_was_approved(system: System) -> None:
    _variant(
        system, "approval-one-place", title="Reviewed cohort", capacity=1, approval_required=True
    )
    made = [
        system.apply(course_id="approval-one-place", email=f"reviewed{n}@example.org").json()
        for n in (1, 2)
    ]
    for application in made:
        system.admin("POST", f"/applications/{application['application_id']}/approve")
    assert system.status_of(made[1])["status"] == "waitlisted"
    [told] = [e for e in system.deliver_emails() if e.subject.startswith("You are on the wait")]
    assert told.to == ["reviewed2@example.org"]
    flat = " ".join(told.text.split())
    assert "our facilitators have read your application for Reviewed cohort and approved it" in flat
    assert "put you on its waiting list (you are number 1)" in flat


def test_the_decline_hint_says_what_is_sent_without_a_message(
    system: System, browser: ConsoleBrowser
) -> None:
    _variant(system, "approval-hint", approval_required=True, decline_message=None)
    application = system.apply(course_id="approval-hint").json()
    page = browser.words(f"/console/applications/{application['application_id']}")
    assert "Without one they get the course's decline message, or, if it has none, a kind " in page


def test_a_missing_course_in_the_console_points_to_the_courses(browser: ConsoleBrowser) -> None:
    page = browser.get("/console/courses/nope")
    assert page.status == 404
    words = text_of(page.body)
    assert "No course 'nope'." in words
    assert "start from the courses page: every course is listed there" in words


def test_a_scheduled_run_is_said_in_words() -> None:
    answer = (
        '{"time": "2031-06-01T15:05:00Z", "sessions_in_window": 2, "queued": 1, '
        '"holds_released": 0, "emails_relayed": 3, "offers_made": 1}'
    )
    assert run_said(answer) == (
        "Ran the schedule as of Sunday 1 June 2031 at 16:05 BST: 1 reminder queued, "
        "0 unpaid holds released, 1 place offered to the waiting list, 3 emails relayed."
    )


def test_a_scheduled_run_says_reminders_skipped_for_erased_people_as_skipped() -> None:
    """What "queued" counts is only what was queued for someone (newcomer 11, finding 12)."""
    answer = (
        '{"time": "2031-06-01T15:05:00Z", "queued": 1, "skipped_erased": 2, '
        '"holds_released": 0, "emails_relayed": 0, "offers_made": 0}'
    )
    assert run_said(answer) == (
        "Ran the schedule as of Sunday 1 June 2031 at 16:05 BST: 1 reminder queued, "
        "2 reminders skipped (their people were erased), 0 unpaid holds released, "
        "0 places offered to the waiting list, 0 emails relayed."
    )


def test_a_scheduled_run_says_the_erasures_it_finished_at_stripe() -> None:
    answer = (
        '{"time": "2031-06-01T15:05:00Z", "queued": 0, "holds_released": 0, '
        '"emails_relayed": 0, "offers_made": 0, "stripe_searches_made": 2}'
    )
    assert run_said(answer) == (
        "Ran the schedule as of Sunday 1 June 2031 at 16:05 BST: 0 reminders queued, "
        "0 unpaid holds released, 0 places offered to the waiting list, "
        "2 erasures finished at Stripe (pending while it was unreachable), 0 emails relayed."
    )


def test_the_group_form_asks_billing_details_as_the_application_form_does(
    system: System,
) -> None:
    _variant(system, "invoiced-form", invoice_allowed=True)
    pages = [
        system.api("GET", f"/courses/invoiced-form/{form}", headers=HTML).body
        for form in ("apply", "group-booking")
    ]
    for page in pages:
        assert re.search(r'<input type="email" id="billing_email"', page)
        assert '<textarea id="billing_address"' in page


def test_a_full_cohort_says_who_waits_never_a_waiting_list_nobody_is_on() -> None:
    """A full cohort nobody waits for is "Full" (not "Full (waiting list)", read as people
    waiting); one with people waiting says how many; one way everywhere it is shown."""
    assert course_state_said("full", ended=False) == "Full"
    assert course_state_said("full", ended=False, waiting=0) == "Full"
    assert course_state_said("full", ended=False, waiting=2) == "Full, 2 waiting"
    assert course_state_said("open", ended=False, waiting=2) == "Open"
    assert course_state_said("full", ended=True, waiting=2) == "Ended"


def test_the_programme_page_says_a_full_cohort_truly(
    system: System, browser: ConsoleBrowser
) -> None:
    _variant(system, "one-place", title="One place", capacity=1)
    system.apply(course_id="one-place", email="first@example.org")
    programme = system.course_file(COURSE_ID).get("programme")
    page = text_of(browser.get(f"/console/programmes/{programme}").body)
    assert "Full" in page
    assert "waiting list)" not in page


def test_a_scheduled_run_says_whom_it_told_that_applications_closed() -> None:
    answer = (
        '{"time": "2031-06-01T15:05:00Z", "queued": 0, "holds_released": 0, '
        '"emails_relayed": 2, "offers_made": 0, "waits_ended": 2}'
    )
    assert run_said(answer) == (
        "Ran the schedule as of Sunday 1 June 2031 at 16:05 BST: 0 reminders queued, "
        "0 unpaid holds released, 0 places offered to the waiting list, 2 people waiting (on "
        "the list or for a review) told applications closed, 2 emails relayed."
    )
