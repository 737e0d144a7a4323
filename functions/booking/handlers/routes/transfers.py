"""Moving a booking to another cohort: its routes on the organiser API and the console
(``services.transfers``; the rules in ``domain.transfers``)."""

from __future__ import annotations

from typing import Any

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    NO_APPLICATION,
    SEEN,
    closed_fields,
    console_form,
    json_answer,
    optional_fields,
    page,
    path_parameter,
    see_other,
)

TAGS_ADMIN = ("organisers",)
TAGS_CONSOLE = ("console",)
_APPLICATION = path_parameter(
    "application_id", "The application's id, or its reference (CL-7K3Q9, any case, hyphen or not)"
)
_CONSOLE_APPLICATION = path_parameter("application_id")
# What the application's page says once after a move (``after_action``), after a dearer move
# was asked for (the person pays the difference first), and after one was withdrawn.
TRANSFER_DONE = "moved"
MOVE_ASKED = "move_asked"
MOVE_WITHDRAWN = "move_withdrawn"
MOVE_WAITING = "move_waiting"  # joined a full cohort's waiting list
# Asked again (a double click, Back and send): the move made, or asked for, by an earlier
# request; this one changed nothing and emailed nobody.
MOVED_ALREADY = "moved_already"
MOVE_ASKED_ALREADY = "move_asked_already"
# Every notice the application's page may be sent to after a move's form.
TRANSFER_NOTICES = (
    TRANSFER_DONE,
    MOVE_ASKED,
    MOVE_WITHDRAWN,
    MOVE_WAITING,
    MOVED_ALREADY,
    MOVE_ASKED_ALREADY,
)
_COURSE_SEEN: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "description": "Older pages' and callers' field, in place of `seen`: the course id of "
    "the cohort the booking was on as they showed it. A booking moved since (another "
    "organiser or tab) is refused with 409 `booking_moved`, nothing changed; a cohort the "
    "booking was never on, 422 naming `course_seen`. It compares the cohort alone: a booking "
    "moved away and back, or a price changed, needs `seen`",
}
_TO_COURSE: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "description": "The course id of the cohort to move to: another cohort of the same "
    "programme, still taking applications, with a place free",
}
_WAIT: dict[str, Any] = {
    "type": "boolean",
    "default": False,
    "description": "The organiser's choice for a full cohort: the booking joins its waiting "
    "list (the answer's `waiting_move`) instead of being refused, keeping its seat where it is "
    "until a place frees there for it (after that cohort's applications close, before those "
    "who applied, who could no longer pay; a move asking a difference then is refused, 409 "
    "`course_closed`)",
}
_CHOICE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "course_id": {"type": "string"},
        "name": {"type": "string", "description": "The title with its first day"},
        "status": {"type": "string", "enum": ["open", "full", "closed"]},
        "places_left": {
            "type": "integer",
            "description": "The same count as `places_not_taken` (kept for scripts that read "
            "it): the cohort's places no seat holds, not the public Course's `places_left` "
            "(what a newcomer may book, 0 while people wait)",
        },
        "places_not_taken": {
            "type": "integer",
            "description": "Capacity less the seats taken, as the console's Free column and "
            "the public Course's `places_not_taken` count it (a lapsed offer's seat is taken "
            "until the sweep releases it); a move also needs nobody waiting (`can_move`)",
        },
        "places_for_this_booking": {
            "type": "integer",
            "description": "The places this booking could take there now: what a newcomer may "
            "book (the public Course's `places_left`), 0 while the cohort is full, also when a "
            "place is not taken but people wait or it is too late to offer it",
        },
        "waiting": {"type": "integer", "description": "How many wait there for a place"},
        "seen": {
            "type": "string",
            "description": "This choice as read: give it back with the move (`seen`)",
        },
        "price": {"type": "object", "description": "Minor units (pence) and currency"},
        "can_move": {"type": "boolean"},
        "can_wait": {
            "type": "boolean",
            "description": "The cohort is full (or people wait there) and the booking may join "
            "its waiting list instead (`wait: true`)",
        },
        "no_more_offers": {
            "type": "boolean",
            "description": "Applications there close in less than 15 minutes: too soon for a "
            "place to be offered from its waiting list (as the public Course's `no_more_offers`)",
        },
        "difference": {
            "type": "integer",
            "description": "What the person is asked to pay by card before the move is made "
            "(minor units); 0: the move is made at once",
        },
        "refusal": {
            "type": ["object", "null"],
            "description": "Why the booking cannot move there now: code and message",
        },
    },
    "required": [
        "course_id",
        "name",
        "status",
        "places_left",
        "places_not_taken",
        "places_for_this_booking",
        "waiting",
        "price",
        "can_move",
    ],
}
_MOVE_RULES = (
    "Only a confirmed booking moves, to another cohort of the same programme that is still "
    "taking applications and has a place free (nobody waiting for it). The seat on the old "
    "cohort is given back and the new one taken in one transaction; the old cohort's freed "
    "seat is offered to its waiting list. The place is priced as the new cohort; a bursary "
    "and a discount code carry over. A cheaper cohort refunds the difference through Stripe "
    "(a partial refund, keyed by the move, taken from the newest charge first); while the "
    "payer's bank holds the payment taken back in a dispute it is 409 `payment_disputed`, "
    "nothing moved or refunded; a booking paid outside Stripe (its invoice marked paid) is "
    "409 `no_payment_to_refund`, nothing moved, the message saying what to do instead (a "
    "cohort at the same price; or cancel without the refund, give the money back by hand and "
    "record it, and have the person apply). A dearer one, "
    "for a booking paid by card, is asked for first: the seat there is held, a Checkout "
    "Session for the difference opened and its link emailed (the answer's `pending_move`); "
    "the move is made when Stripe reports it paid, and lapses when it expires, its deadline "
    "passes or it is withdrawn. A booking paid by invoice is refused a dearer cohort. The "
    "person gets one email when it moves: the old sessions cancelled (cancel.ics), the new "
    "ones added (invite.ics). Asking again for the same move answers the booking as moved "
    "(or still waiting) and completes a refund still owed. Amounts are in minor units (pence). "
    "A full cohort (or one where people wait) is refused with 409 `course_full`, unless the "
    "body says `wait: true`: then the booking keeps its seat and joins that cohort's waiting "
    "list (the answer's `waiting_move`), in one order with the people who applied there; when "
    "a seat frees for it, it is moved as above (a dearer cohort: asked for the difference). "
    "It ends unmoved when withdrawn, when the booking ends, or when either cohort begins. "
    "A cheaper move whose own refund Stripe refuses because the whole payment was refunded "
    "meanwhile (from its dashboard, say) is undone: Stripe's refund is recorded, the booking "
    "ends refunded on the cohort it was booked on, the person is told of the refund only, and "
    "the answer is 409 `refunded_meanwhile` in words (a move the person was already told of "
    "stands, ended refunded, and is answered 200)."
)

