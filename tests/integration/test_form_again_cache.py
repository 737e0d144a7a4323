"""A form answered again with its mistakes is kept by the person's own browser alone:
``private, no-cache`` rather than ``no-store``, so Back shows it again
instead of Chromium's "Confirm form resubmission" (``tests/e2e/test_form_back_browser.py``
holds it in the browser). Everything else private keeps ``no-store``."""

from __future__ import annotations

from tests.support.system import COURSE_ID, System

HTML = {"accept": "text/html"}


def test_the_form_again_is_kept_by_its_browser_alone(system: System) -> None:
    path = f"/courses/{COURSE_ID}/applications"
    again = system.api("POST", path, form={"name": "Mary", "email": "no-at-sign"}, headers=HTML)
    assert again.status == 422
    assert again.headers["content-type"].startswith("text/html")
    assert again.headers["cache-control"] == "private, no-cache"
    assert again.headers["vary"] == "Accept"
    assert 'value="Mary"' in again.body  # the answers kept in the page, not the address
    # The same refusal as JSON, and the answers of a form that went through, are not kept.
    as_json = system.api("POST", path, json_body={"name": "Mary", "email": "no-at-sign"})
    assert (as_json.status, as_json.headers["cache-control"]) == (422, "no-store")
    assert system.apply().headers["cache-control"] == "no-store"
