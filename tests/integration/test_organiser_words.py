"""Organiser pages in the organiser's words: no "sweep", the course id as a
small "Reference for the command line" below the course's name (never its first line), an
invoice "not paid yet" (never Stripe's "open"), a register's undecided completion "Not decided
yet", and a follow-up's page saying which cohort's enquiries address and joining link its
messages use."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.invoiced import applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.register_cohort import COURSE, booked_on_it, register_cohort_file
from tests.support.system import COURSE_ID, System


def test_the_course_pages_name_the_id_for_what_it_is_and_never_the_sweep(
    system: System, browser: ConsoleBrowser
) -> None:
    page = browser.get(f"/console/courses/{COURSE_ID}").body
    [heading] = re.findall(r"<h1>(.*?)</h1>", page, re.S)
    assert COURSE_ID not in heading  # the name first, alone
    assert f"<small>Reference for the command line: {COURSE_ID}</small>" in page
    assert "Id for the command line" not in text_of(page)
    home = text_of(browser.get("/console").body)
    assert "sweep" not in home
    assert "one whose time has run out goes back to the course within 15 minutes" in home
    assert f"Reference for the command line: {COURSE_ID}" in home


def test_an_open_invoice_is_not_paid_yet(system: System, browser: ConsoleBrowser) -> None:
    invoiced_cohort(system)
    application = applied_by_invoice(system)
    words = browser.words(f"/console/applications/{application['application_id']}")
    assert "for £200.00, not paid yet; falls due on" in words
    assert "open, not paid yet" not in words


def test_an_undecided_completion_is_not_decided_yet(system: System) -> None:
    system.put_course(COURSE, register_cohort_file(datetime.now(UTC).date() + timedelta(days=10)))
    booked_on_it(system, "Bo Booked", "bo@example.org")
    words = signed_in(system).words(f"/console/courses/{COURSE}/register")
    assert "Not decided yet" in words


def test_a_follow_up_says_whose_enquiries_address_and_joining_link_it_uses(
    system: System, browser: ConsoleBrowser
) -> None:
    programme = system.course()["programme"]
    words = browser.words(f"/console/programmes/{programme}/follow-ups")
    course = system.course_file()
    assert "carry the details of" not in words
    assert (
        "Its invitation and other messages use the details of Compassionate Leadership "
        f"Training, from Monday 7 June 2027: its enquiries address ({course['enquiries_email']}) "
        "for replies and its joining link." in words
    )
