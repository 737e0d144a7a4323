"""Two organisers (or two tabs) granting different bursaries from the same page at once: the
console's form carries what it showed (``seen``, ``domain.page_seen``), and a grant that finds
another amount granted since is refused on the page in words (409), never told "granted" while
its amount was silently replaced. A page shown before ``seen`` carries the
bursary alone (``bursary_seen``): 409 ``bursary_changed``. Through the real handlers and moto."""

from __future__ import annotations

import re

from tests.support.applications import application_body
from tests.support.console import CSRF_FIELD, signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

SEEN = re.compile(r'name="seen" value="([^"]*)"')


def test_a_grant_from_a_page_that_showed_another_bursary_is_refused_in_words(
    system: System,
) -> None:
    applied = system.api("POST", f"/courses/{COURSE_ID}/applications", json_body=application_body())
    assert applied.status == 201, applied.body
    app_id = applied.json()["application_id"]
    browser = signed_in(system)
    path = f"/console/applications/{app_id}"
    # Two tabs open the page, each showing no bursary.
    page = browser.get(path).body
    [csrf], [seen] = CSRF_FIELD.findall(page)[:1], SEEN.findall(page)
    tab = {"csrf_token": csrf, "seen": seen}

    first = browser.post(f"{path}/bursary", **tab, amount="50.00")
    assert first.status == 303, first.body
    second = browser.post(f"{path}/bursary", **tab, amount="80.00")

    assert second.status == 409, second.body
    said = text_of(second.body)
    assert "changed since you last looked at it" in said
    assert "£50.00 funded by a bursary" in said
    assert "The applicant has been emailed" not in said
    assert system.stored(app_id).bursary == 5000
    # The page, opened again, shows £50.00 and carries it: that grant replaces it.
    again = browser.get(path).body
    assert SEEN.findall(again) != [seen]
    assert "Currently £50.00" in text_of(again)
    replaced = browser.post(
        f"{path}/bursary", **{**tab, "seen": SEEN.findall(again)[0]}, amount="80.00"
    )
    assert replaced.status == 303, replaced.body
    assert system.stored(app_id).bursary == 8000
    # An older page's bursary_seen alone no longer stands in for seen: not the page's.
    for shown in ("5000", "8000"):
        older = browser.post(f"{path}/bursary", csrf_token=csrf, bursary_seen=shown, amount="90.00")
        assert older.status == 422, older.body
        assert "This form was not the page's: open the application again." in text_of(older.body)
    assert system.stored(app_id).bursary == 8000


def test_a_bursary_seen_that_is_not_an_amount_is_refused_beside_the_field(
    system: System,
) -> None:
    applied = system.api("POST", f"/courses/{COURSE_ID}/applications", json_body=application_body())
    app_id = applied.json()["application_id"]
    browser = signed_in(system)
    path = f"/console/applications/{app_id}"

    refused = browser.act(f"{path}/bursary", bursary_seen="x", amount="50.00")

    assert refused.status == 422, refused.body
    assert "This form is out of date: open the application again" in text_of(refused.body)
    assert system.stored(app_id).bursary == 0


def test_the_admin_grant_takes_what_its_caller_read(system: System) -> None:
    applied = system.api("POST", f"/courses/{COURSE_ID}/applications", json_body=application_body())
    app_id = applied.json()["application_id"]
    read = system.admin("GET", f"/applications/{app_id}").json()["seen"]
    path = f"/applications/{app_id}/bursary"

    first = system.admin("POST", path, json_body={"amount": 5000, "seen": read})
    second = system.admin("POST", path, json_body={"amount": 8000, "seen": read})

    assert first.status == 200, first.body
    error = second.refused(409, "application_changed")
    assert "£50.00 funded by a bursary" in error["message"]
    assert system.stored(app_id).bursary == 5000
    now = first.json()["seen"]  # every action's answer gives the application's seen
    assert system.admin("POST", path, json_body={"amount": 8000, "seen": now}).status == 200
    assert system.stored(app_id).bursary == 8000
    unclear = system.admin("POST", path, json_body={"amount": 9000, "seen": "x"})
    assert "seen" in unclear.refused(422, "validation_failed")["fields"]
