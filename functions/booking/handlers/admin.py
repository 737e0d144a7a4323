"""Organiser API (``/admin/...``): courses, rosters, approvals, cancellations, people's data.

In AWS an API Gateway JWT authorizer (Cognito) checks the token before this function runs, and
this function checks the ``booking/admin`` scope; under ``make run`` a bearer token from
``ADMIN_TOKEN`` stands in for Cognito.
"""

from __future__ import annotations

import base64
import hmac
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.config import settings
from booking.domain.addresses import UndeliverableAddress, deliverable_address
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.course import CourseDefinition
from booking.domain.errors import InvalidInput
from booking.domain.validation import parse
from booking.handlers import http
from booking.handlers.views import application_out, saved_course_out
from booking.services import (
    bursaries,
    console,
    courses,
    discounts,
    invoicing,
    lifecycle,
    organisers,
)
from booking.services.applications import view_of

logger = Logger(service="booking-admin")
app = APIGatewayHttpResolver()
bootstrap.at_cold_start()
ADMIN_SCOPE = "booking/admin"


def _authorise() -> None:
    event = app.current_event
    local_token = settings().admin_token
    if local_token:
        header = event.headers.get("authorization") or ""
        scheme, _, token = header.partition(" ")
        # Compared as bytes: compare_digest refuses str with non-ASCII characters (TypeError).
        presented = token.strip().encode("utf-8", "surrogatepass")
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented, local_token.encode()):
            raise http.Unauthorised("a valid organiser token is required")
        return
    claims = (
        event.raw_event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims")
    )
    if not claims:
        raise http.Unauthorised("a valid organiser token is required")
    scopes = str(claims.get("scope", "")).split()
    if ADMIN_SCOPE not in scopes:
        raise http.Forbidden(f"this token lacks the {ADMIN_SCOPE} scope")


def _body() -> dict[str, Any]:
    event = app.current_event
    raw = event.body or ""
    data = base64.b64decode(raw) if event.is_base64_encoded else raw.encode()
    return http.read_body(data or b"{}", event.headers.get("content-type") or http.JSON)


def _application_json(application_id: str, application: Any) -> dict[str, Any]:
    view = view_of(ports(), application)
    return {
        **application_out(view).model_dump(mode="json"),
        "status_reason": application.status_reason,
    }


def _require_organiser(
    resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[str]:
    _authorise()
    return next_middleware(resolver)


# Every route needs an organiser: checked once, before any route runs (and before the path's
# shape, so strangers learn nothing from it).
app.use(middlewares=[_require_organiser, http.bounded_path])


@app.put("/admin/courses/<course_id>")
def put_course(course_id: str) -> Response[str]:
    definition = parse(CourseDefinition, _body(), "the course definition needs attention")
    the_ports = ports()
    existed = the_ports.repository.get_course(course_id) is not None
    saved = courses.put_course(the_ports, course_id, definition)
    return http.json_response(
        200 if existed else 201,
        saved_course_out(saved, the_ports.clock()).model_dump(mode="json"),
    )


@app.get("/admin/courses/<course_id>/applications")
def list_applications(course_id: str) -> Response[str]:
    wanted = (app.current_event.query_string_parameters or {}).get("format", "json")
    if wanted not in ("json", "csv"):
        raise InvalidInput("unknown format", {"format": "use json or csv"})
    if wanted == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=organisers.roster_csv(ports(), course_id),
            headers={"Content-Disposition": f'attachment; filename="{course_id}-roster.csv"'},
        )
    return http.json_response(200, organisers.roster(ports(), course_id))


@app.get("/admin/courses/<course_id>/totals")
def money_totals(course_id: str) -> Response[str]:
    return http.json_response(200, organisers.money_totals(ports(), course_id))


@app.post("/admin/courses/<course_id>/discount-codes")
def create_discount_code(course_id: str) -> Response[str]:
    definition = parse(DiscountCodeDefinition, _body(), "the discount code needs attention")
    return http.json_response(201, discounts.create_discount_code(ports(), course_id, definition))


@app.post("/admin/applications/<application_id>/bursary")
def grant_bursary(application_id: str) -> Response[str]:
    application_id = console.application_id_for(ports(), application_id)
    application = bursaries.grant_bursary(ports(), application_id, _body().get("amount"))
    return http.json_response(200, _application_json(application_id, application))


@app.post("/admin/applications/<application_id>/invoice/resend")
def resend_invoice(application_id: str) -> Response[str]:
    application_id = console.application_id_for(ports(), application_id)
    application = invoicing.resend_invoice(ports(), application_id)
    return http.json_response(200, _application_json(application_id, application))


@app.post("/admin/applications/<application_id>/invoice/void")
def void_invoice(application_id: str) -> Response[str]:
    application_id = console.application_id_for(ports(), application_id)
    application = invoicing.void_by_organiser(ports(), application_id)
    return http.json_response(200, _application_json(application_id, application))


@app.post("/admin/applications/<application_id>/approve")
def approve(application_id: str) -> Response[str]:
    application_id = console.application_id_for(ports(), application_id)
    application = lifecycle.approve(ports(), application_id)
    return http.json_response(200, _application_json(application_id, application))


@app.post("/admin/applications/<application_id>/decline")
def decline(application_id: str) -> Response[str]:
    message = _body().get("message")
    if message is not None and (not isinstance(message, str) or len(message) > 4000):
        raise InvalidInput(
            "the message needs attention", {"message": "a text of at most 4000 characters"}
        )
    application_id = console.application_id_for(ports(), application_id)
    application = lifecycle.decline(ports(), application_id, (message or "").strip() or None)
    return http.json_response(200, _application_json(application_id, application))


@app.post("/admin/applications/<application_id>/cancel")
def cancel(application_id: str) -> Response[str]:
    body = _body()
    refund = body.get("refund", False)
    if not isinstance(refund, bool):
        raise InvalidInput("the cancellation needs attention", {"refund": "true or false"})
    application_id = console.application_id_for(ports(), application_id)
    application = lifecycle.cancel(ports(), application_id, refund=refund)
    return http.json_response(200, _application_json(application_id, application))


@app.post("/admin/applications/<application_id>/resend-confirmation")
def resend_confirmation(application_id: str) -> Response[str]:
    application_id = console.application_id_for(ports(), application_id)
    application = organisers.resend_confirmation(ports(), application_id)
    return http.json_response(200, _application_json(application_id, application))


def _person(email: str) -> str:
    """The address as applications store it: ``zoe@bücher.example`` finds the person stored as
    ``zoe@xn--bcher-kva.example``. Anything that is not a deliverable address is looked up as
    given (it matches nobody stored since addresses were checked, and perhaps someone before)."""
    typed = unquote(email)
    try:
        return deliverable_address(typed)
    except UndeliverableAddress:
        return typed


@app.get("/admin/people/<email>")
def export_person(email: str) -> Response[str]:
    return http.json_response(200, organisers.export_person(ports(), _person(email)))


@app.delete("/admin/people/<email>")
def erase_person(email: str) -> Response[str]:
    return http.json_response(200, organisers.erase_person(ports(), _person(email)))


# Unknown admin paths answer 401 to strangers too, so they reveal nothing.
http.install_error_handlers(app, logger, guard_unknown_paths=_authorise)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
