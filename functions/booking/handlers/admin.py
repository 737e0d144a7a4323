"""Organiser API (``/admin/...``): courses, rosters, approvals, cancellations, people's data.

API Gateway's JWT authorizer (Cognito) checks the bearer token before this function runs and
passes its claims on; this function checks them again, with the organiser scope. Under ``make
run`` the local stack stands in for the authorizer (the organiser token is the bearer token it
accepts) and passes the same claims: nothing here knows the difference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.domain.application import Application
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.course import CourseDefinition
from booking.domain.errors import InvalidInput
from booking.domain.organisers import ORGANISER_SCOPE, is_organiser
from booking.domain.page_seen import Seen, application_seen, cancel_seen, seen_digests
from booking.domain.payment_received import FIELDS as RECEIVED_FIELDS
from booking.domain.payment_received import received_from
from booking.domain.read_against import pressed_on
from booking.domain.validation import parse_json_strictly, refuse_unknown_fields
from booking.handlers import (
    admin_backfills,
    admin_courses,
    admin_given_back,
    admin_groups,
    admin_register,
    http,
)
from booking.handlers.address_parameters import READ_METHODS, refused_unless_taken
from booking.handlers.application_actions import serve_each
from booking.handlers.resolver import APIGatewayHttpResolver, NextMiddleware, Response
from booking.handlers.routes import Function, Served, methods_for, route_at
from booking.handlers.views import application_out
from booking.services import (
    bursaries,
    console,
    courses,
    discounts,
    finding,
    invoice_correction,
    invoice_instead,
    invoicing,
    lifecycle,
    organisers,
    paid_off_stripe,
    people,
    person_export,
    transfers,
    waiting_moves,
)
from booking.services.acted import Acted, acted
from booking.services.applications import view_of
from booking.services.move_choice import ChosenCohort

logger = Logger(service="booking-admin")
app = APIGatewayHttpResolver()
served = Served(app, Function.ADMIN)
bootstrap.at_cold_start()


def _authorise() -> None:
    event = app.current_event
    claims = (
        event.raw_event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims")
    )
    if not claims:
        raise http.Unauthorised("a valid organiser token is required")
    if not is_organiser(str(claims.get("scope", "")).split()):
        raise http.Forbidden(f"this token lacks the {ORGANISER_SCOPE} scope")


def _body() -> dict[str, Any]:
    """Every organiser route's body: a JSON object (no Content-Type is taken as JSON). A body of
    any other type is refused in those words, never read as what it was labelled: ``curl -d``
    labels JSON a form, whose one field named by the JSON text was then refused as unknown."""
    event = app.current_event
    data = http.raw_body(event)
    http.refuse_too_large(data)
    content_type = event.headers.get("content-type") or http.JSON
    if not http.is_json(content_type):
        if not data and http.media_type(content_type) == http.FORM:
            return {}  # ``curl -X POST -d ''``: no body is no fields
        raise http.UnsupportedMediaType(
            "the body must be JSON: send it with Content-Type: application/json"
        )
    return http.read_body(data or b"{}", content_type)


def _body_of(what: str, *fields: str) -> dict[str, Any]:
    """The JSON body of a request taking ``fields``; any other field is refused by its name,
    never ignored: ``{"to_course_id": ..., "refund": false}`` must not move the booking and
    refund the difference as if nothing else had been asked."""
    body = _body()
    refuse_unknown_fields(body, fields, f"the {what} needs attention")
    return body


def _seen_in(body: dict[str, Any]) -> Seen:
    """What the caller read before acting (``seen``: ``page_seen``'s digests), which the act
    then weighs: changed since, 409."""
    return Seen(seen_digests(body.get("seen")))


def _application_json(application: Application) -> dict[str, Any]:
    view = view_of(ports(), application)
    return {
        **application_out(view).model_dump(mode="json"),
        "status_reason": view.status_reason,  # as read: an offer past its time lapsed
        # Given back with a cancel, it acts only on the application as read (``page_seen``).
        "seen": application_seen(application, ports().clock()),
    }


def _require_organiser(
    resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[str]:
    _authorise()
    return next_middleware(resolver)


def _no_body_unless_taken(
    resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[str]:
    """A write the route table documents with no body takes no fields, checked here for every
    such route before it runs: a field sent is refused by its name (422), a body other than
    JSON (415), nothing done. Each route left it to itself, and two forgot: an erasure sent
    ``{"dry_run": true}`` erased the person, a register's close sent one closed it."""
    event = resolver.current_event
    if event.http_method not in READ_METHODS:
        found = route_at(event.http_method, event.path, Function.ADMIN)
        if found is not None and found.body is None:
            _body_of("request")
    return next_middleware(resolver)


# Every route needs an organiser: checked once, before any route runs (and before the path's
# shape, so strangers learn nothing from it).
app.use(
    middlewares=[
        _require_organiser,
        http.bounded_path,
        refused_unless_taken(Function.ADMIN),
        _no_body_unless_taken,
    ]
)


@served("putCourse")
def put_course(course_id: str) -> Response[str]:
    definition = parse_json_strictly(
        CourseDefinition, _body(), "the course definition needs attention"
    )
    the_ports = ports()
    existed = console.course_exists(the_ports, course_id)
    saved = courses.put_course(the_ports, course_id, definition)
    return http.json_response(200 if existed else 201, admin_courses.saved_json(the_ports, saved))


@served("roster")
def list_applications(course_id: str) -> Response[str]:
    wanted = (app.current_event.query_string_parameters or {}).get("format", "json")
    if wanted not in ("json", "csv"):
        raise InvalidInput("unknown format", {"format": "use json or csv"})
    if wanted == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=organisers.roster_csv(ports(), course_id),
            headers={"Content-Disposition": http.attachment(f"{course_id}-roster.csv")},
        )
    return http.json_response(200, organisers.roster(ports(), course_id))


