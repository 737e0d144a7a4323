"""Debian's Chromium under Playwright: one way to find and launch it, for the browser tests
(tests/e2e) and ``make screenshots`` (tests/support/screenshots.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOT_INSTALLED = (
    "Debian's Chromium is not installed at /usr/bin/chromium, so the browser cannot start. "
    "Install it with: apt-get update && apt-get install -y chromium chromium-l10n (.ci/run does "
    "this in CI)."
)


# A UK organiser's browser: Chromium reads the date inputs' format ("dd/mm/yyyy", not
# "mm/dd/yyyy") from the process's language, not from Playwright's locale, and needs Debian's
# chromium-l10n for the en-GB one; the pages' clock is London's (set per context).
UK_ENVIRONMENT = {"LANG": "en_GB.UTF-8", "LANGUAGE": "en_GB", "LC_ALL": "en_GB.UTF-8"}


class ContextPlace(TypedDict):
    """Where a browser context says it is: its language and its clock (new_context's names)."""

    locale: str
    timezone_id: str


UK_CONTEXT: ContextPlace = {"locale": "en-GB", "timezone_id": "Europe/London"}


def chromium_executable() -> str | None:
    """Debian's Chromium, or one on the PATH; None if there is none."""
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    return found or None


@contextmanager
def launched_chromium(executable: str, *flags: str) -> Iterator[Browser]:
    """Chromium, headless, with the flags a container needs (and any ``flags`` more)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[*CHROMIUM_FLAGS, "--lang=en-GB", *flags],
            env={**os.environ, **UK_ENVIRONMENT},
        )
        try:
            yield browser
        finally:
            browser.close()
