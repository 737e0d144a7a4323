"""The organisers' console (``/console``): server-rendered pages over the organiser use cases.

No API Gateway authorizer stands in front of these routes: a browser cannot send a bearer
token on a link or a form. Every page except signing in checks the session cookie here
(``console_session.py``): without one a page answers 303 to the sign-in page, and every POST
must carry the session's CSRF token or is refused with 403 before anything changes.

Signing in: under ``make run`` with the organiser token (``ADMIN_TOKEN``); in AWS through
Cognito's hosted sign-in, authorization code with PKCE (``/console/callback`` redeems the code
at the token endpoint and requires the ``booking/admin`` scope).

Every action calls the same use case as the ``/admin`` API (``lifecycle``, ``organisers``,
``courses``), so the console can do nothing the API could not.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import date
from typing import Any
from urllib.parse import quote, unquote, urlencode

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.shared.cookies import Cookie
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.config import ORGANISER_SCOPE, settings
from booking.domain.errors import (
    BookingError,
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
)
from booking.domain.wording import moved_without_id_warning
from booking.handlers import console_pages as pages
from booking.handlers import course_form, http
from booking.handlers.console_pages import Chrome
from booking.handlers.console_session import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    ConsoleSession,
    CookieSigner,
    cookie_value,
    pkce_pair,
)
from booking.services import bursaries, console, courses, invoicing, lifecycle, organisers

logger = Logger(service="booking-console")
app = APIGatewayHttpResolver()
bootstrap.at_cold_start()
LOCAL_SUBJECT = "organiser-token"
# Pages anyone may reach: how to sign in, and where signing out lands.
OPEN_PATHS = frozenset({"/console/sign-in", "/console/callback", "/console/signed-out"})
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
MAX_MESSAGE_LENGTH = 4000


# -- sessions ---------------------------------------------------------------------------------


def _signer() -> CookieSigner:
    config = settings()
    return CookieSigner(config.console_session_key(), secure=config.secure_cookies)


def _current_session() -> ConsoleSession | None:
    value = cookie_value(app.current_event.cookies or [], SESSION_COOKIE)
    return _signer().session(value, ports().clock())


def _session() -> ConsoleSession:
    session = app.context.get("session")
    assert isinstance(session, ConsoleSession), "the session middleware runs first"
    return session


def _chrome() -> Chrome:
    session = app.context.get("session")
    if isinstance(session, ConsoleSession):
        return Chrome(True, _signer().csrf_token(session))
    return Chrome(False)


def _require_session(
    resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[str]:
    """Middleware: the session for every page but the open ones; CSRF for every POST."""
    path = resolver.current_event.path.rstrip("/") or "/"
    if path in OPEN_PATHS:
        return next_middleware(resolver)
    session = _current_session()
    if session is None:
        return _see_other(f"/console/sign-in?{urlencode({'next': _come_back_to(resolver)})}")
    resolver.context["session"] = session
    if resolver.current_event.http_method != "GET":
        presented = _form().get("csrf_token")
        if not _signer().csrf_valid(session, presented if isinstance(presented, str) else None):
            raise http.Forbidden("this form has expired or did not come from the console")
    return next_middleware(resolver)


def _come_back_to(resolver: APIGatewayHttpResolver) -> str:
    """Where to return after signing in: the page asked for; after a form post (whose form is
    gone with the session), the application's page or the console's first page."""
    event = resolver.current_event
    if event.http_method == "GET":
        query = event.raw_event.get("rawQueryString") or ""
        return f"{event.path}?{query}" if query else event.path
    if event.path.startswith("/console/applications/"):
        return event.path.rsplit("/", 1)[0]
    return "/console"


def _safe_next(candidate: str | None) -> str:
    """Only a console page of this site: never an open redirect to somewhere else."""
    unsafe = ("//", "\\", "\r", "\n")
    if candidate and candidate.startswith("/console") and not any(u in candidate for u in unsafe):
        return candidate
    return "/console"


# -- plumbing ---------------------------------------------------------------------------------


def _raw_body() -> bytes:
    event = app.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def _content_type() -> str:
    return app.current_event.headers.get("content-type") or ""


def _form() -> dict[str, Any]:
    """The posted form (or, for the file upload, its text fields), read once per request."""
    cached = app.context.get("form")
    if isinstance(cached, dict):
        return cached
    body = _raw_body()
    if _content_type().lower().startswith("multipart/form-data"):
        if len(body) > http.MAX_BODY_BYTES:
            raise http.PayloadTooLarge(f"the file is larger than {http.MAX_BODY_BYTES // 1024} KiB")
        upload = course_form.read_upload(body, _content_type())
        form: dict[str, Any] = {"upload": upload}
        # The CSRF token travels as a text part of the same form.
        form["csrf_token"] = _multipart_field(body, "csrf_token")
    else:
        form = http.read_body(body, _content_type() or http.FORM)
    app.context["form"] = form
    return form


def _multipart_field(body: bytes, name: str) -> str:
    from email.parser import BytesParser
    from email.policy import HTTP

    header = f"Content-Type: {_content_type()}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    for part in message.iter_parts() if message.is_multipart() else []:
        if part.get_param("name", header="content-disposition") == name:
            payload = part.get_payload(decode=True)
            return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return ""


def _query(name: str) -> str:
    return (app.current_event.query_string_parameters or {}).get(name, "")


def _content_security_policy() -> str:
    # No scripts at all; forms post to the console, and signing out (a form) is redirected
    # on to Cognito's logout in AWS, which form-action must allow.
    sign_out_to = settings().cognito_domain
    form_action = f"'self' {sign_out_to.rstrip('/')}" if sign_out_to else "'self'"
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        f"form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    )


def _html(status: int, page: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=http.HTML,
        body=page,
        headers={**SECURITY_HEADERS, "Content-Security-Policy": _content_security_policy()},
        cookies=cookies,
    )


def _see_other(location: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(
        status_code=303,
        headers={"Location": location, "Cache-Control": "no-store"},
        body="",
        cookies=cookies,
    )


def _callback_url() -> str:
    return f"{ports().public_base_url}/console/callback"


# -- signing in and out ---------------------------------------------------------------------------


@app.get("/console/sign-in")
def sign_in_page() -> Response[str]:
    after = _safe_next(_query("next"))
    if _current_session() is not None:
        return _see_other(after)
    if settings().console_signs_in_with_token:
        return _html(200, pages.sign_in_page(after))
    # AWS: off to Cognito's hosted sign-in, carrying PKCE's verifier in a signed cookie.
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    _, cookie = _signer().sign_in_state(state, verifier, after, ports().clock())
    target = ports().sign_in.authorization_url(
        state=state, code_challenge=challenge, redirect_uri=_callback_url()
    )
    return _see_other(target, [cookie])


@app.post("/console/sign-in")
def sign_in() -> Response[str]:
    config = settings()
    if not config.console_signs_in_with_token:
        return _see_other("/console/sign-in")
    form = _form()
    after = _safe_next(str(form.get("next") or ""))
    typed = str(form.get("token") or "").strip()
    expected = (config.admin_token or "").encode()
    # Compared as bytes, in constant time (compare_digest refuses non-ASCII str).
    if not typed or not hmac.compare_digest(typed.encode("utf-8", "surrogatepass"), expected):
        logger.info("console sign-in refused")
        message = "Enter the organiser token" if not typed else "That is not the organiser token"
        return _html(401, pages.sign_in_page(after, {"token": message}))
    _, cookie = _signer().new_session(LOCAL_SUBJECT, ports().clock())
    logger.info("console sign-in", extra={"subject": LOCAL_SUBJECT})
    return _see_other(after, [cookie])


@app.get("/console/callback")
def callback() -> Response[str]:
    if settings().console_signs_in_with_token:
        raise NotFound("no such resource")
    signer = _signer()
    now = ports().clock()
    pending = signer.read_sign_in_state(
        cookie_value(app.current_event.cookies or [], SIGN_IN_COOKIE), now
    )
    code, state = _query("code"), _query("state")
    if (
        pending is None
        or not code
        or not hmac.compare_digest(
            state.encode("utf-8", "surrogatepass"), pending["state"].encode()
        )
    ):
        # Cognito's own refusal (?error=...), a stale tab, or a forged callback.
        raise http.Unauthorised("the sign-in did not complete; please sign in again")
    identity = ports().sign_in.exchange_code(
        code=code, code_verifier=pending["verifier"], redirect_uri=_callback_url()
    )
    if ORGANISER_SCOPE not in identity.scopes:
        raise http.Forbidden(f"this account lacks the {ORGANISER_SCOPE} scope")
    _, session_cookie = signer.new_session(identity.subject, now)
    logger.info("console sign-in", extra={"subject": identity.subject})
    return _see_other(pending["next"], [session_cookie, signer.end_sign_in()])


@app.post("/console/sign-out")
def sign_out() -> Response[str]:
    target = "/console/signed-out"
    config = settings()
    if not config.console_signs_in_with_token and config.cognito_domain:
        # End Cognito's own session too, or the next sign-in would skip the password.
        logout = urlencode(
            {
                "client_id": config.cognito_client_id or "",
                "logout_uri": f"{ports().public_base_url}{target}",
            }
        )
        target = f"{config.cognito_domain.rstrip('/')}/logout?{logout}"
    return _see_other(target, [_signer().end_session()])


@app.get("/console/signed-out")
def signed_out() -> Response[str]:
    return _html(200, pages.signed_out_page())


# -- reading -------------------------------------------------------------------------------------


@app.get("/console")
def home() -> Response[str]:
    return _html(200, pages.home_page(_chrome(), console.course_summaries(ports())))


@app.get("/console/search")
def search() -> Response[str]:
    found = console.find(ports(), _query("q"))
    if found.application_id:
        return _see_other(f"/console/applications/{quote(found.application_id)}")
    return _see_other(f"/console/people?{urlencode({'email': found.email or ''})}")


@app.get("/console/courses/<course_id>")
def course(course_id: str) -> Response[str]:
    the_ports = ports()
    try:
        listing = console.course_applications(the_ports, course_id, _query("status"), _query("q"))
    except InvalidInput as invalid:
        listing = console.course_applications(the_ports, course_id)
        page = pages.course_page(_chrome(), listing, the_ports.clock(), invalid.fields)
        return _html(422, page)
    warnings = [moved_without_id_warning(day) for day in _days(_query(MOVED_WITHOUT_ID))]
    page = pages.course_page(_chrome(), listing, the_ports.clock(), {}, warnings)
    return _html(200, page)


# The course page's parameter saying which follow-ups without an id a save seemed to move
# (their days): what the organiser is warned of after saving, as a page they can reload.
MOVED_WITHOUT_ID = "moved_without_id"


def _days(listed: str) -> list[date]:
    """ISO days, comma-separated (a few at most); anything else is ignored."""
    days = []
    for part in listed.split(",")[:10]:
        try:
            days.append(date.fromisoformat(part.strip()))
        except ValueError:
            continue
    return days


def _saved(saved: courses.SavedCourse) -> Response[str]:
    """After a save: the course's page, warning of what the save did unasked."""
    location = f"/console/courses/{quote(saved.course.course_id)}"
    if saved.moved_without_id:
        days = ",".join(day.isoformat() for day in saved.moved_without_id)
        location += f"?{MOVED_WITHOUT_ID}={days}"
    return _see_other(location)