@served("moneyTotals")
def money_totals(course_id: str) -> Response[str]:
    return http.json_response(200, organisers.money_totals(ports(), course_id))


@served("createDiscountCode")
def create_discount_code(course_id: str) -> Response[str]:
    definition = parse_json_strictly(
        DiscountCodeDefinition, _body(), "the discount code needs attention"
    )
    made = discounts.create_discount_code(ports(), course_id, definition)
    return http.json_response(201, discounts.code_view(made))


@served("listDiscountCodes")
def list_discount_codes(course_id: str) -> Response[str]:
    listed = discounts.course_codes(ports(), course_id)
    return http.json_response(200, [discounts.code_view(c) for c in listed.codes])


@served("expireDiscountCode")
def expire_discount_code(course_id: str, code: str) -> Response[str]:
    # It takes no fields (``_no_body_unless_taken``): a {"dry_run": true} never expires it.
    expired = discounts.expire_discount_code(ports(), course_id, code)
    return http.json_response(200, discounts.code_view(expired))


@served("getApplicationRecord")
def get_application(application_id: str) -> Response[str]:
    found = console.application_id_for(ports(), application_id)
    return http.json_response(200, organisers.application_record(ports(), found))


# -- actions on one application ---------------------------------------------------------------

Act = Callable[[str], Application | Acted]


def action(operation_id: str, *fields: str) -> Callable[[Act], Act]:
    """An organiser's action on one application, through one helper: the application named by
    its id or its reference (``CL-7K3Q9``, as the applicant reads it out), its body's fields
    (``fields``, no other) checked, the use case done, the application after it answered."""

    def bind(act: Act) -> Act:
        def answer(application_id: str) -> Response[str]:
            _body_of("request", *fields)
            done = acted(act(console.application_id_for(ports(), application_id)))
            return http.json_response(200, _application_json(done.application))

        served(operation_id)(answer)
        return act

    return bind


serve_each(action, console=False)


@action("grantBursary", "amount", "seen")
def grant_bursary(application_id: str) -> Acted:
    body = _body()
    read_against = pressed_on(_seen_in(body))
    return bursaries.grant_bursary(
        ports(), application_id, body.get("amount"), read_against=read_against
    )


