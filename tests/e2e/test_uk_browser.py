"""The browser the tests and ``make screenshots`` drive is a UK organiser's: British English
and London's clock (the screenshots had shown "mm/dd/yyyy" in the codes page's date field).
The date field's own format is not visible to scripts; the screenshots show it."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.conftest import page_in


def test_the_browser_is_a_uk_organisers(chromium: Browser) -> None:
    with page_in(chromium) as page:
        page.set_content('<input type="date" value="2027-06-07">')
        said = page.evaluate(
            "[navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone,"
            " new Date(Date.UTC(2027, 5, 7, 12)).toLocaleString()]"
        )
    assert said == ["en-GB", "Europe/London", "07/06/2027, 13:00:00"]
