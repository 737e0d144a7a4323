"""A body over the size limit is a 413 from the organiser API whatever its type says, as from
the public routes: a script's large upload labelled text/plain or as a form was told only
that it must be JSON, and once relabelled, that it was too large. Nothing is written."""

from __future__ import annotations

import pytest

from tests.support.system import ADMIN_TOKEN, COURSE_ID, System

TOO_LARGE = b'{"code": "BIG-1", "percent_off": 10, "x": "' + b"a" * (64 * 1024) + b'"}'


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/csv; charset=latin-1", None],
)
def test_a_body_too_large_is_said_to_be_so_whatever_its_type(
    system: System, content_type: str | None
) -> None:
    headers = {"authorization": f"Bearer {ADMIN_TOKEN}"}
    if content_type is not None:
        headers["content-type"] = content_type
    path = f"/admin/courses/{COURSE_ID}/discount-codes"

    refused = system.api("POST", path, headers=headers, raw=TOO_LARGE)

    assert "larger than 64 KiB" in refused.refused(413, "payload_too_large")["message"]
    assert system.admin("GET", f"/courses/{COURSE_ID}/discount-codes").json() == []
