"""The console's step before cancelling (organiser20 F8): a page that says what the cancel will
do, whose form then posts ``consoleCancel`` (unchanged: the API and scripts post it at once)."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import SEEN, TICKED, page, path_parameter

# The cancel's form (``consoleCancel``): the refund choice, and what the confirmation showed
# (``domain.page_seen``: a press acts on what its page said, or is refused).
CANCEL_FIELDS: dict[str, object] = {
    "refund": {**TICKED, "description": "Ticked: refund what was paid"},
    "seen": SEEN,
    "status_seen": {
        "type": "string",
        "description": "Older pages' form (with paid_seen) in place of `seen`: the status the "
        "page showed; moved on since is refused, 409 application_changed, nothing changed",
    },
    "paid_seen": {
        "type": "string",
        "pattern": "^[0-9]+$",
        "description": "Older pages' form: the money kept the page showed, in pence",
    },
}

CANCEL_CONFIRMATION: tuple[Route, ...] = (
    Route(
        Function.CONSOLE,
        "GET",
        "/console/applications/{application_id}/cancel",
        "consoleCancelConfirmation",
        "Confirm a cancellation: what it will do (who is emailed, the billing contact of an "
        "invoice too, what Stripe is asked to refund in pounds, the place going back), as the "
        "cancel's own decision run without writing, and the form that does it",
        {
            "200": page("What cancelling would do, and the form to confirm it"),
            "404": page("No such application (or a path segment longer than any id)"),
            "409": page("The application's page, saying why it cannot be cancelled now"),
            "422": page("A `refund` value other than a ticked box's, said in words"),
        },
        description="The application page's *Cancel* leads here; its *Yes, cancel* posts "
        "`POST /console/applications/{application_id}/cancel` with the same refund choice "
        "and the page's `csrf_token`. Nothing changes on this page.",
        parameters=(
            path_parameter("application_id"),
            {
                "name": "refund",
                "in": "query",
                "required": False,
                "description": "`on`: the cancellation is to refund what was paid",
                "schema": {"type": "string", "enum": ["on"]},
            },
        ),
        tags=("console",),
    ),
)
