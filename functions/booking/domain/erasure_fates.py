"""What erasing a person does to each of their bookings, said by its state on the erase
confirmation before anything is done (the page gave the general rule only, and
a confirmed, paid booking kept its place for a person nobody can email, unsaid). The rule it
words is ``domain.application_erased.erased_copy``'s (``WITHDRAWN_BY_ERASURE``).

Pure: no I/O, no clock.
"""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.money import money_words
from booking.domain.off_stripe import nothing_at_stripe_to_refund
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
        return f"{reference} ({status}) has ended already: only its record is anonymised."
    kept = application.amount_kept if currency is not None else 0
    amount = money_words(kept, currency or "")
    money = ""
    if kept > 0 and nothing_at_stripe_to_refund(application):
        money = (
            f" The {amount} it kept was paid outside Stripe: if it is cancelled, give it back "
            "by hand, the way it came."
        )
    elif kept > 0:
        money = (
            f" The {amount} it kept can be refunded through Stripe when it is cancelled "
            "(before or after the erasure)."
        )
    return (
        f"{reference} is a confirmed booking: it keeps its place, but they can no longer be "
        "emailed its joining link, reminders or changes. If they are not coming, cancel it "
        f"first, so the place goes to the next person.{money}"
    )