@action("decline", "message")
def decline(application_id: str) -> Acted:
    return lifecycle.decline(ports(), application_id, _body().get("message"))


@action("cancel", "refund", "seen", "status_seen", "paid_seen")
def cancel(application_id: str) -> Acted:
    body = _body()
    refund = body.get("refund", False)
    if not isinstance(refund, bool):
        raise InvalidInput("the cancellation needs attention", {"refund": "true or false"})
    # What the caller last read (``domain.page_seen``): moved on since, 409 application_changed.
    given = cancel_seen(body.get("status_seen"), body.get("paid_seen"))
    seen = given.with_digests(seen_digests(body.get("seen")))
    return lifecycle.cancel(ports(), application_id, refund=refund, read_against=pressed_on(seen))


@served("transferBooking")
def transfer_booking(application_id: str) -> Response[str]:
    body = _body_of("move", "to_course_id", "wait", "seen", "course_seen")
    found = console.application_id_for(ports(), application_id)
    wait = body.get("wait", False)
    if not isinstance(wait, bool):
        raise InvalidInput("the move needs attention", {"wait": "true or false"})
    chosen = body.get("to_course_id")
    # What the caller last read (``domain.page_seen``), for whichever move it chose.
    choice = ChosenCohort.typed(chosen, course_seen=body.get("course_seen"), seen=body.get("seen"))
    if wait:
        # The organiser's choice for a full cohort: its waiting list (``domain.waiting_moves``).
        joined = waiting_moves.join_waiting_list(ports(), found, choice)
        moved = transfers.Transfer(joined, already=False)
    else:
        moved = transfers.transfer_booking(ports(), found, choice)
    answer = {**_application_json(moved.application), "moved_already": moved.already}
    return http.json_response(200, answer)


@action("refundAfterCancel", "seen")
def refund_afterwards(application_id: str) -> Acted:
    return lifecycle.refund_afterwards(ports(), application_id, _seen_in(_body()))


@served("recordPaymentOutsideStripe")
def record_payment_outside_stripe(application_id: str) -> Response[str]:
    body = _body_of("request", "seen", *RECEIVED_FIELDS)
    found = console.application_id_for(ports(), application_id)
    # When and how the money came, each optional (``domain.payment_received``).
    received = received_from({k: body[k] for k in RECEIVED_FIELDS if k in body})
    done = paid_off_stripe.record_payment(ports(), found, _seen_in(body), received)
    # What this request did, said: a second press's details are not recorded, and a caller
    # that sent them learns so here rather than reading a 200 as "recorded".
    after = done.application
    recorded = (
        "now" if done.changed else ("before" if after.payment_intent is None else "paid_at_stripe")
    )
    answer = {**_application_json(after), "recorded": recorded}
    return http.json_response(200, answer)


def _billing_act(act: Callable[..., Acted], application_id: str) -> Acted:
    """Correcting the invoice, or invoicing the employer instead: ``act`` on the billing
    details the body holds, weighing what the caller read (``seen``)."""
    body = _body()
    billing = invoice_correction.billing_typed(body)
    return act(ports(), application_id, billing, read_against=pressed_on(_seen_in(body)))


@action("correctInvoice", "seen", *invoice_correction.BILLING_FIELDS)
def correct_invoice(application_id: str) -> Acted:
    return _billing_act(invoice_correction.correct_invoice, application_id)


@action("invoiceInsteadOfCard", "seen", *invoice_correction.BILLING_FIELDS)
def invoice_instead_of_card(application_id: str) -> Acted:
    return _billing_act(invoice_instead.invoice_instead_of_card, application_id)


@action("voidInvoice", "seen")
def void_invoice(application_id: str) -> Acted:
    return invoicing.void_by_organiser(ports(), application_id, _seen_in(_body()))


@action("withdrawMove", "seen")
def withdraw_move(application_id: str) -> Application:
    return waiting_moves.withdraw_move(ports(), application_id, _seen_in(_body()))


