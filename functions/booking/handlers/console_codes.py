"""The console's pages about a course's discount codes and money, and a programme's overview
(registered on the console's resolver, ``handlers/console_app.py``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.errors import Conflict, DependencyUnavailable, InvalidInput
from booking.handlers import console_money_pages as pages
from booking.handlers import discount_form, http
from booking.handlers.console_app import (
    after_action,
    chrome,
    html_page,
    notice_here,
    posted_form,
    served,
)
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services import console, courses, discounts, organisers


def _codes_page(course_id: str, status: int = 200, **shown: Any) -> Response[str]:
    listing = discounts.course_codes(ports(), course_id)
    return html_page(status, pages.codes_page(chrome(), listing, ports().clock(), **shown))


@served("consoleDiscountCodes")
def discount_codes(course_id: str) -> Response[str]:
    notice = notice_here()
    return _codes_page(course_id, done=notice.done, done_code=notice.code)


def _codes_done(course_id: str, done: str, code: str) -> Response[str]:
    return after_action(f"/console/courses/{quote(course_id)}/discount-codes", done, code)


@served("consoleCreateDiscountCode")
def create_discount_code(course_id: str) -> Response[str]:
    course = courses.get_course(ports(), course_id)
    typed = discount_form.typed_values(posted_form())
    try:
        definition = discount_form.definition_from_form(typed, course.definition.timezone)
        made = discounts.create_discount_code(ports(), course_id, definition)
    except (InvalidInput, Conflict, DependencyUnavailable) as refused:
        fields = refused.fields if isinstance(refused, InvalidInput) else {}
        beside = discount_form.beside_fields(fields)
        problem = "" if beside else sentence(refused.message)
        return _codes_page(
            course_id, http.status_for(refused), problem=problem, values=typed, errors=beside
        )
    return _codes_done(course_id, "created", made.code.code)


@served("consoleExpireDiscountCode")
def expire_discount_code(course_id: str, code: str) -> Response[str]:
    try:
        expired = discounts.expire_discount_code(ports(), course_id, code)
    except (Conflict, DependencyUnavailable) as refused:
        problem = sentence(refused.message)
        return _codes_page(course_id, http.status_for(refused), problem=problem)
    return _codes_done(course_id, "expired", expired.code.code)


@served("consoleCourseMoney")
def course_money(course_id: str) -> Response[str]:
    shown = organisers.course_money_page(ports(), course_id)
    page = pages.money_page(chrome(), shown.course, shown.money, shown.names, shown.receipts)
    return html_page(200, page)


@served("consoleProgramme")
def programme(programme: str) -> Response[str]:
    overview = console.programme_overview(ports(), programme)
    return html_page(200, pages.programme_page(chrome(), overview))
