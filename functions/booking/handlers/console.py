"""The organisers' console (``/console``): server-rendered pages over the organiser use cases.

No API Gateway authorizer stands in front of these routes: a browser cannot send a bearer
token on a link or a form. Every page but those open to all (signing in, where signing out
lands) needs a session: its cookie names a session kept on the server
(``services/console_sessions.py``), so signing out, or "sign out everywhere", ends it for every
copy of the cookie. Without a live session a page answers 303 to the sign-in page, and every
POST must carry the session's CSRF token or is refused with 403 before anything changes.

Signing in is OAuth 2.0's authorization code with PKCE against the organisers' identity
provider (``OrganiserSignIn``: Cognito's hosted sign-in in AWS; under ``make run`` the local
stack's stand-in, where the organiser token is the password).

Every action calls the same use case as the ``/admin`` API, so the console can do nothing the
API could not; each handler parses, calls one service and answers.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.domain.errors import (
    BookingError,
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
)
from booking.domain.money import said_as_typed, typed_amount
from booking.domain.organisers import ConsoleSession
from booking.handlers import console_access as access
from booking.handlers import console_pages as pages
from booking.handlers import course_form, discount_form, http
from booking.handlers.console_pages import Chrome
from booking.handlers.console_session import (
    SIGN_IN_COOKIE,
    CookieSigner,
    cookie_value,
    pkce_pair,
    safe_next,
)
from booking.handlers.pages import load_templates
from booking.handlers.routes import Function, Served
from booking.services import (
    bursaries,
    console,
    console_sessions,
    courses,
    discounts,
    invoicing,
    lifecycle,
    organisers,
)

logger = Logger(service="booking-console")
app = APIGatewayHttpResolver()
served = Served(app, Function.CONSOLE)
# Without its sign-in, its sessions or the key that signs their cookies, the console fails its
# init: it never runs with a sign-in anyone passes or a key anyone knows.
bootstrap.at_cold_start("sign_in", "console_sessions", "session_key")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
SIGNED_OUT = "/console/signed-out"


# -- plumbing ---------------------------------------------------------------------------------


def _form() -> dict[str, Any]:
    return access.posted_form(app)


def _chrome() -> Chrome:
    return access.chrome(app)


def _signer() -> CookieSigner:
    return access.signer()


def _current_session() -> ConsoleSession | None:
    return access.current_session(app)


def _typed(name: str) -> str:
    value = _form().get(name)
    return value.strip() if isinstance(value, str) else ""


def _query(name: str) -> str:
    return (app.current_event.query_string_parameters or {}).get(name, "")


def _html(status: int, page: str, cookies: list[Cookie] | None = None) -> Response[str]:
    # No scripts at all; forms post to the console, and signing out (a form) is redirected on
    # to the identity provider's logout, which form-action must allow.
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        f"form-action 'self' {ports().sign_in.origin}; frame-ancestors 'none'; base-uri 'none'"
    )
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": policy}
    return Response(status, http.HTML, page, headers, cookies)


def _callback_url() -> str:
    return f"{ports().public_base_url}/console/callback"


# -- signing in and out ---------------------------------------------------------------------------


@served("consoleSignInPage")
def sign_in_page() -> Response[str]:
    after = safe_next(_query("next"))
    if _current_session() is not None:
        return http.see_other(after)
    # Off to the identity provider's sign-in, carrying PKCE's verifier in a signed cookie.
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    cookie = _signer().sign_in_state(state, verifier, after, ports().clock())
    target = ports().sign_in.authorization_url(
        state=state, code_challenge=challenge, redirect_uri=_callback_url()
    )
    return http.see_other(target, [cookie])


@served("consoleSignIn")
def sign_in() -> Response[str]:
    # Signing in happens at the identity provider: a form posted here is sent there.
    return http.see_other(f"/console/sign-in?{urlencode({'next': safe_next(_typed('next'))})}")


@served("consoleCallback")
def callback() -> Response[str]:
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
        # The provider's own refusal (?error=...), a stale tab, or a forged callback.
        raise http.Unauthorised("the sign-in did not complete; please sign in again")
    session = console_sessions.sign_in(
        ports(), code=code, code_verifier=pending["verifier"], redirect_uri=_callback_url()
    )
    cookies = [signer.session_cookie(session, now), signer.end_sign_in()]
    return http.see_other(safe_next(pending["next"]), cookies)


def _signed_out(end: Callable[[Any, ConsoleSession], object]) -> Response[str]:
    end(ports(), access.session_of(app))
    # End the identity provider's own session too, or the next sign-in would skip the password.
    target = ports().sign_in.sign_out_url(return_to=f"{ports().public_base_url}{SIGNED_OUT}")
    return http.see_other(target, [_signer().end_session()])


@served("consoleSignOut")
def sign_out() -> Response[str]:
    return _signed_out(console_sessions.sign_out)


@served("consoleSignOutEverywhere")
def sign_out_everywhere() -> Response[str]:
    return _signed_out(console_sessions.sign_out_everywhere)


@served("consoleSignedOut")
def signed_out() -> Response[str]:
    return _html(200, pages.signed_out_page())


# -- reading -------------------------------------------------------------------------------------


@served("consoleHome")
def home() -> Response[str]:
    return _html(200, pages.home_page(_chrome(), console.course_summaries(ports())))


@served("consoleSearch")
def search() -> Response[str]:
    found = console.find(ports(), _query("q"))
    if found.application_id:
        return http.see_other(f"/console/applications/{quote(found.application_id)}")
    return http.see_other(f"/console/people?{urlencode({'email': found.email or ''})}")


@served("consoleCourse")
def course(course_id: str) -> Response[str]:
    listing = console.course_applications(ports(), course_id, _query("status"), _query("q"))
    status = 422 if listing.problems else 200
    warnings = course_form.moved_without_id_warnings(_query(course_form.MOVED_WITHOUT_ID))
    return _html(status, pages.course_page(_chrome(), listing, ports().clock(), warnings))


@served("consoleRosterCsv")
def roster_csv(course_id: str) -> Response[str]:
    headers = {
        "Content-Disposition": http.attachment(f"{course_id}-roster.csv"),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    body = organisers.roster_csv(ports(), course_id)
    return Response(200, "text/csv; charset=utf-8", body, headers)


@served("consoleApplication")
def application(application_id: str) -> Response[str]:
    detail = console.application_detail(ports(), application_id)
    return _html(200, pages.application_page(_chrome(), detail, done=_query("done")))


# -- actions -------------------------------------------------------------------------------------

Action = Callable[[str], object]


def action(operation_id: str) -> Callable[[Action], Action]:
    """A form on an application's page, through one helper: the use case done, on to the
    application's page saying so; refused (a mistake, a state that changed meanwhile, Stripe
    unavailable), the page again saying why, beside the field it concerns where there is one,
    with what was typed kept."""

    def bind(act: Action) -> Action:
        done = served.routes[operation_id].done

        def answer(application_id: str) -> Response[str]:
            try:
                act(application_id)
            except (Conflict, InvalidInput, DependencyUnavailable) as refused:
                return _refused(application_id, refused)
            return http.see_other(f"/console/applications/{quote(application_id)}?done={done}")

        served(operation_id)(answer)
        return act

    return bind


def _refused(application_id: str, error: BookingError) -> Response[str]:
    typed = {k: v for k, v in _form().items() if isinstance(v, str) and k != "csrf_token"}
    fields = error.fields if isinstance(error, InvalidInput) else {}
    # Money is typed here in pounds: the use case's minor units are said as typed.
    beside = {k: said_as_typed(v[:1].upper() + v[1:]) for k, v in fields.items() if k in typed}
    detail = console.application_detail(ports(), application_id)
    message = said_as_typed(error.message)
    problem = "" if beside else f"{message[:1].upper()}{message[1:]}."
    page = pages.application_page(_chrome(), detail, problem=problem, values=typed, errors=beside)
    return _html(http.status_for(error), page)


@action("consoleApprove")
def approve(application_id: str) -> object:
    return lifecycle.approve(ports(), application_id)


@action("consoleDecline")
def decline(application_id: str) -> object:
    return lifecycle.decline(ports(), application_id, _typed("message") or None)


@action("consoleCancel")
def cancel(application_id: str) -> object:
    return lifecycle.cancel(ports(), application_id, refund=_typed("refund") == "on")


@action("consoleResendConfirmation")
def resend(application_id: str) -> object:
    return organisers.resend_confirmation(ports(), application_id)


@action("consoleGrantBursary")
def bursary(application_id: str) -> object:
    # Typed in pounds; the use case counts in pence, as Stripe does.
    amount = typed_amount(_typed("amount"), "amount", what="the bursary")
    return bursaries.grant_bursary(ports(), application_id, amount)


@action("consoleResendInvoice")
def resend_invoice(application_id: str) -> object:
    return invoicing.resend_invoice(ports(), application_id)


@action("consoleVoidInvoice")
def void_invoice(application_id: str) -> object:
    return invoicing.void_by_organiser(ports(), application_id)


# -- discount codes, money and programmes ---------------------------------------------------------


def _codes_page(course_id: str, status: int = 200, **shown: Any) -> Response[str]:
    listing = discounts.course_codes(ports(), course_id)
    return _html(status, pages.codes_page(_chrome(), listing, ports().clock(), **shown))


@served("consoleDiscountCodes")
def discount_codes(course_id: str) -> Response[str]:
    done = _query("done")
    return _codes_page(course_id, done=done, done_code=_query("code") if done else "")


def _codes_done(course_id: str, done: str, code: str) -> Response[str]:
    query = urlencode({"done": done, "code": code})
    return http.see_other(f"/console/courses/{quote(course_id)}/discount-codes?{query}")


@served("consoleCreateDiscountCode")
def create_discount_code(course_id: str) -> Response[str]:
    course = courses.get_course(ports(), course_id)
    typed = discount_form.typed_values(_form())
    try:
        definition = discount_form.definition_from_form(typed, course.definition.timezone)
        made = discounts.create_discount_code(ports(), course_id, definition)
    except (InvalidInput, Conflict, DependencyUnavailable) as refused:
        fields = refused.fields if isinstance(refused, InvalidInput) else {}
        beside = discount_form.beside_fields(fields)
        problem = "" if beside else f"{refused.message[:1].upper()}{refused.message[1:]}."
        return _codes_page(
            course_id, http.status_for(refused), problem=problem, values=typed, errors=beside
        )
    return _codes_done(course_id, "created", made.code.code)


@served("consoleExpireDiscountCode")
def expire_discount_code(course_id: str, code: str) -> Response[str]:
    try:
        expired = discounts.expire_discount_code(ports(), course_id, code)
    except (Conflict, DependencyUnavailable) as refused:
        problem = f"{refused.message[:1].upper()}{refused.message[1:]}."
        return _codes_page(course_id, http.status_for(refused), problem=problem)
    return _codes_done(course_id, "expired", expired.code.code)


@served("consoleCourseMoney")
def course_money(course_id: str) -> Response[str]:
    course, money = organisers.course_money_of(ports(), course_id)
    return _html(200, pages.money_page(_chrome(), course, money))


@served("consoleProgramme")
def programme(programme: str) -> Response[str]:
    overview = console.programme_overview(ports(), programme)
    return _html(200, pages.programme_page(_chrome(), overview))


# -- people ---------------------------------------------------------------------------------------


@served("consolePerson")
def person() -> Response[str]:
    found = console.person(ports(), _query("email"))
    status = 422 if found.problems else 200
    return _html(status, pages.person_page(_chrome(), found))


@served("consoleExportPerson")
def export_person() -> Response[str]:
    exported = organisers.export_person(ports(), console.person_to_find(_query("email")))
    response = http.json_response(200, exported)
    response.headers.update(
        {"Content-Disposition": http.attachment("personal-data.json"), "Cache-Control": "no-store"}
    )
    return response


@served("consoleEraseConfirmation")
def erase_confirmation() -> Response[str]:
    found = console.person_with_data(ports(), _query("email"))
    return _html(200, pages.erase_page(_chrome(), found))


@served("consoleErasePerson")
def erase() -> Response[str]:
    found = console.person_with_data(ports(), _typed("email"))
    if _typed("confirm") != "on":
        errors = {"confirm": "Tick the box to confirm, or go back to keep their data"}
        return _html(422, pages.erase_page(_chrome(), found, errors))
    result = organisers.erase_person(ports(), found.email)
    return _html(200, pages.erased_page(_chrome(), len(result["erased_applications"])))


# -- courses --------------------------------------------------------------------------------------


@served("consoleNewCourse")
def new_course() -> Response[str]:
    return _html(200, pages.course_form_page(_chrome(), course_form.blank_form(), editing=False))


@served("consoleEditCourse")
def edit_course(course_id: str) -> Response[str]:
    stored = courses.get_course(ports(), course_id)
    form = course_form.form_of(course_id, stored.definition)
    return _html(200, pages.course_form_page(_chrome(), form, editing=True))


@served("consoleSaveCourse")
def save_course() -> Response[str]:
    posted = _form()
    upload = course_form.upload_in(posted)
    typed = course_form.read_form(posted)
    change = posted.get("rows")
    if upload is None and isinstance(change, str) and change:
        # "Add a session", "Remove facilitator 2": the form again, nothing saved yet.
        changed = typed.with_rows_changed(change)
        editing = console.course_exists(ports(), typed.values["course_id"])
        return _html(200, pages.course_form_page(_chrome(), changed, editing=editing))
    course_id = upload.course_id if upload else typed.values["course_id"]
    try:
        definition = (
            course_form.definition_from_file(upload)
            if upload
            else course_form.definition_from_form(typed)
        )
        saved = courses.put_course(ports(), course_id, definition)
    except (InvalidInput, Conflict) as refused:
        again = course_form.shown_again(typed, upload, refused)
        page = pages.course_form_page(
            _chrome(),
            again.form,
            editing=upload is None and console.course_exists(ports(), course_id),
            upload_course_id=again.upload_course_id,
            upload_errors=again.upload_errors,
        )
        return _html(http.status_for(refused), page)
    return http.see_other(course_form.saved_location(saved))


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
    if not access.is_open(app.current_event.path) and _current_session() is None:
        return http.see_other("/console/sign-in")
    return _error(NotFound("there is no such page in the console"))


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    logger.exception("unhandled error", extra={"path": http.loggable_path(app.current_event.path)})
    return _html(500, pages.error_page(_chrome(), 500, "internal_error", "something went wrong"))


app.use(middlewares=[http.bounded_path, access.require_session])
served.check()

if bootstrap.taking_snapshot():
    # The console's pages compiled into the snapshot: the first organiser waits for none.
    load_templates("pages/")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
