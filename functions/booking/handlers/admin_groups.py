"""The organiser API's view of a course's group bookings
(``GET /admin/courses/{course_id}/group-bookings``), served on the admin function's resolver
(``handlers/admin.py`` calls :func:`serve`).

Its views and use cases are imported by the routes that call them: the admin function's cold
start (an organiser reading a roster) does not wait for them; a snapshot holds them (:func:`load`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from booking.bootstrap import ports
from booking.handlers import http
from booking.handlers.resolver import Response
from booking.handlers.routes import Served


def load() -> None:
    """Import what the routes import when first called (a SnapStart snapshot holds it)."""
    from booking.handlers import group_views
    from booking.services import (
        group_invoice_correction,
        group_invoice_resend,
        group_invoice_void,
        group_overview,
    )

    _loaded = (
        group_views,
        group_invoice_correction,
        group_invoice_resend,
        group_invoice_void,
        group_overview,
    )


def serve(served: Served) -> None:
    """Bind the route."""

    @served("courseGroupBookings")
    def group_bookings(course_id: str) -> Response[str]:
        from booking.handlers.group_views import group_bookings_out
        from booking.services.group_overview import course_group_bookings

        the_ports = ports()
        found = course_group_bookings(the_ports, course_id)
        shown = group_bookings_out(found, the_ports.public_base_url)
        return http.json_response(200, shown.model_dump(mode="json"))


def serve_group_invoice(served: Served, takes_no_fields: Callable[..., dict[str, Any]]) -> None:
    """Bind the organiser's void and resend of a group's invoice (``routes/group_invoice.py``);
    ``takes_no_fields``: the body, with any field but those named refused by its name
    (``admin._body_of``)."""

    @served("voidGroupInvoice")
    def void_group_invoice(group_id: str) -> Response[str]:
        from booking.domain.page_seen import OF_THE_GROUP, Seen, seen_digests
        from booking.services import group_invoice_void
        from booking.services.group_overview import line_of

        # ``seen`` alone (the group's, as last read: compared when given, as every /admin
        # confirmation's); any other field is refused by its name, never ignored.
        body = takes_no_fields("void", "seen")
        seen = Seen(seen_digests(body.get("seen"), OF_THE_GROUP))
        the_ports = ports()
        voided = group_invoice_void.void_group_invoice(the_ports, group_id, seen)
        line = line_of(the_ports, voided)
        return http.json_response(200, line.model_dump(mode="json"))

    @served("recordGroupPaymentOutsideStripe")
    def record_group_payment(group_id: str) -> Response[str]:
        from booking.domain.employer_share import paid_off_stripe as off_stripe
        from booking.domain.payment_received import FIELDS, received_from
        from booking.handlers.group_views import GroupPaymentRecordedOut
        from booking.services import paid_off_stripe
        from booking.services.group_overview import line_of

        # Any other field sent is refused by its name, never ignored; these are optional.
        body = takes_no_fields("payment", *FIELDS)
        received = received_from({k: body[k] for k in FIELDS if k in body})
        the_ports = ports()
        paid, changed = paid_off_stripe.record_group_payment(the_ports, group_id, received=received)
        # What this request did, said (a second run, or an invoice its payer
        # paid at Stripe, read as if recorded now).
        recorded = "now" if changed else ("before" if off_stripe(paid) else "paid_at_stripe")
        line = line_of(the_ports, paid).model_dump()
        answer = GroupPaymentRecordedOut(**line, recorded=recorded)
        return http.json_response(200, answer.model_dump(mode="json"))

    @served("resendGroupInvoice")
    def resend_group_invoice(group_id: str) -> Response[str]:
        from booking.services import group_invoice_resend
        from booking.services.group_overview import line_of

        takes_no_fields("resend")  # {"x": 1} was once taken and the invoice sent
        the_ports = ports()
        sent = group_invoice_resend.resend_group_invoice(the_ports, group_id)
        return http.json_response(200, line_of(the_ports, sent).model_dump(mode="json"))


def serve_group_correction(served: Served, takes_no_fields: Callable[..., dict[str, Any]]) -> None:
    """Bind the organiser's correction of a group's invoice
    (``routes/group_invoice_correction.py``); ``takes_no_fields`` as for the void."""

    @served("correctGroupInvoice")
    def correct_group_invoice(group_id: str) -> Response[str]:
        from booking.domain.page_seen import OF_THE_GROUP, Seen, seen_digests
        from booking.domain.read_against import pressed_on
        from booking.handlers.group_views import GroupInvoiceCorrectedOut
        from booking.services import group_invoice_correction, invoice_correction
        from booking.services.group_overview import line_of

        # The billing details and ``seen``, as one person's correction takes them; any other
        # field is refused by its name, never ignored.
        body = takes_no_fields("correction", "seen", *invoice_correction.BILLING_FIELDS)
        billing = invoice_correction.billing_typed(body)
        seen = Seen(seen_digests(body.get("seen"), OF_THE_GROUP))
        the_ports = ports()
        group, changed = group_invoice_correction.correct_group_invoice(
            the_ports, group_id, billing, read_against=pressed_on(seen)
        )
        line = line_of(the_ports, group).model_dump()
        answer = GroupInvoiceCorrectedOut(**line, corrected=changed)
        return http.json_response(200, answer.model_dump(mode="json"))