@app.get("/console/courses/<course_id>/roster.csv")
def roster_csv(course_id: str) -> Response[str]:
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=organisers.roster_csv(ports(), course_id),
        headers={
            "Content-Disposition": f'attachment; filename="{course_id}-roster.csv"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@app.get("/console/applications/<application_id>")
def application(application_id: str) -> Response[str]:
    detail = console.application_detail(ports(), application_id)
    return _html(200, pages.application_page(_chrome(), detail, done=_query("done")))


# -- actions -------------------------------------------------------------------------------------


def _acted(application_id: str, done: str) -> Response[str]:
    return _see_other(f"/console/applications/{quote(application_id)}?done={done}")


def _refused(
    application_id: str,
    error: BookingError,
    values: dict[str, str] | None = None,
) -> Response[str]:
    """The application's page again with what went wrong: beside the field for a form
    mistake (422), at the top for a refusal (409, e.g. approved meanwhile elsewhere)."""
    detail = console.application_detail(ports(), application_id)
    fields = error.fields if isinstance(error, InvalidInput) else {}
    page = pages.application_page(
        _chrome(),
        detail,
        problem="" if fields else f"{error.message[:1].upper()}{error.message[1:]}.",
        values=values,
        errors=fields,
    )
    return _html(http.status_for(error), page)


@app.post("/console/applications/<application_id>/approve")
def approve(application_id: str) -> Response[str]:
    try:
        lifecycle.approve(ports(), application_id)
    except Conflict as refused:
        return _refused(application_id, refused)
    return _acted(application_id, "approved")


@app.post("/console/applications/<application_id>/decline")
def decline(application_id: str) -> Response[str]:
    message = str(_form().get("message") or "").strip()
    try:
        if len(message) > MAX_MESSAGE_LENGTH:
            raise InvalidInput(
                "the message needs attention",
                {"message": f"Write at most {MAX_MESSAGE_LENGTH:,} characters"},
            )
        lifecycle.decline(ports(), application_id, message or None)
    except (Conflict, InvalidInput) as refused:
        return _refused(application_id, refused, {"message": message})
    return _acted(application_id, "declined")


@app.post("/console/applications/<application_id>/cancel")
def cancel(application_id: str) -> Response[str]:
    refund = _form().get("refund") == "on"
    try:
        lifecycle.cancel(ports(), application_id, refund=refund)
    except Conflict as refused:
        return _refused(application_id, refused)
    return _acted(application_id, "cancelled")


@app.post("/console/applications/<application_id>/resend")
def resend(application_id: str) -> Response[str]:
    try:
        organisers.resend_confirmation(ports(), application_id)
    except Conflict as refused:
        return _refused(application_id, refused)
    return _acted(application_id, "resent")


@app.post("/console/applications/<application_id>/bursary")
def bursary(application_id: str) -> Response[str]:
    typed = str(_form().get("amount") or "").strip()
    errors: dict[str, str] = {}
    amount = course_form.pence(typed, "amount", errors, what="the bursary")
    try:
        if errors:
            raise InvalidInput("the bursary needs attention", errors)
        bursaries.grant_bursary(ports(), application_id, amount)
    except InvalidInput as refused:
        if "amount" not in refused.fields:
            # Not the amount: what the grant ran into (a replacement invoice it could not
            # make), said at the top of the page.
            return _refused(application_id, Conflict(refused.message), {"amount": typed})
        # The use case speaks in pence to API clients; the form is in pounds.
        fields = {"amount": errors.get("amount") or _in_pounds(refused.fields["amount"])}
        return _refused(application_id, InvalidInput(refused.message, fields), {"amount": typed})
    except (Conflict, DependencyUnavailable) as refused:
        return _refused(application_id, refused, {"amount": typed})
    return _acted(application_id, "funded")


def _in_pounds(reason: str) -> str:
    if reason.startswith("at most the price of the place"):
        return "Enter at most the price of the place"
    return "Enter the bursary in pounds, like 200 or 200.00"


@app.post("/console/applications/<application_id>/invoice/resend")
def resend_invoice(application_id: str) -> Response[str]:
    try:
        invoicing.resend_invoice(ports(), application_id)
    except Conflict as refused:
        return _refused(application_id, refused)
    return _acted(application_id, "invoice_resent")


@app.post("/console/applications/<application_id>/invoice/void")
def void_invoice(application_id: str) -> Response[str]:
    try:
        invoicing.void_by_organiser(ports(), application_id)
    except Conflict as refused:
        return _refused(application_id, refused)
    return _acted(application_id, "invoice_voided")


# -- people ---------------------------------------------------------------------------------------


def _person_or_error(typed: str) -> tuple[str, dict[str, str]]:
    address = console.person_address(unquote(typed)) if typed.strip() else ""
    if typed and "@" not in typed:
        return typed.strip(), {"email": "Enter an email address, like name@example.org"}
    return address, {}


@app.get("/console/people")
def person() -> Response[str]:
    the_ports = ports()
    email, errors = _person_or_error(_query("email"))
    found = [] if errors or not email else organisers.person_applications(the_ports, email)
    with_courses = [(a, the_ports.repository.get_course(a.course_id)) for a in found]
    status = 422 if errors else 200
    return _html(status, pages.person_page(_chrome(), email, with_courses, errors))


@app.get("/console/people/export")
def export_person() -> Response[str]:
    email, errors = _person_or_error(_query("email"))
    if errors or not email:
        raise InvalidInput("enter an email address", errors or {"email": "required"})
    exported = organisers.export_person(ports(), email)
    response = http.json_response(200, exported)
    response.headers.update(
        {
            "Content-Disposition": 'attachment; filename="personal-data.json"',
            "Cache-Control": "no-store",
        }
    )
    return response


@app.get("/console/people/erase")
def erase_confirmation() -> Response[str]:
    email, errors = _person_or_error(_query("email"))
    found = [] if errors or not email else organisers.person_applications(ports(), email)
    if not found:
        raise NotFound("no data is held about this email address")
    return _html(200, pages.erase_page(_chrome(), email, found))


@app.post("/console/people/erase")
def erase() -> Response[str]:
    form = _form()
    email, errors = _person_or_error(str(form.get("email") or ""))
    if errors or not email:
        raise InvalidInput("enter an email address", errors or {"email": "required"})
    if form.get("confirm") != "on":
        found = organisers.person_applications(ports(), email)
        if not found:
            raise NotFound("no data is held about this email address")
        errors = {"confirm": "Tick the box to confirm, or go back to keep their data"}
        return _html(422, pages.erase_page(_chrome(), email, found, errors))
    result = organisers.erase_person(ports(), email)
    return _html(200, pages.erased_page(_chrome(), len(result["erased_applications"])))


# -- courses --------------------------------------------------------------------------------------


@app.get("/console/courses/new")
def new_course() -> Response[str]:
    return _html(200, pages.course_form_page(_chrome(), course_form.blank_form(), editing=False))


@app.get("/console/courses/<course_id>/edit")
def edit_course(course_id: str) -> Response[str]:
    stored = courses.get_course(ports(), course_id)
    form = course_form.form_of(course_id, stored.definition)
    return _html(200, pages.course_form_page(_chrome(), form, editing=True))


@app.post("/console/courses")
def save_course() -> Response[str]:
    form = _form()
    upload = form.get("upload")
    if isinstance(upload, course_form.Upload):
        return _save_uploaded(upload)
    typed = course_form.read_form(form)
    course_id = typed.values["course_id"]
    editing = bool(course_id) and ports().repository.get_course(course_id) is not None
    try:
        definition = course_form.definition_from_form(typed)
        saved = courses.put_course(ports(), course_id, definition)
    except InvalidInput as invalid:
        typed.errors = {_form_field(k): v[:1].upper() + v[1:] for k, v in invalid.fields.items()}
        page = pages.course_form_page(_chrome(), typed.with_spare_rows(), editing=editing)
        return _html(422, page)
    except Conflict as refused:
        beside = CONFLICT_FIELDS.get(refused.code, "capacity")
        typed.errors = {beside: f"{refused.message[:1].upper()}{refused.message[1:]}"}
        page = pages.course_form_page(_chrome(), typed.with_spare_rows(), editing=editing)
        return _html(409, page)
    return _saved(saved)


# Which field of the course form a refusal to save is about (else the capacity: a course
# cannot hold fewer places than are taken).
CONFLICT_FIELDS = {"programme_has_bookings": "programme"}


def _form_field(name: str) -> str:
    return "course_id" if name == "course_id" else name


def _save_uploaded(upload: course_form.Upload) -> Response[str]:
    try:
        definition = course_form.definition_from_file(upload)
        saved = courses.put_course(ports(), upload.course_id, definition)
    except (InvalidInput, Conflict) as refused:
        fields = refused.fields if isinstance(refused, InvalidInput) else {}
        errors = {
            ("upload_course_id" if k == "course_id" else "definition"): v[:1].upper() + v[1:]
            for k, v in fields.items()
        } or {"definition": f"{refused.message[:1].upper()}{refused.message[1:]}"}
        page = pages.course_form_page(
            _chrome(),
            course_form.blank_form(),
            editing=False,
            upload_course_id=upload.course_id,
            upload_errors=errors,
        )
        return _html(http.status_for(refused), page)
    return _saved(saved)


# -- errors ---------------------------------------------------------------------------------------


def _error(error: BookingError) -> Response[str]:
    status = http.status_for(error)
    logger.info(
        "console request refused",
        extra={"code": error.code, "path": http.loggable_path(app.current_event.path)},
    )
    return _html(status, pages.error_page(_chrome(), status, error.code, error.message))


@app.exception_handler(BookingError)  # type: ignore[untyped-decorator]
def refused(error: BookingError) -> Response[str]:
    return _error(error)


@app.not_found
def not_found(_: Exception) -> Response[str]:
    if _current_session() is None and app.current_event.path.rstrip("/") not in OPEN_PATHS:
        return _see_other("/console/sign-in")
    return _error(NotFound("there is no such page in the console"))


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    logger.exception("unhandled error", extra={"path": http.loggable_path(app.current_event.path)})
    return _html(500, pages.error_page(_chrome(), 500, "internal_error", "something went wrong"))


app.use(middlewares=[http.bounded_path, _require_session])


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
