"""The OpenAPI 3.1 document of the whole HTTP API, generated from the request and response models.

Public API (``api.py``), the Stripe webhook (``webhook.py``) and the organiser API
(``admin.py``), with the HTML answers browsers get. pydantic writes JSON Schema 2020-12
(``type: "null"`` in ``anyOf``, numeric ``exclusiveMinimum``), which is exactly OpenAPI 3.1's
schema dialect, so the models' schemas go in unchanged. ``openapi-spec-validator`` checks the
whole document in the tests, and the integration harness checks every answer against it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from booking.domain.application import ApplicationForm
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.course import CourseDefinition
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
    WebhookAnswer,
)

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
                "tags": ["public"],
                "parameters": [_path("course_id")],
                "responses": {
                    "200": _json(CourseOut, "The course"),
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
                    "200": _json(CourseOut, "Replaced"),
                    "201": _json(CourseOut, "Created"),
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
                        "description": "The roster (CSV: UTF-8 with BOM, formulas neutralised)",
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
            f"with the `{ORGANISER_SCOPE}` scope in AWS.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [
            {"name": "public", "description": "Courses and applications (anyone)"},
            {"name": "pages", "description": "Answer browsers with HTML pages"},
            {"name": "stripe", "description": "Stripe's signed webhook"},
            {"name": "organisers", "description": "Organiser API (bearer token)"},
        ],
        "paths": {**_public(), **_admin()},
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
            },
        },
    }


@lru_cache(maxsize=1)
def _path_patterns() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """Each documented path as a pattern, with the methods it answers (one source: the doc)."""
    patterns = []
    for path, operations in openapi_document("").get("paths", {}).items():
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
