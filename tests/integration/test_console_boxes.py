"""The console's checkboxes read by the one rule for a form's ticked box
(``application_form.box_ticked``): "on", "true" or "True" is ticked, a box left out is
unticked, and any other value is refused beside the box with nothing changed, never read as
unticked (a cancel "without a refund" cannot be undone here)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_console_pages import _course_form
from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import Reply, System


def _paid(system: System, **answers: Any) -> dict[str, Any]:
    application = system.booked(**answers)
    system.deliver_emails()
    return application


def _cancel(browser: ConsoleBrowser, application: dict[str, Any], **box: str) -> Reply:
    """The cancel button on the application's console page, its refund box as ``box`` has it
    (left out when empty)."""
    path = f"/console/applications/{application['application_id']}"
    return browser.press(f"{path}/cancel", f"{path}/cancel", **box)


def _paid_then_cancelled(
    system: System, browser: ConsoleBrowser, answered: int, **box: str
) -> tuple[dict[str, Any], Reply]:
    """A booking paid by card, then cancelled with the refund box as ``box`` has it: the
    application and the console's answer, which is ``answered``."""
    application = _paid(system)
    reply = _cancel(browser, application, **box)
    assert reply.status == answered, reply.body
    return application, reply


@pytest.mark.parametrize("ticked", ["on", "true", "True"])
def test_a_cancel_with_the_refund_box_ticked_by_any_of_its_words_refunds(
    system: System, browser: ConsoleBrowser, ticked: str
) -> None:
    application, _ = _paid_then_cancelled(system, browser, 303, refund=ticked)
    stored = system.stored_document(application["application_id"])
    assert stored["status"] == "refunded"
    assert stored["amount_refunded"] == 20000


@pytest.mark.parametrize("unclear", ["yes", "1", "ON", "false", "off", "", "True "])
def test_a_cancel_with_a_refund_box_neither_ticked_nor_left_out_is_refused_and_changes_nothing(
    system: System, browser: ConsoleBrowser, unclear: str
) -> None:
    application, reply = _paid_then_cancelled(system, browser, 422, refund=unclear)
    assert 'id="refund-error"' in reply.body
    assert "Tick the box (on, true or True) or leave it out" in text_of(reply.body)
    assert system.stored_document(application["application_id"])["status"] == "confirmed"
    assert system.deliver_emails() == []
    # Left out, the box is unticked: cancelled, the money kept.
    kept = _cancel(browser, application)
    assert kept.status == 303, kept.body
    assert system.stored_document(application["application_id"])["status"] == "cancelled"


def test_erasing_takes_the_confirmation_box_by_the_same_rule(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _paid(system, email="boxed@example.org")
    unclear = browser.act("/console/people/erase", email="boxed@example.org", confirm="yes")
    assert unclear.status == 422
    assert "Tick the box (on, true or True) or leave it out" in text_of(unclear.body)
    assert system.stored_document(application["application_id"])["answers"]["email"] != "[erased]"
    page = "/console/people/erase?email=boxed%40example.org"
    erased = browser.press(page, "/console/people/erase", confirm="true")
    assert erased.status == 200, erased.body
    assert system.stored_document(application["application_id"])["answers"]["name"] == "[erased]"


def test_the_course_forms_boxes_ticked_by_true_or_true_save_ticked(
    system: System, browser: ConsoleBrowser
) -> None:
    form = _course_form(approval_required="true", closed="True")
    reply = browser.act("/console/courses", **form)
    assert reply.status == 303, text_of(reply.body)
    course = system.course("spring-cohort-2031")
    assert course["approval_required"] is True
    assert course["status"] == "closed"


@pytest.mark.parametrize("unclear", ["yes", "1", "false", ""])
def test_a_course_box_neither_ticked_nor_left_out_is_refused_beside_it_and_nothing_saved(
    system: System, browser: ConsoleBrowser, unclear: str
) -> None:
    reply = browser.act("/console/courses", **_course_form(closed=unclear))
    assert reply.status == 422, reply.body
    assert 'id="closed-error"' in reply.body
    assert "Tick the box (on, true or True) or leave it out" in text_of(reply.body)
    assert system.api("GET", "/courses/spring-cohort-2031").status == 404
