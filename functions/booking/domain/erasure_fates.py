"""What erasing a person does to each of their bookings, said by its state on the erase
confirmation before anything is done (the page gave the general rule only, and
a confirmed, paid booking kept its place for a person nobody can email, unsaid), and what
becomes of the money a booking kept, confirmed or ended without a refund. The rule it
words is ``domain.application_erased.erased_copy``'s (``WITHDRAWN_BY_ERASURE``).

Pure: no I/O, no clock.
"""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.money import money_words
from booking.domain.off_stripe import nothing_at_stripe_to_refund
from booking.domain.refund_failed import failed_and_held
from booking.domain.statuses import WITHDRAWN_BY_ERASURE, S
from booking.domain.wording import status_named


def erasure_fate(application: Application, currency: str | None) -> str:
    """One sentence on what erasing its person does to ``application`` (amounts in
    ``currency``, the booking's own; None: its money is not said)."""
    reference = application.reference_or_id
    status = status_named(application.status.value)
    if application.status in WITHDRAWN_BY_ERASURE:
        invoice = " and its open invoice voided" if application.has_open_invoice() else ""
        return (
            f"{reference} ({status}) is withdrawn{invoice}: its place, or its place in line, "
            "goes to the next person."
        )
    if application.status is not S.CONFIRMED:
        ended = f"{reference} ({status}) has ended already: only its record is anonymised."
        return ended + money_kept_said(application, currency, confirmed=False)
    return (
        f"{reference} is a confirmed booking: it keeps its place, but they can no longer be "
        "emailed its joining link, reminders or changes. If they are not coming, cancel it "
        f"first, so the place goes to the next person.{money_kept_said(application, currency)}"
    )


# What becomes of the money a booking kept, by (paid outside Stripe, still confirmed).
_KEPT_SAID = {
    (True, True): "was paid outside Stripe: if it is cancelled, give it back by hand, the way it "
    "came.",
    (True, False): "was paid outside Stripe: give it back by hand, the way it came, if it is "
    "owed back.",
    (False, True): "can be refunded through Stripe when it is cancelled (before or after the "
    "erasure).",
    (False, False): "can still be refunded through Stripe from the booking's page (before or "
    "after the erasure).",
}


def money_kept_said(
    application: Application, currency: str | None, *, confirmed: bool = True
) -> str:
    """What becomes of the money ``application`` kept, said after its fate ("" when it kept
    none): a booking ended without a refund still holds it, to give back as it came. A refund
    that failed at Stripe is said by the page's own notice (owed back by hand), not here."""
    kept = application.amount_kept if currency is not None else 0
    if kept <= 0 or failed_and_held(application):
        return ""
    off_stripe = nothing_at_stripe_to_refund(application)
    return f" The {money_words(kept, currency or '')} it kept {_KEPT_SAID[off_stripe, confirmed]}"
