"""The organiser API (the ``admin`` function): every route needs an organiser's bearer token.

Every route here also answers 401 and 403 (no token, or one without the organiser scope) and
says so in the document: ``booking.handlers.openapi`` adds them, with the security schemes.
"""

from __future__ import annotations

from typing import Any

from booking.domain.offer_ends import LEAST_TIME_TO_ACT_SAID
from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    COURSE_ID,
    DISCOUNT_CODE,
    ROSTER_SAID,
    SEEN,
    array_of,
    json_answer,
    on_a_course,
    optional_fields,
    path_parameter,
    schema,
)
from booking.handlers.routes.invoice_correction import EARLIER_TRY_PAID_SAID
from booking.handlers.routes.paid_off_stripe import PAID_OFF_STRIPE_SAID, RECEIVED, RECEIVED_SAID

ADMIN = Function.ADMIN
TAGS = ("organisers",)
_APPLICATION = path_parameter("application_id")
_PERSON = path_parameter(
    "email",
    "The person's email address, percent-encoded (`/`, `#` and `?` included, as an address may "
    "hold them)",
    254,
)
_BY_ID_OR_REFERENCE = path_parameter(
    "application_id", "The application's id, or its reference (CL-7K3Q9, any case, hyphen or not)"
)
_IN_PENCE = (
    "Amounts are in minor units (pence), as Stripe counts them; people read pounds in the "
    "console and the CLI."
)
_CHANGED = json_answer("AdminApplicationOut", "The application after the change")


_OPTIONS = optional_fields()


def _action(
    path: str,
    operation_id: str,
    summary: str,
    body: dict[str, object],
    description: str = "",
    answer: dict[str, Any] = _CHANGED,
) -> Route:
    return Route(
        ADMIN,
        "POST",
        f"/admin/applications/{{application_id}}/{path}",
        operation_id,
        summary,
        {"200": answer},
        errors=BODY_ACTION_ERRORS,
        parameters=(_APPLICATION,),
        body=body,
        description=description,
        tags=TAGS,
    )


_BURSARY = (
    "The same amount again changes nothing and emails nobody. A grant that finds another "
    "amount granted since it read the application (two at once) is refused with 409 "
    "`bursary_changed`; a booking confirmed meanwhile (its payment landed first), or an "
    "application that has ended for money (an offer its person turned down, an offer that "
    "lapsed whose seat went on, a lapse once applications closed), with 409 `not_fundable` "
    "naming the ending, nothing written and nobody emailed. An open invoice the grant would "
    "replace or void is read at Stripe once first, then voided there before the grant is "
    "saved: 409 `payment_settling` while the employer's bank debit of it is processing (or "
    "Stripe refuses the void for one begun since the read), 409 `payment_being_recorded` "
    "when Stripe holds it paid and its event has not come (nothing changed, no invoice made "
    "or voided: a mark the void's try wrote is taken back, so the version moves). 503 when "
    "Stripe does not answer the void: pressing again completes it." + EARLIER_TRY_PAID_SAID
)

