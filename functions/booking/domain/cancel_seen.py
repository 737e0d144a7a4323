"""What an organiser's cancel was decided on (hostile31 N4): the application's status and the
money it kept when the console's confirmation page was shown. A cancel pressed on a page shown
before the person paid (or before anything else moved the application on) would act on what
the page did not say: it is refused in words, nothing changed, as a bursary granted from a stale
page is (``bursary_changed``)."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import Refusal
from booking.domain.errors import InvalidInput
from booking.domain.money import money_words
from booking.domain.wording import status_named

CANCEL_CHANGED = "application_changed"


@dataclass(frozen=True)
class CancelSeen:
    """The application as the page showed it: its status (the value) and the money it kept
    (minor units)."""

    status: str
    paid: int

    def refusal(self, application: Application, currency: str) -> Refusal | None:
        """None while ``application`` is still as seen; else what changed, in words."""
        if application.status.value == self.status and application.amount_kept == self.paid:
            return None
        now = status_named(application.status)
        kept = application.amount_kept
        paid = f", {money_words(kept, currency)} paid" if kept else ", nothing paid"
        return Refusal(
            CANCEL_CHANGED,
            f"the application changed since the page was shown (it is now {now}{paid}): "
            "nothing was changed; look at it again before cancelling",
        )


def seen_now(application: Application) -> CancelSeen:
    """What a page showing ``application`` now saw."""
    return CancelSeen(application.status.value, application.amount_kept)


def seen_typed(status: object, paid: object) -> CancelSeen | None:
    """The ``status_seen`` and ``paid_seen`` a form or a request carries (pence: a whole number,
    or its digits as a form posts them); neither, None (a form made before they were added).
    Anything else is an out-of-date form, refused in words."""
    if status in (None, "") and paid in (None, ""):
        return None
    if isinstance(paid, str) and paid.isascii() and paid.isdigit():
        paid = int(paid)
    known = {s.value for s in ApplicationStatus}
    if status not in known or isinstance(paid, bool) or not isinstance(paid, int) or paid < 0:
        raise InvalidInput(
            "the cancellation's status_seen and paid_seen are out of date or unclear (a status "
            "and whole pence, as the application's page shows them): open the application again"
        )
    return CancelSeen(str(status), paid)
