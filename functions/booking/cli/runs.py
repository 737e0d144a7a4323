"""The schedule and upkeep verbs (``run-reminders``, ``backfill-billing-index``): what a run
did, in words, as of the time it ran for."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from booking.cli.client import checked, post_json, send
from booking.cli.errors import CliError
from booking.cli.said import answered
from booking.domain.wording import moment_when

# The schedule's runs are said in UK time, as the sessions are.
UK_TIME = "Europe/London"


def run_said(answer: str) -> str:
    """A scheduled run's answer in words: what it did, as of the time it ran for."""
    try:
        run = json.loads(answer)
    except json.JSONDecodeError:
        return answer
    if not isinstance(run, dict) or "time" not in run:
        return answer
    when = moment_when(datetime.fromisoformat(str(run["time"]).replace("Z", "+00:00")), UK_TIME)

    def count(key: str, one: str, many: str) -> str:
        n = int(run.get(key) or 0)
        return f"{n} {one if n == 1 else many}"

    # Reminders due to people erased since are not queued: said as skipped, never as sent.
    skipped = (
        f"{count('skipped_erased', 'reminder', 'reminders')} skipped (their people were erased), "
        if run.get("skipped_erased")
        else ""
    )
    # People waiting (on the list, or for a review) told that applications closed: said when
    # there were any.
    ended = (
        f"{count('waits_ended', 'person', 'people')} waiting (on the list or for a review) "
        "told applications closed, "
        if run.get("waits_ended")
        else ""
    )
    # Erasures whose search at Stripe waited for it to answer: said when any was made.
    searched = (
        f"{count('stripe_searches_made', 'erasure', 'erasures')} finished at Stripe "
        "(pending while it was unreachable), "
        if run.get("stripe_searches_made")
        else ""
    )
    return (
        f"Ran the schedule as of {when}: "
        f"{count('queued', 'reminder', 'reminders')} queued, {skipped}"
        f"{count('holds_released', 'unpaid hold', 'unpaid holds')} released, "
        f"{count('offers_made', 'place', 'places')} offered to the waiting list, {ended}"
        f"{searched}{count('emails_relayed', 'email', 'emails')} relayed."
    )


def function_answer(answer: dict[str, Any]) -> str:
    """What a deployed function answered; its error (a run ahead of its clock refused, or a
    failure) as a refusal saying the function's own words, never its stack trace."""
    payload = str(answer["Payload"].read().decode())
    if not answer.get("FunctionError"):
        return payload
    try:
        error = json.loads(payload)
    except json.JSONDecodeError:
        error = {}
    said = error.get("errorMessage") if isinstance(error, dict) else None
    raise CliError(f"the reminders function did not run: {said or 'it failed'}")


def run_reminders(url: str | None, function_name: str | None, at: datetime) -> str:
    moment = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if function_name:
        # A deployed stage: invoke the function with the event EventBridge Scheduler sends.
        import boto3

        event = {
            "version": "0",
            "id": "cli",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": "",
            "time": moment,
            "region": "",
            "resources": [],
            "detail": {},
        }
        answer = boto3.client("lambda").invoke(
            FunctionName=function_name, Payload=json.dumps(event).encode()
        )
        return function_answer(answer)
    if not url:
        raise CliError("give --url of a local stack or --function of a deployed one")
    status, payload = send("POST", f"{url}/_local/scheduler/tick", None, {"time": moment})
    return checked(status, payload).decode()


def _backfill_pages(url: str, token: str | None, backfill: str) -> list[dict[str, Any]]:
    """Every page of ``POST /admin/{backfill}/backfill``, one course a call, each call asking
    for the course the last one named next."""
    pages: list[dict[str, Any]] = []
    body: dict[str, Any] = {}
    while True:
        page = post_json(f"{url}/admin/{backfill}/backfill", token, body)
        if not isinstance(page, dict):
            raise CliError("the API answered something other than a backfill's page")
        pages.append(page)
        if not page.get("next_course_id"):
            return pages
        body = {"course_id": page["next_course_id"]}


# Each backfill done one course a call (``POST /admin/{name}/backfill``): what its sentence
# says it backfilled, and each count it adds up (the answer's key: its words).
_PAGED_SAID: dict[str, tuple[str, dict[str, str]]] = {
    "billing-index": (
        "the billing contacts' lookups of",
        {
            "written": "written",
            "already_indexed": "there already",
            "not_billed": "with no billing contact to index",
        },
    ),
    "code-uses": ("the discount code uses of", {"given_back": "given back"}),
    "former-contacts": (
        "the billing contacts replaced invoices went to, in",
        {
            "recorded": "recorded",
            "already_recorded": "recorded before",
            "nobody_to_record": "with nobody to record (Stripe holds no one, or the booking "
            "names them still)",
        },
    ),
}


def _paged_backfill(url: str, token: str | None, backfill: str, *, as_json: bool) -> str:
    """Every course's page of ``backfill``, as JSON, or in one sentence: the courses done and
    each count (:data:`_PAGED_SAID`) added up over them."""
    pages = _backfill_pages(url, token, backfill)
    if as_json:
        return answered(pages)
    what, counted = _PAGED_SAID[backfill]
    courses = sum(1 for p in pages if p.get("course_id"))
    figures = ", ".join(
        f"{sum(int(p.get(key) or 0) for p in pages)} {words}" for key, words in counted.items()
    )
    return f"Backfilled {what} {courses} {'course' if courses == 1 else 'courses'}: {figures}."


def backfill_billing_index(url: str, token: str | None, *, as_json: bool = False) -> str:
    """Page through every course (``POST /admin/billing-index/backfill``), adding up what each
    call wrote: the billing-contact lookups older applications lacked."""
    return _paged_backfill(url, token, "billing-index", as_json=as_json)


def backfill_code_uses(url: str, token: str | None, *, as_json: bool = False) -> str:
    """Page through every course (``POST /admin/code-uses/backfill``), adding up the code uses
    given back: those applications that expired before uses were given back still held."""
    return _paged_backfill(url, token, "code-uses", as_json=as_json)


def backfill_former_contacts(url: str, token: str | None, *, as_json: bool = False) -> str:
    """Page through every course (``POST /admin/former-contacts/backfill``), adding up the
    billing contacts invoices were corrected away from that older bookings did not record
    (counted in replaced invoices; never a name or an address)."""
    return _paged_backfill(url, token, "former-contacts", as_json=as_json)


def backfill_refunds_failed(url: str, token: str | None, *, as_json: bool = False) -> str:
    """``POST /admin/refunds-failed/backfill``: the refund failures older bookings lacked."""
    done = post_json(f"{url}/admin/refunds-failed/backfill", token, {})
    if not isinstance(done, dict):
        raise CliError("the API answered something other than the backfill's")
    if as_json:
        return answered(done)
    return (
        f"Backfilled the refunds that failed at Stripe: {int(done.get('written') or 0)} "
        f"written onto their booking, {int(done.get('already_held') or 0)} held already, "
        f"{int(done.get('not_found') or 0)} naming a booking no longer stored."
    )
