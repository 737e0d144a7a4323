"""Errors the use cases raise. Each carries a stable machine-readable code.

HTTP status codes are assigned in exactly one place (``booking.handlers.http``), so the domain
and the services never think in terms of transport.
"""

from __future__ import annotations

# A payment is on its way (a bank debit settling; or paid at Stripe, its event still to come):
# an act that would end or replace what it pays is refused with one of these, each said once
# here, so that whoever catches them by code catches what is raised.
PAYMENT_SETTLING = "payment_settling"
PAYMENT_BEING_RECORDED = "payment_being_recorded"
PAYMENT_ON_ITS_WAY = frozenset({PAYMENT_SETTLING, PAYMENT_BEING_RECORDED})


class BookingError(Exception):
    """Base class: ``code`` is part of the public API, ``message`` is for humans."""

    code = "booking_error"
    # A customer the payment provider made for a write that then failed, and that could not
    # be deleted there at once: the caller records its deletion as owed (never shown).
    customer_left: str | None = None

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(BookingError):
    """The request is well-formed but some fields are wrong; ``fields`` says which and why."""

    code = "validation_failed"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotFound(BookingError):
    code = "not_found"


class Conflict(BookingError):
    """The request is valid but the current state does not allow it (course full, closed...)."""

    code = "conflict"


class UnknownToProvider(Conflict):
    """The payment provider holds no such object (a payment only an event claimed)."""


class AlreadyRefunded(Conflict):
    """The payment provider holds the charge refunded already (on its dashboard, say): what it
    holds is read back and recorded, never a second refund asked."""


class RefundAboveWhatIsLeft(Conflict):
    """The payment provider refused a refund of more than is left of the payment: part of it
    was refunded already (on its dashboard, say, its events not heard yet). Answered as any
    other refusal (``payment_state_conflict``) where nobody reads it back."""


class RefundRefused(Conflict):
    """An organiser's refund that the payment provider refused: nothing is recorded or sent,
    and the organiser is told in words."""

    code = "refund_refused"

    def __init__(self) -> None:
        super().__init__(
            "Stripe refused to refund this payment (it no longer holds it, or holds nothing "
            "of it left to give back): nothing was recorded and nobody was emailed. Look the "
            "payment up in Stripe's dashboard before trying again",
            code=self.code,
        )


class IllegalTransition(Conflict):
    code = "illegal_transition"


class DependencyUnavailable(BookingError):
    """A downstream service (Stripe, AWS) failed; retrying later is expected to help."""

    code = "dependency_unavailable"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retry_after_seconds: int = 30,
        details: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds
        self.details = details or {}


class CourseFull(Conflict):
    code = "course_full"


class CourseClosed(Conflict):
    """The course takes no applications (nor payments for offers) any more: one refusal, in
    one wording, wherever it is met."""

    code = "course_closed"

    def __init__(self, message: str = "applications for this course are closed") -> None:
        super().__init__(message)


class AlreadyApplied(Conflict):
    code = "already_applied"


class ColleagueEnrolled(Conflict):
    """A group's save found the one place on the course of a colleague it names taken (their
    own application, or another booking naming them): ``places`` says which of its places."""

    code = "already_applied"

    def __init__(self, message: str, places: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.places = places


class CodeUsedUp(Conflict):
    """A discount code has no use left for a new application (``booking.domain.limits``): the
    transaction that would have claimed one refused."""

    code = "discount_code_used_up"


class PriceChanged(Conflict):
    """A cohort's currency changed between the read a write priced something with and the
    write (``domain.cohort_currency.newly_priced``): the write was refused whole, nothing of it
    kept; asked again, it is priced as the cohort is now."""

    code = "concurrent_update"

    def __init__(
        self,
        message: str = (
            "this course's price changed while you asked; nothing was saved or charged: "
            "please try again"
        ),
    ) -> None:
        super().__init__(message)


class StaleWrite(Exception):
    """What was read has changed (or already exists) by the time of the write: re-read, decide
    again. Not a :class:`BookingError`: use cases retry it and never show it to anyone."""


class CourseRedated(StaleWrite):
    """A group booking's first save found its course saved since the booking read it (its
    dates, and so the group's apply-by date, may have moved): read the course again."""


class ReferenceTaken(Exception):
    """The reference drawn for a new application belongs to another already: draw again. Not
    a :class:`BookingError`: creation retries it and nobody ever sees it."""


class SignInRefused(BookingError):
    """The identity provider did not vouch for an organiser (bad code, wrong scope)."""

    code = "sign_in_refused"


class NotAnOrganiser(BookingError):
    """Signed in, but not as an organiser: the account lacks the organiser scope."""

    code = "forbidden"
