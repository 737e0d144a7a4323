"""Public HTTP API (API Gateway HTTP API, payload 2.0): courses, applications, checkout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.domain.course import Course, is_valid_course_id
from booking.domain.errors import DependencyUnavailable, InvalidInput
from booking.domain.links import with_query
from booking.handlers import api_groups, http
from booking.handlers.form_again import form_again, typed_again
from booking.handlers.resolver import APIGatewayHttpResolver, Response
from booking.handlers.routes import Function, Served, methods_for, route_at
from booking.handlers.routes.groups import reader_of
from booking.handlers.views import application_out, course_out
from booking.services import applications, courses, invoicing, register
from booking.services.applications import ApplicationView, view_of
from booking.services.invoice_requests import group_invoice_due, invoice_offered

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.services.ports import Ports

logger = Logger(service="booking-api")
app = APIGatewayHttpResolver()
served = Served(app, Function.API)
# What its common requests read and write: the courses (every page), a submission's reads and
# transaction (with the groups naming the applicant), an application's status and checkout.
# The other stores (codes, ledgers, register, history, ...) load with the first request that
# calls them.
bootstrap.at_cold_start(
    repository_calls=(
        "list_courses",
        "get_course",
        "read_for_submission",
        "groups_of_person",
        "get_application",
        "save",
    )
)
# Every answer may be JSON or a page (its errors too): each says so, and the private ones
# (a token in the address or the answer) are never stored.
app.use(middlewares=[http.bounded_path, http.negotiation(Function.API)])


def _raw_body() -> bytes:
    return http.raw_body(app.current_event)


def _header(name: str) -> str | None:
    return app.current_event.headers.get(name) or app.current_event.headers.get(name.title())


def _query(name: str) -> str:
    return (app.current_event.query_string_parameters or {}).get(name, "")


def _pages() -> Any:
    # Jinja2 and the templates load only for browser requests: JSON clients never pay for them.
    from booking.handlers import pages

    return pages


def _html(status: int, page: str) -> Response[str]:
    return Response(status_code=status, content_type=http.HTML, body=page)


def _see_other(location: str) -> Response[str]:
    return http.see_other(location)


@served("home")
def home() -> Response[str]:
    # The site's front door is the list of courses.
    return _see_other(f"{ports().public_base_url}/courses")


@served("listCourses")
def list_courses() -> Response[str]:
    the_ports = ports()
    now = the_ports.clock()
    listed = courses.list_courses(the_ports)
    if http.wants_html(_header("accept")):
        return _html(200, _pages().courses_page(listed, now, the_ports.public_base_url))
    return http.json_response(200, [course_out(c, now).model_dump(mode="json") for c in listed])


def _apply_action(course_id: str) -> str:
    """Where the course's application form posts."""
    return f"{ports().public_base_url}/courses/{quote(course_id)}/applications"


def _offers(the_ports: Ports, course: Course) -> dict[str, bool]:
    """Whether the application page offers an invoice now: to the person, and to a manager
    booking places (``invoice_requests.group_invoice_due``: their form offers it by that)."""
    now = the_ports.clock()
    return {
        "invoice_offered": invoice_offered(the_ports, course, now),
        "group_invoice_offered": invoice_offered(the_ports, course, now, group_invoice_due),
    }


@served("getCourse")
def get_course(course_id: str) -> Response[str]:
    the_ports = ports()
    course = courses.get_course(the_ports, course_id)
    if http.wants_html(_header("accept")):
        # A person who lands here sees the course's page (the one with its form).
        action = _apply_action(course_id)
        page = _pages().apply_form(course, the_ports.clock(), action, **_offers(the_ports, course))
        return _html(200, page)
    return http.json_response(200, course_out(course, the_ports.clock()).model_dump(mode="json"))


