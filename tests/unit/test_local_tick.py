"""``POST /_local/scheduler/tick`` answers a bad time as every bad date a person gives is
answered (422 on ``time``, in the contract's error shape) and a body that is not a JSON object
with 400; nothing is ticked either way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.local_stack import in_process_stack


def _tick(tmp_path: Path, body: bytes) -> tuple[int, dict[str, Any]]:
    stack = in_process_stack(tmp_path)
    answer = stack._local_mail_route("POST", "/_local/scheduler/tick", {}, body)
    assert answer is not None
    return answer.status, json.loads(answer.body)["error"]


@pytest.mark.parametrize(
    "time",
    [
        "1999-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59Z",
        "2027-06-06T15:10:00",
        "tomorrow",
    ],
)
def test_a_bad_time_is_a_422_on_its_field(tmp_path: Path, time: str) -> None:
    status, error = _tick(tmp_path, json.dumps({"time": time}).encode())
    assert status == 422
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"time"}


@pytest.mark.parametrize("body", [b"\xff", b"[1]", b"not json"])
def test_a_body_that_is_not_a_json_object_is_a_400(tmp_path: Path, body: bytes) -> None:
    status, error = _tick(tmp_path, body)
    assert status == 400
    assert error["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"time": "2027-06-06T15:10:00Z", "dry_run": True}, {"dry_run"}),
        ({"time": "2027-06-06T15:10:00Z", "dry_run": False, "at": "x"}, {"at", "dry_run"}),
        ({"dry_run": True}, {"dry_run"}),
    ],
)
def test_a_field_it_does_not_take_is_refused_by_name_and_nothing_runs(
    tmp_path: Path, body: dict[str, object], named: set[str]
) -> None:
    """The tick takes ``time`` alone (docs/architecture.md): there is no dry run, so a
    ``dry_run`` is refused rather than ignored, and the schedule does not run for real. (The
    stack here has no ticker: a tick that got as far as running would fail, not answer.)"""
    status, error = _tick(tmp_path, json.dumps(body).encode())
    assert status == 422
    assert error["code"] == "validation_failed"
    fields = error["fields"]
    assert isinstance(fields, dict)
    assert set(fields) == named
    assert all("the only field it takes is time" in why for why in fields.values())