TRANSFER_ADMIN: tuple[Route, ...] = (
    Route(
        Function.ADMIN,
        "GET",
        "/admin/applications/{application_id}/transfer-choices",
        "transferChoices",
        "The programme's other cohorts still taking people, and whether this booking can move "
        "to each",
        {
            "200": json_answer(
                {
                    "type": "object",
                    "properties": {
                        "application_id": {"type": "string"},
                        "course_id": {"type": "string"},
                        "cohorts": {"type": "array", "items": _CHOICE},
                    },
                    "required": ["application_id", "course_id", "cohorts"],
                },
                "The cohorts, soonest first",
            )
        },
        errors=(404,),
        description=_MOVE_RULES,
        parameters=(_APPLICATION,),
        tags=TAGS_ADMIN,
    ),
    Route(
        Function.ADMIN,
        "POST",
        "/admin/applications/{application_id}/transfer",
        "transferBooking",
        "Move a confirmed booking to another cohort of its programme",
        {
            "200": json_answer(
                "MoveOut", "The application after the move, and whether it was made already"
            )
        },
        errors=BODY_ACTION_ERRORS,
        description=_MOVE_RULES,
        parameters=(_APPLICATION,),
        body=closed_fields(
            {"to_course_id": _TO_COURSE, "wait": _WAIT, "seen": SEEN, "course_seen": _COURSE_SEEN},
            "to_course_id",
        ),
        tags=TAGS_ADMIN,
    ),
    Route(
        Function.ADMIN,
        "POST",
        "/admin/applications/{application_id}/transfer/withdraw",
        "withdrawMove",
        "Withdraw a move that waits: for a dearer cohort's difference to be paid, or on a full "
        "cohort's waiting list",
        {"200": json_answer("AdminApplicationOut", "The application, staying where it is")},
        errors=BODY_ACTION_ERRORS,
        description="The seat held on the dearer cohort goes back (offered to its waiting "
        "list), the checkout for the difference is expired at Stripe, and the person is told "
        "the booking stays where it is. A payment that reaches us afterwards is refunded "
        "whole; one Stripe holds paid already when the withdrawal reads it (the person paid "
        "as the organiser withdrew) is 409 `move_paid` in words, nothing changed, and the "
        "payment makes the move (a bank payment still going through is said as that: if it "
        "arrives the move is made, if it fails the move ends). A move waiting on a full "
        "cohort's waiting list leaves it, and the person is told. 409 `no_move_pending` when "
        "no move waits; 409 `wait_ended` when a waiting "
        "move's end has passed (a cohort began) and the sweep has not yet ended it: nothing is "
        "left to withdraw, and the person is told by the sweep. With `seen` (the "
        "application's, as last read), an application changed since (another move waiting "
        "now, paid, ended) is 409 `application_changed` in words, nothing changed. It takes no "
        "other body field (422 naming any sent).",
        parameters=(_APPLICATION,),
        body=optional_fields(seen=SEEN),
        tags=TAGS_ADMIN,
    ),
)

