"""The console's HTML: Jinja templates under ``templates/pages/console``, in the look of the
public pages (the same base template), working without JavaScript.

Every value is escaped by Jinja's autoescaping; this module turns the read models of
``booking.services.console`` into the plain words and figures the templates show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import InvoiceRef
from booking.domain.closing_words import applications_closed_said
from booking.domain.course import Course, CourseStatus
from booking.domain.course_money import paid_by_group
from booking.domain.covered import paid_back_said, paid_for_them
from booking.domain.disputes import GroupDisputesSaid, place_disputes_said
from booking.domain.graduation import completion_words
from booking.domain.offer_ends import no_more_offers
from booking.domain.programme import programme_title
from booking.domain.refund_failed import failed_and_held
from booking.domain.seat_counts import SeatCounts, places_free, places_said
from booking.domain.wording import (
    STATUS_WORDS,
    cohort_name,
    course_name,
    course_state_said,
    day_when,
    moment_when,
    money_words,
    status_shown,
    status_words,
)
from booking.handlers.console_sessions import session_rows
from booking.handlers.pages.templates import environment
from booking.handlers.sentences import sentence
from booking.services.console import (
    ApplicationDetail,
    CourseApplications,
    CourseSummary,
)
from booking.services.organisers import money_of


@dataclass(frozen=True)
class Chrome:
    """What every console page's frame needs: whether to show the menu, and the CSRF token
    its sign-out form (and every other form) carries."""

    signed_in: bool
    csrf_token: str = ""
    # Said above any page, once: a form posted after the session ended (``CHANGE_LOST_SAID``).
    said: str = ""


# What the page a form posted after the session ended leads back to says, once.
CHANGE_LOST_SAID = (
    "You were signed out, so your change was not saved: you are signed in again, so make it again."
)


def console_page(template: str, chrome: Chrome, **values: Any) -> str:
    page: str = (
        environment()
        .get_template(f"pages/console/{template}")
        .render(chrome=chrome, status_words=STATUS_WORDS, **values)
    )
    return page


def course_dates(course: Course) -> str:
    schedule = course.schedule
    zone = course.definition.timezone
    first_day, last_day = day_when(schedule[0].start, zone), day_when(schedule[-1].start, zone)
    if len(schedule) == 1:
        return first_day
    if last_day == first_day:  # a one-day cohort: its day once
        return f"{first_day} ({len(schedule)} sessions)"
    return f"{first_day} to {last_day} ({len(schedule)} sessions)"


def course_heading(course: Course) -> str:
    return course_name(course.definition.title, course.first_start(), course.definition.timezone)


def course_console_page(template: str, chrome: Chrome, course: Course, **values: Any) -> str:
    """A page about one course: its id (for its links) and its name (its heading), with the
    page's own ``values``."""
    return console_page(
        template, chrome, course_id=course.course_id, name=course_heading(course), **values
    )


def signed_out_page() -> str:
    return console_page("signed_out.html", Chrome(False))


# What happened, and what an organiser can do about it, by the answer's status.
# A body the console's own forms never send (a field twice, not UTF-8, another charset): a
# script's or a proxy's; "Something went wrong" would blame the site.
_UNREAD = (
    "That form could not be read",
    "Nothing was changed. It was not sent as the console's own forms send it: go back, reload "
    "the page and send it from there.",
)
_ERRORS = {
    400: _UNREAD,
    415: _UNREAD,
    401: ("Please sign in", "Sign in with your organiser account, then try again."),
    403: (
        "That was refused",
        "The form may have been open too long, or came from another page. Go back, reload "
        "the page and try again.",
    ),
    404: (
        "We could not find that",
        "Check the address, or start from the courses page: every course is listed there, "
        "and its search finds an application by its reference or a person by their email "
        "address.",
    ),
    409: (
        "We could not do that",
        "Someone may have changed it meanwhile. Open it again to see where it stands now.",
    ),
    422: ("Something needs attention", "Go back, put it right and try again."),
    503: (
        "Please try again in a moment",
        "A service we rely on did not answer in time. Nothing was changed; try again shortly.",
    ),
}


# What to do, where a refusal's code says more than its status: a refusal that waiting cannot
# change is not put down to someone else's change meanwhile.
_WHAT_TO_DO_BY_CODE = {
    "no_register": (
        "Open the course, choose Change this course and fill in Core sessions to attend to "
        "complete; its Register is then on the course's page."
    ),
}


def error_page(chrome: Chrome, status: int, code: str, message: str) -> str:
    heading, what_to_do = _ERRORS.get(
        status,
        (
            "Something went wrong",
            "Nothing was changed. Try again; if it keeps happening, tell whoever runs the site.",
        ),
    )
    what_to_do = _WHAT_TO_DO_BY_CODE.get(code, what_to_do)
    return console_page(
        "error.html",
        chrome,
        heading=heading,
        explanation=sentence(message) if message else "",
        what_to_do=what_to_do,
    )


