"""Compose one queued email: its template's values (``services.email_context``) with what only
the ports know (the status and console links, the waiting-list place, an earlier application,
the programme's schedule), rendered, with its calendar files and its addressing. Sending it is
``services.mailer``'s.

The waiting list's place and the certificate are imported by the messages that say them, when
first composed: the waiting list's module loads the money's settlement rules (and with them the
groups', the invoices' and the moves'), the register's the attendance import, none of which any
other message needs, so the mailer's cold start (on demand, a confirmation's or a reminder's
wait) does not load them (docs/figures.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from booking.domain.application import ERASED_EMAIL, Application, ApplicationStatus
from booking.domain.course import Course, ScheduledSession, SessionKind, clock_words
from booking.domain.covered import payment_refusal
from booking.domain.email_values import MissingEmailValue, missing_values
from booking.domain.emails import MOVED_IN, Attachment, EmailJob, EmailKind, OutgoingEmail
from booking.domain.emails_as_queued import as_queued
from booking.domain.facilitators_told import TO_FACILITATORS, move_of_copy
from booking.domain.joining_words import in_a_list, the_link
from booking.domain.money import money_if_any
from booking.domain.offer_ends import (
    closing_named,
    held_until_closing,
    no_more_offers,
    review_ended,
    waiting_list_ended,
)
from booking.domain.payer import as_the_billing_contact_sees, to_billing_contact_alone
from booking.domain.programme import follow_up_events, joining_link, programme_of, told_sessions
from booking.domain.reminders import reminded_after
from booking.domain.standing import Facts, standing
from booking.domain.wording import course_name, day_when, moment_when, money_words
from booking.services.calendars import CalendarFiles, calendar_files, ends_a_booking
from booking.services.email_context import LISTS_SESSIONS, SESSION_KINDS, email_context
from booking.services.follow_ups import held_schedule
from booking.services.invoice_requests import invoice_due
from booking.services.moves_told import untold_money
from booking.services.ports import Ports


class Composed(NamedTuple):
    """A message ready to send, and the calendar entries it puts in or takes out."""

    message: OutgoingEmail
    calendar: CalendarFiles


def composed(
    ports: Ports,
    job: EmailJob,
    application: Application,
    course: Course,
    recipients: Sequence[str],
    *,
    now: datetime,
) -> Composed:
    values = _template_values(ports, job, application, course, now)
    missing = missing_values(job.kind, values)
    if missing:  # never "It costs None more": refused, to the DLQ in the end
        raise MissingEmailValue(job.kind, missing)
    rendered = ports.renderer.render(job.kind, values)
    calendar = calendar_files(ports, job, application, course, recipients, now=now)
    message = OutgoingEmail(
        to=list(recipients),
        reply_to=_reply_to(job, application, course),
        subject=with_reference(rendered.subject, application.reference),
        text=rendered.text,
        html=rendered.html,
        attachments=[*calendar.attachments, *_certificate(ports, job, application, course)],
        # The From header's display name: the course people booked, not a bare address.
        sender_name=course.definition.title,
    )
    return Composed(message, calendar)


def _certificate(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> list[Attachment]:
    """A completer's certificate, made afresh as the PDF the status page gives."""
    if job.kind is not EmailKind.CERTIFICATE:
        return []
    from booking.services.register import certificate_attachment, printable  # docstring: why

    if not printable(ports, application):
        return []  # held: it follows once an organiser gives the spelling to print

    return [certificate_attachment(ports, application, course)]