@served("applicationForm")
def application_form(course_id: str) -> Response[str]:
    the_ports = ports()
    course = courses.get_course(the_ports, course_id)
    action = _apply_action(course_id)
    return _html(
        200, _pages().apply_form(course, the_ports.clock(), action, **_offers(the_ports, course))
    )


@served("submitApplication")
def submit_application(course_id: str) -> Response[str]:
    the_ports = ports()
    browser = http.wants_html(_header("accept"))
    payload = http.read_body(_raw_body(), _header("content-type"))
    key = http.idempotency_key(_header("idempotency-key"))
    try:
        view = applications.submit_application(the_ports, course_id, payload, key)
    except InvalidInput as invalid:
        if not browser:
            raise
        # A browser gets the form back, its answers kept and each error beside its field.
        course = courses.get_course(the_ports, course_id)
        action = _apply_action(course_id)
        values = typed_again(payload)
        page = _pages().apply_form(
            course,
            the_ports.clock(),
            action,
            values,
            invalid.fields,
            **_offers(the_ports, course),
        )
        return form_again(422, page)
    except DependencyUnavailable as exc:
        kept_view = exc.details.get("application")
        if not isinstance(kept_view, ApplicationView):
            raise
        # The application is stored; say so, and where to pay once Stripe is back.
        if browser:
            return _see_other(kept_view.status_url)
        return http.error_response(
            exc, application=application_out(kept_view).model_dump(mode="json")
        )
    if browser:
        return _see_other(view.checkout_url or view.status_url)
    return http.json_response(
        201, application_out(view).model_dump(mode="json"), {"Location": view.status_url}
    )


@served("getApplication")
def get_application(application_id: str) -> Response[str]:
    the_ports = ports()
    token = _query("token")
    view = applications.get_application(the_ports, application_id, token)
    if http.wants_html(_header("accept")):
        return _html(200, _status_page(view, token))
    return http.json_response(200, application_out(view).model_dump(mode="json"))


def _way_to_pay(base_url: str, application_id: str, token: str, way: str) -> str:
    """Where the status page's form for one action posts (``checkout``, ``invoice``, or
    ``decline-offer``)."""
    return with_query(f"{base_url}/applications/{quote(application_id)}/{way}", {"token": token})


def _status_page(view: ApplicationView, token: str) -> str:
    from booking.services.person_calendar import calendar_url  # a browser's page only

    the_ports = ports()
    course = courses.get_course(the_ports, view.course_id)
    restart = _way_to_pay(the_ports.public_base_url, view.application_id, token, "checkout")
    invoice = _way_to_pay(the_ports.public_base_url, view.application_id, token, "invoice")
    decline = _way_to_pay(the_ports.public_base_url, view.application_id, token, "decline-offer")
    # Stripe's return URLs carry checkout=success|cancelled: say what just happened.
    page: str = _pages().status_page(
        view,
        course,
        restart,
        _query("checkout"),
        invoice,
        certificate_url=register.certificate_download_url(the_ports, view.application_id, token),
        certificate_held=register.certificate_held(the_ports, view.application_id),
        calendar_url=calendar_url(the_ports, view.application_id, token),
        decline_action=decline,
        offer_flag=_query("offer"),
        leave_action=_way_to_pay(
            the_ports.public_base_url, view.application_id, token, "leave-waiting-list"
        ),
        left_flag=_query("left"),
    )
    return page


# -- certificates of completion ----------------------------------------------------------------


@served("downloadCertificate")
def download_certificate(application_id: str) -> Response[bytes]:
    # Bytes: the resolver base64-encodes them for API Gateway (isBase64Encoded).
    return Response(
        status_code=200,
        content_type="application/pdf",
        body=register.certificate_for_holder(ports(), application_id, _query("token")),
        headers={"Content-Disposition": http.attachment(register.CERTIFICATE_FILENAME)},
    )


