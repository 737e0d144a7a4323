"""`course-booking run-reminders` says what it runs (the whole schedule, not only reminders) and
what `--at` means locally and deployed; a deployed function's refusal of a time ahead of its
clock is said as a refusal, in the function's words."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from booking.cli import main
from booking.cli.arguments import parse_arguments
from booking.domain.run_time import RunAheadOfClock, refuse_if_ahead

LATER = "2027-10-31T15:10:00Z"


class _RefusingFunction:
    """The Lambda API's answer for a reminders function whose handler raised the refusal, as
    the Python runtime shapes an unhandled error."""

    def __init__(self) -> None:
        self.invoked: list[dict[str, Any]] = []

    def invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:
        event = json.loads(Payload)
        self.invoked.append(event)
        scheduled = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
        try:
            refuse_if_ahead(scheduled, datetime(2026, 12, 5, 12, 0, tzinfo=UTC))
        except RunAheadOfClock as refused:
            error = {"errorMessage": str(refused), "errorType": "RunAheadOfClock"}
        body = json.dumps({**error, "requestId": "r", "stackTrace": ["  File ..."]})
        payload = io.BytesIO(body.encode())
        return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": payload}


def test_a_deployed_function_refusing_a_later_time_is_said_as_a_refusal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    function = _RefusingFunction()
    monkeypatch.setattr(boto3, "client", lambda service: function)
    status = main(["run-reminders", "--function", "Booking-dev-reminders", "--at", LATER])
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert [event["time"] for event in function.invoked] == [LATER]
    assert err.startswith(
        "course-booking: the reminders function did not run: refused: the scheduled time "
        "2027-10-31T15:10:00Z is ahead of this function's clock (2026-12-05T12:00:00Z)"
    )
    assert "nothing was done" in err
    assert "stackTrace" not in err
    assert "File" not in err


def test_run_reminders_help_says_it_runs_the_whole_schedule_and_what_at_means(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["run-reminders", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "Run the whole schedule as of a time" in said
    for part in ("reminders", "unpaid holds", "released at the apply-by date and refunded"):
        assert part in said
    assert "the stack's clock moves to it for this run" in said  # --url, make run
    assert "the function refuses a later one and does nothing" in said  # --function
