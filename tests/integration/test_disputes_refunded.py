"""A payer's bank disputing a payment the organisers had refunded already: the booking's words
tell the organisers to answer with the refund as evidence (else the payer is paid twice), never
that "the place has not been taken away" and to cancel it, on the console's page, the roster,
its CSV, the person's record, the organiser API's record and the facilitators' message; a
group booking's payment refunded in part (a place given up) and disputed whole says what the
payer would have twice, and that the places kept are still held. Through the organiser API,
the webhook and the mailer, with moto and the Stripe stand-in."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.integration.test_disputes_groups_invoices import (
    _card_group,
    _checkout_of,
    _opened,
    _told,
    colleague_applies_to_place,
)
from tests.support.console import signed_in
from tests.support.groups import give_up
from tests.support.page_text import text_of
from tests.support.stripe_events import paid, session_of
from tests.support.system import COURSE_ID, System

FORM = {"content-type": "application/x-www-form-urlencoded"}
ANSWER_WITH_THE_REFUND = (
    "£200.00 of this payment was refunded to the payer already, so the bank would pay them "
    "twice: respond on Stripe's dashboard by"
)
NOT_TAKEN_AWAY = "The place has not been taken away"
PART_TWICE = (
    "£200.00 of this payment was refunded to the payer already, so the bank would pay them "
    "£200.00 of it twice: respond on Stripe's dashboard by"
)


def test_a_refunded_payment_disputed_says_answer_with_the_refund(system: System) -> None:
    email = "refunded-d1@example.org"
    application = paid(system, email)
    system.deliver_emails()
    cancelled = system.admin(
        "POST",
        f"/applications/{application['application_id']}/cancel",
        json_body={"refund": True},
    )
    assert cancelled.status == 200, cancelled.body
    system.deliver_emails()

    reply = system.stripe_local(
        "POST",
        f"/checkout/{session_of(application)}/dispute",
        urlencode({"reason": "credit_not_processed"}).encode(),
        FORM,
    )
    assert reply.status == 200, reply.body

    record = system.admin("GET", f"/applications/{application['application_id']}").json()
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    console = signed_in(system)
    page = text_of(console.get(f"/console/applications/{application['application_id']}").body)
    roster = text_of(console.get(f"/console/courses/{COURSE_ID}").body)
    csv_text = console.get(f"/console/courses/{COURSE_ID}/roster.csv").body
    person = text_of(console.get(f"/console/people?{urlencode({'email': email})}").body)
    [told] = [e.text for e in system.deliver_emails() if "disputed" in e.subject.lower()]
    for said in (record["disputed"], row["disputed"], page, roster, csv_text, person, told):
        assert ANSWER_WITH_THE_REFUND in said, said
        assert "with the refund as evidence" in said
        assert NOT_TAKEN_AWAY not in said


def test_a_groups_payment_refunded_in_part_disputed_whole_says_what_is_paid_twice(
    system: System,
) -> None:
    group = _card_group(system)  # two places, £400
    colleague_applies_to_place(system, group)
    assert give_up(system, group, 2).status == 200  # its £200 share refunded
    system.deliver_emails()
    assert system.stored_group(group).amount_refunded == 20000

    _opened(system, _checkout_of(group))  # the bank disputes the whole £400

    [told] = _told(system)
    console = signed_in(system)
    page = text_of(console.get(f"/console/courses/{COURSE_ID}/group-bookings").body)
    listed = json.dumps(
        system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json(), ensure_ascii=False
    )
    [row] = [
        r for r in system.admin("GET", f"/courses/{COURSE_ID}/applications").json() if r["group_id"]
    ]
    own = text_of(console.get(f"/console/applications/{row['application_id']}").body)
    for said in (told, page, listed, row["disputed"], own):
        assert PART_TWICE in said, said
        assert "with the refund as evidence, and with evidence for the rest" in said
        assert "The place has not been taken away (a dispute may be won)" in said
