"""An organiser's write takes its fields from its body only: a parameter in its address that
its route does not take is refused with 422 naming it, nothing done (a cancel
with ``?refund=true`` cancelled and kept the money, ``backfill?dry_run=1`` ran); and an empty
form body is no fields (it was read as a field named "{}"), and a body that is not JSON is
refused as that. Through the real handlers and
moto."""

from __future__ import annotations

import re
from typing import Any

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import ADMIN_TOKEN, COURSE_ID, System

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _paid(system: System) -> dict[str, Any]:
    application = system.booked(COURSE_ID)
    system.deliver_emails()
    return application


def test_a_cancel_asking_a_refund_in_its_address_is_refused_and_cancels_nothing(
    system: System,
) -> None:
    paid = _paid(system)
    version = system.stored(paid).version

    path = f"/applications/{paid['application_id']}/cancel?refund=true"
    error = system.admin("POST", path).refused(422, "validation_failed")

    assert "nothing was done" in error["message"]
    assert "send it in the body" in error["fields"]["refund"]
    stored = system.stored(paid)
    assert stored.status.value == "confirmed"
    assert stored.version == version
    assert system.deliver_emails() == []


def test_a_dry_run_in_the_backfills_address_is_refused(system: System) -> None:
    error = system.admin("POST", "/refunds-failed/backfill?dry_run=1").refused(
        422, "validation_failed"
    )

    assert list(error["fields"]) == ["dry_run"]


def test_a_bare_parameter_is_named_too(system: System) -> None:
    paid = _paid(system)
    path = f"/applications/{paid['application_id']}/cancel?refund"

    error = system.admin("POST", path).refused(422, "validation_failed")

    assert list(error["fields"]) == ["refund"]
    assert system.stored(paid).status.value == "confirmed"


def test_a_read_keeps_its_own_parameters(system: System) -> None:
    reply = system.admin("GET", f"/courses/{COURSE_ID}/applications?format=csv")

    assert reply.status == 200, reply.body


def test_an_empty_form_is_no_fields(system: System) -> None:
    headers = {"authorization": f"Bearer {ADMIN_TOKEN}", **FORM}

    for path in ("/admin/refunds-failed/backfill", "/admin/billing-index/backfill"):
        reply = system.api("POST", path, headers=headers, raw=b"")
        assert reply.status == 200, (path, reply.body)


def test_json_sent_as_a_form_or_text_is_refused_as_not_json(system: System) -> None:
    """``curl -d '{...}'`` labels its body a form: refused in words saying the body must be
    JSON, never as an unknown field named by the JSON text, and nothing is done."""
    paid = _paid(system)
    path = f"/admin/applications/{paid['application_id']}/cancel"
    for content_type in ("application/x-www-form-urlencoded", "text/plain"):
        headers = {"authorization": f"Bearer {ADMIN_TOKEN}", "content-type": content_type}
        reply = system.api("POST", path, headers=headers, raw=b'{"refund": true}')

        error = reply.refused(415, "unsupported_media_type")
        assert error["message"] == (
            "the body must be JSON: send it with Content-Type: application/json"
        ), content_type
        assert not error.get("fields")  # never a field made of the JSON text
    assert system.stored(paid).status.value == "confirmed"
    assert system.deliver_emails() == []


def test_a_head_or_options_is_a_read_not_a_write(system: System) -> None:
    """HEAD is answered as GET, OPTIONS changes nothing: neither is refused for
    a parameter as a write is."""
    path = f"/courses/{COURSE_ID}/applications?x=1"

    assert system.admin("GET", path).status == 200
    head = system.admin("HEAD", path)
    assert head.status == 200, head.body
    assert system.admin("OPTIONS", path).status != 422


def test_a_console_cancel_asking_a_refund_in_its_address_is_refused(system: System) -> None:
    """The console's writes are organiser writes too: one rule, one answer."""
    paid = _paid(system)
    version = system.stored(paid).version
    browser = signed_in(system)
    path = f"/console/applications/{paid['application_id']}/cancel"
    form = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', browser.get(path).body)
    )

    reply = browser.post(f"{path}?refund=on", **form)

    assert reply.status == 422, reply.body
    assert "address carries refund, which this request does not take" in text_of(reply.body)
    stored = system.stored(paid)
    assert stored.status.value == "confirmed"
    assert stored.version == version
    assert system.deliver_emails() == []
    assert browser.post(path, **form).status == 303  # the same form at its own address acts