@served("downloadSessionsCalendar")
def download_calendar(application_id: str) -> Response[str]:
    # Loaded by its link: no other answer needs the calendar's rules.
    from booking.services.person_calendar import persons_calendar

    filename, ics = persons_calendar(ports(), application_id, _query("token"))
    # The joining link is in it: never cached.
    headers = {"Content-Disposition": http.attachment(filename), "Cache-Control": "no-store"}
    return Response(200, "text/calendar; charset=utf-8", ics.decode("utf-8"), headers)


@served("verifyCertificate")
def verify_certificate(code: str) -> Response[str]:
    from booking.handlers.pages.certificate import certificate_page

    return _html(200, certificate_page(register.verify(ports(), code)))


@served("startCheckout")
def restart_checkout(application_id: str) -> Response[str]:
    the_ports = ports()
    http.takes_no_fields(_raw_body(), _header("content-type"), "paying now")
    view = applications.start_checkout(the_ports, application_id, _query("token"))
    if view.checkout_url is None:  # pragma: no cover - start_checkout always opens one
        raise DependencyUnavailable("no checkout could be opened")
    if http.wants_html(_header("accept")):
        return _see_other(view.checkout_url)
    return http.json_response(201, {"checkout_url": view.checkout_url})


@served("requestInvoice")
def request_invoice(application_id: str) -> Response[str]:
    """Invoice the employer now (an offer, an expired checkout, or a first try Stripe missed)."""
    the_ports = ports()
    http.takes_no_fields(_raw_body(), _header("content-type"), "paying by invoice")
    view = view_of(the_ports, invoicing.request_invoice(the_ports, application_id, _query("token")))
    if http.wants_html(_header("accept")):
        return _see_other(view.status_url)
    if view.invoice_url is None or view.invoice_due_at is None:  # pragma: no cover
        raise DependencyUnavailable("no invoice could be sent")
    return http.json_response(
        201, {"invoice_url": view.invoice_url, "invoice_due_at": view.invoice_due_at}
    )


class _Pressed(Protocol):
    """What a person's press did: their application after it, and whether an earlier press
    had done it already."""

    @property
    def application(self) -> Application: ...

    @property
    def already(self) -> bool: ...


@dataclass(frozen=True)
class _PersonsPress:
    """One of the person's own presses on their status page (turning down an offer, leaving
    the waiting list): ``doing``, in words for a body it refuses; a browser goes back to the
    status page, its ``flag`` saying what happened (done now, or by an earlier press); JSON
    gets the application, ``already_field`` and the sentence that fits."""

    doing: str
    flag: str
    flag_done: str
    flag_already: str
    already_field: str
    done: str
    already: str


_OFFER_DECLINED = _PersonsPress(
    doing="turning down a place",
    flag="offer",
    flag_done="declined",
    flag_already="already_declined",
    already_field="already_declined",
    done="You have turned down the place: it has gone back to the course for the next "
    "person, and we have emailed you to say so.",
    already="You had already turned down this place: nothing more has changed.",
)
_WAITING_LIST_LEFT = _PersonsPress(
    doing="leaving the waiting list",
    flag="left",
    flag_done="done",
    flag_already="already",
    already_field="already_left",
    done="You have left the waiting list, and we have emailed you to say so.",
    already="You had already left the waiting list: nothing more has changed.",
)


def _pressed(
    press: _PersonsPress, application_id: str, act: Callable[[Ports, str, str], _Pressed]
) -> Response[str]:
    """The person's ``press`` on their application, done by ``act`` (its use case, given the
    token), and its answer."""
    the_ports = ports()
    http.takes_no_fields(_raw_body(), _header("content-type"), press.doing)
    pressed = act(the_ports, application_id, _query("token"))
    view = view_of(the_ports, pressed.application)
    if http.wants_html(_header("accept")):
        flag = press.flag_already if pressed.already else press.flag_done
        return _see_other(with_query(view.status_url, {press.flag: flag}))
    return http.json_response(
        200,
        {
            "application_id": view.application_id,
            "status": view.status,
            press.already_field: pressed.already,
            "message": press.already if pressed.already else press.done,
            "status_url": view.status_url,
        },
    )