def _programme_titles(summaries: list[CourseSummary]) -> dict[str, str]:
    """Each programme listed, as its page is headed: by its cohorts' title, never its slug."""
    titles: dict[str, list[str]] = {}
    for s in sorted(summaries, key=lambda s: s.course.schedule[0].start):
        titles.setdefault(s.course.definition.programme or "", []).append(s.course.definition.title)
    return {slug: programme_title(slug, listed) for slug, listed in titles.items()}


def home_page(chrome: Chrome, summaries: list[CourseSummary]) -> str:
    rows = []
    programmes = _programme_titles(summaries)
    for s in summaries:
        currency = s.course.definition.price.currency
        rows.append(
            {
                "course_id": s.course.course_id,
                "programme": s.course.definition.programme,
                "programme_title": programmes.get(s.course.definition.programme or "", ""),
                # By its first day too: two cohorts of one programme share a title.
                "title": cohort_name(s.course),
                "dates": course_dates(s.course),
                "status": s.state_said,
                # Each place counted once: booked, held for someone who has not paid, or free.
                "booked": s.confirmed,
                "holds": s.holds,
                "free": places_free(s.course.places_left, ended=s.ended),
                "capacity": s.course.definition.capacity,
                "waiting": s.waiting,
                "pending_review": s.pending_review,
                "received": money_words(s.money.paid, currency),
                "refunded": money_words(s.money.refunded, currency),
                "net": money_words(s.money.net, currency),
            }
        )
    return console_page("home.html", chrome, courses=rows)


def list_row(
    application: Application,
    course: Course,
    organisations: dict[str, str] | None = None,
    waiting: dict[str, int] | None = None,
    groups_disputed: dict[str, GroupDisputesSaid] | None = None,
) -> dict[str, Any]:
    """One application's row of a list (``waiting``: the waiting list's places, by id;
    ``groups_disputed``: each disputed group booking's disputes in words, by its id)."""
    zone = course.definition.timezone
    paid = place_paid_said(application, course, paid_by_group(application, organisations or {}))
    return {
        **row_without_course(application, zone, waiting),
        "course": course_heading(course),
        "paid": paid,
        "disputed": place_disputes_said(
            application.disputes,
            application.group_place.group_id if application.group_place else None,
            zone,
            groups_disputed,
            application.payment_refunds,
            place_gone=application.enrolment_ended,
        ),
        "completion": completion_words(course, application),
    }


def row_without_course(
    application: Application, zone: str, waiting: dict[str, int] | None = None
) -> dict[str, Any]:
    """What an application's row of a list says that needs no course: who, its reference, its
    status in words, when it applied (in ``zone``), its place on the waiting list (``waiting``,
    by id), whether a refund of it failed."""
    return {
        "application_id": application.application_id,
        "reference": row_reference(application),
        "course_id": application.course_id,
        "name": application.answers.name,
        "email": application.answers.email,
        "organisation": _organisation_said(application),
        "status": application.status.value,
        "status_shown": status_shown(application.status.value, application.status_reason),
        "applied": moment_when(application.created_at, zone),
        "refund_failed": bool(failed_and_held(application)),
        "waiting": (waiting or {}).get(application.application_id)
        if application.status is ApplicationStatus.WAITLISTED
        else None,
    }


def _organisation_said(application: Application) -> str:
    """Who they work for, and the employer an invoice is addressed to where that is another
    name: Find finds by either, so its row shows both."""
    organisation = application.answers.organisation
    billed = application.billing.billing_name if application.billing else ""
    if billed and billed.casefold() != organisation.casefold():
        return f"{organisation} (invoice to {billed})" if organisation else f"Invoice to {billed}"
    return organisation


def _state(course: Course, now: datetime) -> dict[str, str]:
    """The course's state in words, and why it is closed and since when (""
    while open or once ended)."""
    ended = _ended(course, now)
    closed = course.status(now) is CourseStatus.CLOSED and not ended
    return {
        "status": course_state_said(
            course.status(now).value,
            ended=ended,
            waiting=course.waiting,
            free=course.places_left,
            too_late_to_offer=no_more_offers(course, now),
        ),
        "closed_why": applications_closed_said(course, organisers=True) if closed else "",
    }


def _ended(course: Course, now: datetime) -> bool:
    """Whether every session of ``course`` is over by ``now``."""
    return max(s.end for s in course.schedule) <= now


def status_options(listing: CourseApplications) -> list[tuple[str, str]]:
    """The status filter's choices: any, then each status some application holds (or the one
    chosen), with how many hold it."""
    total = sum(listing.counts.values())
    return [("", f"Any status ({total})")] + [
        (s.value, f"{status_words(s.value)} ({listing.counts[s]})")
        for s in ApplicationStatus
        if listing.counts[s] or s is listing.status
    ]


