"""The console's money pages (the ``console`` function): a course's discount codes (made and
expired), its money, and a programme's cohorts with their totals."""

from __future__ import annotations

from booking.handlers.discount_form import FIELDS as CODE_FIELDS
from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    COURSE_ID,
    DISCOUNT_CODE,
    NOTICE_ONCE,
    PROGRAMME,
    console_form,
    console_read,
    page,
    see_other,
)

CONSOLE = Function.CONSOLE
TAGS = ("console",)
# A course's pages, here and in ``routes.console``, answer this when there is no such course.
NO_COURSE = page("No such course (or a path segment longer than any id)")
_CODE_FIELD_SAID = {
    "code": "3 to 40 letters, digits and hyphens; applicants type it in any case",
    "percent_off": "A percentage off, like 50 (give this or amount_off)",
    "amount_off": "An amount off in pounds, like 50.00 (give this or percent_off)",
    "max_uses": "How many applications may give it (empty: no limit)",
    "last_day": "The last day it works, YYYY-MM-DD, to 23:59 in the course's timezone "
    "(empty: no end)",
}

MONEY: tuple[Route, ...] = (
    console_read(
        "/console/courses/{course_id}/discount-codes",
        "consoleDiscountCodes",
        "A course's discount codes: terms, uses left (this system's count, which limits a "
        "code), Stripe's redemptions, whether it may be given; the forms to make one and to "
        "expire one",
        {"200": page("The codes and the form for a new one"), "404": NO_COURSE},
        COURSE_ID,
        description=NOTICE_ONCE,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/courses/{course_id}/discount-codes",
        "consoleCreateDiscountCode",
        "Make a discount code (a Stripe promotion code on a coupon; the uses counted here)",
        {
            "303": see_other("Made: to the codes page, which says so once", notice=True),
            "404": NO_COURSE,
            "409": page("The codes page again, saying why not (a code of those letters exists)"),
            "422": page("The codes page again, each mistake beside its field"),
            "503": page("Stripe did not answer: the codes page again, nothing made"),
        },
        body=console_form(
            {
                name: {"type": "string", "description": _CODE_FIELD_SAID[name]}
                for name in CODE_FIELDS
            },
            "code",
        ),
        parameters=(COURSE_ID,),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/courses/{course_id}/discount-codes/{code}/expire",
        "consoleExpireDiscountCode",
        "Expire a code now: deactivated at Stripe, then here; those who gave it keep their price",
        {
            "303": see_other("Expired: to the codes page, which says so once", notice=True),
            "404": page("No such course, or no such code on it"),
            "409": page("The codes page again: Stripe refused"),
            "503": page("Stripe did not answer: the codes page again, nothing changed"),
        },
        body=console_form(None),
        parameters=(COURSE_ID, DISCOUNT_CODE),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/courses/{course_id}/money",
        "consoleCourseMoney",
        "A course's money in pounds: taken, refunded, net, invoiced and unpaid, bursaries, "
        "discount codes; each application's line, by reference; and each payment received",
        {"200": page("The course's money"), "404": NO_COURSE},
        description="Counted as `GET /admin/courses/{course_id}/totals` counts it. *Payments "
        "received* lists each payment newest first, to reconcile against the bank: one received "
        "outside Stripe by the day, the way and the bank's reference recorded, a card's by the "
        "day Stripe took it; each with its amount in pounds and whose it is, linked.",
        parameters=(COURSE_ID,),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/programmes/{programme}",
        "consoleProgramme",
        "Every cohort of a programme: dates, places booked, held unpaid and free, waiting list "
        "and money, "
        "with the programme's totals",
        {"200": page("The programme's cohorts"), "404": page("No course is in this programme")},
        parameters=(PROGRAMME,),
        tags=TAGS,
    ),
)
