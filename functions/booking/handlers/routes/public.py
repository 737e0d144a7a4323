"""The public routes (the ``api`` function) and Stripe's webhook (the ``webhook`` function)."""

from __future__ import annotations

from collections.abc import Mapping

from booking.handlers.routes import Fragment, Function, Route
from booking.handlers.routes.answers import (
    APPLICATION_TOKEN,
    BODY_ACTION_ERRORS,
    COURSE_ID,
    HTML_CONTENT,
    array_of,
    download,
    idempotency_key_header,
    json_answer,
    json_body,
    json_or_form,
    page,
    path_parameter,
    schema,
    see_other,
)

API, WEBHOOK = Function.API, Function.WEBHOOK
PAGES = ("public", "pages")


def course_form_page(
    action: str, operation_id: str, summary: str, what: str, tags: tuple[str, ...]
) -> Route:
    """The public API's page with a form to book on a course (``/courses/{course_id}/<action>``);
    404 for no such course."""
    return Route(
        API,
        "GET",
        f"/courses/{{course_id}}/{action}",
        operation_id,
        summary,
        {"200": page(what)},
        errors=(404,),
        parameters=(COURSE_ID,),
        tags=tags,
    )


_ON_TO = see_other("Browsers: on to the checkout page or the status page", required=False)
_APPLICATION_FORM = json_or_form("ApplicationForm")
_BACK_TO_STATUS = see_other("Browsers: on to the status page, which says what happened")


def _applicants_post(
    action: str,
    operation_id: str,
    summary: str,
    answers: Mapping[str, Fragment],
    errors: tuple[int, ...],
    description: str,
) -> Route:
    """A POST on the person's own application (``/applications/{application_id}/<action>``),
    from its status page with the applicant's token; private, as the token is in its
    address."""
    return Route(
        API,
        "POST",
        f"/applications/{{application_id}}/{action}",
        operation_id,
        summary,
        answers,
        errors=errors,
        description=description,
        parameters=(path_parameter("application_id"), APPLICATION_TOKEN),
        tags=("public",),
        private=True,
    )


def _way_to_pay(
    way: str, operation_id: str, summary: str, made: Fragment, description: str
) -> Route:
    """A way to pay an application that may pay now: answering what it ``made`` (201), or a
    browser's form on to the checkout or status page (303)."""
    answers = {"201": made, "303": _ON_TO}
    errors = (400, 404, 409, 413, 415, 422)
    return _applicants_post(way, operation_id, summary, answers, errors, description)


def _persons_press(
    action: str, operation_id: str, summary: str, done: Fragment, description: str
) -> Route:
    """One of the person's own presses on their status page (turning down an offer, leaving
    the waiting list), with no fields: answering ``done`` (200: done now, or by an earlier
    press), or a browser's form back to the status page (303)."""
    answers = {"200": done, "303": _BACK_TO_STATUS}
    errors = (404, 409, 413, 415, 422)
    return _applicants_post(action, operation_id, summary, answers, errors, description)


