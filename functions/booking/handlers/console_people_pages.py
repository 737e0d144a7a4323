"""The console's pages about one person: what is held about them, the erasure's confirmation
and what the erasure did (split from ``console_pages.py``, whose rows they share)."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from booking.domain.application import Application
from booking.domain.course import DEFAULT_TIMEZONE, Course
from booking.domain.disputes import disputes_said, own_place
from booking.domain.erasure_fates import erasure_fate
from booking.domain.former_contacts import not_billed_now
from booking.domain.groups import GroupBooking
from booking.domain.page_seen import person_seen
from booking.domain.refund_failed import failed_and_held
from booking.domain.wording import money_words
from booking.handlers.console_pages import (
    Chrome,
    console_page,
    course_heading,
    list_row,
    row_without_course,
)
from booking.services.person_found import Person


def person_page(chrome: Chrome, person: Person) -> str:
    return console_page(
        "person.html",
        chrome,
        email=person.email,
        applications=[person_row(a, c) for a, c in person.applications],
        billed=[person_row(a, c) for a, c in person.billed],
        group_bookings=person.group_bookings,
        holds_data=person.holds_data,
        errors=person.problems,
    )


def named_page(
    chrome: Chrome,
    typed: str,
    named: list[tuple[Application, Course]],
    groups: list[tuple[GroupBooking, Course]],
) -> str:
    """What the console's search found by a name, an invoice number or a purchase order: the
    applications and the group bookings, each linked to where it is seen."""
    return console_page(
        "named.html",
        chrome,
        typed=typed,
        applications=[list_row(a, c) for a, c in named],
        groups=[_group_row(g, c) for g, c in groups],
    )


def _group_row(group: GroupBooking, course: Course) -> dict[str, Any]:
    places = len(group.places)
    return {
        "href": f"/console/courses/{course.course_id}/group-bookings#group-{group.group_id}",
        "course": course_heading(course),
        "organisation": group.organisation,
        "manager": group.manager.name,
        "places": f"{places} place{'' if places == 1 else 's'}",
        "invoice": (group.invoice.number or "") if group.invoice else "",
        "po_number": group.billing.po_number if group.billing else "",
    }


def person_row(application: Application, course: Course | None) -> dict[str, Any]:
    if course is not None:
        return list_row(application, course)
    # The course has been removed since: what is left said as well as it can be.
    currency = application.price.currency if application.price else "gbp"
    return {
        **row_without_course(application, DEFAULT_TIMEZONE),
        "course": "A course no longer listed",
        "paid": money_words(application.money_received, currency),
        "disputed": disputes_said(
            application.disputes,
            DEFAULT_TIMEZONE,
            application.payment_refunds,
            place=own_place(application.enrolment_ended),
        ),
    }


def erase_page(
    chrome: Chrome, person: Person, errors: dict[str, str] | None = None, problem: str = ""
) -> str:
    own, billed = [a for a, _ in person.applications], [a for a, _ in person.billed]
    return console_page(
        "erase.html",
        chrome,
        email=person.email,
        count=len(person.applications),
        references=[a.reference_or_id for a, _ in person.applications],
        fates=[erasure_fate(a, _currency(a, c)) for a, c in person.applications],
        # Billed to them now (their open invoice voided), or only before a correction.
        billed=[a.reference_or_id for a in billed if not not_billed_now(a, person.email)],
        replaced=[a.reference_or_id for a in billed if not_billed_now(a, person.email)],
        group_bookings=person.group_bookings,
        owed_back=_owed_back(person),
        errors=errors or {},
        problem=problem,
        # What the erasure then acts on, or refuses (``domain.page_seen``).
        seen=person_seen(own, billed, person.group_bookings, ports().clock()),
    )


def _currency(application: Application, course: Course | None) -> str | None:
    """The currency a booking's money is in: its own price's, else its course's (None: never
    guessed; its money is then not said)."""
    price = application.price or (course.definition.price if course else None)
    return price.currency if price else None


def _owed_back(person: Person) -> list[str]:
    """Each of their bookings whose refund failed at Stripe, with what is still to give back
    to them by hand, said before their name and address go."""
    owed = []
    for application, course in person.applications:
        if held := failed_and_held(application):
            # In the currency it was paid in: its own price, else its course's (never guessed).
            price = application.price or (course.definition.price if course else None)
            amount = money_words(held, price.currency) if price else f"{held} (minor units)"
            owed.append(f"{application.reference_or_id}: {amount}")
    return owed


def erased_page(chrome: Chrome, said: list[str]) -> str:
    """What the erasure did, in the words every surface gives (``domain.erasure``)."""
    return console_page("erased.html", chrome, said=said)
