"""What an organiser's cancel would do, decided by the cancel's own settlement run without
writing: the console's confirmation page says it in words, so it never promises
other emails or another refund than the cancel makes (``domain.settlement``'s cancellation,
``domain.payer.billing_contact_told``, ``domain.facilitators_told``)."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.application import Application
from booking.domain.application_form import box_ticked
from booking.domain.commands import Refund, nobody_to_tell
from booking.domain.course import Course
from booking.domain.disputed_refunds import refund_held_by_a_dispute
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.form_text import REFUND_KEPT
from booking.domain.groups import organisers_give_it_up
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.payer import billing_contact_told, erased_persons_notice
from booking.domain.settlement import settle
from booking.services.console import ApplicationDetail, application_detail
from booking.services.facilitators_copies import facilitators_mailed
from booking.services.ports import Ports
from booking.services.settle import situation_now


@dataclass(frozen=True)
class CancelPreview:
    """Who the cancel emails and what Stripe is asked to give back (None: the cancel decides
    nothing of its own here, a place the organisers give up for its group)."""

    person_emailed: bool  # the person, told it is cancelled
    billing_contact: str | None  # their employer's billing contact, told in a message of its own
    facilitators_told: bool  # the course's facilitators, told the participant has withdrawn
    refunded: int  # what Stripe is asked to refund, minor units
    # The cohort a move waiting for its difference was to join: the place held there for it
    # goes back with the cancel, to its waiting list first (None: no such move).
    move_cohort: Course | None = None


def cancel_preview(
    ports: Ports, application: Application, *, refund: bool, suppressed: bool
) -> CancelPreview | None:
    """The cancel of ``application`` (``refund``: the money going back), decided as the cancel
    decides it and nothing written; ``suppressed``: the person's address no longer mailed."""
    decided = settle(application, Cancellation(refund=refund), situation_now(ports, application))
    after = decided.application
    if after is None:
        return None
    known = {job.job_id for job in application.outbox}
    jobs = [job for job in after.outbox if job.job_id not in known]
    told = next((job for job in jobs if job.kind is EmailKind.CANCELLED), None)
    left = dict(application.charges_left())
    refunds = [command for command in decided.before_save if isinstance(command, Refund)]
    course = ports.repository.get_course(application.course_id)
    move = application.pending_move
    return CancelPreview(
        person_emailed=told is not None and nobody_to_tell(after) is None and not suppressed,
        billing_contact=_billing_contact_told(after, told),
        # As the mailer sends them (one rule): to the cohort's facilitators still mailed, of
        # a person not erased.
        facilitators_told=any(job.kind is EmailKind.FACILITATOR_COPY for job in jobs)
        and course is not None
        and bool(facilitators_mailed(ports, after, course)),
        move_cohort=ports.repository.get_course(move.to_course_id) if move else None,
        refunded=sum(
            r.amount if r.amount is not None else left.get(r.payment_intent, 0) for r in refunds
        ),
    )


@dataclass(frozen=True)
class CancelConfirmation:
    """What the console's page before a cancel says: the application as shown, what its
    cancel does (None: refused on the page, or a place given up for its group), whether the
    refund box was ticked, and what a dispute holds of the payment the refund comes from."""

    detail: ApplicationDetail
    preview: CancelPreview | None
    refund: bool
    held_by_a_dispute: int = 0  # minor units: a refund of it is refused while not 0


def cancel_confirmation(ports: Ports, application_id: str, typed_refund: str) -> CancelConfirmation:
    """The console's page before a cancel: the application as shown (NotFound first), and,
    when it may be cancelled, what its cancel does and whether the refund was chosen
    (``typed_refund``: the query's value, a ticked box's or ``REFUND_KEPT``; 422 in words when
    it is neither)."""
    detail = application_detail(ports, application_id)
    if "cancel" not in detail.actions:
        return CancelConfirmation(detail, None, refund=False)  # refused, the box unread
    chosen = typed_refund not in ("", REFUND_KEPT)
    refund = box_ticked({"refund": typed_refund} if chosen else {}, "refund")
    application = detail.application
    preview = cancel_preview(
        ports, application, refund=refund, suppressed=detail.address_suppressed
    )
    place = application.group_place
    group = ports.groups.get_group(place.group_id) if place is not None else None
    given_up_for = group if organisers_give_it_up(application, group) else None
    held = refund_held_by_a_dispute(application, given_up_for)
    return CancelConfirmation(detail, preview, refund, held_by_a_dispute=held)


def _billing_contact_told(after: Application, told: EmailJob | None) -> str | None:
    """The billing contact the cancel's message ``told`` reaches, as the mailer sends it: of
    an erased person's booking, only its money going back (``erased_persons_notice``; the page said
    they were emailed when nothing went)."""
    if told is None:
        return None
    if after.is_erased and erased_persons_notice(told, after) is None:
        return None
    return billing_contact_told(EmailKind.CANCELLED, after, told)
