"""The organiser CLI against `make run`'s stack, as an organiser would use it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from booking.cli import main
from tests.e2e.conftest import RunningStack


def _cohort(title: str, day: str, **more: Any) -> dict[str, Any]:
    """A five-place cohort at £200 with one session, 15:00 to 17:00 on ``day``."""
    return {
        "title": title,
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 5,
        "sessions": [{"date": day, "start_time": "15:00", "end_time": "17:00"}],
        **more,
    }


def _written(path: Path, definition: dict[str, Any]) -> Path:
    """The definition as a file to load."""
    path.write_text(json.dumps(definition), encoding="utf-8")
    return path


def _signed(stack: RunningStack) -> list[str]:
    """The options every command takes: the stack's URL and the organiser token."""
    return ["--url", stack.url, "--token", stack.admin_token]


def test_load_course_roster_and_reminders(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _written(
        tmp_path / "cli-cohort.json",
        _cohort("CLI cohort", "2031-06-02", programme="cli-programme"),
    )
    common = _signed(stack)
    assert main([*common, "load-course", str(path)]) == 0
    named = "CLI cohort, from Monday 2 June 2031 [cli-cohort]"
    assert f"created {named}: 1 session, 0 of 5 booked, 5 free" in capsys.readouterr().out
    assert main([*common, "load-course", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"updated {named}")

    applied = stack.applied("cli-cohort", name="Cli Person", email="cli@example.org")
    stack.pay(applied)
    assert main([*common, "resend", applied["reference"]]) == 0
    assert capsys.readouterr().out.strip() == (
        f"The confirmation is on its way to the applicant again. {applied['reference']}: Confirmed"
    )
    assert main([*common, "roster", "cli-cohort", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.removeprefix("\ufeff"))))
    assert [row["Email address"] for row in rows] == ["cli@example.org"]

    assert main(["--url", stack.url, "run-reminders", "--at", "2031-06-01T15:05:00Z"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Ran the schedule as of Sunday 1 June 2031 at 16:05 BST: ")
    assert "{" not in said  # words, not the run's JSON
    assert (
        main(["--url", stack.url, "run-reminders", "--at", "2031-06-01T15:05:00Z", "--json"]) == 0
    )
    assert "2031-06-01T15:05:00" in capsys.readouterr().out


def test_load_course_says_when_a_follow_up_without_an_id_seems_to_move(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    follow_up = {"start_time": "16:00", "end_time": "17:00", "kind": "follow_up"}
    definition: dict[str, Any] = {
        "programme": "cli-unnamed",
        "title": "CLI cohort with a follow-up",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 5,
        "sessions": [
            {"date": "2031-06-02", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2031-09-18", **follow_up},
        ],
    }
    path = _written(tmp_path / "cli-unnamed.json", definition)
    common = _signed(stack)
    assert main([*common, "load-course", str(path)]) == 0
    assert "Warning" not in capsys.readouterr().out
    definition["sessions"][1] = {"date": "2031-09-25", **follow_up}
    path.write_text(json.dumps(definition), encoding="utf-8")
    assert main([*common, "load-course", str(path)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("updated CLI cohort with a follow-up, from Monday 2 June 2031 [cli-")
    assert said[1].startswith(
        "Warning: The follow-up on 18 September 2031 has no id, so moving it made a new event"
    )


def test_errors_are_clear_and_exit_nonzero(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"title": "No price", "capacity": 0, "sessions": []}))
    assert main(["--url", stack.url, "--token", stack.admin_token, "load-course", str(bad)]) == 1
    error = capsys.readouterr().err
    assert "the course definition needs attention" in error
    assert "price: this field is required" in error
    assert "HTTP" not in error
    assert "validation_failed" not in error
    assert main(["--url", stack.url, "--token", "wrong", "roster", "x"]) == 1
    assert capsys.readouterr().err == "course-booking: a valid organiser token is required\n"


def _apply(stack: RunningStack, course_id: str, email: str) -> dict[str, str]:
    return stack.applied(course_id, name="Cli Person", email=email)


def test_the_cli_does_what_the_console_does_by_reference(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _written(
        tmp_path / "cli-approval.json",
        _cohort(
            "CLI approval cohort",
            "2031-06-02",
            programme="cli-approval-programme",
            approval_required=True,
        ),
    )
    common = _signed(stack)
    assert main([*common, "load-course", str(path)]) == 0
    capsys.readouterr()
    approved = _apply(stack, "cli-approval", "cli-approved@example.org")
    declined = _apply(stack, "cli-approval", "cli-declined@example.org")
    assert approved["reference"].startswith("CAP-")  # Cli Approval Programme

    assert main([*common, "approve", approved["reference"].lower()]) == 0
    assert capsys.readouterr().out.strip() == (
        f"{approved['reference']}: Place offered, £200.00 to pay"
    )
    assert main([*common, "decline", declined["application_id"], "--message", "-Not now."]) == 0
    assert capsys.readouterr().out.strip() == f"{declined['reference']}: Declined"
    assert main([*common, "resend", approved["reference"]]) == 1
    assert "only confirmed bookings have a confirmation to resend" in capsys.readouterr().err
    assert main([*common, "cancel", approved["reference"], "--refund"]) == 0
    # Nothing was paid on the offer, so nothing is refunded and no refund is promised.
    assert capsys.readouterr().out.strip() == f"{approved['reference']}: Cancelled"
    assert main([*common, "approve", "CAP-22222"]) == 1
    assert capsys.readouterr().err == (
        "course-booking: no application has the reference CAP-22222\n"
    )

    assert main([*common, "export", "cli-declined@example.org"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["applications"][0]["status"] == "declined"
    assert main([*common, "erase", "cli-declined@example.org"]) == 1
    assert "--yes" in capsys.readouterr().err
    assert main([*common, "export", "cli-declined@example.org"]) == 0  # still there
    capsys.readouterr()
    assert main([*common, "erase", "cli-declined@example.org", "--yes"]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    assert said[0] == "1 application erased."
    assert said[1].startswith("Application ")
    assert "as the applicant" in said[1]
    assert main([*common, "export", "cli-declined@example.org"]) == 1


def test_codes_bursaries_and_totals_from_the_terminal(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _written(tmp_path / "cli-money.json", _cohort("CLI money cohort", "2031-07-07"))
    common = _signed(stack)
    assert main([*common, "load-course", str(path)]) == 0
    assert main([*common, "discount-code", "cli-money", "CLI-HALF", "--percent-off", "50"]) == 0
    assert (
        "made CLI-HALF on CLI money cohort, from Monday 7 July 2031: 50% off"
        in capsys.readouterr().out
    )
    applied = stack.apply(
        "cli-money", name="Cli Person", email="cli.money@example.org", discount_code="cli-half"
    ).json()
    assert applied["amount_due"] == 10000
    assert main([*common, "bursary", applied["reference"], "£50"]) == 0
    # The bursary covers £50.00 first; the code halves the rest.
    assert capsys.readouterr().out.strip() == (
        f"{applied['reference']}: Awaiting payment, £75.00 to pay"
    )
    assert main([*common, "totals", "cli-money"]) == 0
    words = capsys.readouterr().out
    assert "Paid in: £0.00\nRefunded: £0.00\nNet (paid in less refunded): £0.00" in words
    assert main([*common, "totals", "cli-money", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["course_id"] == "cli-money"
    # Nothing is out of the bursary's range, its bound the place's price (said by the API).
    assert main([*common, "bursary", applied["application_id"], "0"]) == 1
    assert "above zero and at most the price of the place, £" in capsys.readouterr().err


def test_courses_a_course_a_roster_and_invoices_in_words(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition: dict[str, Any] = {
        "title": "CLI invoice cohort",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 5,
        "invoice_allowed": True,
        "sessions": [
            {"date": "2031-09-01", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2031-12-01", "start_time": "16:00", "end_time": "17:00", "kind": "follow_up"},
        ],
    }
    path = _written(tmp_path / "cli-invoice.json", definition)
    # A token given as --token=X works as --token X does.
    common = ["--url", stack.url, f"--token={stack.admin_token}"]
    assert main([*common, "load-course", str(path)]) == 0
    capsys.readouterr()

    assert main([*common, "courses"]) == 0
    assert (
        "CLI invoice cohort, from Monday 1 September 2031 [cli-invoice]: Open, "
        "0 of 5 booked, 5 free; £200.00 a place"
    ) in capsys.readouterr().out
    assert main([*common, "course", "cli-invoice"]) == 0
    shown = capsys.readouterr().out
    assert "Monday 1 September 2031, 15:00-17:00 BST  Session 1" in shown
    assert "Monday 1 December 2031, 16:00-17:00 GMT  Follow-up:" in shown
    assert "Paid in: £0.00" in shown

    invoiced = stack.apply(
        "cli-invoice",
        name="Cli Person",
        email="cli.invoice@example.org",
        payment_method="invoice",
        billing_name="St Elsewhere NHS Foundation Trust",
        billing_email="accounts@example.org",
        billing_address="1 High Street",
    ).json()
    reference = invoiced["reference"]
    assert main([*common, "roster", "cli-invoice"]) == 0
    assert (
        f"{reference}  Cli Person <cli.invoice@example.org>  Awaiting invoice payment  paid £0.00"
    ) in capsys.readouterr().out
    assert main([*common, "resend-invoice", reference]) == 0
    assert capsys.readouterr().out.strip() == (
        "Stripe is sending the invoice to the billing contact again. "
        f"{reference}: Awaiting invoice payment, £200.00 to pay"
    )
    assert main([*common, "void-invoice", reference]) == 0
    assert capsys.readouterr().out.strip() == f"{reference}: Payment not completed (invoice voided)"


def test_backfill_former_contacts_runs_against_the_local_stack_and_its_stripe(
    stack: RunningStack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Against the running stack (its Stripe stand-in): every course paged through, said in
    counts (never a name or an address), nothing recorded for bookings saved by today's rule."""
    common = _signed(stack)
    assert main([*common, "backfill-former-contacts"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Backfilled the billing contacts replaced invoices went to, in ")
    assert " 0 recorded, " in said
    assert "@" not in said
    assert main([*common, "backfill-former-contacts", "--json"]) == 0
    pages = json.loads(capsys.readouterr().out)
    assert pages[-1]["next_course_id"] is None
    assert sum(p["recorded"] for p in pages) == 0


def test_backfill_billing_index_pages_through_every_course_and_writes_nothing_twice(
    stack: RunningStack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every booking the running stack saved has its lookup already: the command pages
    through every course, says so in words, and its JSON gives each course's page."""
    common = _signed(stack)
    assert main([*common, "backfill-billing-index"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Backfilled the billing contacts' lookups of ")
    assert " 0 written, " in said
    assert main([*common, "backfill-billing-index", "--json"]) == 0
    pages = json.loads(capsys.readouterr().out)
    assert pages[-1]["next_course_id"] is None
    assert sum(p["written"] for p in pages) == 0
    courses = [c["course_id"] for c in stack.get("/courses").json()]
    assert set(courses) <= {p["course_id"] for p in pages}
