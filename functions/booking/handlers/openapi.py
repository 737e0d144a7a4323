"""The OpenAPI 3.1 document of the whole HTTP API, generated from the request and response models.

Public API (``api.py``), the Stripe webhook (``webhook.py``), the organiser API (``admin.py``)
and the organisers' console (``console.py``), with the HTML answers browsers get. pydantic
writes JSON Schema 2020-12 (``type: "null"`` in ``anyOf``, numeric ``exclusiveMinimum``), which
is exactly OpenAPI 3.1's schema dialect, so the models' schemas go in unchanged.
``openapi-spec-validator`` checks the whole document in the tests, and the integration harness
checks every answer against it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from booking.domain.application import ApplicationForm, ApplicationStatus
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.course import CourseDefinition
from booking.handlers.console_pages import DONE_WORDS
from booking.handlers.console_session import SESSION_COOKIE, SESSION_SECONDS, SIGN_IN_COOKIE
from booking.handlers.course_form import (
    CHECKBOXES,
    FACILITATOR_FIELDS,
    SESSION_FIELDS,
    TOP_FIELDS,
)
from booking.handlers.views import (
    AdminApplicationOut,
    ApplicationOut,
    BursaryIn,
    CheckoutOut,
    CourseOut,
    DiscountCodeOut,
    ErasureOut,
    ErrorOut,
    InvoiceOut,
    MoneyTotalsOut,
    PersonExport,
    RosterRow,
    SavedCourseOut,
    WebhookAnswer,
)
from booking.services.console import MAX_QUERY_LENGTH

_REQUESTS: tuple[type[BaseModel], ...] = (
    ApplicationForm,
    BursaryIn,
    CourseDefinition,
    DiscountCodeDefinition,
)
_RESPONSES: tuple[type[BaseModel], ...] = (
    AdminApplicationOut,
    ApplicationOut,
    CheckoutOut,
    CourseOut,
    DiscountCodeOut,
    ErasureOut,
    ErrorOut,
    InvoiceOut,
    MoneyTotalsOut,
    PersonExport,
    RosterRow,
    SavedCourseOut,
    WebhookAnswer,
)
_REASONS = {
    400: "Malformed request",
    401: "No valid organiser token",
    403: "The token lacks the organiser scope",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Body too large",
    415: "Unsupported content type",
    422: "Invalid fields (`error.fields` names each)",
    500: "Unexpected error (logged; nothing half-written)",
    503: "A dependency is busy or unavailable; retry after `Retry-After` seconds",
}
_HTML = {"text/html": {"schema": {"type": "string"}}}
ORGANISER_SCOPE = "booking/admin"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: type[BaseModel] | dict[str, Any], description: str) -> dict[str, Any]:
    body = _ref(schema) if isinstance(schema, type) else schema
    return {"description": description, "content": {"application/json": {"schema": body}}}


def _errors(*codes: int, html: bool = False) -> dict[str, Any]:
    """Error answers in the contract's JSON shape; with ``html``, a page for browsers too."""
    answers = {}
    for code in codes:
        answer = _json(ErrorOut, _REASONS[code])
        if html:
            answer["content"].update(_HTML)
        if code == 503:
            answer["headers"] = {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            }
        answers[str(code)] = answer
    return answers


def _path(name: str, description: str = "", max_length: int = 80) -> dict[str, Any]:
    parameter = {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": max_length},
    }
    return {**parameter, "description": description} if description else parameter


_TOKEN = {
    "name": "token",
    "in": "query",
    "required": True,
    "description": "The application's secret token (from its status link)",
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
}


