"""The API function's routes for places booked by a manager (``handlers.routes.groups``):
parse, call one use case (``services.group_booking``, ``group_changes``, ``group_applying``),
answer JSON or a page.

Few of the API's requests are a group's: the use cases and their views are imported by the
routes that call them, so the API's cold start (a person applying for themselves) does not
wait for them (``tests/unit/test_cold_start_imports.py``; loaded at init in a snapshot).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.errors import CourseFull, InvalidInput, NotFound
from booking.domain.links import with_query
from booking.handlers import http
from booking.handlers.form_again import form_again, typed_again
from booking.handlers.resolver import APIGatewayHttpResolver, Response
from booking.handlers.routes import Served
from booking.services import courses
from booking.services.invoice_requests import group_invoice_due, invoice_offered

if TYPE_CHECKING:
    from booking.services.groups import GroupView


class _Request:
    """What the routes read of the request being served (the resolver's current event)."""

    def __init__(self, app: APIGatewayHttpResolver) -> None:
        self._app = app

    def header(self, name: str) -> str | None:
        headers = self._app.current_event.headers
        return headers.get(name) or headers.get(name.title())

    def token(self) -> str:
        return (self._app.current_event.query_string_parameters or {}).get("token", "")

    def browser(self) -> bool:
        return http.wants_html(self.header("accept"))

    def raw_body(self) -> bytes:
        return http.raw_body(self._app.current_event)

    def body(self) -> dict[str, Any]:
        return http.read_body(self.raw_body(), self.header("content-type"))


def _html(status: int, page: str) -> Response[str]:
    return Response(status_code=status, content_type=http.HTML, body=page)


def _pages() -> Any:
    from booking.handlers.pages import groups as group_pages

    return group_pages


def load() -> None:
    """Import what the routes import when first called (a SnapStart snapshot holds it)."""
    from booking.handlers import group_views
    from booking.services import group_applying, group_booking, group_changes, groups

    _loaded = (group_views, group_applying, group_booking, group_changes, groups)


def _place_number(place: str) -> int:
    # Any other text names no place: the same answer as a wrong link.
    if not place.isdecimal() or not 1 <= int(place) <= 99:
        raise NotFound("no such place")
    return int(place)


def _booking_action(course_id: str) -> str:
    return f"{ports().public_base_url}/courses/{quote(course_id)}/group-bookings"


def _place_action(group_id: str, place: int, link_token: str) -> str:
    return with_query(
        f"{ports().public_base_url}/groups/{quote(group_id)}/places/{place}/applications",
        {"token": link_token},
    )


def register(app: APIGatewayHttpResolver, served: Served) -> None:
    """Bind each route of the part to its handler on the API's resolver."""
    request = _Request(app)
    _register_booking(request, served)
    _register_manager(request, served)
    _register_places(request, served)


def _register_booking(request: _Request, served: Served) -> None:
    """The manager's booking form and the booking it sends."""

    @served("groupBookingForm")
    def group_booking_form(course_id: str) -> Response[str]:
        the_ports = ports()
        course = courses.get_course(the_ports, course_id)
        offered = invoice_offered(the_ports, course, the_ports.clock(), group_invoice_due)
        page = _pages().group_form(
            course, the_ports.clock(), _booking_action(course_id), invoice_offered=offered
        )
        return _html(200, page)

    @served("bookPlaces")
    def book_places(course_id: str) -> Response[str]:
        from booking.handlers.group_views import group_out
        from booking.services import group_booking

        the_ports = ports()
        payload = request.body()
        # The HTML form carries its key as a hidden field (a browser sends no header): a
        # double submit of one form is one booking.
        key = http.idempotency_key(
            request.header("idempotency-key") or (str(payload.get("idempotency_key") or "") or None)
        )
        try:
            view = group_booking.book_places(the_ports, course_id, payload, key)
        except (InvalidInput, CourseFull) as refused:
            if not request.browser():
                raise
            # The form again, the answers kept, the refusal beside what to change (fewer
            # colleagues, when the places left are fewer).
            course = courses.get_course(the_ports, course_id)
            fields = (
                refused.fields
                if isinstance(refused, InvalidInput)
                else {"colleagues": refused.message}
            )
            page = _pages().group_form(
                course,
                the_ports.clock(),
                _booking_action(course_id),
                typed_again(payload),
                fields,
                invoice_offered=invoice_offered(
                    the_ports, course, the_ports.clock(), group_invoice_due
                ),
            )
            return form_again(422 if isinstance(refused, InvalidInput) else 409, page)
        if request.browser():
            return http.see_other(view.pay_url or view.manager_url)
        return http.json_response(
            201, group_out(view).model_dump(mode="json"), {"Location": view.manager_url}
        )

    _registered: tuple[Callable[..., Response[str]], ...] = (group_booking_form, book_places)


def _register_manager(request: _Request, served: Served) -> None:
    """The manager's page, and their changes to the places (through their link's token)."""

    def on_to_manager(view: GroupView) -> Response[str]:
        from booking.handlers.group_views import group_out

        if request.browser():
            return http.see_other(view.manager_url)
        return http.json_response(200, group_out(view).model_dump(mode="json"))

    @served("getGroup")
    def get_group(group_id: str) -> Response[str]:
        from booking.services import groups

        the_ports = ports()
        view = groups.get_group(the_ports, group_id, request.token())
        if request.browser():
            return _html(200, _pages().manager_page(view, the_ports.public_base_url))
        return on_to_manager(view)

    @served("substitutePlace")
    def substitute_place(group_id: str, place: str) -> Response[str]:
        from booking.services import group_changes

        number = _place_number(place)
        try:
            view = group_changes.substitute(
                ports(), group_id, request.token(), number, request.body()
            )
        except InvalidInput as refused:
            if not request.browser():
                raise
            from booking.handlers.pages.error import error_page

            # The page says what to change (the box to tick, the address to correct).
            said = "; ".join(refused.fields.values()) or refused.message
            return _html(422, error_page(422, refused.code, said))
        return on_to_manager(view)

    @served("cancelPlace")
    def cancel_place(group_id: str, place: str) -> Response[str]:
        from booking.services import group_changes

        http.takes_no_fields(
            request.raw_body(), request.header("content-type"), "giving up a place"
        )
        number = _place_number(place)
        return on_to_manager(group_changes.cancel_place(ports(), group_id, request.token(), number))

    _registered: tuple[Callable[..., Response[str]], ...] = (
        get_group,
        substitute_place,
        cancel_place,
    )


def _register_places(request: _Request, served: Served) -> None:
    """A colleague's own form for their place, and the application it sends."""

    @served("placeApplicationForm")
    def place_application_form(group_id: str, place: str) -> Response[str]:
        from booking.services import group_applying

        number = _place_number(place)
        link_token = request.token()
        opened = group_applying.open_place(ports(), group_id, number, link_token)
        return _html(200, _pages().place_form(opened, _place_action(group_id, number, link_token)))

    @served("applyForPlace")
    def apply_for_place(group_id: str, place: str) -> Response[str]:
        from booking.handlers.views import application_out
        from booking.services import group_applying
        from booking.services.application_view import view_of

        the_ports = ports()
        number = _place_number(place)
        link_token = request.token()
        payload = request.body()
        try:
            saved = group_applying.apply_for_place(the_ports, group_id, number, link_token, payload)
        except InvalidInput as invalid:
            if not request.browser():
                raise
            opened = group_applying.open_place(the_ports, group_id, number, link_token)
            action = _place_action(group_id, number, link_token)
            page = _pages().place_form(opened, action, typed_again(payload), invalid.fields)
            return form_again(422, page)
        view = view_of(the_ports, saved)
        if request.browser():
            return http.see_other(view.status_url)
        return http.json_response(
            201, application_out(view).model_dump(mode="json"), {"Location": view.status_url}
        )

    _registered: tuple[Callable[..., Response[str]], ...] = (
        place_application_form,
        apply_for_place,
    )
