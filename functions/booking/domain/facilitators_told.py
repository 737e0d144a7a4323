"""When the facilitators hear that someone left: one rule for every way a booking ends (an
organiser's cancellation, a refund of everything, a group colleague withdrawn by their manager
or the organisers), and the one email job that says it.

The rule: the facilitators are told that someone left exactly when the application that ends
holds a confirmed place as it ends. That is what their list is: they are sent an application
when it becomes a booking ("New booking", and "Booking moved to your cohort" for one moved in),
so every confirmed place is one they were told of and must hear the end of, and nothing else is
on their roster. An application that never became a booking (a checkout abandoned, a colleague
whose application never held a confirmed place) was never on their list: a "Participant
withdrawn" about it would name someone they never heard of, so they hear nothing. (On a course
that asks for approval they also get each application as it is made, to decide on it; the
console shows its status, and a decision is theirs to make, not news to send them.)

Told once: the job is keyed by its occasion ("withdrawn"), the same whichever act ends the
booking, and the act that ends it leaves it no longer confirmed, so whichever comes second (the
refund's event after a cancellation that asked for it) finds nothing to tell."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.statuses import ApplicationStatus

# Why an ordinary booking ended, as the facilitators' copy says it
# (``services.email_context.WITHDRAWN_FROM_GROUP`` holds the words of these and of a group
# colleague's reasons): the organisers cancelled it, or its payment came back in full.
CANCELLED_BY_ORGANISERS = "cancelled_by_organisers"
REFUNDED_IN_FULL = "booking_refunded"


def facilitators_told_it_ended(application: Application, reason: str) -> tuple[EmailJob, ...]:
    """The facilitators' "Participant withdrawn" for ``application`` (as read before it ends),
    ended for ``reason``, if they are to hear of it (the module's rule): none when it did not
    hold a confirmed place."""
    if application.status is not ApplicationStatus.CONFIRMED:
        return ()
    return (
        EmailJob.about(
            EmailKind.FACILITATOR_COPY,
            application.application_id,
            application.course_id,
            occasion="withdrawn",
            reason=reason,
        ),
    )
