"""The organiser API's register (``/admin/courses/{course_id}/register...``), served on the
admin function's resolver (``handlers/admin.py`` calls :func:`serve`).

Its views and use cases are imported by the routes that call them: the admin function's cold
start (an organiser reading a roster) does not wait for them; a snapshot holds them (:func:`load`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from booking.bootstrap import ports
from booking.domain.validation import parse_json_strictly
from booking.handlers import http
from booking.handlers.resolver import Response
from booking.handlers.routes import Served
from booking.services import console


def load() -> None:
    """Import what the routes import when first called (a SnapStart snapshot holds it)."""
    from booking.handlers import register_views
    from booking.services import register

    _loaded = (register_views, register)


def serve(served: Served, body: Callable[[], dict[str, Any]]) -> None:
    """Bind the register's admin routes; ``body``: the request's JSON object."""

    @served("getRegister")
    def get_register(course_id: str) -> Response[str]:
        from booking.handlers.register_views import register_out
        from booking.services import register

        shown = register_out(register.register_of(ports(), course_id))
        return http.json_response(200, shown.model_dump(mode="json"))

    @served("markRegister")
    def mark_register(course_id: str) -> Response[str]:
        from booking.handlers.register_views import RegisterMarkIn, row_out
        from booking.services import register

        given = parse_json_strictly(RegisterMarkIn, body(), "the mark needs attention")
        application_id = console.application_id_for(ports(), given.application_id)
        row = register.mark(ports(), course_id, application_id, given.session, given.mark)
        return http.json_response(200, row_out(row).model_dump(mode="json"))

    @served("clearRegisterMark")
    def clear_register_mark(course_id: str) -> Response[str]:
        from booking.handlers.register_views import RegisterMarkClearIn, row_out
        from booking.services import register

        given = parse_json_strictly(RegisterMarkClearIn, body(), "the clear needs attention")
        application_id = console.application_id_for(ports(), given.application_id)
        # The console's Clear mark's one rule: only the mark the caller read is taken away.
        row = register.mark(ports(), course_id, application_id, given.session, None, given.shown)
        return http.json_response(200, row_out(row).model_dump(mode="json"))

    @served("importAttendance")
    def import_attendance(course_id: str) -> Response[str]:
        from booking.handlers.register_views import AttendanceImportIn, import_out
        from booking.services.attendance_importing import import_attendance

        given = parse_json_strictly(AttendanceImportIn, body(), "the import needs attention")
        done = import_attendance(ports(), course_id, given.session, given.export)
        return http.json_response(200, import_out(done).model_dump(mode="json"))

    @served("closeRegister")
    def close_register(course_id: str) -> Response[str]:
        from booking.handlers.register_views import closed_out
        from booking.services import register

        closed = register.close(ports(), course_id)
        return http.json_response(200, closed_out(closed).model_dump(mode="json"))

    @served("reissueCertificate")
    def reissue_certificate(course_id: str) -> Response[str]:
        from booking.handlers.register_views import CertificateReissueIn, reissued_out
        from booking.services import register

        given = parse_json_strictly(CertificateReissueIn, body(), "the reissue needs attention")
        application_id = console.application_id_for(ports(), given.application_id)
        done = register.reissue_certificate(ports(), course_id, application_id, given.printed_name)
        return http.json_response(
            200, reissued_out(done.application, emailed=done.emailed).model_dump(mode="json")
        )
