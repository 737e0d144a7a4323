"""The browser tests share one Chromium per worker (``SharedChromium`` in conftest.py): each
test asks for it and gets the same one while it runs; closed, it is gone (Playwright's driver
with it, so asyncio no longer takes Playwright's loop for a running one) and the next test to
ask gets a new one."""

from __future__ import annotations

import asyncio

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import SHARED_CHROMIUM, page_in

pytestmark = pytest.mark.e2e


def test_each_test_is_handed_the_one_running_browser(chromium: Browser) -> None:
    assert SHARED_CHROMIUM.browser() is chromium
    with page_in(chromium) as page:
        page.set_content("<p>one browser</p>")
        assert page.locator("p").inner_text() == "one browser"


def test_a_closed_browser_is_gone_with_playwright_and_a_new_one_comes_next(
    chromium: Browser,
) -> None:
    SHARED_CHROMIUM.close()
    assert not chromium.is_connected()
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()  # Playwright's loop no longer marked as running
    again = SHARED_CHROMIUM.browser()
    assert again is not chromium
    assert again.is_connected()