def _template_values(
    ports: Ports, job: EmailJob, current: Application, course: Course, now: datetime
) -> dict[str, Any]:
    # The acknowledgement and waiting-list notice say the moment they were queued.
    application = as_queued(job, current)
    listed = _listed(ports, job, current, application, course)
    context = email_context(
        job,
        application,
        course,
        status_url=ports.status_url(application),
        now=now,
        # The facilitators' own messages (a copy, a request to delete one) link the console.
        console_url=ports.console_url(application.application_id)
        if job.kind in TO_FACILITATORS
        else "",
        schedule=listed,
        booked_on=_booked_on(ports, job, application, course),
    )
    if job.kind is EmailKind.SESSIONS_CHANGED and job.relinked:
        listed = course.schedule if listed is None else listed
        context["links_elsewhere"] = _links_elsewhere(ports, course, listed, context["sessions"])
    # Whose clock the times are on; a new invoice is promised only while one can fall due,
    # worked out only for the message that promises it (the bank holidays it reads cost the
    # mailer's first message of any other kind about 50 ms to load).
    context["clock"] = clock_words(course.definition.timezone)
    context["reminded_later"] = _reminded_later(ports, job, application, course, now)
    if job.kind is EmailKind.INVOICE_ENDED and context["invoice_possible"]:
        context["invoice_possible"] = invoice_due(course, now, ports.bank_holidays) is not None
    if job.kind in (EmailKind.ALREADY_APPLIED, EmailKind.WAITLISTED, EmailKind.WAIT_REOPENED):
        # A place in line only while it still waits: one that moved on has none to say.
        from booking.services.waitlist import waitlist_position  # the docstring says why

        context["waitlist_position"] = waitlist_position(ports, current)
    if job.kind in (EmailKind.APPLICATION_RECEIVED, EmailKind.WAITLISTED):
        context["earlier_status"] = _earlier_ended(ports, application)
    if job.kind is EmailKind.CERTIFICATE:
        context.update(_certificate_values(ports, application, course, now))
    if job.kind is EmailKind.BOOKING_TRANSFERRED:
        context.update(_move_words(ports, job, application, course))
    elif job.kind is EmailKind.FACILITATOR_COPY and job.reason == MOVED_IN:
        # Where the person came from: a facilitator of both cohorts hears of the move here alone.
        move = move_of_copy(current, job)
        context["moved_from"] = _cohort_name(ports, move.from_course_id) if move else ""
    moving_to = _moving_to(job, application)
    if moving_to is not None:
        to = ports.repository.get_course(moving_to)
        context["move_to"] = (
            course_name(to.definition.title, to.first_start(), to.definition.timezone) if to else ""
        )
    if application.group_place is not None:
        context["paid_by_group"] = _group_payer(ports, application.group_place.group_id)
    # Held until applications close: nobody is offered its place next (``domain.offer_ends``).
    context["offer_until_closing"] = held_until_closing(application, course)
    context.update(_closing(job, course, now), access_needs_told=_access_needs_told(application))
    context["can_pay"] = payment_refusal(application, course, now) is None
    context["confirmation_brings"] = _confirmation_brings(course)
    context["standing"] = standing(_facts(application, course, context, now))
    # A message to the billing contact alone: what it may carry is one rule (``domain.payer``).
    return as_the_billing_contact_sees(context) if to_billing_contact_alone(job) else context


def _certificate_values(
    ports: Ports, application: Application, course: Course, now: datetime
) -> dict[str, Any]:
    """What a certificate's email says: the certificate, whether it is held, and whether
    follow-ups are still to come."""
    from booking.services.register import certificate_details, printable

    return {
        "certificate": certificate_details(ports, application, course),
        "certificate_held": not printable(ports, application),
        # Promised only when it will happen: invitations go to confirmed graduates, for the
        # programme's follow-ups still to come.
        "follow_ups_to_come": application.status is ApplicationStatus.CONFIRMED
        and any(
            s.kind is SessionKind.FOLLOW_UP and s.start > now for s in held_schedule(ports, course)
        ),
    }


def _access_needs_told(application: Application) -> bool:
    """Whether the person told us of access needs: a confirmation says they went to the
    facilitators with the booked place's application, never what they were."""
    return bool(application.answers.accessibility_needs.strip())


def _confirmation_brings(course: Course) -> str:
    """What a confirmation will bring: the joining link only when the course has one
    (``domain.joining_words``; the link itself only ever to a confirmed attendee)."""
    return in_a_list("the dates", *the_link(bool(course.definition.joining_url)))


def _closing(job: EmailJob, course: Course, now: datetime) -> dict[str, Any]:
    """When applications close (for news of a reopened list, the closing its job names: the
    one recorded as told, ``domain.offer_ends.closing_retold``), and whether no place can be
    offered before then: the last minutes before it promise no offer
    (``domain.offer_ends.no_more_offers``)."""
    named = closing_named(job) if job.kind is EmailKind.WAIT_REOPENED else None
    closes = named or course.applications_close_at()
    return {
        "closes_at": moment_when(closes, course.definition.timezone),
        "no_more_offers": no_more_offers(course, now),
    }


