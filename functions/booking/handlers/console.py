"""The organisers' console (``/console``): server-rendered pages over the organiser use cases.

No API Gateway authorizer stands in front of these routes: a browser cannot send a bearer
token on a link or a form. Every page but those open to all (signing in, where signing out
lands) needs a session: its cookie names a session kept on the server
(``services/console_sessions.py``), so signing out, or "sign out everywhere", ends it for every
copy of the cookie. Without a live session a page answers 303 to the sign-in page, and every
POST must carry the session's CSRF token or is refused with 403 before anything changes.

Signing in is OAuth 2.0's authorization code with PKCE against the organisers' identity
provider (``OrganiserSignIn``: Cognito's hosted sign-in in AWS; under ``make run`` the local
stack's stand-in, where the organiser token is the password): ``console_sign_in.py``.

Every action calls the same use case as the ``/admin`` API, so the console can do nothing the
API could not; each handler parses, calls one service and answers. The resolver and what every
page shares are in ``console_app.py``; the codes and money pages in ``console_codes.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.domain.application import Application
from booking.domain.application_form import box_ticked
from booking.domain.errors import (
    BookingError,
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
)
from booking.domain.links import with_query
from booking.domain.money import said_as_typed, typed_pounds
from booking.domain.read_against import pressed_on
from booking.domain.wording import moment_when
from booking.handlers import console_access as access
from booking.handlers import (
    console_answers,  # noqa: F401  # its routes, registered on app
    console_cancel,  # its routes, registered on app; the cancel reads its form
    console_codes,  # noqa: F401  # its routes, registered on app
    console_courses,  # noqa: F401  # its routes, registered on app
    console_follow_ups,  # noqa: F401  # its routes, registered on app
    console_given_back,  # its confirmation, registered on app; the press below
    console_group_correction,  # noqa: F401  # its routes, registered on app
    console_group_given_back,  # noqa: F401  # its routes, registered on app
    console_groups,  # noqa: F401  # its routes, registered on app
    console_invoice_correction,  # its page, registered on app; its press below
    console_invoice_instead,  # likewise
    console_paid_off_stripe,  # its confirmation, registered on app; the press below
    console_register,  # noqa: F401  # its routes, registered on app
    console_sign_in,  # noqa: F401  # its routes, registered on app
    console_transfers,  # noqa: F401  # its routes, registered on app
    course_saved,
    http,
)
from booking.handlers import console_application as application_pages
from booking.handlers import console_pages as pages
from booking.handlers import console_people_pages as people_pages
from booking.handlers.address_parameters import refused_unless_taken
from booking.handlers.application_actions import serve_each
from booking.handlers.console_app import (
    after_action,
    app,
    bursary_form_seen,
    changed_since_shown,
    chrome,
    current_session,
    form_seen,
    html_page,
    logger,
    notice_here,
    posted_form,
    press_posted,
    press_row,
    query_value,
    served,
    typed_value,
)
from booking.handlers.console_billing_form import billing_again, billing_press
from booking.handlers.console_notices import notice_of
from booking.handlers.logged_errors import log_unexpected
from booking.handlers.pages.templates import load_templates
from booking.handlers.resolver import Response
from booking.handlers.routes import Function, methods_for
from booking.handlers.sentences import capitalised, sentence
from booking.services import (
    bursaries,
    console,
    courses,
    finding,
    follow_ups,
    lifecycle,
    offer_again,
    organisers,
    person_found,
)
from booking.services.acted import Acted, acted
from booking.services.course_seats import course_seats

# -- reading -------------------------------------------------------------------------------------


@served("consoleHome")
def home() -> Response[str]:
    return html_page(200, pages.home_page(chrome(), console.course_summaries(ports())))


@served("consoleSearch")
def search() -> Response[str]:
    typed = query_value("q")
    found = finding.find(ports(), typed)
    if found.named is not None:
        named = people_pages.named_page(chrome(), typed.strip(), found.named, found.groups or [])
        return html_page(200, named)
    if found.application_id:
        return http.see_other(f"/console/applications/{quote(found.application_id)}")
    return http.see_other(with_query("/console/people", {"email": found.email or ""}))


@served("consoleCourse")
def course(course_id: str) -> Response[str]:
    listing = console.course_applications(
        ports(), course_id, query_value("status"), query_value("q")
    )
    status = 422 if listing.problems else 200
    notice = notice_here()
    said = (
        course_saved.saved_said(
            notice.code,
            listing,
            lambda ids: courses.cohort_names(ports(), ids),
            lambda keys: follow_ups.replies_said(ports(), listing.course, keys),
            lambda: courses.late_invoices_said(ports(), listing.course),
        )
        if notice.done == course_saved.SAVED
        else []
    )
    seats = course_seats(ports(), listing.course)
    return html_page(status, pages.course_page(chrome(), listing, ports().clock(), seats, said))


@served("consoleRosterCsv")
def roster_csv(course_id: str) -> Response[str]:
    body = organisers.roster_csv(ports(), course_id)
    return http.csv_download(f"{course_id}-roster.csv", body)


# -- actions -------------------------------------------------------------------------------------

Action = Callable[[str], Application | Acted]
FormAgain = Callable[[str, BookingError], Response[str] | None]


def action(operation_id: str, again: FormAgain | None = None) -> Callable[[Action], Action]:
    """A form on an application's page, through one helper: the use case done, on to the
    application's page saying so; refused (a mistake, a state that changed meanwhile, Stripe
    unavailable), the page again saying why, beside the field it concerns where there is one,
    with what was typed kept (``again``: a form on a page of its own, an act's confirmation
    with fields, said there again; None from it for a refusal of another kind)."""

    def bind(act: Action) -> Action:
        done = served.routes[operation_id].done

        def answer(application_id: str) -> Response[str]:
            try:
                after = act(application_id)
            except InvalidInput as mistaken:
                form = again(application_id, mistaken) if again is not None else None
                return form if form is not None else _refused(application_id, mistaken)
            except (Conflict, DependencyUnavailable) as refused:
                # A page changed since it was opened: a form of its own shown again as things
                # are now, what was typed kept (``again``'s to say).
                kept = (
                    again(application_id, refused)
                    if again and changed_since_shown(refused)
                    else None
                )
                return kept if kept is not None else _refused(application_id, refused)
            said = notice_of(str(done), acted(after))
            return after_action(f"/console/applications/{quote(application_id)}", said)

        served(operation_id)(answer)
        return act

    return bind


def _refused(application_id: str, error: BookingError) -> Response[str]:
    typed = {k: v for k, v in posted_form().items() if isinstance(v, str) and k != "csrf_token"}
    fields = error.fields if isinstance(error, InvalidInput) else {}
    # Money is typed here in pounds: the use case's minor units are said as typed.
    beside = {k: said_as_typed(capitalised(v)) for k, v in fields.items() if k in typed}
    detail = console.application_detail(ports(), application_id)
    message = said_as_typed(error.message)
    problem = "" if beside else sentence(message)
    page = application_pages.application_page(
        chrome(), detail, problem=problem, values=typed, errors=beside
    )
    return html_page(http.status_for(error), page)


serve_each(action, console=True)


@action("consoleDecline")
def decline(application_id: str) -> Acted:
    return lifecycle.decline(ports(), application_id, typed_value("message") or None)


@action("consoleCancel")
def cancel(application_id: str) -> Acted:
    # A ticked box by the one rule; any other value is refused beside the box, never read as
    # "keep the money".
    refund = box_ticked(posted_form(), "refund")
    read_against = pressed_on(console_cancel.seen())
    return lifecycle.cancel(ports(), application_id, refund=refund, read_against=read_against)


action("consoleRefund")(console_cancel.refund_afterwards)  # the Refund button (page_seen)
action("consoleVoidInvoice")(console_cancel.void_invoice)  # its confirmation's (page_seen)
paid_off = console_paid_off_stripe  # paid outside Stripe: a mistake is said on its own page
action("consoleRecordPayment", paid_off.form_again)(paid_off.record_payment)
given_back = console_given_back  # given back by hand: a mistake is said on its own page
action("consoleGiveBack", given_back.form_again)(given_back.record_given_back)
# The billing forms: a mistake in the details typed is said on the form again.
correction = console_invoice_correction.CORRECTION
action("consoleCorrectInvoice", billing_again(correction))(billing_press(correction))
instead = console_invoice_instead.INSTEAD  # the employer invoiced instead of the card
action("consoleInvoiceInsteadOfCard", billing_again(instead))(billing_press(instead))


@action("consoleResendOffer")
def resend_offer(application_id: str) -> Acted:
    # Only a press this session's page issued (as *Send the invitation again*): once per press.
    press = press_posted(press_row("offer", application_id))
    return offer_again.send_offer_again(ports(), application_id, press or "")


@action("consoleGrantBursary")
def bursary(application_id: str) -> Acted:
    # Typed in pounds; the use case counts in pence, as Stripe does, and says its bound (the
    # place's price) of an amount beyond it.
    amount = typed_pounds(typed_value("amount"), "amount", what="the bursary")
    # What the page showed (``domain.page_seen``; an older page's ``bursary_seen``): one granted
    # since by another tab or organiser is refused, never silently replaced.
    read_against = pressed_on(bursary_form_seen())
    return bursaries.grant_bursary(ports(), application_id, amount, read_against=read_against)


# -- people ---------------------------------------------------------------------------------------


@served("consolePerson")
def person() -> Response[str]:
    found = person_found.person(ports(), query_value("email"))
    status = 422 if found.problems else 200
    return html_page(status, people_pages.person_page(chrome(), found))


@served("consoleExportPerson")
def export_person() -> Response[str]:
    # Export and erasure (and the person pages, services.person_found) load services.people when
    # first asked: no other page uses it.
    from booking.services import person_export

    exported = person_export.export_person(
        ports(), person_found.person_to_find(query_value("email"))
    )
    response = http.json_response(200, exported)
    response.headers.update(
        {"Content-Disposition": http.attachment("personal-data.json"), "Cache-Control": "no-store"}
    )
    return response


@served("consolePersonRecord")
def person_record() -> Response[str]:
    # Loaded when first asked, as export and erasure load services.people.
    from booking.handlers.console_person_record import record_page
    from booking.services.person_record import person_record as record_of

    record = record_of(ports(), query_value("email"))
    now = moment_when(ports().clock(), "Europe/London")
    return html_page(200, record_page(chrome(), record, now))


@served("consoleEraseConfirmation")
def erase_confirmation() -> Response[str]:
    found = person_found.person_with_data(ports(), query_value("email"))
    return html_page(200, people_pages.erase_page(chrome(), found))


@served("consoleErasePerson")
def erase() -> Response[str]:
    found = person_found.person_with_data(ports(), typed_value("email"), erasing=True)
    try:
        confirmed = box_ticked(posted_form(), "confirm")
    except InvalidInput as unclear:
        confirmed, refused = False, capitalised(unclear.fields["confirm"])
    else:
        refused = "Tick the box to confirm, or go back to keep their data"
    if not confirmed:
        return html_page(422, people_pages.erase_page(chrome(), found, {"confirm": refused}))
    from booking.services import people  # loaded by an erasure only (test_cold_start_imports)

    try:
        # What its page showed (``page_seen.person_facts``): held since, erased nothing.
        seen = form_seen(page="the person's page")
        result = people.erase_person(ports(), found.email, seen)
    except (Conflict, InvalidInput) as changed:
        page = people_pages.erase_page(chrome(), found, problem=sentence(changed.message))
        return html_page(http.status_for(changed), page)
    return html_page(200, people_pages.erased_page(chrome(), result["said"]))


# -- errors ---------------------------------------------------------------------------------------


def _error(error: BookingError) -> Response[str]:
    status = http.status_for(error)
    logger.info(
        "console request refused",
        extra={"code": error.code, "path": http.loggable_path(app.current_event.path)},
    )
    answer = html_page(status, pages.error_page(chrome(), status, error.code, error.message))
    if isinstance(error, http.MethodNotAllowed):
        answer.headers["Allow"] = ", ".join(error.allowed)
    return answer


@app.exception_handler(BookingError)  # type: ignore[untyped-decorator]
def refused(error: BookingError) -> Response[str]:
    return _error(error)


@app.not_found
def not_found(_: Exception) -> Response[str]:
    path = app.current_event.path
    if not access.is_open(path) and current_session() is None:
        return http.see_other("/console/sign-in")
    # A page or action the console has, asked with a method it does not answer there (with
    # one it answers, the path's value is one the resolver does not take: no such page).
    allowed = methods_for(path, Function.CONSOLE)
    if allowed and app.current_event.http_method not in allowed:
        return _error(http.MethodNotAllowed(allowed))
    return _error(NotFound("there is no such page in the console"))


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    path = http.loggable_path(app.current_event.path)
    log_unexpected(logger, "unhandled error", error, path=path)
    return html_page(500, pages.error_page(chrome(), 500, "internal_error", "something went wrong"))


# A write's address parameters as /admin's, once the session is known.
app.use(
    middlewares=[
        http.bounded_path,
        access.require_session,
        refused_unless_taken(Function.CONSOLE),
    ]
)
# Every route of the console served, those of its areas (console_codes) included.
served.check()

if bootstrap.taking_snapshot():
    # The console's pages compiled into the snapshot: the first organiser waits for none; nor
    # for what the person pages (their printable record among them), the group bookings' page
    # and its buttons, a cancel of a group's place and a payment recorded outside Stripe (the
    # money path's invoice event) load when first asked.
    load_templates("pages/")
    from booking.handlers import console_person_record  # noqa: F401
    from booking.services import (
        group_changes,  # noqa: F401
        group_invoice_correction,  # noqa: F401
        group_invoice_resend,  # noqa: F401
        group_invoice_void,  # noqa: F401
        group_overview,  # noqa: F401
        payments,  # noqa: F401
        people,  # noqa: F401
        person_export,  # noqa: F401
    )
    from booking.services import person_record as _record  # noqa: F401

    # Last: every model those loaded, built into the snapshot.
    bootstrap.snapshot_builds_every_model()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
