"""Two organisers (or two tabs) granting different bursaries from the same page at once: the
console's form carries the bursary it showed, and a grant that finds another amount granted
since is refused on the page in words (409 ``bursary_changed``), never told "granted" while
its amount was silently replaced (hostile26 F2). Through the real handlers and moto."""

from __future__ import annotations

import re

from tests.support.applications import application_body
from tests.support.console import CSRF_FIELD, signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

SEEN = re.compile(r'name="bursary_seen" value="([^"]*)"')


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
    assert seen == "0"
    tab = {"csrf_token": csrf, "bursary_seen": seen}

    first = browser.post(f"{path}/bursary", **tab, amount="50.00")
    assert first.status == 303, first.body
    second = browser.post(f"{path}/bursary", **tab, amount="80.00")

    assert second.status == 409, second.body
    said = text_of(second.body)
    assert "he bursary was changed meanwhile to £50.00" in said
    assert "The applicant has been emailed" not in said
    assert system.stored(app_id).bursary == 5000
    # The page, opened again, shows £50.00 and carries it: that grant replaces it.
    again = browser.get(path).body
    assert SEEN.findall(again) == ["5000"]
    assert "Currently £50.00" in text_of(again)
    replaced = browser.post(f"{path}/bursary", **{**tab, "bursary_seen": "5000"}, amount="80.00")
    assert replaced.status == 303, replaced.body
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