def course_page(
    chrome: Chrome,
    listing: CourseApplications,
    now: datetime,
    seats: SeatCounts,
    saved: Sequence[str] = (),
) -> str:
    course = listing.course
    definition = course.definition
    total = sum(listing.counts.values())
    options = status_options(listing)
    return course_console_page(
        "course.html",
        chrome,
        course,
        programme=definition.programme,
        title=definition.title,
        saved=list(saved),
        keeps_register=definition.completion_min_sessions is not None,
        dates=course_dates(course),
        sessions=session_rows(course, now),
        reminders_set=bool(definition.reminder_offsets_hours),
        **_state(course, now),
        approval_required=definition.approval_required,
        places=places_said(
            seats, definition.capacity, course.places_left, ended=_ended(course, now)
        ),
        price=definition.price.display(),
        status_options=options,
        selected_status=listing.status.value if listing.status else "",
        query=listing.query,
        filtered=bool(listing.status or listing.query),
        shown=len(listing.applications),
        total=total,
        applications=[
            list_row(
                a,
                course,
                listing.group_organisations,
                listing.waiting_positions,
                listing.groups_disputed,
            )
            for a in listing.applications
        ],
        moving_in=[
            {
                "application_id": m.application.application_id,
                "reference": m.application.reference or m.application.application_id,
                "name": m.application.answers.name,
                "said": "On the waiting list: a move from another cohort"
                if m.kind == "waiting"
                else "A place here held for its move, until the difference is paid",
                "since": moment_when(m.since, definition.timezone),
            }
            for m in listing.moving_in
        ],
        errors=listing.problems,
    )


def place_paid_said(
    application: Application, course: Course, by_group: str, *, refunds: bool = True
) -> str:
    """What was paid for the place (and, with ``refunds``, what of it went back: a page with
    its own *Refunded* line says it there), or who paid for it when the person did not (the
    group booking, a bursary or a code): one rule with the rosters (``domain.covered``)."""
    price = course.definition.price
    money = {**money_of(application, price), "paid_by_group": by_group}
    returned = application.money_returned if refunds else 0
    return paid_for_them(money) or paid_back_said(
        application.money_received, returned, price.currency
    )


def row_reference(application: Application) -> str:
    """How a row of a list names an application: its reference, or the start of its id."""
    return application.reference or application.application_id[:8]


def told_lines(
    detail: ApplicationDetail, person_emailed: bool, billing_contact: str | None, told: str
) -> list[str]:
    """Who a confirmation's act emails, a line each, as its own decision says: the person,
    emailed ``told``, or why not (their address suppressed); their billing contact the same."""
    lines = []
    if person_emailed:
        answers = detail.application.answers
        lines.append(f"{answers.name} ({answers.email}) is emailed {told}.")
    elif detail.address_suppressed:
        lines.append(
            "The person is not emailed: emails to their address bounced or were marked as spam."
        )
    if billing_contact:
        lines.append(f"Their billing contact ({billing_contact}) is emailed the same.")
    return lines


def application_named(application: Application) -> dict[str, str]:
    """The application as each console page about it names it: its id (for the page's forms),
    its reference and the person."""
    return {
        "application_id": application.application_id,
        "reference": application.reference_or_id,
        "name": application.answers.name,
    }


def render_confirmation(
    template: str, chrome: Chrome, detail: ApplicationDetail, **values: Any
) -> str:
    """A page asking to confirm an act: the application it acts on, named as each such page
    names it (its id for the form, its reference, the person and the course), with what the
    act will do (``values``)."""
    return console_page(
        template,
        chrome,
        **application_named(detail.application),
        course_title=course_heading(detail.course),
        **values,
    )


def lines_confirmation(
    template: str, chrome: Chrome, detail: ApplicationDetail, lines: list[str]
) -> str:
    """A confirmation (``_confirm_base.html``'s) saying what its act will do in ``lines``; its
    press carries what the page showed (``domain.page_seen``), which the act then acts on, or
    refuses."""
    return render_confirmation(template, chrome, detail, lines=lines, seen=detail.seen)


def invoice_named(invoice: InvoiceRef) -> tuple[str, str]:
    """How an act's confirmation names an invoice: "Invoice INV-0042 for £200.00" (by its id
    before Stripe numbered it), and its amount in words."""
    amount = money_words(invoice.amount_due, invoice.currency)
    return f"Invoice {invoice.number or invoice.invoice_id} for {amount}", amount


def voided_at_stripe(invoice: InvoiceRef) -> str:
    """What voiding ``invoice`` does at Stripe (a void's, or a correction's, one person's or a
    group's): the first line of its confirmation."""
    named, _ = invoice_named(invoice)
    return f"{named} is cancelled at Stripe (voided): it can no longer be paid."


def marked_paid_off_stripe(invoice: InvoiceRef) -> str:
    """What recording ``invoice`` as paid outside Stripe does at Stripe, one person's or a
    group's: the first line of its confirmation."""
    named, _ = invoice_named(invoice)
    return (
        f"{named} is marked as paid at Stripe, paid outside Stripe: "
        "Stripe takes no money and sends no receipt."
    )
