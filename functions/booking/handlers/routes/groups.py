"""Places booked by a manager (``services.groups``): the manager's form and page, their
changes to the places, and each colleague's own application form (the ``api`` function)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from booking.handlers.routes import Fragment, Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    COURSE_ID,
    idempotency_key_header,
    json_answer,
    json_or_form,
    page,
    path_parameter,
    secret_token,
    see_other,
)
from booking.handlers.routes.public import course_form_page

API = Function.API
PAGES = ("groups", "pages")
_MANAGER_TOKEN = secret_token("The manager's secret token (from their page's link)")
_PLACE_TOKEN = secret_token(
    "The colleague's secret token (from their own link; a substitution replaces it)"
)
_PLACE = {
    "name": "place",
    "in": "path",
    "required": True,
    "description": "The place's number in the booking (1..N)",
    "schema": {"type": "integer", "minimum": 1, "maximum": 99},
}


def _on_a_place(
    method: str,
    action: str,
    operation_id: str,
    summary: str,
    answers: Mapping[str, Fragment],
    *,
    errors: tuple[int, ...],
    token: Fragment = _MANAGER_TOKEN,
    **details: Any,
) -> Route:
    """A route about one place of a booking (``/groups/{group_id}/places/{place}/<action>``),
    reached with the manager's token (or the colleague's); its answers are never cached."""
    return Route(
        API,
        method,
        f"/groups/{{group_id}}/places/{{place}}/{action}",
        operation_id,
        summary,
        answers,
        errors=errors,
        parameters=(path_parameter("group_id"), _PLACE, token),
        private=True,
        **details,
    )


class Reader(StrEnum):
    """Who reads a refusal on a public route, which decides the page it sends them to next."""

    APPLICANT = "applicant"  # a person with an application (or applying): its page is theirs
    MANAGER = "manager"  # the person who booked places for colleagues: their booking's page
    COLLEAGUE = "colleague"  # a colleague on their place's link, who has not applied: none


# The manager's own routes (their page, and a place's give-up or substitution): a refusal on
# them is read by the person who booked the places, whose page is the booking's, not an
# application's. A colleague's (their place's form and its sending) is read by someone with no
# application page yet. The error page's next step says so.
_READERS = {
    **dict.fromkeys(("getGroup", "substitutePlace", "cancelPlace"), Reader.MANAGER),
    **dict.fromkeys(("placeApplicationForm", "applyForPlace"), Reader.COLLEAGUE),
}


def reader_of(operation_id: str | None) -> Reader:
    """Who reads a refusal on the route with ``operation_id`` (None: no route matched)."""
    return _READERS.get(operation_id or "", Reader.APPLICANT)


# What the manager's change of a place answers.
_CHANGED = {
    "200": json_answer("GroupOut", "The booking after the change"),
    "303": see_other("Browsers: back to the manager's page"),
}

GROUPS: tuple[Route, ...] = (
    course_form_page(
        "group-booking",
        "groupBookingForm",
        "The form for a manager booking places for named colleagues",
        "The manager's booking form",
        PAGES,
    ),
    Route(
        API,
        "POST",
        "/courses/{course_id}/group-bookings",
        "bookPlaces",
        "Book places for named colleagues, paid once",
        {
            "201": json_answer("GroupOut", "The booking: seats held, `pay_url` to pay"),
            "303": see_other("Browsers: on to the payment page, or the manager's page"),
        },
        errors=BODY_ACTION_ERRORS,
        description="A manager books one place per named colleague (`colleagues`: 1 to 12 "
        "of `{name, email}`, each address once; the HTML form posts `colleague_name_N` and "
        "`colleague_email_N`), within the places left, and pays once: by card (one Checkout "
        "Session for every place; `pay_url`) or, on courses with `invoice_allowed`, by one "
        "invoice to the employer with the billing contact and purchase order. The seats are "
        "held at once: until the checkout expires or the invoice falls due, then once paid "
        "until the colleagues apply (`apply_by`). Stripe is told the number of places, never "
        "who they are for. 409 `course_full` when the seats are not free (or people wait), "
        "`course_closed` once the places could not be paid for before applications close, "
        "`approval_required` on courses whose places are given after review, "
        "`idempotency_key_reused` when the Idempotency-Key was used for a booking with other "
        "answers. 422 beside a "
        "colleague (`colleagues.N.email`) who already has a place on the course or has "
        "applied for one: one person holds one place.",
        parameters=(
            COURSE_ID,
            idempotency_key_header(
                "A retried booking with the same key and answers gets the first answer "
                "(the HTML form carries it as the hidden field `idempotency_key`)"
            ),
        ),
        body=json_or_form("GroupForm"),
        tags=("groups",),
        private=True,
    ),
    Route(
        API,
        "GET",
        "/groups/{group_id}",
        "getGroup",
        "The manager's page: each place's state",
        {"200": json_answer("GroupOut", "The booking (a page for browsers)", html=True)},
        errors=(404,),
        description="Each place: who it is for, whether they have applied (their "
        "application's status and reference), and their own link while it can be used.",
        parameters=(path_parameter("group_id"), _MANAGER_TOKEN),
        tags=PAGES,
        private=True,
    ),
    _on_a_place(
        "POST",
        "substitute",
        "substitutePlace",
        "Another colleague takes a place",
        _CHANGED,
        errors=BODY_ACTION_ERRORS,
        description="A place goes to another colleague (`name`, `email`, and `consent`: the "
        "manager confirms they know their details are given to us, as the booking form asks) "
        "before the course starts: they get a new link and the old one stops working; the old "
        "colleague's application, if they had applied, is withdrawn. Before the booking is "
        "paid (a misspelt address put right), the link goes out with the payment. A booking "
        "that lapsed unpaid answers 409 `lapsed`.",
        body=json_or_form("Substitute"),
        tags=("groups",),
    ),
    _on_a_place(
        "POST",
        "cancel",
        "cancelPlace",
        "Give a place up: its share refunded, its seat to the waiting list",
        _CHANGED,
        errors=(400, 404, 409, 413, 415, 422),
        description="Before the course starts, a paid place is given up: the colleague's "
        "application (if any) is withdrawn, the place's price is refunded through Stripe "
        "(to the card, or the payment of the paid invoice), and the seat is offered to the "
        "waiting list; 409 `refund_refused` when Stripe refuses that refund (it holds no "
        "such payment), 409 `request_in_progress` while a refund is still being made there: "
        "the place is kept and nothing changes; 409 `payment_disputed`, before Stripe is "
        "asked, while the payer's bank holds the payment taken back in a dispute (open, or "
        "lost): a share refunded would pay them twice, so the place is kept and nothing "
        "changes (a dispute won refunds as before). A payment refunded already at Stripe (its "
        "events not heard yet) has Stripe's refunds read back and recorded once, and the "
        "place is given up on the booking as that leaves it (refunded whole: the booking "
        "ends refunded at Stripe; refunded in part, what is left of the share is given "
        "back); 409 `charge_already_refunded` while that refund is still "
        "pending there, nothing changed. While the employer's invoice "
        "is unpaid, the invoice is replaced by "
        "one for the places kept (the old one voided at Stripe first, so one paid or being "
        "paid meanwhile is never replaced: refused as below; 503 when Stripe voided it but "
        "could not make the new one, saying so, every place kept, and trying again completes "
        "it, as the sweep does a few minutes on if nobody tries), and "
        "the last place given up ends the booking. Doing it again changes nothing. "
        "While a card payment is open, a new "
        "Checkout Session for the places kept replaces it (the old one is expired at Stripe; "
        "a payment that still arrives on it is refunded whole), and the last place given up "
        "ends the booking (an invoice's voided at Stripe first, refused as below when Stripe "
        "keeps it for a payment). 409 `course_closed` when the course's applications have closed "
        "and places would be kept: no new checkout or invoice could be paid before it "
        "begins, so nothing changes; giving up again the place whose give-up was begun while "
        "they were open and left half done completes it still (it was decided then). "
        "409 `payment_settling` while the card checkout was "
        "completed by a delayed method (Bacs, SEPA) whose payment the bank has yet to "
        "confirm and places would be kept: a new checkout would have that payment given "
        "back, so nothing changes (give places up once it is confirmed); likewise while "
        "the employer's invoice is being paid by a bank debit (read at Stripe as the place "
        "is given up: a new invoice would have that payment given back; 503 when Stripe "
        "cannot be read, nothing changed), or Stripe refuses the void for it. "
        "409 `payment_being_recorded` when that read (or Stripe's refusal of the void) "
        "finds the invoice paid and its payment's event not yet recorded here: a new "
        "invoice would have the payment given back whole, so nothing changes (try again in "
        "a minute, when the payment is recorded and a place's share is refunded). "
        "An open card checkout is expired at Stripe before the give-up is saved: 409 "
        "`payment_being_recorded` when Stripe says the manager paid it meanwhile (nothing "
        "changed, the payment kept); 503 when Stripe does not answer (pressing again "
        "completes it). "
        "409 `invoice_being_voided` while the employer's "
        "invoice is open and its manager or billing contact was erased: that invoice is "
        "being voided (which ends the booking), and no new one is made for nobody; likewise "
        "while an organiser's void of it is asked and not yet done. 409 `invoice_past_due` "
        "once the employer's invoice is past its due date (its places not yet released) and "
        "places would be kept: Stripe makes no invoice due in the past, so nothing changes "
        "and the invoice stays payable as it is. 409 `place_being_given_up` while the "
        "give-up of another place is half done (its invoice voided, the new one not yet "
        "made): the words name that place, to be given up again first. It takes "
        "no fields: a field sent as JSON (a `dry_run`) is a 422 naming it, a body of any "
        "other type than JSON or a form a 415, nothing given up.",
        tags=("groups",),
    ),
    _on_a_place(
        "GET",
        "apply",
        "placeApplicationForm",
        "A colleague's own application form",
        {"200": page("The application form for one place, with nothing to pay")},
        errors=(404, 409),
        token=_PLACE_TOKEN,
        tags=PAGES,
    ),
    _on_a_place(
        "POST",
        "applications",
        "applyForPlace",
        "A colleague applies for their place",
        {
            "201": json_answer("ApplicationOut", "The booking, confirmed (nothing to pay)"),
            "303": see_other("Browsers: on to the status page"),
        },
        errors=BODY_ACTION_ERRORS,
        token=_PLACE_TOKEN,
        description="The application form's answers (as `POST /courses/{course_id}/"
        "applications`, without payment fields), for the address the place is booked for. "
        "A payment field given (`discount_code`, `payment_method`, `billing_name`, "
        "`billing_email`, `billing_address`, `po_number`) is a 422 naming it (the group "
        "paid for the place: it takes none), never dropped unread. "
        "The application fills the place at once (confirmed, nothing to pay: the manager "
        "paid) and the facilitators get it like any other. 409 once the place is filled, "
        "cancelled, unpaid, or past `apply_by`; 404 for a link that was replaced.",
        body=json_or_form("PlaceApplicationForm"),
        tags=("groups",),
    ),
)