def _move_words(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> dict[str, Any]:
    """A move's email: the cohorts it names and the money it says."""
    if job.from_course_id == course.course_id:
        # Back on the cohort they were told of (``moves_told.as_told``): the money alone.
        refunded, charged = untold_money(ports, job, application)
        currency = course.definition.price.currency
        return {
            "place_stands": True,
            "moved_refund": money_if_any(refunded, currency),
            "moved_charged": money_if_any(charged, currency),
        }
    if not job.from_course_id:
        return {"place_stands": False}
    return {
        "place_stands": False,
        "moved_from": _cohort_name(ports, job.from_course_id),
        # Composed for a cohort moved to since (``WHEN_COHORT_LEFT``): the step it made, and
        # its money said of that cohort, whose price it was.
        "moved_via": (
            "" if job.course_id == course.course_id else _cohort_name(ports, job.course_id)
        ),
        "bursary_beyond": _bursary_beyond(application, course),
    }


def _cohort_name(ports: Ports, course_id: str) -> str:
    """A cohort's name as messages give it (its title and first day); "" if it is gone."""
    cohort = ports.repository.get_course(course_id)
    if cohort is None:
        return ""
    definition = cohort.definition
    return course_name(definition.title, cohort.first_start(), definition.timezone)


def _bursary_beyond(application: Application, course: Course) -> dict[str, str] | None:
    """A bursary larger than the price of the cohort moved to: it funds that whole price and no
    more (a bursary pays for a place, it is never paid out: docs/features/transfers.md,
    "Money stays with the booking"), which the move's email says rather than that everything
    paid stays."""
    price = application.price_or(course.definition.price)
    if application.group_place is not None or application.bursary <= price.amount:
        return None
    return {
        "granted": money_words(application.bursary, price.currency),
        "price": money_words(price.amount, price.currency),
    }


def _moving_to(job: EmailJob, application: Application) -> str | None:
    """The cohort a message names as the one the booking was (or is) to join: the move that
    did not happen, or, told they already have a place, the move that waits (the person applying
    there again learns their booking waits to move there)."""
    if job.kind in (EmailKind.MOVE_LAPSED, EmailKind.MOVE_WAITING):
        return job.to_course_id
    if job.kind is EmailKind.ALREADY_APPLIED and application.status is ApplicationStatus.CONFIRMED:
        move = application.waiting_move or application.pending_move
        return move.to_course_id if move is not None else None
    return None


def manager_named(ports: Ports, application: Application) -> bool:
    """Whether a message composed now about ``application`` may name its group booking's
    manager ("booked and paid for by <manager> of <organisation>": ``_group_payer``). Read
    before composing, and asked again once the send is leased (``mailer._send_once``): a
    manager erased in between is composed again without them."""
    ref = application.group_place
    if ref is None:
        return False
    group = ports.groups.get_group(ref.group_id)
    return group is not None and group.manager.email != ERASED_EMAIL


def _group_payer(ports: Ports, group_id: str) -> str:
    """Who booked and paid for a colleague's place: "<manager> of <organisation>" (the
    organisation alone once the manager was erased)."""
    group = ports.groups.get_group(group_id)
    if group is None:
        return "your organisation"
    if group.manager.email == ERASED_EMAIL:
        return group.organisation
    return f"{group.manager.name} of {group.organisation}"


def _reminded_later(
    ports: Ports, job: EmailJob, application: Application, course: Course, now: datetime
) -> bool:
    """Whether a reminder of a follow-up still comes after its invitation: one of the offsets
    of the person's own cohort (those they are reminded at) falls due after the invitation
    goes. One that went late is the reminder due as it went (``services.reminders``). Only
    an invitation promises one: True for every other message, as ``email_context`` has it."""
    if job.kind is not EmailKind.FOLLOW_UP_INVITATION or job.session_start is None:
        return True
    own = course
    if application.course_id != course.course_id:
        own = ports.repository.get_course(application.course_id) or course
    sent = max(now, job.planned_at) if job.planned_at else now
    return reminded_after(job.session_start, own.definition.reminder_offsets_hours, sent)


def _booked_on(ports: Ports, job: EmailJob, application: Application, course: Course) -> str:
    """The name of the cohort the person booked, when the message comes from another one (a
    follow-up's host): their reference belongs to their own booking. A booking's end is said
    of the cohort the person was told of (``cohort_told.cohort_told``): that is their booking.
    The facilitators' messages are the cohort's own, whichever cohort the booking holds now."""
    if (
        application.course_id == course.course_id
        or ends_a_booking(job, application)
        or job.kind in TO_FACILITATORS
    ):
        return ""
    booked = ports.repository.get_course(application.course_id)
    if booked is None:
        return ""
    definition = booked.definition
    return course_name(definition.title, booked.first_start(), definition.timezone)


def _own_list(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> list[ScheduledSession] | None:
    """The list a message about one of a programme's follow-ups (an invitation, a change, a
    reminder) numbers it in: the person's own cohort's ("1 of 4", as their confirmation said),
    not its host's, which (an earlier cohort added since) may list fewer or more. None: ``course``'s
    own (the person's cohort hosts it, or does not list it). These
    messages show the one session alone, so the list only numbers it."""
    if job.kind not in SESSION_KINDS or job.programme is None or job.session_key is None:
        return None
    if application.course_id == course.course_id:
        return None
    own = ports.repository.get_course(application.course_id)
    listed = held_schedule(ports, own) if own is not None else []
    key = job.session_key
    if any(s.key == key and s.kind is SessionKind.FOLLOW_UP for s in listed):
        return listed
    return None


def with_reference(subject: str, reference: str | None) -> str:
    """Every subject ends with the application's reference, the one thing a person quotes when
    they reply or ring, and what they search their inbox for."""
    return f"{subject} ({reference})" if reference else subject


def _reply_to(job: EmailJob, application: Application, course: Course) -> list[str]:
    """Who a reply reaches: the facilitators answer the applicant straight from their copy;
    everyone else writes back to the centre's enquiries address."""
    if job.kind is EmailKind.FACILITATOR_COPY:
        return [application.answers.email]
    enquiries = course.definition.enquiries_email
    return [str(enquiries)] if enquiries else []


def _earlier_ended(ports: Ports, application: Application) -> str | None:
    """How the person's last earlier application for this course ended, if one did (a new
    application after a cancellation or refund starts afresh, and says so)."""
    earlier = [
        a
        for a in ports.repository.applications_of_person(application.answers.email)
        if a.course_id == application.course_id
        and a.application_id != application.application_id
        and a.created_at <= application.created_at
        and a.enrolment_ended
    ]
    return max(earlier, key=lambda a: a.created_at).status.value if earlier else None


def _facts(
    application: Application, course: Course, context: dict[str, Any], now: datetime
) -> Facts:
    timezone = course.definition.timezone
    held_until = application.hold_lapses_at()
    invoice = application.invoice
    return Facts(
        status=application.status.value,
        reason=application.status_reason,
        payment_pending=application.payment_pending,
        paid=application.charges_paid,
        paid_by=context["payer"],
        on_group_place=application.group_place is not None,
        joining_link=bool(course.definition.joining_url),
        booked=application.was_booked,
        nothing_to_pay=bool(context["nothing_to_pay"]),
        can_pay=bool(context["can_pay"]),
        checkout_open=bool(context["pay_url"]),
        price=context["amount_due"] or course.definition.price.display(),
        held_until=moment_when(held_until, timezone) if held_until and held_until > now else None,
        offer_until=context["offer_until"],
        until_closing=bool(context["offer_until_closing"]),
        wait_ended=waiting_list_ended(application, course, now),
        review_ended=review_ended(application, course, now),
        no_more_offers=bool(context["no_more_offers"]),
        closes_at=str(context["closes_at"]),
        waitlist_position=context["waitlist_position"],
        invoice_due=day_when(invoice.due_at, timezone) if invoice else None,
    )


def _listed(
    ports: Ports, job: EmailJob, current: Application, application: Application, course: Course
) -> list[ScheduledSession] | None:
    """Messages listing every session show the follow-ups as the programme holds them, to a
    booking that hears of them (``domain.programme.told_sessions``); one about a programme's
    follow-up numbers it in the person's own cohort's list (None: the course's own)."""
    if job.kind in LISTS_SESSIONS:
        return told_sessions(course, current, held_schedule(ports, course))
    return _own_list(ports, job, application, course)


def _links_elsewhere(
    ports: Ports,
    course: Course,
    listed: Sequence[ScheduledSession],
    views: Sequence[dict[str, Any]],
) -> list[dict[str, str]]:
    """The listed follow-ups another cohort hosts with another link than this cohort's: a new
    link of this cohort's is not theirs (their calendar entries keep the host's link), so its
    message names each one's own ("" for none)."""
    if not any(s.kind is SessionKind.FOLLOW_UP for s in listed):
        return []
    programme = programme_of(course)
    own = str(course.definition.joining_url or "")
    hosts = {
        e.key: e
        for e in follow_up_events(ports.repository.list_courses())
        if e.programme == programme and e.host.course_id != course.course_id
    }
    return [
        {"heading": view["heading"], "url": joining_link(hosts[s.key])}
        for s, view in zip(listed, views, strict=True)
        if s.key in hosts and joining_link(hosts[s.key]) != own
    ]