def _public() -> dict[str, Any]:
    form_body = {
        "required": True,
        "content": {
            "application/json": {"schema": _ref(ApplicationForm)},
            "application/x-www-form-urlencoded": {"schema": _ref(ApplicationForm)},
        },
    }
    see_other = {
        "description": "Browsers: on to the checkout page or the status page",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
    listed = _json({"type": "array", "items": _ref(CourseOut)}, "Open courses first")
    listed["content"].update(_HTML)
    one_course = _json(CourseOut, "The course (JSON), or its page")
    one_course["content"].update(_HTML)
    return {
        "/": {
            "get": {
                "operationId": "home",
                "tags": ["public", "pages"],
                "responses": {
                    "303": {
                        "description": "On to the list of courses",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    **_errors(500, 503, html=True),
                },
            }
        },
        "/courses": {
            "get": {
                "operationId": "listCourses",
                "tags": ["public", "pages"],
                "description": "JSON; a browser (`Accept: text/html`) gets the page listing the "
                "courses taking applications.",
                "responses": {
                    "200": {**listed, "description": "Open courses first (JSON), or the page"},
                    **_errors(500, 503, html=True),
                },
            }
        },
        "/courses/{course_id}": {
            "get": {
                "operationId": "getCourse",
                "tags": ["public", "pages"],
                "description": "JSON; a browser (`Accept: text/html`) gets the course's page, "
                "with its application form.",
                "parameters": [_path("course_id")],
                "responses": {
                    "200": one_course,
                    **_errors(404, 500, 503, html=True),
                },
            }
        },
        "/courses/{course_id}/apply": {
            "get": {
                "operationId": "applicationForm",
                "tags": ["public", "pages"],
                "parameters": [_path("course_id")],
                "responses": {
                    "200": {"description": "The application form", "content": _HTML},
                    **_errors(404, 500, 503, html=True),
                },
            }
        },
        "/courses/{course_id}/applications": {
            "post": {
                "operationId": "submitApplication",
                "tags": ["public"],
                "description": "JSON or a form post. A browser (`Accept: text/html`) gets 303 "
                "on, or the form again with each mistake beside its field (422). With "
                "`payment_method: invoice` (courses with `invoice_allowed`) and the billing "
                "contact (`billing_name`, `billing_email`, `billing_address`, `po_number`), "
                "the employer is invoiced through Stripe instead of a checkout: the answer is "
                "`awaiting_invoice_payment` with `invoice_url`, the place held until the invoice "
                "falls due, and `invoice.paid` confirms it. `discount_code` applies a code made "
                "for the course; an unknown or used-up code is a 422 on `discount_code`.",
                "parameters": [
                    _path("course_id"),
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "description": "A retried submission with the same key gets the first "
                        "answer",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    },
                ],
                "requestBody": form_body,
                "responses": {
                    "201": {
                        **_json(ApplicationOut, "Application recorded"),
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    "303": see_other,
                    **_errors(400, 404, 409, 413, 415, 422, 500, html=True),
                    "503": {
                        **_errors(503, html=True)["503"],
                        "description": "Stripe or AWS unavailable. When the application was "
                        "kept, `error.application` holds it with its status link.",
                    },
                },
            }
        },
        "/applications/{application_id}": {
            "get": {
                "operationId": "getApplication",
                "tags": ["public", "pages"],
                "parameters": [
                    _path("application_id"),
                    _TOKEN,
                    {
                        "name": "checkout",
                        "in": "query",
                        "required": False,
                        "description": "Set by Stripe's return URLs: the page says what happened",
                        "schema": {"type": "string", "enum": ["success", "cancelled"]},
                    },
                ],
                "responses": {
                    "200": {
                        **_json(ApplicationOut, "The application (a status page for browsers)"),
                        "content": {
                            "application/json": {"schema": _ref(ApplicationOut)},
                            **_HTML,
                        },
                    },
                    **_errors(404, 500, 503, html=True),
                },
            }
        },
        "/applications/{application_id}/checkout": {
            "post": {
                "operationId": "startCheckout",
                "tags": ["public"],
                "description": "A fresh Checkout Session for an application that may pay now.",
                "parameters": [_path("application_id"), _TOKEN],
                "responses": {
                    "201": _json(CheckoutOut, "A fresh Checkout Session"),
                    "303": see_other,
                    **_errors(404, 409, 413, 500, 503, html=True),
                },
            }
        },
        "/applications/{application_id}/invoice": {
            "post": {
                "operationId": "requestInvoice",
                "tags": ["public"],
                "description": "Pay by invoice: the employer (the billing contact given with "
                "the application, on a course with `invoice_allowed`) is invoiced through Stripe "
                "and the place is held until the invoice falls due. For an application that may "
                "pay now (an offer, an expired checkout, a first attempt Stripe missed).",
                "parameters": [_path("application_id"), _TOKEN],
                "responses": {
                    "201": _json(InvoiceOut, "The invoice, sent to the billing contact"),
                    "303": see_other,
                    **_errors(404, 409, 413, 500, 503, html=True),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "tags": ["public"],
                "responses": {
                    "200": _json({"type": "object"}, "This document"),
                    **_errors(500, 503, html=True),
                },
            }
        },
        "/webhooks/stripe": {
            "post": {
                "operationId": "stripeWebhook",
                "tags": ["stripe"],
                "description": "Stripe's signed events. The signature (Stripe-Signature) is "
                "checked on the raw body before anything is read; nothing is written unless it "
                "is valid. Acted on: `checkout.session.*`, `charge.refunded`, `refund.*`, and "
                "for invoices `invoice.paid` (confirms), `invoice.voided`, "
                "`invoice.marked_uncollectible` and `invoice.overdue` (the place goes back).",
                "parameters": [
                    {
                        "name": "Stripe-Signature",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 1000},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": _json(WebhookAnswer, "Handled, or deliberately ignored"),
                    **_errors(400, 500, 503),
                },
            }
        },
    }


def _organiser(
    operation_id: str, summary: str, responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": ["organisers"],
        "summary": summary,
        "security": [{"organiserToken": []}, {"cognito": [ORGANISER_SCOPE]}],
        "responses": {**responses, **_errors(401, 403, 500, 503)},
        **extra,
    }


def _admin() -> dict[str, Any]:
    application = _path("application_id")
    answer = _json(AdminApplicationOut, "The application after the change")
    optional_json = {
        "required": False,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    return {
        "/admin/courses/{course_id}": {
            "put": _organiser(
                "putCourse",
                "Create or replace a course",
                {
                    "200": _json(SavedCourseOut, "Replaced"),
                    "201": _json(SavedCourseOut, "Created"),
                    # 404: a path segment longer than any id can be (refused before any lookup).
                    **_errors(400, 404, 409, 413, 415, 422),
                },
                parameters=[_path("course_id")],
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref(CourseDefinition)}},
                },
            )
        },
        "/admin/courses/{course_id}/applications": {
            "get": _organiser(
                "roster",
                "Every application with answers and status",
                {
                    "200": {
                        "description": "The roster. JSON is the machine-readable export (ids, "
                        "status codes, pence, ISO instants); CSV is for people (the form's field "
                        "names, status words, UK times, pounds and pence; UTF-8 with BOM, "
                        "formulas neutralised)",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": _ref(RosterRow)}
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **_errors(404, 422),
                },
                parameters=[
                    _path("course_id"),
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
                    },
                ],
            )
        },
        **{
            f"/admin/applications/{{application_id}}/{action}": {
                "post": _organiser(
                    operation_id,
                    summary,
                    {"200": answer, **_errors(400, 404, 409, 413, 415, 422)},
                    parameters=[application],
                    requestBody=body,
                )
            }
            for action, operation_id, summary, body in (
                ("approve", "approve", "Approve: offer a place", optional_json),
                (
                    "decline",
                    "decline",
                    'Decline, optionally with a message ({"message": "..."})',
                    optional_json,
                ),
                (
                    "cancel",
                    "cancel",
                    'Cancel a booking; {"refund": true} refunds through Stripe',
                    optional_json,
                ),
                (
                    "resend-confirmation",
                    "resendConfirmation",
                    "Send the booking confirmation again",
                    optional_json,
                ),
            )
        },
        "/admin/courses/{course_id}/totals": {
            "get": _organiser(
                "moneyTotals",
                "The course's money: bookings, price, discounts, bursaries, paid, refunded",
                {"200": _json(MoneyTotalsOut, "The totals"), **_errors(404)},
                parameters=[_path("course_id")],
            )
        },
        "/admin/courses/{course_id}/discount-codes": {
            "post": _organiser(
                "createDiscountCode",
                "A discount code for the course (a Stripe promotion code on a coupon): "
                "percent_off or amount_off, optional max_uses and expires_at. Applicants give it "
                "as discount_code; an unknown or used-up code is a 422 on that field.",
                {
                    "201": _json(DiscountCodeOut, "The code, made at Stripe"),
                    **_errors(400, 404, 409, 413, 415, 422),
                },
                parameters=[_path("course_id")],
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref(DiscountCodeDefinition)}},
                },
            )
        },
        "/admin/applications/{application_id}/bursary": {
            "post": _organiser(
                "grantBursary",
                "Fund a place in full (confirmed at once, no payment) or in part (the applicant "
                "pays the rest: an open checkout is closed, an open invoice replaced)",
                {"200": answer, **_errors(400, 404, 409, 413, 415, 422)},
                parameters=[application],
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref(BursaryIn)}},
                },
            )
        },
        **{
            f"/admin/applications/{{application_id}}/invoice/{action}": {
                "post": _organiser(
                    operation_id,
                    summary,
                    {"200": answer, **_errors(400, 404, 409, 413, 415, 422)},
                    parameters=[application],
                    requestBody=optional_json,
                )
            }
            for action, operation_id, summary in (
                ("resend", "resendInvoice", "Email the open invoice to the billing contact again"),
                ("void", "voidInvoice", "Void the open invoice: the place goes back"),
            )
        },
        "/admin/people/{email}": {
            "get": _organiser(
                "exportPerson",
                "Everything held about one person",
                {"200": _json(PersonExport, "The person's data"), **_errors(404)},
                parameters=[_path("email", "The person's email address, URL-encoded", 254)],
            ),
            "delete": _organiser(
                "erasePerson",
                "Erase one person's data (an anonymised financial record stays)",
                {"200": _json(ErasureOut, "What was erased"), **_errors(404)},
                parameters=[_path("email", "The person's email address, URL-encoded", 254)],
            ),
        },
    }


