"""HTTP plumbing shared by the API functions: bodies in, errors out, in one shape.

Every error any route returns has the contract's shape
``{"error": {"code", "message", "fields"}}``, and domain errors are mapped to status codes here
and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from booking.domain.errors import (
    BookingError,
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    SignInRefused,
)

MAX_BODY_BYTES = 64 * 1024
# Every id in a path (course, application, Stripe session) is at most 80 characters and an
# email address at most 254. DynamoDB answers a key over 2,048 bytes with an error rather than
# "not found", so a segment far beyond any real id is refused before it reaches a lookup.
MAX_PATH_SEGMENT_BYTES = 512
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html; charset=utf-8"


class BadRequest(BookingError):
    code = "bad_request"


class PayloadTooLarge(BookingError):
    code = "payload_too_large"


class UnsupportedMediaType(BookingError):
    code = "unsupported_media_type"


class Unauthorised(BookingError):
    code = "unauthorized"


class Forbidden(BookingError):
    code = "forbidden"


class MethodNotAllowed(BookingError):
    code = "method_not_allowed"

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(f"use {', '.join(allowed)} on this path")
        self.allowed = allowed


_STATUS = (
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (DependencyUnavailable, 503),
    (BadRequest, 400),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (Unauthorised, 401),
    (SignInRefused, 401),
    (Forbidden, 403),
    (MethodNotAllowed, 405),
)


def status_for(error: BookingError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def error_payload(
    code: str, message: str, fields: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps(body, separators=(",", ":")),
        headers=headers,
    )


def error_response(error: BookingError, **extra: Any) -> Response[str]:
    fields = error.fields if isinstance(error, InvalidInput) else None
    headers: dict[str, str] = {}
    if isinstance(error, DependencyUnavailable):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, Unauthorised):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.allowed)
    return json_response(
        status_for(error), error_payload(error.code, error.message, fields, **extra), headers
    )


def read_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """A JSON object or a form, decoded; anything else is refused with a clear error."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KiB")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == JSON:
        try:
            parsed = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise BadRequest("the body is not valid JSON") from exc
        if not isinstance(parsed, dict):
            raise BadRequest("the body must be a JSON object")
        return parsed
    if media_type == FORM:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest("the form is not valid UTF-8") from exc
        # The last value wins for repeated names, as in most web frameworks.
        return dict(parse_qsl(text, keep_blank_values=True))
    raise UnsupportedMediaType(f"send {JSON} or {FORM}")


def unexpected_response(error: Exception) -> Response[str]:
    """The answer for an exception no use case anticipated: 500, without internals. (Busy or
    unreachable dependencies never get here: adapters raise DependencyUnavailable, a 503.)"""
    return json_response(500, error_payload("internal_error", "something went wrong"))


def bounded_path(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
    """Middleware: 404 for a path with a segment longer than any id this system issues."""
    segments = app.current_event.path.split("/")
    if any(len(s.encode("utf-8", "surrogatepass")) > MAX_PATH_SEGMENT_BYTES for s in segments):
        raise NotFound("no such resource")
    return next_middleware(app)


def wants_html(accept: str | None) -> bool:
    return "text/html" in (accept or "")


def loggable_path(path: str) -> str:
    """The path with personal segments replaced: organiser routes carry an email address."""
    return "/".join("{email}" if "@" in unquote(part) else part for part in path.split("/"))


HtmlErrorPage = Callable[[int, str, str], str]


def install_error_handlers(
    app: APIGatewayHttpResolver,
    logger: Logger,
    guard_unknown_paths: Callable[[], None] | None = None,
    html_page: HtmlErrorPage | None = None,
    methods_for: Callable[[str], list[str]] | None = None,
) -> None:
    """The same error answers for every API function: domain errors by their status, unknown
    paths 404 (after ``guard_unknown_paths``, so private APIs reveal nothing to strangers),
    anything else 500 or 503 without internals, logged with the stack trace. With
    ``html_page``, a browser (``Accept: text/html``) gets the same answer as a page."""

    def for_client(response: Response[str]) -> Response[str]:
        if html_page is None or not wants_html(app.current_event.headers.get("accept")):
            return response
        error = json.loads(str(response.body))["error"]
        page = html_page(response.status_code, error["code"], error["message"])
        headers = {k: v for k, v in (response.headers or {}).items() if k.lower() != "content-type"}
        return Response(
            status_code=response.status_code, content_type=HTML, body=page, headers=headers
        )

    @app.exception_handler(BookingError)  # type: ignore[untyped-decorator]
    def refused(error: BookingError) -> Response[str]:
        logger.info(
            "request refused",
            extra={"code": error.code, "path": loggable_path(app.current_event.path)},
        )
        return for_client(error_response(error))

    @app.not_found
    def not_found(_: Exception) -> Response[str]:
        if guard_unknown_paths is not None:
            try:
                guard_unknown_paths()
            except BookingError as error:
                return error_response(error)
        allowed = methods_for(app.current_event.path) if methods_for is not None else []
        if allowed:
            return for_client(error_response(MethodNotAllowed(allowed)))
        return for_client(error_response(NotFound("no such resource")))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error", extra={"path": loggable_path(app.current_event.path)})
        return for_client(unexpected_response(error))
