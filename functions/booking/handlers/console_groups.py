"""The console's page of a course's group bookings (registered on the console's resolver,
``handlers/console_app.py``; what it says is ``domain.group_overview``), and its button that
voids a group's open invoice (``services.group_invoice_void``) or sends it again
(``services.group_invoice_resend``). Those two load with the first such button: a group's
invoice (its replacement, the payments' events) is no other page's."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.statuses import ERASED_EMAIL
from booking.handlers import http
from booking.handlers.console_app import after_action, chrome, html_page, notice_here, served
from booking.handlers.console_pages import Chrome, _render_course
from booking.handlers.resolver import Response
from booking.handlers.routes.group_invoice import GROUP_INVOICE_RESENT, GROUP_INVOICE_VOIDED
from booking.handlers.sentences import sentence
from booking.services.groups import find_group

if TYPE_CHECKING:
    from booking.services.group_overview import CourseGroupBookings

# What the page says, once, after its button did what it says (``after_action``).
GROUP_DONE_WORDS = {
    GROUP_INVOICE_VOIDED: "Invoice voided. The group's seats have gone back to the course "
    "(offered first to anyone on the waiting list), and the manager has been emailed that the "
    "invoice was cancelled.",
    GROUP_INVOICE_RESENT: "Stripe is sending the invoice to the billing contact again.",
}


def group_bookings_page(
    chrome: Chrome, found: CourseGroupBookings, *, done: str = "", problem: str = ""
) -> str:
    course = found.course
    return _render_course(
        "group_bookings.html",
        chrome,
        course,
        timezone=course.definition.timezone,
        groups=found.groups,
        # An erased manager's placeholder address is nobody's to write to (hostile12a, F6).
        erased_email=ERASED_EMAIL,
        done=GROUP_DONE_WORDS.get(done, ""),
        problem=problem,
    )


def course_group_bookings(course_id: str) -> CourseGroupBookings:
    """The course's group bookings as the page shows them. Their overview (its figures and each
    group's refunds, 4 modules) loads with the first such page: the console's other pages, the
    home page's money included, never read it."""
    from booking.services.group_overview import course_group_bookings as overview

    return overview(ports(), course_id)


@served("consoleCourseGroupBookings")
def group_bookings(course_id: str) -> Response[str]:
    found = course_group_bookings(course_id)
    return html_page(200, group_bookings_page(chrome(), found, done=notice_here().done))


@served("consoleVoidGroupInvoice")
def void_group_invoice(group_id: str) -> Response[str]:
    from booking.services import group_invoice_void

    try:
        voided = group_invoice_void.void_group_invoice(ports(), group_id)
    except (Conflict, DependencyUnavailable) as refused:
        return _refused_on_the_card(group_id, refused)
    return after_action(
        f"/console/courses/{quote(voided.course_id)}/group-bookings", GROUP_INVOICE_VOIDED
    )


@served("consoleResendGroupInvoice")
def resend_group_invoice(group_id: str) -> Response[str]:
    from booking.services import group_invoice_resend

    try:
        sent = group_invoice_resend.resend_group_invoice(ports(), group_id)
    except (Conflict, DependencyUnavailable) as refused:
        return _refused_on_the_card(group_id, refused)
    return after_action(
        f"/console/courses/{quote(sent.course_id)}/group-bookings", GROUP_INVOICE_RESENT
    )


def _refused_on_the_card(group_id: str, refused: Conflict | DependencyUnavailable) -> Response[str]:
    """The group exists (an unknown one is a 404 before anything is asked): its course's group
    bookings page again, saying why not."""
    found = course_group_bookings(find_group(ports(), group_id).course_id)
    page = group_bookings_page(chrome(), found, problem=sentence(refused.message))
    return html_page(http.status_for(refused), page)