@served("transferChoices")
def transfer_choices(application_id: str) -> Response[str]:
    found = console.application_id_for(ports(), application_id)
    choices = transfers.transfer_choices(ports(), found)
    return http.json_response(
        200,
        {
            "application_id": choices.application.application_id,
            "course_id": choices.course.course_id,
            "cohorts": [
                {
                    "course_id": c.course.course_id,
                    "name": c.name,
                    "status": c.status.value,
                    "places_left": c.course.places_left,  # as places_not_taken: kept
                    "places_not_taken": c.course.places_left,
                    "places_for_this_booking": c.places_for_it,
                    "waiting": c.course.waiting,
                    "price": c.course.definition.price.model_dump(mode="json"),
                    "can_move": c.refused is None,
                    "can_wait": c.can_wait,
                    "no_more_offers": c.too_late_to_offer,
                    "difference": c.difference,
                    "seen": c.seen,
                    "refusal": {"code": c.refused.code, "message": c.refused.message}
                    if c.refused
                    else None,
                }
                for c in choices.cohorts
            ],
        },
    )


# -- people -------------------------------------------------------------------------------------


def _person(email: str) -> str:
    """The address as applications store it: ``zoe@bücher.example`` finds the person stored as
    ``zoe@xn--bcher-kva.example``. The path arrives decoded (API Gateway's HTTP APIs decode
    it) and :func:`_person_path_kept` encoded its address once, so it is decoded once here:
    ``a%41b@...`` is that address, not ``aAb@...``."""
    return finding.person_address(unquote(email))


PEOPLE = "/admin/people/"


def _person_path_kept(event: dict[str, Any]) -> dict[str, Any]:
    """The event with the address of ``/admin/people/{email}`` encoded again as one path
    segment: decoded by API Gateway, an address the forms take with ``/``, ``#`` or ``?``
    (``slash/jo@example.org``) no longer fitted the route, so it could be neither exported
    nor erased."""
    path = str(event.get("rawPath", ""))
    if not path.startswith(PEOPLE):
        return event
    kept = PEOPLE + quote(path[len(PEOPLE) :], safe="@")
    context = event.get("requestContext", {})
    http_part = {**context.get("http", {}), "path": kept}
    return {**event, "rawPath": kept, "requestContext": {**context, "http": http_part}}


@served("exportPerson")
def export_person(email: str) -> Response[str]:
    return http.json_response(200, person_export.export_person(ports(), _person(email)))


@served("erasePerson")
def erase_person(email: str) -> Response[str]:
    return http.json_response(200, people.erase_person(ports(), _person(email)))


# The register's routes (``handlers/admin_register.py``); the courses' (``admin_courses.py``).
admin_register.serve(served, _body)
admin_courses.serve(served)
# A course's group bookings (``handlers/admin_groups.py``).
admin_groups.serve(served)
# An organiser's void of a group's invoice (``handlers/admin_groups.py``).
admin_groups.serve_group_invoice(served, _body_of)
admin_groups.serve_group_correction(served, _body_of)
# Money given back by hand (``handlers/admin_given_back.py``).
admin_given_back.serve(served, _body_of, _application_json)
# The operator's backfills (``handlers/admin_backfills.py``).
admin_backfills.serve(served, _body)
if bootstrap.taking_snapshot():
    # What those routes import when first called, in the snapshot: it costs nobody a wait.
    admin_register.load()
    admin_groups.load()
    admin_backfills.load()
    # Last: every model those loaded, built into the snapshot.
    bootstrap.snapshot_builds_every_model()


def _methods_for(path: str) -> list[str]:
    # Only unmatched requests get here, an organiser's (strangers were refused first): a known
    # path asked with a method it does not answer is a 405 naming those it does.
    return methods_for(path, Function.ADMIN)


# Unknown admin paths answer 401 to strangers too, so they reveal nothing.
http.install_error_handlers(app, logger, guard_unknown_paths=_authorise, methods_for=_methods_for)

served.check()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(_person_path_kept(event), context)
