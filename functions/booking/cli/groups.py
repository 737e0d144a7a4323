"""A course's group bookings from a terminal, said as the console's *Group bookings* page says
them (``domain.group_overview``):

    course-booking group-bookings compassionate-leadership-2027-06 [--json]
    course-booking void-group-invoice GROUP_ID    # a group's unpaid invoice: its seats go back
    course-booking resend-group-invoice GROUP_ID  # Stripe emails its open invoice again
    course-booking record-group-payment GROUP_ID  # its invoice paid by bank transfer
    course-booking correct-group-invoice GROUP_ID --billing-name ... --billing-email ...
        --billing-address ... [--po-number ...]   # its invoice sent again to corrected details
"""

from __future__ import annotations

import argparse
from typing import Any

from booking.cli import received
from booking.cli.client import course_path, get_json, group_path, post_json
from booking.cli.correction import billing_of, billing_options
from booking.cli.said import answered
from booking.domain.statuses import person_shown


def add_commands(commands: Any) -> None:
    shown = commands.add_parser(
        "group-bookings", help="a course's places booked by a manager, group by group"
    )
    shown.add_argument("course_id")
    shown.add_argument("--json", action="store_true", help="the API's answer")
    void = commands.add_parser(
        "void-group-invoice",
        help="void a group booking's open invoice (its seats go back, the manager is told)",
    )
    void.add_argument("group_id", help="as group-bookings shows it beside an open invoice")
    resend = commands.add_parser(
        "resend-group-invoice",
        help="have Stripe email a group booking's open invoice to its billing contact again",
    )
    resend.add_argument("group_id", help="as group-bookings shows it beside an open invoice")
    record = commands.add_parser(
        "record-group-payment",
        help="record a group booking's open invoice as paid outside Stripe (a bank transfer, a "
        "cheque): its places are the colleagues', and Stripe can refund nothing of it",
    )
    record.add_argument("group_id", help="as group-bookings shows it beside an open invoice")
    received.add_options(record)  # when and how it came, each optional
    correct = commands.add_parser(
        "correct-group-invoice",
        help="send a group booking's open invoice again to corrected billing details (the old "
        "one voided, the places kept)",
    )
    correct.add_argument("group_id", help="as group-bookings shows it beside an open invoice")
    billing_options(correct)


def group_bookings(url: str, token: str | None, course_id: str, *, as_json: bool = False) -> str:
    found = get_json(f"{course_path(url, course_id)}/group-bookings", token)
    if as_json:
        return answered(found)
    return said(found)


def said(found: dict[str, Any]) -> str:
    groups = found["groups"]
    if not groups:
        return "Nobody has booked places on this course for a group yet."
    lines: list[str] = []
    for group in groups:
        booked = group["places_booked"]
        places = f"{booked} place{'' if booked == 1 else 's'}"
        lines += [
            f"{group['organisation']}: {places} ({group['status_said']})",
            f"  Manager: {person_shown(group['manager_name'], group['manager_email'])}",
            f"  Pays by: {group['pays_said']}",
            f"  Places: {group['places_said']}",
            f"  Price: {group['cost_said']}",
            f"  Paid: {group['paid_said']}; refunded: {group['refunded_said']}",
            f"  Booked: {group['booked_said']}; colleagues apply by {group['apply_by_said']}",
        ]
        if group.get("refund_failed_said"):
            lines.append(f"  {group['refund_failed_said']}")
        if group.get("disputed_said"):
            lines.append(f"  {group['disputed_said']}")
        if group.get("owed_by_hand_said"):
            lines.append(f"  Owed back by hand: {group['owed_by_hand_said']}")
            lines.append(f"  Once given back: course-booking give-back-group {group['group_id']}")
        if group.get("given_back_by_hand_said"):
            lines.append(f"  Given back by hand: {group['given_back_by_hand_said']}")
        if group.get("invoice_being_replaced"):
            lines.append(
                "  Invoice already void at Stripe, being replaced: "
                f"course-booking void-group-invoice {group['group_id']} ends the booking"
            )
        elif group.get("invoice_open"):
            lines.append(f"  Invoice open: course-booking void-group-invoice {group['group_id']}")
            lines.append(
                f"  Paid by bank transfer: course-booking record-group-payment {group['group_id']}"
            )
        for place in group["places"]:
            reference = f" [{place['reference']}]" if place["reference"] else ""
            # As the console says it: the substitutions, when there were any.
            swaps = place.get("substitutions_said") or ""
            lines.append(
                f"  {place['number']}. {person_shown(place['name'], place['email'])}: "
                f"{place['state_said']}{f' ({swaps})' if swaps else ''}{reference}"
            )
        lines.append("")
    lines.append(f"In the console: {found['console_url']}")
    return "\n".join(lines)


def show(args: argparse.Namespace, url: str, token: str | None) -> str:
    return group_bookings(url, token, args.course_id, as_json=args.json)


def void_group_invoice(args: argparse.Namespace, url: str, token: str | None) -> str:
    path = f"{group_path(url, args.group_id)}/invoice/void"
    line = post_json(path, token, {})
    return f"Invoice voided. {line['organisation']}: {line['status_said']}."


def resend_group_invoice(args: argparse.Namespace, url: str, token: str | None) -> str:
    path = f"{group_path(url, args.group_id)}/invoice/resend"
    line = post_json(path, token, {})
    return f"Stripe is sending the invoice again. {line['organisation']}: {line['invoice_said']}."


def correct_group_invoice(args: argparse.Namespace, url: str, token: str | None) -> str:
    path = f"{group_path(url, args.group_id)}/invoice/correct"
    line = post_json(path, token, billing_of(args))
    if not line["corrected"]:
        return f"Nothing sent: the invoice already goes to these details. {line['organisation']}."
    return (
        f"Invoice corrected: the old one voided, the new one sent to {line['billed_to']}. "
        f"{line['organisation']}: {line['invoice_said']}."
    )


def record_group_payment(args: argparse.Namespace, url: str, token: str | None) -> str:
    line = post_json(
        f"{group_path(url, args.group_id)}/invoice/paid-outside-stripe", token, received.body(args)
    )
    said = received.recorded_said(line, line["kept_said"])  # the places kept: its invoice's
    return f"{said} {line['organisation']}: {line['status_said']}."


COMMANDS = {
    "group-bookings": show,
    "void-group-invoice": void_group_invoice,
    "resend-group-invoice": resend_group_invoice,
    "correct-group-invoice": correct_group_invoice,
    "record-group-payment": record_group_payment,
}
