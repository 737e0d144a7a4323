"""The operator's backfills on the organiser API (the ``admin`` function): each brings what
was saved before a rule or a record existed up to date (``services.backfills``), safe to run
twice and while people book."""

from __future__ import annotations

from typing import Any

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import json_answer, json_body

ADMIN = Function.ADMIN
TAGS = ("organisers",)


def _one_course_a_call(
    name: str, operation_id: str, summary: str, answer: dict[str, Any], description: str
) -> Route:
    """A backfill done one course a call: the course in the body (none: the first), the next
    named in the answer; an unknown course is a 404."""
    return Route(
        ADMIN,
        "POST",
        f"/admin/{name}/backfill",
        operation_id,
        summary,
        {"200": answer},
        errors=(400, 404, 413, 415, 422),
        description=description,
        body=json_body("BackfillIn", required=False),
        tags=TAGS,
    )


BACKFILLS: tuple[Route, ...] = (
    _one_course_a_call(
        "billing-index",
        "backfillBillingIndex",
        "Write the billing-contact lookups that applications saved before they were kept lack, "
        "one course a call",
        json_answer("BackfillPageOut", "What the course's applications needed"),
        "Applications saved before the `BILLING#` lookup existed have none, so "
        "their billing contact's export and erasure miss them. Each call indexes one course's "
        "applications (the first course without `course_id`) and names the next; call again "
        "with it until `next_course_id` is null (`course-booking backfill-billing-index` "
        "does). Every write is conditional: safe to run twice (the second run writes nothing) "
        "and while people book; an erased person or billing contact is never indexed.",
    ),
    _one_course_a_call(
        "code-uses",
        "backfillCodeUses",
        "Give back the discount code uses that applications expired before uses were given "
        "back on expiry still hold, one course a call",
        json_answer("CodeUsesPageOut", "What the course's applications gave back"),
        "An application that expired before a hold ending unpaid gave its code's "
        "use back was stored still holding it, so its code counted a use nobody holds. Each "
        "call gives those of one course back (the first course without `course_id`) and names "
        "the next; call again with it until `next_course_id` is null (`course-booking "
        "backfill-code-uses` does). Each give-back is conditional on the application as read "
        "and the use still held: safe to run twice (the second run gives nothing back) and "
        "while people book.",
    ),
    _one_course_a_call(
        "former-contacts",
        "backfillFormerContacts",
        "Record the billing contacts invoices were corrected away from before they were kept, "
        "one course a call",
        json_answer("FormerContactsPageOut", "What the course's bookings needed"),
        "A booking (a person's or a group's) whose invoice was corrected to another billing "
        "contact before the contact it was corrected away from was kept on it names them "
        "nowhere, though the old invoice's customer at Stripe still holds their name and "
        "email, so `GET` and `DELETE /admin/people/{email}` miss them. Each call reads, at "
        "Stripe, who each replaced invoice of one course's bookings not yet recorded was "
        "addressed to (the first course without `course_id`), records them on the booking "
        "(unless the booking names them already: its applicant, manager or billing contact "
        "now), and names the next course; call again with it until `next_course_id` is null "
        "(`course-booking backfill-former-contacts` does). A replaced invoice recorded already "
        "is not read again, and each save is conditional on the booking as read: safe to run "
        "twice (the second run records nothing) and while people book.",
    ),
    Route(
        ADMIN,
        "POST",
        "/admin/refunds-failed/backfill",
        "backfillRefundsFailed",
        "Keep on each booking the refund failures Stripe told before they were kept there",
        {"200": json_answer("RefundsFailedBackfillOut", "What the backfill wrote")},
        errors=(400, 413, 415, 422),
        description="A booking whose refund failed at Stripe before each failure was kept on "
        "it lacks it, so *Refund* answered 200 for nothing done. Each `refund_failed_at_stripe` "
        "anomaly names the booking and the refund (kept once Stripe's own read said failed): "
        "each is written onto its booking, conditionally. Safe to run twice (the second run "
        "writes nothing) and while people book (`course-booking backfill-refunds-failed`). "
        "It takes no fields: any sent (a `dry_run`) is a 422 naming it, nothing run.",
        tags=TAGS,
    ),
)
