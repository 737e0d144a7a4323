"""HTTP plumbing shared by the API functions: bodies in, errors out, in one shape.

Every error any route returns has the contract's shape
``{"error": {"code", "message", "fields"}}``, and domain errors are mapped to status codes here
and nowhere else.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from aws_lambda_powertools import Logger

from booking.domain.errors import (
    BookingError,
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotAnOrganiser,
    NotFound,
    SignInRefused,
)
from booking.domain.form_text import FormText

# JSON and error_payload are this module's as much as the webhook's (handlers use them here).
from booking.handlers.body_text import FilePart as FilePart
from booking.handlers.body_text import (
    UnreadBody,
    form_pairs,
    json_text,
    multipart_fields,
    once_each,
    refuse_other_charsets,
    whole_characters,
)
from booking.handlers.json_answers import JSON as JSON
from booking.handlers.json_answers import error_payload as error_payload
from booking.handlers.json_answers import json_body, unexpected_error
from booking.handlers.logged_errors import log_unexpected
from booking.handlers.resolver import APIGatewayHttpResolver, NextMiddleware, Response
from booking.handlers.routes import Function, refused_id_words, route_at, unnamed_words
from booking.handlers.routes.answers import IDEMPOTENCY_KEY_LENGTH

MAX_BODY_BYTES = 64 * 1024
# Every id in a path (course, application, Stripe session) is at most 80 characters and an
# email address at most 254. DynamoDB answers a key over 2,048 bytes with an error rather than
# "not found", so a segment far beyond any real id is refused before it reaches a lookup.
MAX_PATH_SEGMENT_BYTES = 512
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
HTML = "text/html; charset=utf-8"
# What a header value may hold as sent: printable ASCII (HTTP allows Latin-1 at most, and API
# Gateway and browsers are safest with ASCII); anything else is percent-encoded or refused.
_HEADER_SAFE = re.compile(r"^[\x20-\x7e]*$")
# Characters a URL keeps as they are; everything else (spaces, non-ASCII) is percent-encoded.
_URL_SAFE = "/:?#[]@!$&'()*+,;=%~-._"


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
    (NotAnOrganiser, 403),
    (MethodNotAllowed, 405),
)


def status_for(error: BookingError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=JSON,
        body=json_body(body),
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


def raw_body(event: Any) -> bytes:
    """A request's body as sent: API Gateway base64-encodes binary (and unknown) media types."""
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequest("the body is not valid base64") from exc
    return str(body).encode("utf-8")


def media_type(content_type: str | None) -> str:
    """A request's Content-Type without its parameters, in lower case: ``application/json``."""
    return (content_type or "").split(";")[0].strip().lower()


def is_json(content_type: str | None) -> bool:
    """Whether a request's Content-Type says its body is JSON."""
    return media_type(content_type) == JSON