@served("declineOffer")
def decline_offer(application_id: str) -> Response[str]:
    """The person turns down the place offered to them."""
    from booking.services.offer_declines import decline_offer as declined_by_person

    return _pressed(_OFFER_DECLINED, application_id, declined_by_person)


@served("confirmLeavingWaitingList")
def confirm_leaving_waiting_list(application_id: str) -> Response[str]:
    """The question before leaving the waiting list: nothing changes here."""
    from booking.handlers.pages.leaving import leaving_page
    from booking.services.waiting_list_leaving import leave_asked

    the_ports = ports()
    token = _query("token")
    asked = leave_asked(the_ports, application_id, token)
    view = view_of(the_ports, asked.application)
    leave = _way_to_pay(the_ports.public_base_url, view.application_id, token, "leave-waiting-list")
    return _html(200, leaving_page(asked, leave_action=leave, status_url=view.status_url))


@served("leaveWaitingList")
def leave_waiting_list(application_id: str) -> Response[str]:
    """The person takes their application off the waiting list."""
    from booking.services.waiting_list_leaving import leave_waiting_list as left_by_person

    return _pressed(_WAITING_LIST_LEFT, application_id, left_by_person)


@served("openapi")
def openapi() -> Response[str]:
    from booking.handlers.openapi import openapi_document

    return http.json_response(200, openapi_document(ports().public_base_url))


def _error_page(status: int, code: str, message: str) -> str:
    # A refusal on the manager's or a colleague's routes points to their booking's page, or
    # to the person who booked the places, not to an application: the route table's word.
    event = app.current_event
    route = route_at(event.http_method, event.path, Function.API)
    reader = reader_of(None if route is None else route.operation_id)
    page: str = _pages().error_page(
        status, code, message, reader=reader, organisation=_organisation_of(event.path)
    )
    return page


def _organisation_of(path: str) -> str:
    """The centre running the course a public path names (``/courses/{id}/...``), for an error
    page's header ("You have already applied" was headed "Course booking");
    "" when the path names none, or it cannot be read now."""
    parts = path.split("/")
    course_id = unquote(parts[2]) if len(parts) > 2 and parts[1] == "courses" else ""
    if not is_valid_course_id(course_id):
        return ""
    try:
        course = ports().repository.get_course(course_id)
    except Exception:  # an error page is being answered: its header may do without the name
        return ""
    return (course.definition.organisation or "") if course is not None else ""


def _methods_for(path: str) -> list[str]:
    # Only unmatched requests get here: the route table says what the path answers (the
    # webhook's path included: API Gateway sends its other methods here).
    return methods_for(path, Function.API, Function.WEBHOOK)


http.install_error_handlers(
    app, logger, html_page=_error_page, methods_for=_methods_for, negotiates=Function.API
)
# Places booked by a manager: their routes, on this resolver.
api_groups.register(app, served)

served.check()

if bootstrap.taking_snapshot():
    # In the snapshot, Jinja2, the public pages (each loads with its first name asked of the
    # package) and their templates cost no browser a wait, nor do the group routes' use cases.
    _pages().load_templates("pages/")
    from booking.handlers.pages import apply as apply_page
    from booking.handlers.pages import courses as courses_page
    from booking.handlers.pages import error as error_page
    from booking.handlers.pages import status as status_page

    _public_pages = (apply_page, courses_page, error_page, status_page)
    api_groups.load()
    # The forms ask whether an invoice could still fall due in time (services.invoicing), which
    # reads England and Wales' bank holidays: loaded into the snapshot, this year's and the
    # next's days worked out, not by the first form a browser asks for after a restore.
    _ = bootstrap.ports().bank_holidays
    # Last: every model those loaded, built into the snapshot.
    bootstrap.snapshot_builds_every_model()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
