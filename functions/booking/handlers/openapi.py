"""The OpenAPI 3.1 document, generated from the route table (``booking.handlers.routes``).

Every operation is one route of the table; what a function's routes all share is added here,
once: the public API's errors (JSON, or a page for browsers), the organiser API's bearer token
(401, 403), the console's session cookie (303 to sign in without it), CSRF check (403) and form
reading (400, 413, 415), and everyone's 500 and 503. Schemas are the request and response
models: pydantic writes JSON Schema 2020-12 (``type: "null"`` in ``anyOf``, numeric
``exclusiveMinimum``), exactly OpenAPI 3.1's schema dialect, so they go in unchanged.

Built only when ``/openapi.json`` is asked for (and cached), never at a function's init.
``openapi-spec-validator`` checks the whole document in the tests, and the integration harness
checks every answer against it.
"""

import json
import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from booking.domain.application import ApplicationForm
from booking.domain.application_form import PlaceApplicationForm
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.course import CourseDefinition
from booking.domain.group_form import Substitute
from booking.domain.groups import GroupForm
from booking.domain.organisers import ORGANISER_SCOPE
from booking.handlers import (
    admin_views,
    given_back_views,
    group_views,
    organiser_course_views,
    person_views,
    register_views,
    views,
)
from booking.handlers.console_session import SESSION_COOKIE, SESSION_SECONDS
from booking.handlers.routes import Function, Route, every_route
from booking.handlers.routes.answers import HTML_CONTENT, json_answer, see_other

_REQUESTS: tuple[type[BaseModel], ...] = (
    ApplicationForm,
    PlaceApplicationForm,
    Substitute,
    GroupForm,
    register_views.AttendanceImportIn,
    register_views.RegisterMarkIn,
    register_views.RegisterMarkClearIn,
    register_views.CertificateReissueIn,
    admin_views.BackfillIn,
    admin_views.BursaryIn,
    CourseDefinition,
    DiscountCodeDefinition,
)
_RESPONSES: tuple[type[BaseModel], ...] = (
    admin_views.AdminApplicationOut,
    admin_views.BackfillPageOut,
    admin_views.CodeUsesPageOut,
    admin_views.FormerContactsPageOut,
    admin_views.RefundsFailedBackfillOut,
    views.ApplicationOut,
    admin_views.ApplicationRecordOut,
    views.CheckoutOut,
    views.CourseOut,
    admin_views.DiscountCodeOut,
    admin_views.ErasureOut,
    views.ErrorOut,
    views.InvoiceOut,
    views.OfferDeclinedOut,
    views.LeftWaitingListOut,
    admin_views.MoneyTotalsOut,
    person_views.PersonExport,
    admin_views.RosterRow,
    organiser_course_views.SavedCourseOut,
    organiser_course_views.OrganiserCourseOut,
    admin_views.MoveOut,
    admin_views.PaymentRecordedOut,
    admin_views.GivenBackRecordedOut,
    given_back_views.GroupGivenBackRecordedOut,
    views.WebhookAnswer,
    group_views.GroupOut,
    group_views.GroupPaymentRecordedOut,
    group_views.GroupInvoiceCorrectedOut,
    register_views.AttendanceImportOut,
    register_views.ClosedRegisterOut,
    register_views.CertificateReissuedOut,
    register_views.RegisterOut,
    register_views.RegisterRowOut,
    group_views.CourseGroupBookingsOut,
)
_REASONS = {
    400: "Malformed request (a body not in UTF-8, a field named twice, JSON not an object)",
    401: "No valid organiser token",
    403: "The token lacks the organiser scope",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Body too large",
    415: "Unsupported content type, or a charset other than UTF-8 declared",
    422: "Invalid fields (`error.fields` names each)",
    500: "Unexpected error (logged; nothing half-written)",
    503: "A dependency is busy or unavailable; retry after `Retry-After` seconds",
}
# The console answers every error with a page (never the API's JSON), and no Retry-After.
_CONSOLE_REASONS = {
    400: "The body could not be read (a form not in UTF-8, a field named twice, JSON not an "
    "object)",
    403: "The form's CSRF token is missing or is not this session's: nothing was changed",
    413: "The form is larger than 64 KiB",
    415: "Neither a form nor JSON (nor, for a course, a file upload), or a charset other than "
    "UTF-8 declared",
    422: "The address carries a parameter this form does not take: nothing was done",
    500: "Unexpected error (logged; nothing half-written)",
    503: "A dependency is busy or unavailable; try again shortly",
}
CONSOLE_SCHEME = "consoleSession"
_SECURITY = {
    Function.ADMIN: [{"organiserToken": []}, {"cognito": [ORGANISER_SCOPE]}],
    Function.CONSOLE: [{CONSOLE_SCHEME: []}],
}
_WITHOUT_SESSION = "Without a session: to `/console/sign-in?next=...`"


def _error(code: int, *, html: bool) -> dict[str, Any]:
    """An error in the contract's JSON shape; with ``html``, a page for browsers too."""
    answer = json_answer("ErrorOut", _REASONS[code], html=html)
    if code == 503:
        answer["headers"] = {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        }
    return answer


