"""The organiser CLI against `make run`'s stack, as an organiser would use it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from booking.cli import main
from tests.e2e.conftest import RunningStack


def test_load_course_roster_and_reminders(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = {
        "programme": "cli-programme",
        "title": "CLI cohort",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 5,
        "sessions": [{"date": "2031-06-02", "start_time": "15:00", "end_time": "17:00"}],
    }
    path = tmp_path / "cli-cohort.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    common = ["--url", stack.url, "--token", stack.admin_token]
    assert main([*common, "load-course", str(path)]) == 0
    assert "created cli-cohort: 1 sessions, 5 of 5 places left" in capsys.readouterr().out
    assert main([*common, "load-course", str(path)]) == 0
    assert capsys.readouterr().out.startswith("updated cli-cohort")

    stack.post(
        "/courses/cli-cohort/applications",
        json={
            "name": "Cli Person",
            "email": "cli@example.org",
            "job_title": "Lead",
            "organisation": "Org",
            "leadership_role": "Team",
            "motivation": "Learn",
            "consent": True,
        },
    )
    assert main([*common, "roster", "cli-cohort", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.removeprefix("\ufeff"))))
    assert [row["email"] for row in rows] == ["cli@example.org"]

    assert main(["--url", stack.url, "run-reminders", "--at", "2031-06-01T15:05:00Z"]) == 0
    assert "2031-06-01T15:05:00" in capsys.readouterr().out


def test_errors_are_clear_and_exit_nonzero(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"title": "No price", "capacity": 0, "sessions": []}))
    assert main(["--url", stack.url, "--token", stack.admin_token, "load-course", str(bad)]) == 1
    error = capsys.readouterr().err
    assert "HTTP 422" in error
    assert "price" in error
    assert main(["--url", stack.url, "--token", "wrong", "roster", "x"]) == 1
    assert "HTTP 401" in capsys.readouterr().err


def test_codes_bursaries_and_totals_from_the_terminal(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = {
        "title": "CLI money cohort",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 5,
        "sessions": [{"date": "2031-07-07", "start_time": "15:00", "end_time": "17:00"}],
    }
    path = tmp_path / "cli-money.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    common = ["--url", stack.url, "--token", stack.admin_token]
    assert main([*common, "load-course", str(path)]) == 0
    assert main([*common, "discount-code", "cli-money", "CLI-HALF", "--percent-off", "50"]) == 0
    assert "made CLI-HALF on cli-money: 50% off" in capsys.readouterr().out
    applied = stack.post(
        "/courses/cli-money/applications",
        json={
            "name": "Cli Person",
            "email": "cli.money@example.org",
            "job_title": "Lead",
            "organisation": "Org",
            "leadership_role": "Team",
            "motivation": "Learn",
            "consent": True,
            "discount_code": "cli-half",
        },
    ).json()
    assert applied["amount_due"] == 10000
    assert main([*common, "bursary", applied["application_id"], "5000"]) == 0
    # The bursary covers 50.00 first; the code halves the rest.
    assert "awaiting_payment, 7500 pence to pay" in capsys.readouterr().out
    assert main([*common, "totals", "cli-money"]) == 0
    assert json.loads(capsys.readouterr().out)["course_id"] == "cli-money"
    assert main([*common, "bursary", applied["application_id"], "0"]) == 1
    assert "amount" in capsys.readouterr().err
