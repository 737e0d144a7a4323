"""The console's page for moving a booking to another cohort, and its form (registered on the
console's resolver, ``handlers/console_app.py``; the use case is ``services.transfers``), and
the application's page, which after a move names whom the seat it left was offered to."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.course import Course
from booking.domain.errors import BookingError, Conflict, DependencyUnavailable, InvalidInput
from booking.domain.offered_words import offered_code, offered_in, offered_said
from booking.domain.page_seen import Seen
from booking.domain.transfer_words import transfer_choice_said
from booking.domain.wording import day_when, money_words
from booking.handlers import console_application as application_pages
from booking.handlers import http
from booking.handlers.console_app import (
    after_action,
    chrome,
    form_seen,
    html_page,
    notice_here,
    served,
    typed_value,
)
from booking.handlers.console_pages import Chrome, application_named, console_page, course_heading
from booking.handlers.resolver import Response
from booking.handlers.routes.transfers import (
    MOVE_ASKED,
    MOVE_ASKED_ALREADY,
    MOVE_WAITING,
    MOVE_WITHDRAWN,
    MOVED_ALREADY,
    TRANSFER_DONE,
)
from booking.handlers.sentences import capitalised, sentence
from booking.services import console, transfers, waiting_moves
from booking.services.move_choice import ChosenCohort
from booking.services.offered_named import offered_named
from booking.services.transfers import Choice, Choices

LABELS = {"to_course_id": "Cohort to move to"}


def _after_the_first_day(course: Course) -> str:
    """A cohort's sessions beside its name, which says its first day already."""
    schedule = course.schedule
    if len(schedule) == 1:
        return "one session"
    last = day_when(schedule[-1].start, course.definition.timezone)
    return f"{len(schedule)} sessions, the last on {last}"


def _standing(choice: Choice) -> str:
    """Open or full, who waits, and the places this booking could take
    (``transfer_choice_said``, as the CLI's choice says it)."""
    return transfer_choice_said(
        choice.status.value,
        waiting=choice.course.waiting,
        not_taken=choice.course.places_left,
        for_this_booking=choice.places_for_it,
        too_late_to_offer=choice.too_late_to_offer,
    )


def transfer_page(
    chrome: Chrome,
    choices: Choices,
    *,
    problem: str = "",
    chosen: str = "",
    errors: dict[str, str] | None = None,
) -> str:
    application, course = choices.application, choices.course
    return console_page(
        "transfer.html",
        chrome,
        **application_named(application),
        status=application.status.value,
        course_name=course_heading(course),
        # What each choice's press acts on (``domain.page_seen``): the move form's one field
        # carries every cohort it offers; a waiting list's form, its cohort's.
        seen=" ".join(c.seen for c in choices.cohorts if c.refused is None),
        course_dates=_after_the_first_day(course),
        cohorts=[
            {
                "course_id": c.course.course_id,
                "name": c.name,
                "dates": _after_the_first_day(c.course),
                "status": _standing(c),
                "price": money_words(
                    c.course.definition.price.amount, c.course.definition.price.currency
                ),
                "why_not": sentence(c.refused.message) if c.refused else "",
                "difference": money_words(c.difference, c.course.definition.price.currency)
                if c.difference
                else "",
                "can_wait": c.can_wait,
                "seen": c.seen,
            }
            for c in choices.cohorts
        ],
        can_move=any(c.refused is None for c in choices.cohorts),
        chosen=chosen or _only_one(choices),
        problem=problem,
        errors=errors or {},
        labels=LABELS,
    )


def _only_one(choices: Choices) -> str:
    """The one cohort that can take the booking, if only one can: shown as the answer, still a
    radio button the form sends (GOV.UK's advice for a question with one possible answer)."""
    movable = [c.course.course_id for c in choices.cohorts if c.refused is None]
    return movable[0] if len(movable) == 1 else ""


def _page(application_id: str, status: int = 200, **shown: Any) -> Response[str]:
    choices = transfers.transfer_choices(ports(), application_id)
    return html_page(status, transfer_page(chrome(), choices, **shown))


@served("consoleTransferChoices")
def transfer_choices(application_id: str) -> Response[str]:
    return _page(application_id)


@served("consoleTransfer")
def transfer(application_id: str) -> Response[str]:
    chosen = typed_value("to_course_id")
    wait = typed_value("wait") == "yes"  # the "Join its waiting list" button of a full cohort
    # What the page showed (``domain.page_seen``; a page shown before it: the cohort it showed
    # the booking on): changed since (another tab, another organiser), refused in words.
    shown = {"course_seen": typed_value("course_seen") or None, "seen": typed_value("seen")}
    offered: tuple[str, ...] = ()
    try:
        form_seen(
            Seen(given=(("course", shown["course_seen"]),)) if shown["course_seen"] else Seen()
        )
        choice = ChosenCohort.typed(chosen, **shown)
        if wait:
            done = waiting_moves.join_waiting_list(ports(), application_id, choice)
            already = False
        else:
            moved = transfers.transfer_booking(ports(), application_id, choice)
            done, already, offered = moved.application, moved.already, moved.offered
    except (Conflict, InvalidInput, DependencyUnavailable) as refused:
        return _refused(application_id, refused, chosen)
    # Said from what this request did: a repeat (a double click, Back and send) did nothing.
    said = (
        MOVE_WAITING
        if done.waiting_move is not None and done.course_id != chosen
        else (MOVE_ASKED_ALREADY if already else MOVE_ASKED)
        if done.pending_move is not None
        else (MOVED_ALREADY if already else TRANSFER_DONE)
    )
    # Whom the seat it left was offered to, named on the page.
    code = offered_code(offered) if said == TRANSFER_DONE and offered else ""
    return after_action(f"/console/applications/{quote(application_id)}", said, code)


@served("consoleApplication")
def application(application_id: str) -> Response[str]:
    """The application's page; after a move, naming whom the seat it left was offered to."""
    detail = console.application_detail(ports(), application_id)
    notice = notice_here()
    count, ids = offered_in(notice.code) if notice.done == TRANSFER_DONE else (0, [])
    also = offered_said(count, offered_named(ports(), ids)) if count else ""
    page = application_pages.application_page(chrome(), detail, done=notice.done, also=also)
    return html_page(200, page)


@served("consoleWithdrawMove")
def withdraw_move(application_id: str) -> Response[str]:
    try:
        waiting_moves.withdraw_move(ports(), application_id, form_seen())
    except (Conflict, InvalidInput, DependencyUnavailable) as refused:
        return _refused(application_id, refused, "")
    return after_action(f"/console/applications/{quote(application_id)}", MOVE_WITHDRAWN)


def _refused(application_id: str, error: BookingError, chosen: str) -> Response[str]:
    fields = error.fields if isinstance(error, InvalidInput) else {}
    errors = {k: capitalised(v) for k, v in fields.items() if k in LABELS}
    problem = "" if errors else sentence(error.message)
    return _page(
        application_id, http.status_for(error), problem=problem, chosen=chosen, errors=errors
    )