PUBLIC: tuple[Route, ...] = (
    Route(
        API,
        "GET",
        "/",
        "home",
        "The site's front door",
        {"303": see_other("On to the list of courses", required=False)},
        tags=PAGES,
    ),
    Route(
        API,
        "GET",
        "/courses",
        "listCourses",
        "The courses, open ones first",
        {
            "200": json_answer(
                array_of("CourseOut"), "Open courses first (JSON), or the page", html=True
            )
        },
        description="JSON; a browser (`Accept: text/html`) gets the page listing the "
        "courses taking applications.",
        tags=PAGES,
    ),
    Route(
        API,
        "GET",
        "/courses/{course_id}",
        "getCourse",
        "One course",
        {"200": json_answer("CourseOut", "The course (JSON), or its page", html=True)},
        errors=(404,),
        description="JSON; a browser (`Accept: text/html`) gets the course's page, "
        "with its application form.",
        parameters=(COURSE_ID,),
        tags=PAGES,
    ),
    course_form_page(
        "apply",
        "applicationForm",
        "The course's page with the application form",
        "The application form",
        PAGES,
    ),
    Route(
        API,
        "POST",
        "/courses/{course_id}/applications",
        "submitApplication",
        "Apply for a place",
        {
            "201": json_answer(
                "ApplicationOut",
                "Application recorded",
                headers={"Location": {"schema": {"type": "string"}}},
            ),
            "303": _ON_TO,
            "503": {
                **json_answer(
                    "ErrorOut",
                    "Stripe or AWS unavailable. When the application was kept, "
                    "`error.application` holds it with its status link.",
                    html=True,
                ),
                "headers": {
                    "Retry-After": {
                        "description": "Seconds to wait",
                        "schema": {"type": "integer"},
                    }
                },
            },
        },
        errors=BODY_ACTION_ERRORS,
        description="JSON or a form post. A browser (`Accept: text/html`) gets 303 "
        "on, or the form again with each mistake beside its field (422). With "
        "`payment_method: invoice` (courses with `invoice_allowed`) and the billing "
        "contact (`billing_name`, `billing_email`, `billing_address`, `po_number`), "
        "the employer is invoiced through Stripe instead of a checkout: the answer is "
        "`awaiting_invoice_payment` with `invoice_url`, the place held until the invoice "
        "falls due, and `invoice.paid` confirms it. `discount_code` applies a code made "
        "for the course; an unknown or used-up code is a 422 on `discount_code`. In the "
        "last 15 minutes before applications close a newcomer may still join the waiting "
        "list (or apply for review), but no place can be offered then: the answer says "
        "`no_more_offers: true` with `applications_close_at`, and so do its email and page.",
        parameters=(
            COURSE_ID,
            idempotency_key_header(
                "A retried submission with the same key and answers gets the first answer"
            ),
        ),
        body=_APPLICATION_FORM,
        tags=("public",),
        private=True,
    ),
    Route(
        API,
        "GET",
        "/applications/{application_id}",
        "getApplication",
        "Where an application stands",
        {
            "200": {
                "description": "The application (a status page for browsers)",
                "content": {
                    "application/json": {"schema": schema("ApplicationOut")},
                    **HTML_CONTENT,
                },
            }
        },
        errors=(404,),
        parameters=(
            path_parameter("application_id"),
            APPLICATION_TOKEN,
            {
                "name": "checkout",
                "in": "query",
                "required": False,
                "description": "Set by Stripe's return URLs: the page says what happened",
                "schema": {"type": "string", "enum": ["success", "cancelled"]},
            },
        ),
        tags=PAGES,
        private=True,
    ),
    Route(
        API,
        "GET",
        "/applications/{application_id}/calendar.ics",
        "downloadSessionsCalendar",
        "The person's sessions as a calendar file, from their status page",
        {
            "200": download(
                "text/calendar",
                "<course_id>-sessions.ics",
                "The booked place's sessions and the follow-ups the person was invited to, with "
                "the joining link, as their emails gave them (RFC 5545, `METHOD:PUBLISH`, no "
                "attendee): under the same UIDs and ORGANIZER, so importing it updates the "
                "events those emails put in the calendar rather than adding them twice",
                {"type": "string"},
            ),
        },
        errors=(404, 409),
        description="404 for a wrong id or token (as the status page); 409 while it would hold "
        "nothing (a place not booked, and no follow-up invitation). The status page links to it "
        "(*Add your sessions to your calendar*) whenever it holds a session.",
        parameters=(path_parameter("application_id"), APPLICATION_TOKEN),
        tags=PAGES,
        private=True,
    ),
    _way_to_pay(
        "checkout",
        "startCheckout",
        "Pay now: the open Checkout Session, or a fresh one",
        json_answer("CheckoutOut", "The open Checkout Session, or a fresh one"),
        "A Checkout Session for an application that may pay now. Pressed again while its "
        "session is open at Stripe, shows what a new one would (the cohort's title and first "
        "day, the amount, the currency) and has 10 minutes or more "
        "left, that same session is answered (a double click or a second tab never expires it "
        "under the person); otherwise the old one is expired and a fresh one opened (two "
        "presses at once: the one that loses answers the winner's session). 409 "
        "`course_closed` once a checkout (held 31 minutes, Stripe's least) could not end "
        "before the course's applications close (an offer included), `offer_lapsed` after an "
        "offer's deadline, said with it (the place went back to the course; asked again once "
        "the sweep ended the offer, it is `offer_lapsed` while no place is free, not "
        "`course_full`). It takes no fields: a field sent as JSON (a `dry_run`) is a 422 "
        "naming it, nothing opened; a "
        "form's (a button's name) is ignored, but a form whose name is a JSON object is a 422; "
        "a body of any other type (text/plain, none) is a 415.",
    ),
    _way_to_pay(
        "invoice",
        "requestInvoice",
        "Pay by invoice",
        json_answer("InvoiceOut", "The invoice, sent to the billing contact"),
        "Pay by invoice: the employer (the billing contact given with "
        "the application, on a course with `invoice_allowed`) is invoiced through Stripe "
        "and the place is held until the invoice falls due. For an application that may "
        "pay now (an offer, an expired checkout, a first attempt Stripe missed). It takes no "
        "fields: a field sent as JSON is a 422 naming it, nothing sent; a body of any other "
        "type than JSON or a form is a 415.",
    ),
    _persons_press(
        "decline-offer",
        "declineOffer",
        "Turn down an offered place",
        json_answer("OfferDeclinedOut", "Turned down (now, or by an earlier press)"),
        "The person offered a place (from the waiting list, or on approval) "
        "turns it down: the place goes back at once, by the path a lapsed offer's takes (an "
        "open checkout expired at Stripe, an email saying so), and is offered to the next "
        "person waiting. An offered place being paid by the employer's invoice may be turned "
        "down too, until its due day ends: the invoice is voided at Stripe first (refused, "
        "409 `payment_pending`, while the employer's payment of it is on its way). "
        "A second press changes nothing and says `already_declined: true`. "
        "409 `offer_lapsed` after the offer's deadline, `payment_pending` while a payment "
        "for it goes through, `not_offered` for anything else (booked, on the waiting "
        "list, ...). It takes no fields, as paying now does. The application's token is "
        "the proof, as for its other actions.",
    ),
    Route(
        API,
        "GET",
        "/applications/{application_id}/leave-waiting-list",
        "confirmLeavingWaitingList",
        "Ask whether to leave the waiting list",
        {"200": page("The question, with a button that leaves, and a way back")},
        errors=(404, 409),
        description="The confirmation step before leaving the waiting list, linked from the "
        "status page of someone waiting or offered a place. Nothing changes until its "
        "button is pressed; asked of an application that may not leave (a place held, a "
        "payment on its way, not on the list), 409 in words; asked again after leaving, "
        "it says so.",
        parameters=(path_parameter("application_id"), APPLICATION_TOKEN),
        tags=PAGES,
        private=True,
    ),
    _persons_press(
        "leave-waiting-list",
        "leaveWaitingList",
        "Leave the waiting list",
        json_answer("LeftWaitingListOut", "Left (now, or by an earlier press)"),
        "The person waiting for a place (or offered one, not yet paid) leaves "
        "the waiting list: the application ends `cancelled`, `status_reason` "
        "`withdrawn_by_applicant`, by the organisers' cancel without a refund (nothing was "
        "paid), so a place their offer held goes at once to the next person waiting, an "
        "open checkout is expired and an invoice asked for the offer voided; an email "
        "confirms it. A second press (or a replay) changes nothing and says "
        "`already_left: true`. 409 `booked` once they hold a place (paid, or being paid by "
        "card or invoice: they write to the organisers, as before), `payment_pending` while "
        "a payment for the offer goes through, `group_place` for a place a manager booked, "
        "`not_waiting` for anything else; a payment of the offer landing as they press is 409 "
        "`payment_being_recorded` (or `payment_settling`) in the person's own words, nothing "
        "changed. It takes no fields, as paying now does. The "
        "application's token is the proof, as for its other actions.",
    ),
    Route(
        API,
        "GET",
        "/openapi.json",
        "openapi",
        "This document",
        {"200": json_answer({"type": "object"}, "This document")},
        tags=("public",),
    ),
    Route(
        WEBHOOK,
        "POST",
        "/webhooks/stripe",
        "stripeWebhook",
        "Stripe's signed events",
        {"200": json_answer("WebhookAnswer", "Handled, or deliberately ignored")},
        errors=(400,),
        description="Stripe's signed events. The signature (Stripe-Signature) is "
        "checked on the raw body before anything is read; nothing is written unless it "
        "is valid. A signed body not shaped as Stripe's events always are (its `id` or "
        "`type` not text, `data.object` or that object's `metadata` not an object, an "
        "amount not a whole number) is a 400 too, nothing written. "
        "Acted on: `checkout.session.*`, `charge.refunded`, `refund.*`, and "
        "for invoices `invoice.paid` (confirms), `invoice.voided`, "
        "`invoice.marked_uncollectible` and `invoice.overdue` (the place goes back). "
        "An object is believed only for the booking that recorded it: a payment another "
        "booking recorded, or a refund total above what the payment took, is answered 200 "
        "with `action` `ignore` and writes nothing.",
        parameters=(
            {
                "name": "Stripe-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "maxLength": 1000},
            },
        ),
        body=json_body(None),
        tags=("stripe",),
    ),
)
