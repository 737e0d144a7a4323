"""What a money decision asks to be done, and the decision itself: values, no I/O.

``booking.domain.settlement`` decides; ``booking.services.settle`` carries out. Money going out
(a refund) is asked of the provider *before* the save that records it, with an idempotency key
that names what it is for, so a crash in between repeats the same refund, never a second one.
Clean-up (voiding an invoice, expiring a checkout) comes *after* the save, so the provider's own
event for it finds the application already changed; what the provider answers is recorded in
the same step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from booking.domain.application import Application
from booking.domain.money import Money


@dataclass(frozen=True)
class Refund:
    """Give back ``amount`` (None: all that is left) of a payment. Before the save."""

    payment_intent: str
    amount: int | None
    idempotency_key: str


@dataclass(frozen=True)
class IssueInvoice:
    """Have the provider send a new invoice for what is now owed (a bursary changed it): its
    answer becomes the application's invoice in the same save. Before the save."""

    due_at: datetime
    attempt: int
    # Its id recorded on the application (``invoices_issued``) once it is a draft, before the
    # provider sends it: a function stopped before the change's save leaves it known.
    recorded_first: bool = False


@dataclass(frozen=True)
class NoteAnomaly:
    """Keep, log at ERROR and alarm something the provider reported that belongs to nobody it
    names, or is not what was asked. Ids and amounts only. Before the save."""

    event_id: str
    kind: str
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VoidInvoice:
    """Void an invoice that no longer holds a place. After the save; its status as the
    provider then answers is recorded on the application."""

    invoice_id: str


@dataclass(frozen=True)
class ExpireCheckout:
    """Close a checkout that can no longer be paid for its place. After the save."""

    session_id: str


BeforeSave = Refund | IssueInvoice | NoteAnomaly
AfterSave = VoidInvoice | ExpireCheckout


@dataclass(frozen=True)
class Situation:
    """What a decision needs besides the application and the fact."""

    now: datetime
    course_price: Money  # for applications stored before prices were recorded
    # False once the save found no seat for a confirmation: decide again without one.
    seat_free: bool = True
    # False once the save found the code's uses all taken for a confirmation of a hold that
    # had ended unpaid (its use given back then: ``limits.holds_code_use``): given back too.
    code_use_free: bool = True
    # False when the payment decided on landed once the course's applications had closed
    # (``Course.accepts_applications``'s rule, at the moment Stripe took it): it is given back.
    course_open: bool = True
    # When a replacement invoice would fall due (None: too close to the start for one).
    invoice_due_at: datetime | None = None
    # Whether the person was told of the booking's latest move (its email claimed by the
    # mailer): a refund that ends the booking before they were undoes a move its difference
    # paid after it (``domain.move_undone``).
    latest_move_told: bool = True
    # Why the person could not start a payment now (``domain.covered.payment_refusal``; None:
    # they could, or it was not read): an ended application is live for money only while they
    # could (``domain.live_for_money``).
    payment_refused: str | None = None


@dataclass(frozen=True)
class Refusal:
    """Why an organiser's request cannot be done now (a Conflict for them)."""

    code: str
    message: str


PERSON_ERASED = Refusal(
    "person_erased", "this person's data was erased; there is no one to send it to"
)


def nobody_to_tell(application: Application) -> Refusal | None:
    """Why nothing can be sent to this application's person (None: it can). The one rule for
    every action whose point is to tell them (resend the confirmation, move the booking): its
    use case refuses with this, and the console offers the action only when it is None. What
    is about the money or the seat (cancel, with a refund) stays possible."""
    return PERSON_ERASED if application.is_erased else None


@dataclass(frozen=True)
class Settlement:
    """One decision: the new state (None: nothing to write) and the commands around its save."""

    action: str
    reason: str
    application: Application | None = None
    before_save: tuple[BeforeSave, ...] = ()
    after_save: tuple[AfterSave, ...] = ()
    refusal: Refusal | None = None