# -- the organisers' console -------------------------------------------------------------------

CONSOLE_SCHEME = "consoleSession"
# The console's decline form: as long a message as the /admin API takes.
DECLINE_MESSAGE_LENGTH = 4000
_LOCATION = {"Location": {"required": True, "schema": {"type": "string"}}}
_SET_COOKIE = {
    "Set-Cookie": {
        "description": "Signed, HttpOnly, SameSite=Lax",
        "schema": {"type": "string"},
    }
}
# The console answers every error with a page (never the API's JSON), and no Retry-After.
_CONSOLE_REASONS = {
    400: "The body could not be read (a form not in UTF-8, JSON not an object)",
    403: "The form's CSRF token is missing or is not this session's: nothing was changed",
    413: "The form is larger than 64 KiB",
    415: "Neither a form nor JSON (nor, for a course, a file upload)",
    500: "Unexpected error (logged; nothing half-written)",
    503: "A dependency is busy or unavailable; try again shortly",
}
_NO_COURSE = "No such course (or a path segment longer than any id)"
_NO_APPLICATION = "No such application (or a path segment longer than any id)"
_NO_PERSON = "No data is held about this email address"
_CSRF_FIELD = {
    "type": "string",
    "description": "The session's CSRF token, as every console form carries it",
}
_TICKED = {"type": "string", "enum": ["on"], "description": "A ticked checkbox; absent: unticked"}


