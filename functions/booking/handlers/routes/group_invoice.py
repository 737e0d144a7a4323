"""An organiser voids a group booking's unpaid invoice (``services.group_invoice_void``), or has
Stripe send it again (``services.group_invoice_resend``): on the organiser API, and as buttons
on the console's group bookings page."""

from __future__ import annotations

from typing import Any

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    GROUP_ID,
    SEEN,
    console_form,
    group_card_press,
    json_answer,
    optional_fields,
)

# What the console's group bookings page says once after the button (``after_action``).
GROUP_INVOICE_VOIDED = "group_invoice_voided"
GROUP_INVOICE_RESENT = "group_invoice_resent"
_SAID = (
    "Voids the group booking's open invoice at Stripe, then does what Stripe's own "
    "`invoice.voided` does for a group: its seats go back to the course and are offered to "
    "the waiting list, its places' links never go out, and the manager is emailed that the "
    "organisers cancelled the invoice (its `ended_because` is `voided_by_organiser`, whether "
    "this step or Stripe's own event lands first). Stripe's own event, when it comes, changes "
    "nothing more and sends no second email. "
    "409 `no_open_invoice` when the group has no open invoice (paid, lapsed, paid by card, "
    "or voided already); 409 `invoice_paid` when Stripe says the invoice was paid first (the "
    "confirmation is on its way: the payment's event makes the places the colleagues'); "
    "409 `payment_settling` while the "
    "employer's bank debit of the invoice is processing at Stripe (read first, or found by "
    "the void itself when Stripe keeps the invoice open for a debit begun since: nothing "
    "changed); with `seen` (the group's, as its card or "
    "`GET /admin/courses/{course_id}/group-bookings` gave it), a group changed since is 409 "
    "`application_changed`, nothing voided; 404 for "
    "an unknown group."
)


_RESEND_SAID = (
    "Has Stripe email the group booking's open invoice to its billing contact again, as a "
    "one-person booking's invoice is sent again; nothing else changes. 409 "
    "`no_open_invoice` when the group has no open invoice (paid, ended, paid by card, or "
    "voided at Stripe to be replaced by one not made yet); 404 for an unknown group."
)

# Each surface's path prefix, operation (a void, a resend) and tag.
_SURFACES = {
    Function.ADMIN: ("/admin", ("voidGroupInvoice", "resendGroupInvoice"), "organisers"),
    Function.CONSOLE: (
        "/console",
        ("consoleVoidGroupInvoice", "consoleResendGroupInvoice"),
        "console",
    ),
}


def _void(function: Function, summary: str, *, resend: bool = False, **rest: Any) -> Route:
    """The void (or the resend) on one surface: the same path under its prefix, described in
    the same words."""
    prefix, operation_ids, tag = _SURFACES[function]
    path = f"{prefix}/groups/{{group_id}}/invoice/{'resend' if resend else 'void'}"
    return Route(
        function,
        "POST",
        path,
        operation_ids[resend],
        summary,
        description=_RESEND_SAID if resend else _SAID,
        parameters=(GROUP_ID,),
        tags=(tag,),
        **rest,
    )


# Either takes no fields: one sent is refused by its name (422), never ignored.
NO_FIELDS = optional_fields()
# The void takes ``seen`` alone, optional: the group's, as its line in the course's group
# bookings last gave it (``page_seen.group_facts``), compared when given, before Stripe is
# asked: a group changed since (a place given up, a payment) is 409 application_changed.
_SEEN_ONLY = optional_fields(seen=SEEN)
GROUP_INVOICE_ADMIN = (
    _void(
        Function.ADMIN,
        "Void a group booking's open invoice: its seats go back",
        answers={"200": json_answer("GroupLine", "The group booking after the void, in words")},
        errors=BODY_ACTION_ERRORS,
        body=_SEEN_ONLY,
    ),
    _void(
        Function.ADMIN,
        "Send a group booking's open invoice to its billing contact again",
        resend=True,
        answers={"200": json_answer("GroupLine", "The group booking, in words")},
        errors=BODY_ACTION_ERRORS,
        body=NO_FIELDS,
    ),
)


def _console_button(summary: str, done: str, *, resend: bool = False) -> Route:
    """The void (or the resend) as a console button: back to the course's group bookings
    page, which says ``done`` once, or why not."""
    return _void(
        Function.CONSOLE,
        summary,
        resend=resend,
        answers=group_card_press(done),
        body=console_form(),
        done=done,
    )


GROUP_INVOICE_CONSOLE = (
    _console_button(
        "Void a group booking's open invoice (a button on the course's group bookings page)",
        GROUP_INVOICE_VOIDED,
    ),
    _console_button(
        "Send a group booking's open invoice again (a button on the group bookings page)",
        GROUP_INVOICE_RESENT,
        resend=True,
    ),
)
