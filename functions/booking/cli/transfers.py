"""The ``transfer`` command: the cohorts a booking may move to, or the move itself, said as
the console says them (``services.transfers`` decides, through the organiser API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from booking.cli.client import application_path, get_json, post_json
from booking.cli.errors import UsageError
from booking.domain.transfer_words import transfer_choice_said
from booking.domain.wording import (
    moment_when,
    money_words,
    status_with_reason,
)


def transfer(
    url: str,
    token: str | None,
    application: str,
    to_course_id: str | None,
    withdraw: bool = False,
    wait: bool = False,
) -> str:
    """Without ``to_course_id``: one line per cohort of the programme still taking people
    (id, name, status, places left, price, and why not where it cannot take this booking).
    With it: the move, and where the booking now stands (or the difference it waits for).
    ``withdraw``: the move waiting (for its difference, or on a waiting list) withdrawn.
    ``wait``: a full cohort's waiting list joined instead of the move refused."""
    path = application_path(url, application)
    if withdraw and to_course_id is not None:
        raise UsageError(
            "--withdraw withdraws the move that waits (for payment or for a seat): "
            "give it without --to"
        )
    if wait and to_course_id is None:
        raise UsageError("--wait joins the waiting list of the cohort given with --to")
    if withdraw:
        stays = post_json(f"{path}/transfer/withdraw", token, {})
        reference = stays.get("reference") or stays["application_id"]
        return f"{reference}: move withdrawn; the booking stays where it is (the person is told)"
    if to_course_id is None:
        return _choices(get_json(f"{path}/transfer-choices", token))
    # The cohort by its name (title and first day), and what the move gave back, as the
    # console says them: read before the move (the list leaves out the cohort a booking is on).
    names = {
        c["course_id"]: c["name"] for c in get_json(f"{path}/transfer-choices", token)["cohorts"]
    }
    refunded_before = int(get_json(path, token)["amount_refunded"])
    body: dict[str, Any] = {"to_course_id": to_course_id}
    if wait:
        body["wait"] = True
    moved = post_json(f"{path}/transfer", token, body)
    record = get_json(path, token)
    refund = int(record["amount_refunded"]) - refunded_before
    return _outcome(url, moved, record, names, refund)


def _outcome(
    url: str, moved: dict[str, Any], record: dict[str, Any], names: dict[str, str], refund: int
) -> str:
    """Where the booking stands after the move was asked: waiting for its difference, on a
    full cohort's waiting list, or moved (with what was given back or waived)."""
    said = status_with_reason(moved["status"], moved.get("status_reason"))
    reference = moved.get("reference") or moved["application_id"]
    pending = moved.get("pending_move")
    if pending:
        waiting = names.get(pending["to_course_id"], pending["to_course_id"])
        more = money_words(int(pending["difference"]), pending["currency"])
        # The deadline as the console says it: in the cohort's own time, to the minute.
        zone = get_json(f"{url}/courses/{quote(pending['to_course_id'])}", None)
        until = datetime.fromisoformat(pending["expires_at"].replace("Z", "+00:00"))
        return (
            f"{reference}: {waiting} costs {more} more; the person has been emailed a link to "
            f"pay it, a place there is held until {moment_when(until, zone['timezone'])}, and "
            f"the booking moves once it is paid"
        )
    waiting = moved.get("waiting_move")
    if waiting:
        full = names.get(waiting["to_course_id"], waiting["to_course_id"])
        return (
            f"{reference}: on the waiting list of {full}, in order with the people who applied "
            f"there; the booking keeps its place here and moves when a place frees there"
        )
    cohort = names.get(moved["course_id"], moved["course_id"])
    currency = moved["price"]["currency"]
    given_back = f"{money_words(refund, currency)} refunded" if refund > 0 else "nothing to refund"
    moves = record.get("transfers") or [{}]
    waived = int(moves[-1].get("difference_waived", 0))
    if waived:
        # Pence below Stripe's minimum charge: nobody can be asked for them.
        given_back = f"{money_words(waived, currency)} more waived (below Stripe's minimum charge)"
    return f"{reference}: moved to {cohort} ({said}); {given_back}"


def _standing(cohort: dict[str, Any]) -> str:
    """Its state as the console's choice says it (``transfer_choice_said``)."""
    return transfer_choice_said(
        cohort["status"],
        waiting=int(cohort["waiting"]),
        not_taken=int(cohort["places_not_taken"]),
        for_this_booking=int(cohort["places_for_this_booking"]),
        too_late_to_offer=bool(cohort.get("no_more_offers")),
    )


def _choices(answer: dict[str, Any]) -> str:
    cohorts = answer["cohorts"]
    if not cohorts:
        return "no other cohort of this programme is taking people now"
    lines = []
    for cohort in cohorts:
        price = cohort["price"]
        line = (
            f"{cohort['course_id']}: {cohort['name']}; {_standing(cohort)}; "
            f"{money_words(price['amount'], price['currency'])}"
        )
        refusal = cohort.get("refusal")
        more = int(cohort.get("difference") or 0)
        if refusal:
            line += f" (not possible: {refusal['message']})"
        if refusal and cohort.get("can_wait"):
            line += "; --wait joins its waiting list, keeping the seat here meanwhile"
        elif more:
            line += f" ({money_words(more, price['currency'])} more, paid by card first)"
        lines.append(line)
    return "\n".join(lines)
