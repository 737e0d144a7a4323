"""The API function's routes for places booked by a manager (``handlers.routes.groups``):
parse, call one use case of ``services.groups``, answer JSON or a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from booking.bootstrap import ports
from booking.domain.errors import InvalidInput, NotFound
from booking.handlers import http
from booking.handlers.group_views import group_out
from booking.handlers.routes import Served
from booking.handlers.views import application_out
from booking.services import courses, groups
from booking.services.application_view import view_of


def register(app: APIGatewayHttpResolver, served: Served) -> None:
    """Bind each route of the part to its handler on the API's resolver."""

    def header(name: str) -> str | None:
        headers = app.current_event.headers
        return headers.get(name) or headers.get(name.title())

    def token() -> str:
        return (app.current_event.query_string_parameters or {}).get("token", "")

    def browser() -> bool:
        return http.wants_html(header("accept"))

    def body() -> dict[str, Any]:
        return http.read_body(http.raw_body(app.current_event), header("content-type"))

    def html(status: int, page: str) -> Response[str]:
        return Response(status_code=status, content_type=http.HTML, body=page)

    def pages() -> Any:
        from booking.handlers.pages import groups as group_pages

        return group_pages

    def place_number(place: str) -> int:
        # Any other text names no place: the same answer as a wrong link.
        if not place.isdecimal() or not 1 <= int(place) <= 99:
            raise NotFound("no such place")
        return int(place)

    def booking_action(course_id: str) -> str:
        return f"{ports().public_base_url}/courses/{quote(course_id)}/group-bookings"

    def place_action(group_id: str, place: int, link_token: str) -> str:
        return (
            f"{ports().public_base_url}/groups/{quote(group_id)}/places/{place}/applications"
            f"?token={quote(link_token)}"
        )

    def on_to_manager(view: groups.GroupView) -> Response[str]:
        if browser():
            return http.see_other(view.manager_url)
        return http.json_response(200, group_out(view).model_dump(mode="json"))

    @served("groupBookingForm")
    def group_booking_form(course_id: str) -> Response[str]:
        the_ports = ports()
        course = courses.get_course(the_ports, course_id)
        return html(200, pages().group_form(course, the_ports.clock(), booking_action(course_id)))

    @served("bookPlaces")
    def book_places(course_id: str) -> Response[str]:
        the_ports = ports()
        payload = body()
        # The HTML form carries its key as a hidden field (a browser sends no header): a
        # double submit of one form is one booking.
        key = header("idempotency-key") or (str(payload.get("idempotency_key") or "") or None)
        if key is not None and not 1 <= len(key) <= 255:
            raise http.BadRequest("Idempotency-Key must be 1 to 255 characters")
        try:
            view = groups.book_places(the_ports, course_id, payload, key)
        except InvalidInput as invalid:
            if not browser():
                raise
            course = courses.get_course(the_ports, course_id)
            values = {k: v for k, v in payload.items() if k != "website"}
            page = pages().group_form(
                course, the_ports.clock(), booking_action(course_id), values, invalid.fields
            )
            return html(422, page)
        if browser():
            return http.see_other(view.pay_url or view.manager_url)
        return http.json_response(
            201, group_out(view).model_dump(mode="json"), {"Location": view.manager_url}
        )

    @served("getGroup")
    def get_group(group_id: str) -> Response[str]:
        the_ports = ports()
        view = groups.get_group(the_ports, group_id, token())
        if browser():
            return html(200, pages().manager_page(view, the_ports.public_base_url))
        return http.json_response(200, group_out(view).model_dump(mode="json"))

    @served("substitutePlace")
    def substitute_place(group_id: str, place: str) -> Response[str]:
        number = place_number(place)
        return on_to_manager(groups.substitute(ports(), group_id, token(), number, body()))

    @served("cancelPlace")
    def cancel_place(group_id: str, place: str) -> Response[str]:
        if len(http.raw_body(app.current_event)) > http.MAX_BODY_BYTES:
            raise http.PayloadTooLarge("the body is too large")
        number = place_number(place)
        return on_to_manager(groups.cancel_place(ports(), group_id, token(), number))

    @served("placeApplicationForm")
    def place_application_form(group_id: str, place: str) -> Response[str]:
        number = place_number(place)
        opened = groups.open_place(ports(), group_id, number, token())
        return html(200, pages().place_form(opened, place_action(group_id, number, token())))

    @served("applyForPlace")
    def apply_for_place(group_id: str, place: str) -> Response[str]:
        the_ports = ports()
        number = place_number(place)
        payload = body()
        try:
            saved = groups.apply_for_place(the_ports, group_id, number, token(), payload)
        except InvalidInput as invalid:
            if not browser():
                raise
            opened = groups.open_place(the_ports, group_id, number, token())
            values = {k: v for k, v in payload.items() if k != "website"}
            action = place_action(group_id, number, token())
            return html(422, pages().place_form(opened, action, values, invalid.fields))
        view = view_of(the_ports, saved)
        if browser():
            return http.see_other(view.status_url)
        return http.json_response(
            201, application_out(view).model_dump(mode="json"), {"Location": view.status_url}
        )

    _registered: tuple[Callable[..., Response[str]], ...] = (
        group_booking_form,
        book_places,
        get_group,
        substitute_place,
        cancel_place,
        place_application_form,
        apply_for_place,
    )
