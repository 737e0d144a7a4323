"""``make screenshots``: the pictures of the console pages an organiser uses (README,
docs/console.md: discount codes, a course's money, one application), taken from a fresh
``make run`` stack with Playwright and Debian's Chromium, so they always show the console as it
is now.

The stack runs in a subprocess on a free port with its own outbox; a short cohort's worth of
applications is made through the public API and the console itself (codes, payments, a
bursary, a refund), then each page is photographed at a desktop width into ``docs/``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.chromium import (
    NOT_INSTALLED,
    UK_CONTEXT,
    chromium_executable,
    launched_chromium,
)
from tests.support.local_stack import ROOT, RunningStack, running_stack

DOCS = ROOT / "docs"
TOKEN = "screenshots-admin-token"
TIMELINE_WAIT_SECONDS = 30
PEOPLE = (
    ("Mary Seacole", "mary.seacole@example.org", ""),
    ("Ada Lovelace", "ada.lovelace@example.org", "HALF"),
    ("Edith Cavell", "edith.cavell@example.org", ""),
    ("Florence Nightingale", "florence.nightingale@example.org", ""),
    ("Grace Hopper", "grace.hopper@example.org", "HALF"),
)


def _apply(stack: RunningStack, course_id: str, name: str, email: str, code: str) -> dict[str, Any]:
    typed = {"discount_code": code} if code else {}
    return stack.applied(
        course_id,
        name=name,
        email=email,
        job_title="Ward manager",
        leadership_role="A surgical ward of 30 staff.",
        **typed,
    )


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/console/sign-in")
    page.get_by_label("Organiser token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/console")


def _make_code(page: Page, url: str, course_id: str, **typed: str) -> None:
    page.goto(f"{url}/console/courses/{course_id}/discount-codes")
    for name, value in typed.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_role("button", name="Make the code").click()
    expect(page.get_by_role("status").first).to_contain_text("made")


def _act(page: Page, url: str, application: dict[str, Any], button: str, **typed: str) -> None:
    page.goto(f"{url}/console/applications/{application['application_id']}")
    for label, value in typed.items():
        if value == "tick":
            page.get_by_label(label).check()
        else:
            page.get_by_label(label).fill(value)
    page.get_by_role("button", name=button).click()
    if button == "Cancel booking":  # the console asks first
        page.get_by_role("button", name="Yes, cancel the booking").click()
    expect(page.get_by_role("status").first).to_be_visible()


def _wait_for_timeline(page: Page, sentence: str) -> None:
    deadline = time.monotonic() + TIMELINE_WAIT_SECONDS
    while sentence not in page.locator(".timeline").inner_text():
        if time.monotonic() > deadline:
            raise SystemExit(f"the timeline never said {sentence!r}")
        time.sleep(0.5)
        page.reload()


def take(stack: RunningStack, page: Page) -> list[Path]:
    url = stack.url
    course_id = stack.sample()["course_id"]
    _sign_in(page, url)
    _make_code(page, url, course_id, code="HALF", percent_off="50", max_uses="10")
    _make_code(page, url, course_id, code="NHS-TRUST", amount_off="25.00", last_day="2027-05-31")
    _make_code(page, url, course_id, code="EARLY-BIRD", percent_off="20")
    page.get_by_role("button", name="Expire EARLY-BIRD").click()
    made = {name: _apply(stack, course_id, name, email, code) for name, email, code in PEOPLE}
    for name in ("Mary Seacole", "Ada Lovelace", "Edith Cavell"):
        stack.pay(made[name])
    _act(page, url, made["Florence Nightingale"], "Grant bursary", **{"Amount funded": "200"})
    _act(
        page,
        url,
        made["Edith Cavell"],
        "Cancel booking",
        **{"Also refund £200.00 through Stripe": "tick"},
    )
    taken = []
    page.goto(f"{url}/console/courses/{course_id}/discount-codes")
    taken.append(_shot(page, "console-codes.png"))
    page.goto(f"{url}/console/courses/{course_id}/money")
    taken.append(_shot(page, "console-money.png"))
    page.goto(f"{url}/console/applications/{made['Ada Lovelace']['application_id']}")
    _wait_for_timeline(page, "Booking confirmed")
    taken.append(_shot(page, "console.png"))
    return taken


def _shot(page: Page, name: str) -> Path:
    path = DOCS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def main() -> int:
    executable = chromium_executable()
    if executable is None:
        print(NOT_INSTALLED, file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory() as outbox,
        running_stack(Path(outbox), TOKEN) as stack,
        # British dates in the date inputs, London's clock, as an organiser here sees them.
        launched_chromium(executable) as browser,
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **UK_CONTEXT)
        context.set_default_timeout(15_000)
        for path in take(stack, context.new_page()):
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
