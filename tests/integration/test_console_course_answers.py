"""A course's "read all answers" page (reading what applicants wrote meant
opening them one by one): every applicant's answers in the form's words on one printable page,
filtered by status, access needs said plainly, email addresses left off."""

from __future__ import annotations

from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

ANSWERS = f"/console/courses/{COURSE_ID}/answers"


def test_every_applicant_and_what_they_wrote(system: System, browser: ConsoleBrowser) -> None:
    confirmed = system.booked(
        name="Jo Walsh",
        email="jo@example.org",
        motivation="To lead the night shift with kindness.",
        accessibility_needs="A hearing loop, please",
    )
    waiting = system.apply(name="Sam Reid", email="sam@example.org", motivation="Second.").json()

    html, said = browser.shown(ANSWERS)

    assert "2 applicants." in said
    assert "Jo Walsh" in said
    assert "Sam Reid" in said
    assert said.index("Jo Walsh") < said.index("Sam Reid")  # oldest first
    assert "Reasons for applying To lead the night shift with kindness." in said
    assert "Access needs: A hearing loop, please" in said
    assert "Access needs: none given" in said
    assert "jo@example.org" not in html
    assert "sam@example.org" not in html
    for application in (confirmed, waiting):
        assert f'href="/console/applications/{application["application_id"]}"' in html


def test_filtered_by_status(system: System, browser: ConsoleBrowser) -> None:
    system.booked(name="Jo Walsh", email="jo@example.org")
    system.apply(name="Sam Reid", email="sam@example.org")

    said = text_of(browser.get(f"{ANSWERS}?status=confirmed").body)

    assert "1 applicant with the status “Confirmed”." in said
    assert "Jo Walsh" in said
    assert "Sam Reid" not in said


def test_an_unknown_status_shows_everyone_and_says_why(
    system: System, browser: ConsoleBrowser
) -> None:
    system.apply(name="Sam Reid", email="sam@example.org")
    page = browser.get(f"{ANSWERS}?status=nonsense")
    assert page.status == 422
    assert "Sam Reid" in text_of(page.body)
    assert browser.get("/console/courses/no-such-course/answers").status == 404


def test_the_course_page_links_to_it(browser: ConsoleBrowser) -> None:
    page = browser.get(f"/console/courses/{COURSE_ID}")
    assert f'href="{ANSWERS}"' in page.body
    assert "Read all answers (to print)" in text_of(page.body)


def test_an_erased_person_s_access_needs_are_said_erased_not_none(
    system: System, browser: ConsoleBrowser
) -> None:
    """An erased person whose booking stands: their access needs are unknown, not
    "none given" (facilitators printing the page must not read that there are none)."""
    system.booked(name="Jo Walsh", email="jo@example.org", accessibility_needs="A hearing loop")
    assert system.admin("DELETE", "/people/jo@example.org").status == 200

    said = text_of(browser.get(ANSWERS).body)

    assert "Access needs: [erased]" in said
    assert "none given" not in said
    assert "hearing loop" not in said


def test_a_groups_places_nobody_has_applied_for_yet_are_counted_by_group(
    invoiced: System, browser: ConsoleBrowser
) -> None:
    """The page said nothing of a group's colleagues who had not
    applied; under the answers it says how many places of which group booking hold no
    application yet, naming none of the colleagues (nothing of them is held until they apply)."""
    from tests.support.groups import COLLEAGUES, colleague_applies, paid_group
    from tests.support.invoiced import INVOICED

    group = paid_group(invoiced)
    colleague_applies(invoiced, group, 1)
    answers = f"/console/courses/{INVOICED}/answers"

    html, said = browser.shown(answers)

    assert "Group places with no application yet" in said
    assert "2 places of 1 group booking have no application yet." in said
    assert "St Elsewhere NHS Trust" in said
    assert "2 of its 3 places have no application yet" in said
    assert "2 places: Link sent, not applied yet" in said
    assert COLLEAGUES[0]["name"] in said  # she applied: her answers are above
    for colleague in COLLEAGUES[1:]:
        assert colleague["name"] not in said
        assert colleague["email"] not in html
    # Said whatever the status shown, as it is about places, not applications.
    filtered = text_of(browser.get(f"{answers}?status=confirmed").body)
    assert "2 of its 3 places have no application yet" in filtered


def test_no_group_places_waiting_says_nothing_of_groups(
    system: System, browser: ConsoleBrowser
) -> None:
    system.apply(name="Sam Reid", email="sam@example.org")
    assert "Group places" not in text_of(browser.get(ANSWERS).body)