def refuse_too_large(body: bytes) -> None:
    """A body over :data:`MAX_BODY_BYTES`: 413 before its type is weighed, on every route
    (whatever it is labelled, it is told it is too large, not first to relabel it)."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KiB")


def read_body(body: bytes, content_type: str | None, *, files: bool = False) -> dict[str, Any]:
    """A JSON object or a form, decoded (with ``files``, also a ``multipart/form-data`` form:
    its text fields as strings, its files as :class:`FilePart`); anything else is refused with
    a clear error."""
    refuse_too_large(body)
    media = media_type(content_type)
    if files and media == MULTIPART:
        try:
            return multipart_fields(body, content_type or "")
        except UnreadBody as exc:
            raise BadRequest(str(exc)) from exc
    if media in (JSON, FORM):
        try:
            refuse_other_charsets(content_type or "")
        except UnreadBody as exc:
            raise UnsupportedMediaType(str(exc)) from exc
    if media == JSON:
        try:
            parsed = json.loads(json_text(body) or "null", object_pairs_hook=once_each)
        except (ValueError, RecursionError) as exc:
            said = str(exc) if isinstance(exc, UnreadBody) else "the body is not valid JSON"
            raise BadRequest(said) from exc
        if not isinstance(parsed, dict):
            raise BadRequest("the body must be a JSON object")
        return whole_characters(parsed)
    if media == FORM:
        # A name given twice is refused, as in JSON (``once_each``). Each value is marked as a
        # form's: a checkbox's word counts as ticked only there (``FormText``).
        try:
            return {k: FormText(v) for k, v in once_each(form_pairs(body)).items()}
        except UnreadBody as exc:
            raise BadRequest(str(exc)) from exc
    raise UnsupportedMediaType(f"send {JSON} or {FORM}")


def takes_no_fields(body: bytes, content_type: str | None, what: str) -> None:
    """A route that takes no fields (paying now, giving up a place): a field a JSON client sends
    (a ``dry_run``) is refused by its name (422), never ignored; a form's (a button's name) is
    ignored, as a browser sends it. A body of any other type (text/plain, no type), or a form
    whose one name is a JSON object (``curl -d '{"dry_run":true}'``), is refused before anything
    runs: read as a lenient form it gave up a paid place. Too large: 413 either way."""
    refuse_too_large(body)
    if not body.strip():
        return
    fields = read_body(body, content_type)
    if is_json(content_type) or any(name.lstrip().startswith(("{", "[")) for name in fields):
        from booking.domain.validation import refuse_unknown_fields

        refuse_unknown_fields(fields, (), f"{what} takes no fields")


def idempotency_key(key: str | None) -> str | None:
    """A client's Idempotency-Key as given (None: none given); of IDEMPOTENCY_KEY_LENGTH, or
    a 400."""
    shortest, longest = IDEMPOTENCY_KEY_LENGTH
    if key is not None and not shortest <= len(key) <= longest:
        raise BadRequest(f"Idempotency-Key must be {shortest} to {longest} characters")
    return key


# -- headers -------------------------------------------------------------------------------


def location(url: str) -> str:
    """A URL fit for a ``Location`` header: non-ASCII and spaces percent-encoded; control
    characters (a header splitting attempt) refused."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise BadRequest("an address must not contain control characters")
    encoded = quote(url, safe=_URL_SAFE)
    if not _HEADER_SAFE.fullmatch(encoded):  # pragma: no cover - quote leaves only ASCII
        raise BadRequest("an address could not be written into a header")
    return encoded


def see_other(
    url: str, cookies: list[Any] | None = None, headers: Mapping[str, str] | None = None
) -> Response[str]:
    """303 to ``url``, checked for the Location header first."""
    return Response(
        status_code=303,
        headers={"Location": location(url), "Cache-Control": "no-store", **(headers or {})},
        body="",
        cookies=cookies,
    )