def _console_page(code: int) -> dict[str, Any]:
    return {"description": _CONSOLE_REASONS[code], "content": dict(HTML_CONTENT)}


def _shared(route: Route) -> dict[str, Any]:
    """The answers every route of the route's function gives, in the same words."""
    if route.function is Function.CONSOLE:
        codes = [500, 503]
        if route.method == "POST":
            codes += [400, 413, 415] if route.open_to_all else [400, 403, 413, 415]
            codes.append(422)  # a parameter in the address it does not take
        return {str(c): _console_page(c) for c in codes}
    html = route.function is Function.API
    codes = [401, 403, 500, 503] if route.function is Function.ADMIN else [500, 503]
    if route.function is Function.ADMIN and route.method != "GET":
        codes.append(422)  # a parameter in the address it does not take (``address_parameters``)
    return {str(c): _error(c, html=html) for c in [*route.errors, *codes]}


def _answers(route: Route) -> dict[str, Any]:
    answers = {**_shared(route), **route.answers}
    if route.function is Function.CONSOLE and not route.open_to_all:
        # Without a session, every page and form answers 303 on to the sign-in page.
        done = answers.get("303")
        answers["303"] = (
            {**done, "description": f"{done['description']}. {_WITHOUT_SESSION}"}
            if done
            else see_other(_WITHOUT_SESSION)
        )
    return dict(sorted(answers.items()))


def operation(route: Route) -> dict[str, Any]:
    """The route's OpenAPI operation."""
    found: dict[str, Any] = {
        "operationId": route.operation_id,
        "tags": list(route.tags),
        "summary": route.summary,
    }
    if route.description:
        found["description"] = route.description
    if route.function in _SECURITY and not route.open_to_all:
        found["security"] = _SECURITY[route.function]
    if route.parameters:
        found["parameters"] = [dict(p) for p in route.parameters]
    if route.body is not None:
        found["requestBody"] = dict(route.body)
    found["responses"] = _answers(route)
    return found


def _paths() -> dict[str, Any]:
    """Every route by path, in the table's order (a reader's order: the public API, the
    organiser API, the console; matching takes concrete paths first whatever the order)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in every_route():
        paths.setdefault(route.path, {})[route.method.lower()] = operation(route)
    return paths


def _schemas() -> dict[str, Any]:
    models = [(m, "validation") for m in _REQUESTS] + [(m, "serialization") for m in _RESPONSES]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    schemas = dict(top.get("$defs", {}))
    for model in _POSTED:
        _closed(schemas, model.__name__)
    return schemas


# The public bodies a client posts: their models ignore a form's extra names (a button's), so
# pydantic does not say it, but sent as JSON a field they do not take is refused by its name at
# every level (``validation.parse_posted``): the document says so, for generated clients.
_POSTED: tuple[type[BaseModel], ...] = (
    ApplicationForm,
    PlaceApplicationForm,
    Substitute,
    GroupForm,
)
_REFUSED_AS_JSON = (
    "Sent as JSON, a field not listed here is refused (422 naming it), at every level; a "
    "form's other names (a button's) are ignored."
)


def _closed(schemas: dict[str, Any], name: str) -> None:
    """``additionalProperties: false`` on the object ``name`` and the objects it holds."""
    schema = schemas.get(name)
    if not schema or schema.get("type") != "object" or "additionalProperties" in schema:
        return
    schema["additionalProperties"] = False
    schema["description"] = f"{schema.get('description', '')}\n\n{_REFUSED_AS_JSON}".strip()
    for ref in re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)):
        _closed(schemas, ref)


_INTRODUCTION = (
    'Errors are JSON `{"error": {"code", "message", "fields"}}`, '
    "or a page when the request accepts `text/html`. Organiser routes (`/admin/...`) "
    "need a bearer token: the organiser token under `make run`, a Cognito access token "
    f"with the `{ORGANISER_SCOPE}` scope in AWS. An organiser's write (any method but GET) "
    "takes its fields in its body: a parameter in its address that its route does not list "
    "(`cancel?refund=true`) is refused with 422 naming it, and nothing is done. "
    "The organisers' console "
    "(`/console/...`) is pages for browsers: signing in (with the organiser token "
    "under `make run`, through Cognito in AWS) sets a signed session cookie, every "
    "page without it answers 303 to the sign-in page, and every form carries the "
    "session's CSRF token (a post without it is refused with 403, nothing changed). "
    "Its errors are pages, never JSON. Every GET operation answers HEAD too (RFC 9110): "
    "the same status and headers, without the body."
)
_SECURITY_SCHEMES = {
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
}


@lru_cache(maxsize=4)
def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Course booking API",
            "version": "1.0.0",
            "summary": "Applications, payments and bookings for cohort-based courses.",
            "description": _INTRODUCTION,
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
        "paths": _paths(),
        "components": {"schemas": _schemas(), "securitySchemes": _SECURITY_SCHEMES},
    }