ORGANISERS: tuple[Route, ...] = (
    on_a_course(
        "PUT",
        "",
        "putCourse",
        "Create or replace a course",
        {
            "200": json_answer("SavedCourseOut", "Replaced"),
            "201": json_answer("SavedCourseOut", "Created"),
        },
        body="CourseDefinition",
        description="Replaces the whole definition. Once the course's register holds a mark "
        "or is closed, a save that changes `completion_min_sessions`, adds, removes or "
        "reorders a core session, moves or lengthens a core session that has begun and has "
        "someone marked attended or absent, or (the register closed) moves any core session, "
        "is refused with 409 `register_kept`, in words naming each session and the date and "
        "times it keeps: nothing is saved and nobody is told. A session row naming by its `id` "
        "a follow-up another cohort of the programme lists, which this course's stored file "
        "does not, joins it as it is: without a `title` it takes the follow-up's, and another "
        "date, times or title is refused with 422 beside the row's field "
        "(`sessions.<n>.start_time`, ...), nothing saved; a follow-up the course already lists "
        "is its own to move or rename.",
    ),
    Route(
        ADMIN,
        "GET",
        "/admin/courses/{course_id}/applications",
        "roster",
        "Every application with answers and status",
        {
            "200": {
                "description": ROSTER_SAID,
                "content": {
                    "application/json": {"schema": array_of("RosterRow")},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        },
        errors=(404, 422),
        parameters=(
            COURSE_ID,
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
            },
        ),
        tags=TAGS,
    ),
    _action(
        "approve",
        "approve",
        "Approve: offer a place",
        _OPTIONS,
        "A place is offered (held for the course's offer period, never past the moment "
        "applications close), or, on a full course, a place on its waiting list; with nothing "
        "left to pay the place is booked at once. Once applications have closed: 409 "
        f"`course_closed`; in the last {LEAST_TIME_TO_ACT_SAID} before they close: 409 "
        "`too_late_to_offer` "
        "(too little time to pay), each in words, nothing changed and nobody emailed, unless "
        "a free place is left with nothing to pay, which is booked.",
    ),
    _action(
        "decline",
        "decline",
        'Decline, optionally with a message ({"message": "..."})',
        optional_fields(message={"type": "string"}),
    ),
    _action(
        "cancel",
        "cancel",
        'Cancel a booking; {"refund": true} refunds through Stripe. 409 group_place for a '
        "colleague's booking on a manager's group place: the manager gives it up or names "
        'someone else. 409 cancelled_without_refund for {"refund": true} on a booking '
        "cancelled already without a refund: nothing is refunded (POST its /refund). "
        "409 refund_refused when Stripe refuses the refund (it holds no such payment): "
        "nothing is cancelled, written or emailed. 409 no_payment_to_refund when the "
        "booking was paid outside Stripe (its invoice marked paid): Stripe holds nothing to "
        "refund, nothing is cancelled, written or emailed (cancel it without the refund). "
        "409 payment_disputed when the payer's bank has taken the payment back in a dispute "
        "(open, or lost): a refund would pay them twice and Stripe refuses it, so nothing is "
        "cancelled, written or emailed; a dispute won (its money reinstated) refunds as before. "
        "The same for a colleague's place whose share of a group's payment is refunded (its "
        "manager erased) while a dispute holds the group's payment. "
        "409 refund_refused_partway when Stripe "
        "gave back part (a moved booking's difference) and then refused another payment: "
        "the booking is cancelled keeping the rest (status_reason refund_refused_partway), "
        "the refund made recorded and the person told what came back and that the rest is "
        "still to come; the message names the refused payment; the same cancel again answers "
        "409 refund_refused_partway with what came back and what is left. Refunded at Stripe "
        "already (its dashboard): Stripe's refund is recorded and the booking ends refunded "
        "(still pending there: 409 charge_already_refunded, nothing written). "
        "A booking by invoice is read at Stripe once first, and its invoice voided there "
        "before the cancel is saved: 409 payment_settling while the employer's bank debit "
        "of its invoice is processing (or Stripe refuses the void for one begun since the "
        "read), 409 payment_being_recorded when Stripe holds it paid and its event has not "
        "come (nothing changed, the invoice not voided under the payment: a mark the "
        "void's try wrote is taken back, so the version moves); 503 when Stripe "
        "does not answer the void (pressing again completes it). "
        "A booking's open card checkout is expired at Stripe before the cancel is saved: 409 "
        "payment_being_recorded when Stripe says it was paid meanwhile (nothing changed, the "
        "payment kept: its event confirms the booking); 503 when Stripe does not answer "
        "(pressing again completes it). "
        "409 refund_failed_at_stripe for a booking whose refund failed at Stripe and whose "
        "money is still held: nothing is refunded or written (give it back by hand). "
        "Cancelled already otherwise: 200, nothing changed. With `seen` (the application's, as "
        "last read) an application changed since (paid, moved, a bank payment begun) is 409 "
        "application_changed in words, nothing changed; status_seen and paid_seen (both or "
        "neither: a status and a JSON whole number of pence, 422 otherwise) compare those two "
        "facts alone, as before `seen`",
        optional_fields(
            refund={"type": "boolean", "default": False},
            seen=SEEN,
            status_seen={"type": "string", "description": "The status last read"},
            paid_seen={"type": "integer", "minimum": 0, "description": "Pence kept, last read"},
        ),
    ),
    _action(
        "refund",
        "refundAfterCancel",
        "Refund a booking cancelled without a refund: what it kept goes back through Stripe",
        optional_fields(seen=SEEN),
        description="With `seen` (the application's, as last read), an application changed "
        "since (a refund made at Stripe meanwhile, say) is 409 application_changed in words, "
        "nothing changed. "
        "The same refunds a cancel with a refund asks for (one Stripe idempotency "
        "key per charge: a retry is the same refund), recorded once; the person is emailed "
        "once. Asked already, or refunded: 200, nothing changed. 409 `nothing_to_refund` "
        "when nothing was paid; 409 `no_payment_to_refund` when it was paid outside Stripe "
        "(its invoice marked paid): nothing to refund through Stripe, nothing written; "
        "409 `payment_disputed` while the payer's bank holds the payment taken back in a "
        "dispute (open, or lost): nothing written, nobody emailed; "
        "409 `not_cancelled` for a booking not cancelled (cancel it "
        'with {"refund": true}); 409 `refund_refused` when Stripe refuses the refund (it '
        "holds no such payment): nothing written, nobody emailed; 409 "
        "`refund_refused_partway` when it gave part back first: that part is recorded, the "
        "person is emailed once what came back, and the message names the refused payment. "
        "Refunded at Stripe already (its dashboard, "
        "`charge_already_refunded`): Stripe's refund is read back and recorded, the booking "
        "ends refunded and the person is emailed once; while that refund is still pending "
        "at Stripe (Bacs, SEPA), 409 `charge_already_refunded` in words, nothing written. "
        "409 `refund_failed_at_stripe` when its refund failed at Stripe (the card or account "
        "could not take it) and the money is still held: no second refund is asked, nothing "
        "written; the organiser gives it back by hand (a new refund on Stripe's dashboard, "
        "which is recorded, or a bank transfer).",
    ),
    _action(
        "invoice/paid-outside-stripe",
        "recordPaymentOutsideStripe",
        "Record that the open invoice was paid outside Stripe (a bank transfer, a cheque)",
        optional_fields(seen=SEEN, **RECEIVED),
        description=PAID_OFF_STRIPE_SAID + RECEIVED_SAID,
        answer=json_answer("PaymentRecordedOut", "The application after it, and what this did"),
    ),
    _action(
        "resend-confirmation",
        "resendConfirmation",
        "Send the booking confirmation again",
        _OPTIONS,
    ),
    on_a_course(
        "GET",
        "/totals",
        "moneyTotals",
        "The course's money: bookings, price, discounts, bursaries, paid, refunded",
        {"200": json_answer("MoneyTotalsOut", "The totals")},
        description="Counted as the console's money page and the CLI's `totals` count them. "
        + _IN_PENCE,
    ),
    on_a_course(
        "POST",
        "/discount-codes",
        "createDiscountCode",
        "A discount code for the course (a Stripe promotion code on a coupon, kept beside "
        "the course with its uses): percent_off or amount_off, optional max_uses and "
        "expires_at. Applicants give it as discount_code; an unknown or used-up code is a 422 "
        "on that field. Its uses are counted here, one claimed with each application that "
        "gives it; Stripe is given no limit.",
        {"201": json_answer("DiscountCodeOut", "The code, made at Stripe and kept")},
        body="DiscountCodeDefinition",
    ),
    on_a_course(
        "GET",
        "/discount-codes",
        "listDiscountCodes",
        "The course's discount codes: terms, uses held and left (this system's count, which "
        "is what limits a code), whether it may be given, and Stripe's redemptions",
        {"200": json_answer(array_of("DiscountCodeOut"), "The codes, by their letters")},
        description=f"Stripe is asked about each code's promotion code; where it does not "
        f"answer, `stripe_active` and `stripe_times_redeemed` are null. {_IN_PENCE}",
    ),
    Route(
        ADMIN,
        "POST",
        "/admin/courses/{course_id}/discount-codes/{code}/expire",
        "expireDiscountCode",
        "Expire a discount code now: its promotion code deactivated at Stripe, then no new "
        "application may give it; those that gave it keep their price",
        {"200": json_answer("DiscountCodeOut", "The code as Stripe holds it after the step")},
        errors=(400, 404, 409, 413, 415, 422),
        description="Expiring a code again repeats both steps harmlessly. Stripe unavailable: "
        "503 and nothing changed. It takes no fields: a field sent (a `dry_run`) is a 422 "
        "naming it, a body other than JSON a 415, nothing expired.",
        parameters=(COURSE_ID, DISCOUNT_CODE),
        tags=TAGS,
    ),
    Route(
        ADMIN,
        "GET",
        "/admin/applications/{application_id}",
        "getApplicationRecord",
        "One application, named by its id or its reference: answers, status, money, invoice",
        {"200": json_answer("ApplicationRecordOut", "The application")},
        errors=(404,),
        description=_IN_PENCE,
        parameters=(_BY_ID_OR_REFERENCE,),
        tags=TAGS,
    ),
    _action(
        "bursary",
        "grantBursary",
        "Fund a place in full (confirmed at once, no payment) or in part (the applicant "
        "pays the rest: an open checkout is closed, an open invoice replaced)",
        {"required": True, "content": {"application/json": {"schema": schema("BursaryIn")}}},
        _BURSARY,
    ),
    _action(
        "invoice/resend",
        "resendInvoice",
        "Email the open invoice to the billing contact again",
        _OPTIONS,
    ),
    _action(
        "invoice/void",
        "voidInvoice",
        "Void the open invoice: the place goes back",
        optional_fields(seen=SEEN),
        "With `seen` (the application's, as last read), an application changed since (a "
        "bursary that replaced the invoice, a payment begun) is 409 application_changed in "
        "words, compared before Stripe is asked: nothing voided. "
        "409 `no_open_invoice` when the application has no open invoice; 409 `invoice_paid` "
        "when Stripe says it was paid first (its confirmation is on its way); 409 "
        "`payment_settling` while the employer's bank debit of it is processing at Stripe "
        "(read once first, or found by the void itself when Stripe keeps the invoice open for "
        "a debit begun since: nothing changed, the invoice not voided under the payment).",
    ),
    Route(
        ADMIN,
        "GET",
        "/admin/people/{email}",
        "exportPerson",
        "Everything held about one person",
        {"200": json_answer("PersonExport", "The person's data")},
        errors=(404,),
        parameters=(_PERSON,),
        tags=TAGS,
    ),
    Route(
        ADMIN,
        "DELETE",
        "/admin/people/{email}",
        "erasePerson",
        "Erase one person's data (an anonymised financial record stays)",
        {"200": json_answer("ErasureOut", "What was erased")},
        errors=(400, 404, 409, 413, 415, 422, 503),
        description="It takes no fields: any sent (a `dry_run`) is a 422 naming it, a body "
        "other than JSON a 415, nothing erased. "
        "What was still on its way is withdrawn: an open invoice of their booking "
        "voided at Stripe before anything is erased. 409 `payment_settling` (or "
        "`payment_being_recorded`) while the employer's payment of such an invoice is on its "
        "way (a bank debit processing), or of the open invoice of a group booking whose "
        "manager or billing contact they are (the erasure voids it too): nothing erased; erase "
        "them once the bank confirms the payment or says it failed. An open card checkout of "
        "theirs is expired at Stripe first: paid meanwhile, the booking stands, paid, and the "
        "answer says so (`paid_meanwhile`); 503 when Stripe does not answer, nothing erased "
        "yet (pressing again completes it). A billing contact named only in an organiser's "
        "correction of an invoice (a person's or a group booking's), or invoice instead of "
        "the card, left half done is found and the act ended (never completed to send them "
        "an invoice); 409 `act_on_its_way` "
        "while such an act is under five minutes old (it may still be running): nothing "
        "erased, try again in a few minutes.",
        parameters=(_PERSON,),
        tags=TAGS,
    ),
)