# A form answered again with its mistakes (``handlers.form_again``): kept by its browser alone.
FORM_AGAIN_CACHE = "private, no-cache"


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` value for a download named ``filename``: an ASCII name with
    anything else replaced (quotes and backslashes included), and the exact name as UTF-8 for
    browsers that read RFC 6266's ``filename*``."""
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def csv_download(filename: str, body: str) -> Response[str]:
    """A CSV the console offers to download as ``filename``: never cached (it holds people's
    data), never read as anything but CSV."""
    headers = {
        "Content-Disposition": attachment(filename),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(200, "text/csv; charset=utf-8", body, headers)


def unexpected_response(error: Exception) -> Response[str]:
    """The answer for an exception no use case anticipated: 500, without internals. (Busy or
    unreachable dependencies never get here: adapters raise DependencyUnavailable, a 503.)"""
    return json_response(500, unexpected_error())


def bounded_path(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
    """Middleware: 404 for a path with a segment longer than any id this system issues, or
    with a reference or id no one can have (``domain.identifiers``), in the CLI's words."""
    event = app.current_event
    segments = event.path.split("/")
    if any(len(s.encode("utf-8", "surrogatepass")) > MAX_PATH_SEGMENT_BYTES for s in segments):
        raise NotFound(unnamed_words(event.http_method, event.path) or "no such resource")
    refused = refused_id_words(event.http_method, event.path)
    if refused:
        raise NotFound(refused)
    return next_middleware(app)


# What a page is asked for as: HTML, or XHTML (which some browsers and readers name first).
PAGE_TYPES = ("text/html", "application/xhtml+xml")


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """An Accept header's media ranges (type, subtype, q), lower-cased; a q that is not a
    number from 0 to 1 counts as 0 (not acceptable), as a malformed preference cannot be met."""
    ranges: list[tuple[str, str, float]] = []
    for item in accept.split(","):
        media, *parameters = item.split(";")
        kind, slash, subtype = media.strip().lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:  # NaN fails this too
                    quality = 0.0
        ranges.append((kind.strip(), subtype.strip(), quality))
    return ranges


def _acceptance(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """How acceptable ``media_type`` is: the q of the most specific range that matches it
    (2: the type itself, 1: ``type/*``, 0: ``*/*``; -1 and q 0 when none does)."""
    kind, _, subtype = media_type.partition("/")
    quality, specificity = 0.0, -1
    for range_kind, range_subtype, range_quality in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            found = 2
        elif range_kind == kind and range_subtype == "*":
            found = 1
        elif (range_kind, range_subtype) == ("*", "*"):
            found = 0
        else:
            continue
        if found > specificity:
            quality, specificity = range_quality, found
        elif found == specificity:
            quality = max(quality, range_quality)
    return quality, specificity


def wants_html(accept: str | None) -> bool:
    """Content negotiation, the one place it is decided (RFC 9110 section 12.5.1): a page
    when the request's Accept prefers HTML (``text/html`` or ``application/xhtml+xml``, in any
    case) to JSON by its q-values. Equal preference goes to the page only when HTML is named
    (``text/html, application/json``), not when ``*/*`` alone covers both; no Accept at all is
    JSON, the API's own answer."""
    ranges = _media_ranges(accept or "")
    page, named = max(_acceptance(media_type, ranges) for media_type in PAGE_TYPES)
    data, _ = _acceptance(JSON, ranges)
    return page > 0 and (page > data or (page == data and named > 0))


def negotiated(response: Response[str], *, private: bool) -> Response[str]:
    """An answer of a function whose answers depend on Accept (JSON or a page, its errors
    included): ``Vary: Accept``, so no cache gives a browser's page to a JSON client; and
    ``Cache-Control: no-store`` when the route is ``private`` (a token, personal data), but
    for a form answered again (``handlers.form_again``), which the person's browser alone keeps."""
    headers = response.headers
    vary = str(headers.get("Vary") or "")
    if "accept" not in [part.strip().lower() for part in vary.split(",")]:
        headers["Vary"] = f"{vary}, Accept" if vary else "Accept"
    if private and headers.get("Cache-Control") != FORM_AGAIN_CACHE:
        headers["Cache-Control"] = "no-store"
    return response


def _private(app: APIGatewayHttpResolver, function: Function) -> bool:
    event = app.current_event
    found = route_at(event.http_method, event.path, function)
    return found is not None and found.private


def negotiation(function: Function) -> Callable[..., Response[str]]:
    """Middleware: every answer of ``function``'s routes goes through :func:`negotiated`."""

    def answer(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
        return negotiated(next_middleware(app), private=_private(app, function))

    return answer


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
    negotiates: Function | None = None,
) -> None:
    """The same error answers for every API function: domain errors by their status, unknown
    paths 404 (after ``guard_unknown_paths``, so private APIs reveal nothing to strangers),
    anything else 500 or 503 without internals, logged with the stack trace. With
    ``html_page``, a browser (``Accept: text/html``) gets the same answer as a page; with
    ``negotiates``, every answer is :func:`negotiated` for that function's routes."""

    def for_client(response: Response[str]) -> Response[str]:
        if negotiates is not None:
            response = negotiated(response, private=_private(app, negotiates))
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
        event = app.current_event
        allowed = methods_for(event.path) if methods_for is not None else []
        # The method among them: the path fits the table's template but not a value the
        # resolver takes in it (a character no id holds): it names no such thing, in words.
        if allowed and event.http_method not in allowed:
            return for_client(error_response(MethodNotAllowed(allowed)))
        said = unnamed_words(event.http_method, event.path) if allowed else None
        return for_client(error_response(NotFound(said or "no such resource")))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def unexpected(error: Exception) -> Response[str]:
        path = loggable_path(app.current_event.path)
        log_unexpected(logger, "unhandled error", error, path=path)
        return for_client(unexpected_response(error))
