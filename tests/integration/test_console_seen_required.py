"""A console confirmation acts only on what its page showed: every confirm form
the console serves carries ``seen``, so one posted without it, or with it as a file part (not
the field), is not the page's: 422 in words, nothing done. ``/admin`` keeps it optional
(CONTRACT)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cohorts import ada_on_the_console
from tests.support.console import ConsoleBrowser, multipart_post
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

NOT_THE_PAGES = "This form was not the page's: open the application again."


def _refused_as_not_the_pages(reply: Any) -> None:
    assert reply.status == 422, text_of(reply.body)[:500]
    assert NOT_THE_PAGES in text_of(reply.body)


@pytest.mark.parametrize(
    ("page", "action", "typed"),
    [
        ("/cancel?refund=on", "/cancel", {}),
        ("", "/bursary", {"amount": "50.00"}),
    ],
)
def test_a_cancel_or_a_bursary_posted_without_the_pages_seen_does_nothing(
    system: System, browser: ConsoleBrowser, page: str, action: str, typed: dict[str, str]
) -> None:
    application = system.apply(COURSE_ID, email="k1@example.org").json()
    path = f"/console/applications/{application['application_id']}"
    form = {**browser.form(f"{path}{page}", f"{path}{action}"), **typed}
    assert form["seen"]
    bare = {k: v for k, v in form.items() if k != "seen"}
    before = system.stored(application)

    _refused_as_not_the_pages(browser.post(f"{path}{action}", **bare))
    _refused_as_not_the_pages(
        multipart_post(browser, f"{path}{action}", bare, ("seen", form["seen"]))
    )

    assert system.stored(application) == before
    # The page's own form, as the browser posts it, acts.
    assert browser.post(f"{path}{action}", **form).status == 303


def test_a_refund_posted_without_the_pages_seen_does_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    cohorts, app_id, path = ada_on_the_console(system)
    assert browser.press(f"{path}/cancel", f"{path}/cancel").status == 303
    form = browser.form(path, f"{path}/refund")
    bare = {k: v for k, v in form.items() if k != "seen"}

    _refused_as_not_the_pages(browser.post(f"{path}/refund", **bare))

    assert cohorts.refunded_at_stripe() == []
    assert system.stored(app_id).status.value == "cancelled"


def test_a_move_and_its_withdrawal_posted_without_the_pages_seen_do_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    cohorts, app_id, path = ada_on_the_console(system)
    move = browser.form(f"{path}/transfer", f"{path}/transfer")
    bare = {k: v for k, v in move.items() if k != "seen"}

    _refused_as_not_the_pages(browser.post(f"{path}/transfer", **bare, to_course_id="move-winter"))
    assert cohorts.record(app_id)["pending_move"] is None

    asked = browser.post(f"{path}/transfer", **move, to_course_id="move-winter")
    assert asked.status == 303, text_of(asked.body)[:500]
    withdraw = browser.form(path, f"{path}/transfer/withdraw")
    _refused_as_not_the_pages(
        browser.post(f"{path}/transfer/withdraw", csrf_token=withdraw["csrf_token"])
    )
    assert cohorts.record(app_id)["pending_move"] is not None
    assert browser.post(f"{path}/transfer/withdraw", **withdraw).status == 303
    assert cohorts.record(app_id)["pending_move"] is None