def _page_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": _HTML}


def _pages(*codes: int) -> dict[str, Any]:
    """Console error pages, in the words every operation shares."""
    return {str(code): _page_answer(_CONSOLE_REASONS[code]) for code in codes}


def _page_error(code: int, description: str) -> dict[str, Any]:
    """A console error page, in words for one operation."""
    return {str(code): _page_answer(description)}


def _see_other(description: str, cookies: bool = False) -> dict[str, Any]:
    headers = {**_LOCATION, **(_SET_COOKIE if cookies else {})}
    return {"description": description, "headers": headers}


def _form(fields: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """An HTML form's fields as the browser posts them (every value a string)."""
    return {
        "type": "object",
        "properties": fields,
        "required": list(required),
        **extra,
    }


def _posted(form: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form}}}


def _console_operation(
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    method: str = "get",
    signed_in: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """A console operation. Signed in: the session cookie, a 303 to the sign-in page without
    it and, for a form post, the CSRF check (403) and the form's reading (400, 413, 415), all
    made before the page's own code runs."""
    answers = dict(responses)
    security: dict[str, Any] = {}
    if signed_in:
        security = {"security": [{CONSOLE_SCHEME: []}]}
        without = "Without a session: to `/console/sign-in?next=...`"
        if "303" in answers:
            after = answers["303"]["description"]
            answers["303"] = {**answers["303"], "description": f"{after}. {without}"}
        else:
            answers["303"] = _see_other(without)
        if method == "post":
            answers.update(_pages(400, 403, 413, 415))
    elif method == "post":
        answers.update(_pages(400, 413, 415))
    answers.update(_pages(500, 503))
    return {
        "operationId": operation_id,
        "tags": ["console"],
        "summary": summary,
        **security,
        "responses": dict(sorted(answers.items())),
        **extra,
    }


def _query(name: str, description: str, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _console_action(
    action: str,
    operation_id: str,
    summary: str,
    done: str,
    fields: dict[str, Any] | None = None,
    *,
    typed: bool = False,
) -> dict[str, Any]:
    """A form on an application's page: on to that page saying what was done, or the page
    again saying why not. Only a form with something ``typed`` in it has mistakes (422)."""
    mistakes = "The application's page again, the mistake beside its field"
    return {
        f"/console/applications/{{application_id}}/{action}": {
            "post": _console_operation(
                operation_id,
                summary,
                {
                    "303": _see_other(f"Done: to the application's page with `?done={done}`"),
                    **_page_error(404, _NO_APPLICATION),
                    **_page_error(409, "The application's page again, saying why not"),
                    **(_page_error(422, mistakes) if typed else {}),
                },
                method="post",
                parameters=[_path("application_id")],
                requestBody=_posted(
                    _form({"csrf_token": _CSRF_FIELD, **(fields or {})}, ("csrf_token",))
                ),
            )
        }
    }


def _course_form() -> dict[str, Any]:
    """The course form's fields (``course_form``): the definition's fields, prices in pounds,
    and numbered rows of sessions and facilitators."""
    top = {name: dict(_TICKED) if name in CHECKBOXES else {"type": "string"} for name in TOP_FIELDS}
    top["price"] = {
        "type": "string",
        "description": "In the currency chosen, like 200.00",
    }
    rows = {
        f"^session-[0-9]{{1,3}}-({'|'.join(SESSION_FIELDS)})$": {"type": "string"},
        f"^facilitator-[0-9]{{1,3}}-({'|'.join(FACILITATOR_FIELDS)})$": {"type": "string"},
    }
    return _form(
        {"csrf_token": _CSRF_FIELD, **top},
        ("csrf_token", "course_id", "title", "price", "capacity"),
        patternProperties=rows,
    )


def _console() -> dict[str, Any]:
    application = _path("application_id")
    course = _path("course_id")
    email = _query("email", "A person's email address", required=True, minLength=1)
    return {
        "/console/sign-in": {
            "get": _console_operation(
                "consoleSignInPage",
                "Sign in to the console",
                {
                    "200": _page_answer("Under `make run`: the form for the organiser token"),
                    "303": _see_other(
                        "Signed in already: on to `next`. In AWS: to Cognito's hosted sign-in "
                        f"(PKCE), with the `{SIGN_IN_COOKIE}` cookie to come back with",
                        cookies=True,
                    ),
                },
                signed_in=False,
                parameters=[
                    _query(
                        "next",
                        "The console page to go on to (anything but a console page: `/console`)",
                    )
                ],
            ),
            "post": _console_operation(
                "consoleSignIn",
                "Sign in with the organiser token (under `make run`)",
                {
                    "303": _see_other(
                        f"Signed in: on to `next`, with the `{SESSION_COOKIE}` cookie. In AWS "
                        "(no token): back to the sign-in page",
                        cookies=True,
                    ),
                    **_page_error(401, "No token, or not the organiser token: the form again"),
                },
                method="post",
                signed_in=False,
                requestBody=_posted(
                    _form(
                        {
                            "token": {"type": "string", "description": "The organiser token"},
                            "next": {"type": "string", "description": "Where to go on to"},
                        },
                        ("token",),
                    )
                ),
            ),
        },
        "/console/callback": {
            "get": _console_operation(
                "consoleCallback",
                "Where Cognito's hosted sign-in returns (in AWS)",
                {
                    "303": _see_other(
                        f"Signed in: on to the page asked for, with the `{SESSION_COOKIE}` "
                        f"cookie (and `{SIGN_IN_COOKIE}` cleared)",
                        cookies=True,
                    ),
                    **_page_error(
                        401,
                        "No sign-in under way, a state that is not its own, Cognito's "
                        "refusal (`?error=...`) or a code Cognito does not redeem",
                    ),
                    **_page_error(403, "The account lacks the `booking/admin` scope"),
                    **_page_error(404, "Under `make run` (signing in is with the token)"),
                },
                signed_in=False,
                parameters=[
                    _query("code", "The authorization code to redeem (with PKCE's verifier)"),
                    _query("state", "The sign-in's own state, as sent to Cognito"),
                    {
                        "name": SIGN_IN_COOKIE,
                        "in": "cookie",
                        "required": False,
                        "description": "The signed state of the sign-in under way",
                        "schema": {"type": "string"},
                    },
                ],
            )
        },
        "/console/sign-out": {
            "post": _console_operation(
                "consoleSignOut",
                "Sign out",
                {
                    "303": _see_other(
                        f"Signed out (the `{SESSION_COOKIE}` cookie cleared): to "
                        "`/console/signed-out`; in AWS through Cognito's logout, which ends its "
                        "own session too",
                        cookies=True,
                    )
                },
                method="post",
                requestBody=_posted(_form({"csrf_token": _CSRF_FIELD}, ("csrf_token",))),
            )
        },
        "/console/signed-out": {
            "get": _console_operation(
                "consoleSignedOut",
                "Where signing out lands",
                {"200": _page_answer("Signed out, with a link to sign in again")},
                signed_in=False,
            )
        },
        "/console": {
            "get": _console_operation(
                "consoleHome",
                "Every course with its places, applications and money, open ones first",
                {"200": _page_answer("The courses")},
            )
        },
        "/console/search": {
            "get": _console_operation(
                "consoleSearch",
                "Find an application by its reference, or a person by email address",
                {
                    "303": _see_other("Found: to the application's page or the person's page"),
                    **_page_error(404, "No application has that reference"),
                    **_page_error(422, "Neither a reference nor an email address"),
                },
                parameters=[
                    _query(
                        "q",
                        "A reference (like CL-7K3Q9) or an email address",
                        required=True,
                        maxLength=MAX_QUERY_LENGTH,
                    )
                ],
            )
        },
        # A concrete path, matched before the course's page it also fits (concrete_first).
        "/console/courses/new": {
            "get": _console_operation(
                "consoleNewCourse",
                "The form for a new course, and for loading a definition file",
                {"200": _page_answer("The empty course form")},
            )
        },
        "/console/courses": {
            "post": _console_operation(
                "consoleSaveCourse",
                "Create or replace a course, from the form or from a definition file",
                {
                    "303": _see_other("Saved: to the course's page"),
                    **_page_error(
                        409,
                        "The form again, saying why not: fewer places than are taken already, "
                        "too many sessions, or the course changed meanwhile",
                    ),
                    **_page_error(
                        422,
                        "The form again, each mistake beside its field (a file's, beside "
                        "the file input)",
                    ),
                },
                method="post",
                description="The definition is validated exactly as `PUT "
                "/admin/courses/{course_id}` validates it. A course id that exists is "
                "replaced: places taken, the waiting list and every application stay.",
                requestBody={
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": _course_form()},
                        "multipart/form-data": {
                            "schema": _form(
                                {
                                    "csrf_token": _CSRF_FIELD,
                                    "upload_course_id": {"type": "string"},
                                    "definition": {
                                        "type": "string",
                                        "contentMediaType": "application/json",
                                        "description": "A definition file, as for PUT "
                                        "/admin/courses/{course_id}",
                                    },
                                },
                                ("csrf_token", "upload_course_id", "definition"),
                            )
                        },
                    },
                },
            )
        },
        "/console/courses/{course_id}": {
            "get": _console_operation(
                "consoleCourse",
                "A course's applications, oldest first, filtered by status and a search",
                {
                    "200": _page_answer("The course and its applications"),
                    **_page_error(404, _NO_COURSE),
                    **_page_error(
                        422,
                        "An unknown status or too long a search: every "
                        "application, the mistake beside its field",
                    ),
                },
                parameters=[
                    course,
                    _query(
                        "status",
                        "Only applications in this status (empty: any)",
                        enum=["", *(s.value for s in ApplicationStatus)],
                    ),
                    _query(
                        "q",
                        "Only those whose name, email address or reference contain this",
                        maxLength=MAX_QUERY_LENGTH,
                    ),
                    _query(
                        "moved_without_id",
                        "After a save: the days (ISO, comma-separated) of follow-ups without "
                        "an id the save seemed to move, each warned of on the page",
                    ),
                ],
            )
        },
        "/console/courses/{course_id}/roster.csv": {
            "get": _console_operation(
                "consoleRosterCsv",
                "The course's roster to download",
                {
                    "200": {
                        "description": "The roster. JSON is the machine-readable export (ids, "
                        "status codes, pence, ISO instants); CSV is for people (the form's field "
                        "names, status words, UK times, pounds and pence; UTF-8 with BOM, "
                        "formulas neutralised)",
                        "headers": {
                            "Content-Disposition": {
                                "description": 'attachment; filename="<course_id>-roster.csv"',
                                "schema": {"type": "string"},
                            }
                        },
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **_page_error(404, _NO_COURSE),
                },
                parameters=[course],
            )
        },
        "/console/courses/{course_id}/edit": {
            "get": _console_operation(
                "consoleEditCourse",
                "The course form, filled in with the stored definition",
                {"200": _page_answer("The course form"), **_page_error(404, _NO_COURSE)},
                parameters=[course],
            )
        },
        "/console/applications/{application_id}": {
            "get": _console_operation(
                "consoleApplication",
                "An application: answers, payments, history, and the actions that fit it now",
                {"200": _page_answer("The application"), **_page_error(404, _NO_APPLICATION)},
                parameters=[
                    application,
                    _query(
                        "done",
                        "Set by the redirect after an action: the page says it was done",
                        enum=sorted(DONE_WORDS),
                    ),
                ],
            )
        },
        **_console_action("approve", "consoleApprove", "Approve: offer a place", "approved"),
        **_console_action(
            "decline",
            "consoleDecline",
            "Decline, optionally with a message for the applicant",
            "declined",
            {
                "message": {
                    "type": "string",
                    "maxLength": DECLINE_MESSAGE_LENGTH,
                    "description": "Emailed to the applicant; empty: the course's own message",
                }
            },
            typed=True,
        ),
        **_console_action(
            "cancel",
            "consoleCancel",
            "Cancel a booking or an application, optionally refunding through Stripe",
            "cancelled",
            {"refund": {**_TICKED, "description": "Ticked: refund what was paid"}},
        ),
        **_console_action(
            "resend", "consoleResendConfirmation", "Send the booking confirmation again", "resent"
        ),
        **_console_action(
            "bursary",
            "consoleGrantBursary",
            "Fund a place in full or in part",
            "funded",
            {"amount": {"type": "string", "description": "In pounds, like 200.00"}},
            typed=True,
        ),
        **_console_action(
            "invoice/resend",
            "consoleResendInvoice",
            "Email the open invoice to the billing contact again",
            "invoice_resent",
        ),
        **_console_action(
            "invoice/void",
            "consoleVoidInvoice",
            "Void the open invoice: the place goes back",
            "invoice_voided",
        ),
        "/console/people": {
            "get": _console_operation(
                "consolePerson",
                "Find a person's applications by email address",
                {
                    "200": _page_answer("The person's applications (none asked: the search)"),
                    **_page_error(422, "Not an email address"),
                },
                parameters=[_query("email", "A person's email address")],
            )
        },
        "/console/people/export": {
            "get": _console_operation(
                "consoleExportPerson",
                "Everything held about one person, to download",
                {
                    "200": {
                        **_json(PersonExport, "The person's data"),
                        "headers": {
                            "Content-Disposition": {
                                "description": 'attachment; filename="personal-data.json"',
                                "schema": {"type": "string"},
                            }
                        },
                    },
                    **_page_error(404, _NO_PERSON),
                    **_page_error(422, "No email address, or not one"),
                },
                parameters=[email],
            )
        },
        "/console/people/erase": {
            "get": _console_operation(
                "consoleEraseConfirmation",
                "Confirm erasing a person's data",
                {
                    "200": _page_answer("What erasing would change, and the form to confirm"),
                    **_page_error(404, _NO_PERSON),
                },
                parameters=[email],
            ),
            "post": _console_operation(
                "consoleErasePerson",
                "Erase one person's data (an anonymised financial record stays)",
                {
                    "200": _page_answer("Erased: how many applications"),
                    **_page_error(404, _NO_PERSON),
                    **_page_error(
                        422,
                        "Not ticked: the confirmation again; or no email address",
                    ),
                },
                method="post",
                requestBody=_posted(
                    _form(
                        {
                            "csrf_token": _CSRF_FIELD,
                            "email": {"type": "string"},
                            "confirm": {**_TICKED, "description": "Ticked: erase now"},
                        },
                        ("csrf_token", "email"),
                    )
                ),
            ),
        },
    }


def _schemas() -> dict[str, Any]:
    models = [(m, "validation") for m in _REQUESTS] + [(m, "serialization") for m in _RESPONSES]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    return dict(top.get("$defs", {}))


@lru_cache(maxsize=4)
def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Course booking API",
            "version": "1.0.0",
            "summary": "Applications, payments and bookings for cohort-based courses.",
            "description": 'Errors are JSON `{"error": {"code", "message", "fields"}}`, '
            "or a page when the request accepts `text/html`. Organiser routes (`/admin/...`) "
            "need a bearer token: the organiser token under `make run`, a Cognito access token "
            f"with the `{ORGANISER_SCOPE}` scope in AWS. The organisers' console "
            "(`/console/...`) is pages for browsers: signing in (with the organiser token "
            "under `make run`, through Cognito in AWS) sets a signed session cookie, every "
            "page without it answers 303 to the sign-in page, and every form carries the "
            "session's CSRF token (a post without it is refused with 403, nothing changed). "
            "Its errors are pages, never JSON.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [
            {"name": "public", "description": "Courses and applications (anyone)"},
            {"name": "pages", "description": "Answer browsers with HTML pages"},
            {"name": "stripe", "description": "Stripe's signed webhook"},
            {"name": "organisers", "description": "Organiser API (bearer token)"},
            {"name": "console", "description": "The organisers' console (session cookie)"},
        ],
        "paths": {**_public(), **_admin(), **_console()},
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "organiserToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Under `make run`: the organiser token it prints (ADMIN_TOKEN).",
                },
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "In AWS: a Cognito user pool access token carrying the "
                    f"`{ORGANISER_SCOPE}` scope, checked by API Gateway's JWT authorizer and "
                    "again by the function.",
                },
                CONSOLE_SCHEME: {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "The console's session: set by signing in, signed with a "
                    "key only the function holds, HttpOnly, for "
                    f"{SESSION_SECONDS // 3600} hours or until signing out.",
                },
            },
        },
    }


def concrete_first(paths: list[str]) -> list[str]:
    """Paths in the order a URL is matched against them: OpenAPI matches a concrete path
    (``/console/courses/new``) before a templated one it also fits (``.../{course_id}``)."""
    return sorted(paths, key=lambda path: "{" in path)


@lru_cache(maxsize=1)
def _path_patterns() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """Each documented path as a pattern, with the methods it answers (one source: the doc)."""
    patterns = []
    paths = openapi_document("").get("paths", {})
    for path in concrete_first(list(paths)):
        operations = paths[path]
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path))
        methods = tuple(sorted(method.upper() for method in operations))
        patterns.append((re.compile(f"^{pattern}$"), methods))
    return tuple(patterns)


def methods_for(path: str) -> list[str]:
    """The methods the API answers on ``path`` (empty: no such path)."""
    for pattern, methods in _path_patterns():
        if pattern.match(path):
            return list(methods)
    return []