TRANSFER_CONSOLE: tuple[Route, ...] = (
    Route(
        Function.CONSOLE,
        "GET",
        "/console/applications/{application_id}/transfer",
        "consoleTransferChoices",
        "Move a booking: the programme's other cohorts with their dates, places left and "
        "price, and the form to choose one",
        {
            "200": page("The cohorts and the form"),
            "404": NO_APPLICATION,
        },
        parameters=(_CONSOLE_APPLICATION,),
        tags=TAGS_CONSOLE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/applications/{application_id}/transfer",
        "consoleTransfer",
        "Move a confirmed booking to the chosen cohort",
        {
            "303": see_other(
                f"Done: to the application's page, which says so once (`{TRANSFER_DONE}`; "
                f"`{MOVE_ASKED}`: a dearer move asked; `{MOVE_WAITING}`: on the full "
                f"cohort's waiting list; `{MOVED_ALREADY}`, `{MOVE_ASKED_ALREADY}`: asked "
                f"again, an earlier request had done it and nothing changed)",
                notice=True,
            ),
            "404": NO_APPLICATION,
            "409": page("The cohorts' page again, saying why not"),
            "422": page(
                "The cohorts' page again: no cohort chosen, or no such cohort; or no `seen` "
                "(a form not the page's)"
            ),
        },
        parameters=(_CONSOLE_APPLICATION,),
        body=console_form(
            {
                "to_course_id": _TO_COURSE,
                "wait": {
                    "type": "string",
                    "enum": ["yes"],
                    "description": "The full cohort's *Join its waiting list* button",
                },
                "seen": SEEN,
                "course_seen": _COURSE_SEEN,
            },
            "to_course_id",
        ),
        tags=TAGS_CONSOLE,
        done=TRANSFER_DONE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/applications/{application_id}/transfer/withdraw",
        "consoleWithdrawMove",
        "Withdraw a move waiting for its difference to be paid or on a full cohort's waiting list",
        {
            "303": see_other(
                f"Done: to the application's page, which says so once (`{MOVE_WITHDRAWN}`)",
                notice=True,
            ),
            "404": NO_APPLICATION,
            "409": page(
                "The cohorts' page, saying no move waits, or how the application changed since "
                "its page was shown (`application_changed`: nothing changed)"
            ),
            "422": page("A `seen` that is not one a page gives, or none, said in words"),
        },
        parameters=(_CONSOLE_APPLICATION,),
        body=console_form({"seen": SEEN}),
        tags=TAGS_CONSOLE,
        done=MOVE_WITHDRAWN,
    ),
)
