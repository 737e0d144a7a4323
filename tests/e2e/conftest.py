"""End-to-end: the real `make run` stack in a subprocess, on a free port, driven over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect
from schemathesis import BaseSchema

from tests.support.chromium import (
    NOT_INSTALLED,
    UK_CONTEXT,
    chromium_executable,
    launched_chromium,
)
from tests.support.local_stack import RunningStack, running_stack
from tests.support.mail_checks import check_sent
from tests.support.openapi_fuzzing import NOT_FUZZED

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
__all__ = [
    "SCREENSHOTS",
    "RunningStack",
    "axe_clean",
    "page_in",
]  # the tests' own names for what they are given


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    outbox = tmp_path_factory.mktemp("outbox")
    # A stack that does not start raises StackDidNotStart with its last lines: every test that
    # uses it errors with them. E2E_SERVER_LOG keeps the server's output.
    log_path = os.environ.get("E2E_SERVER_LOG")
    with running_stack(outbox, "e2e-admin-token", log_path=log_path) as running:
        yield running
        # Every email the stack sent, read back: no MIME defects, calendars valid to RFC 5546.
        # Inside the block: a failed check still stops the stack. A worker's share of the
        # end-to-end files (xdist's --dist loadfile) may send none, the OpenAPI fuzzing's alone:
        # that some are sent and checked is the emails' own test's to say
        # (test_emails_over_http.py), not every stack's.
        check_sent(outbox)
    assert running.process.returncode == 0, "the stack did not stop cleanly on SIGTERM"


@pytest.fixture(scope="session")
def fuzzed_schema(stack: RunningStack) -> BaseSchema:
    """The OpenAPI document as the running stack serves it, derandomized, less what is not
    fuzzed (tests/support/openapi_fuzzing.py)."""
    loaded = schemathesis.openapi.from_url(f"{stack.url}/openapi.json", timeout=30)
    loaded.config.generation.update(deterministic=True)
    return loaded.exclude(path_regex=NOT_FUZZED)


@pytest.fixture(scope="session")
def sample_course_id(stack: RunningStack) -> str:
    return str(stack.sample()["course_id"])


SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


class SharedChromium:
    """One headless Chromium (tests/support/chromium.py) for a worker's run of end-to-end files:
    launched when a test first asks, closed once the worker's next test is not an end-to-end
    one. Each test opens a browser context of its own (``page_in``), which shares no cookies,
    storage or cache with another, so a browser per file isolated nothing more; starting
    Playwright's driver and Chromium again cost each browser file about two seconds. Closed
    on leaving the end-to-end tests, because while Playwright runs, asyncio takes its loop for
    the running one in the test process."""

    def __init__(self) -> None:
        self._running: ExitStack | None = None
        self._browser: Browser | None = None

    def browser(self) -> Browser:
        if self._browser is not None and not self._browser.is_connected():
            self.close()  # crashed (or closed by a test): a new one
        if self._browser is None:
            executable = chromium_executable()
            if executable is None:
                pytest.fail(NOT_INSTALLED)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            running = ExitStack()
            self._browser = running.enter_context(launched_chromium(executable))
            self._running = running
        return self._browser

    def close(self) -> None:
        running, self._running, self._browser = self._running, None, None
        if running is not None:
            running.close()


SHARED_CHROMIUM = SharedChromium()


@pytest.fixture
def chromium() -> Browser:
    """The worker's headless Chromium (:class:`SharedChromium`)."""
    return SHARED_CHROMIUM.browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a test's own teardown (its pages and contexts closed): the browser closed when the
    worker runs no end-to-end test next."""
    try:
        return (yield)
    finally:
        if nextitem is None or not Path(nextitem.path).is_relative_to(E2E):
            SHARED_CHROMIUM.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """However the run ends (``-x`` after a failure, Ctrl-C: the teardown above then believed
    another end-to-end test came next), the browser is closed: left running, Playwright's
    driver kept the test process from exiting."""
    SHARED_CHROMIUM.close()


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@contextmanager
def page_in(chromium: Browser, **context: Any) -> Iterator[Page]:
    """A page in a browser context of its own (British English, London's clock; 15 s for
    anything awaited), closed after use."""
    opened = chromium.new_context(**UK_CONTEXT, **context)  # context never sets the place
    opened.set_default_timeout(15_000)
    try:
        yield opened.new_page()
    finally:
        opened.close()


@pytest.fixture
def desktop(chromium: Browser) -> Iterator[Page]:
    """A page on a desktop screen: an organiser's, or an applicant's at a desk."""
    with page_in(chromium, viewport=DESKTOP) as page:
        yield page


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    """A page on a phone's screen, touched: an applicant's away from a desk."""
    with page_in(chromium, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        yield page


@pytest.fixture
def organiser(desktop: Page) -> Page:
    """The organiser's page: a desktop one (:func:`desktop`)."""
    return desktop


def axe_clean(page: Page, screenshot: str) -> None:
    """axe-core, WCAG 2.0/2.1/2.2 A and AA rules, finds nothing on the page as it is now; the
    page is kept as ``screenshot``.png either way."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)
    assert results.violations_count == 0, f"{screenshot}: {results.generate_report()}"


def no_violations(page: Page, name: str) -> None:
    """axe-core finds nothing on the console page as it is now (``axe_clean``)."""
    axe_clean(page, f"console-{name}")


def sign_in(page: Page, stack: RunningStack) -> None:
    """Sign ``page`` in to the console with the organiser token (the local stack's sign-in
    page); it lands on the console's home."""
    page.goto(f"{stack.url}/console/sign-in")
    page.get_by_label("Organiser token").fill(stack.admin_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{stack.url}/console")


def pressed(page: Page, press: str) -> Locator:
    """An act's button named ``press``: a form's button, or a link drawn as a button where the
    act's next page asks first (a form with nothing to send would leave a bare "?")."""
    return page.get_by_role("button", name=press).or_(page.get_by_role("link", name=press))


def confirmation_asked(
    page: Page, stack: RunningStack, application_id: str, press: str, heading: str
) -> Locator:
    """``page`` (signed in) at the application's console page, its button ``press`` pressed,
    and on the confirmation page whose heading holds ``heading``: that page's ``main``, which
    says what the act will do before it is done."""
    page.goto(f"{stack.url}/console/applications/{application_id}")
    pressed(page, press).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    return page.locator("main")


def back_then_yes(
    page: Page, *, back: str, as_it_was: str, press: str, yes: str, done: str
) -> None:
    """On an act's confirmation page: its way back (the link ``back``) leaves the application
    as it was (its tag still ``as_it_was``); pressed again (``press``) and confirmed (``yes``),
    the act is done, and the page's notice says ``done``."""
    page.get_by_role("link", name=back).click()
    expect(page.locator(".tag")).to_have_text(as_it_was)
    pressed(page, press).click()
    page.get_by_role("button", name=yes).click()
    expect(page.get_by_role("status").first).to_contain_text(done)


def followed_from(page: Page, stack: RunningStack, path: str, link: str) -> None:
    """``page`` signed in to the console (:func:`sign_in`), at ``path``, then at the page its
    link named ``link`` leads to."""
    sign_in(page, stack)
    page.goto(f"{stack.url}{path}")
    page.get_by_role("link", name=link).click()
