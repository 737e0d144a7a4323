"""Operator jobs: bring what was saved before an index existed up to date.

``backfill_billing_index``: applications saved before the ``BILLING#`` lookup was kept have
none, so their billing contact's export and erasure (``services.people``) miss them. The job
writes the missing lookups one course at a time (every application, whatever its status, read
by the course's roster), so each call is short and the caller pages through the courses:
``POST /admin/billing-index/backfill`` and ``course-booking backfill-billing-index``. Each
write is conditional (``Repository.index_billing_contact``): run twice, the second run writes
nothing; run while people book, it indexes an application only as it stands (one changed under
it is read again), and never an erased person or billing contact.

``backfill_code_uses``: applications that expired before ``limits.holds_code_use`` gave an
expired hold's code use back were stored still holding it (its holding item and the code's
count), so the code counted a use nobody holds until the application's deletion
months later. The job gives each back, one course a call as the billing index's:
``POST /admin/code-uses/backfill`` and ``course-booking backfill-code-uses``. Each give-back is
one transaction, conditional on the application's version and the item's existence: run
twice, the second run gives back nothing.

``backfill_former_contacts``: a booking (a person's or a group's) whose invoice was corrected
to another billing contact before the contact it was corrected away from was kept on it
(``domain.former_contacts``) names them nowhere, though the old invoice's customer at Stripe
still holds them, so their export and erasure miss it. The job reads who each such invoice's
customer holds and records them, one course a call as the billing index's:
``POST /admin/former-contacts/backfill`` and ``course-booking backfill-former-contacts``. An
invoice recorded already is not read again; each save is conditional on the booking as read:
run twice, the second run records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.billing import BillingDetails, billing_contact_of
from booking.domain.errors import DependencyUnavailable, NotFound, StaleWrite
from booking.domain.former_contacts import (
    group_named_without_record,
    group_replaced_unrecorded,
    named_without_record,
    recorded_from_provider,
    replaced_unrecorded,
)
from booking.domain.groups import GroupBooking
from booking.domain.limits import code_use_kept_by_expiry
from booking.domain.refund_failed import REFUND_FAILED_AT_STRIPE
from booking.services.ports import Ports

logger = Logger(child=True)
# An application changing this many times under one backfill is being worked on: run it again.
MAX_ATTEMPTS = 5


class Indexed(Enum):
    WRITTEN = "written"
    ALREADY = "already_indexed"
    NOT_BILLED = "not_billed"  # no billing contact to index (none named, or erased)


@dataclass(frozen=True)
class BackfillPage:
    """One course's part of the backfill: what was written, what was there already, the
    applications with no billing contact to index, and the course to ask for next (None:
    every course is done)."""

    course_id: str | None
    written: int
    already_indexed: int
    not_billed: int
    next_course_id: str | None


def _course_and_next(ports: Ports, course_id: str | None) -> tuple[str | None, str | None]:
    """The course a backfill's call does (the first by id when None; None: there are no
    courses) and the one after it (None: the last). NotFound: no such course."""
    courses = sorted(c.course_id for c in ports.repository.list_courses())
    if course_id is None:
        if not courses:
            return None, None
        course_id = courses[0]
    if course_id not in courses:
        raise NotFound(f"no course {course_id!r}")
    later = [c for c in courses if c > course_id]
    return course_id, later[0] if later else None


def backfill_billing_index(ports: Ports, course_id: str | None = None) -> BackfillPage:
    """Write the missing ``BILLING#`` lookups of one course's applications (the first course
    by id when None), and name the next course."""
    course_id, next_course_id = _course_and_next(ports, course_id)
    if course_id is None:
        return BackfillPage(None, 0, 0, 0, None)
    counts = dict.fromkeys(Indexed, 0)
    for application in ports.repository.list_applications(course_id):
        counts[_indexed(ports, application)] += 1
    page = BackfillPage(
        course_id,
        written=counts[Indexed.WRITTEN],
        already_indexed=counts[Indexed.ALREADY],
        not_billed=counts[Indexed.NOT_BILLED],
        next_course_id=next_course_id,
    )
    logger.info("billing index backfilled", extra=dict(page.__dict__))
    return page


def _indexed(ports: Ports, read: Application) -> Indexed:
    """Index one application's billing contact as the application stands (read again from the
    table when it changed since the roster was read)."""
    application: Application | None = read
    for _ in range(MAX_ATTEMPTS):
        if application is None or billing_contact_of(application.billing) is None:
            return Indexed.NOT_BILLED
        try:
            written = ports.repository.index_billing_contact(application)
        except StaleWrite:
            application = ports.repository.get_application(read.application_id)
            continue
        return Indexed.WRITTEN if written else Indexed.ALREADY
    raise DependencyUnavailable("an application kept changing under the backfill; run it again")


@dataclass(frozen=True)
class CodeUsesPage:
    """One course's part of the code uses' backfill: the uses given back, and the course to
    ask for next (None: every course is done)."""

    course_id: str | None
    given_back: int
    next_course_id: str | None


def backfill_code_uses(ports: Ports, course_id: str | None = None) -> CodeUsesPage:
    """Give back the code uses one course's expired applications were stored holding by the
    rule before (``limits.code_use_kept_by_expiry``), and name the next course."""
    course_id, next_course_id = _course_and_next(ports, course_id)
    if course_id is None:
        return CodeUsesPage(None, 0, None)
    given_back = sum(
        _use_given_back(ports, application)
        for application in ports.repository.list_applications(course_id)
    )
    page = CodeUsesPage(course_id, given_back, next_course_id)
    logger.info("code uses backfilled", extra=dict(page.__dict__))
    return page


def _use_given_back(ports: Ports, read: Application) -> bool:
    """The use ``read`` was stored holding by an expiry under the rule before, given back as
    the application stands (read again when it changed since the roster was read)."""
    application: Application | None = read
    for _ in range(MAX_ATTEMPTS):
        kept = code_use_kept_by_expiry(application) if application is not None else None
        if application is None or kept is None:
            return False
        try:
            return ports.repository.give_back_holding(application, kept)
        except StaleWrite:
            application = ports.repository.get_application(read.application_id)
    raise DependencyUnavailable("an application kept changing under the backfill; run it again")


# Every anomaly kept is read (newest first): they are few (each one an organiser's alarm).
ANOMALIES_READ = 100_000


@dataclass(frozen=True)
class RefundsFailedBackfill:
    """What the refunds-failed backfill found: failures written onto their booking, failures
    each booking held already, and anomalies naming no booking that is still there (erased
    records keep their id: a gone one is a course deleted)."""

    written: int
    already_held: int
    not_found: int


def backfill_refunds_failed(ports: Ports) -> RefundsFailedBackfill:
    """Each refund failure an anomaly tells of, kept on the booking it names."""
    written = held = missing = 0
    for anomaly in ports.repository.anomalies(ANOMALIES_READ):
        application_id = anomaly.details.get("application_id", "")
        refund_id = anomaly.details.get("refund_id", "")
        if anomaly.kind != REFUND_FAILED_AT_STRIPE or not (application_id and refund_id):
            continue  # not a booking's refund failure (a group's names its group)
        outcome = _failure_kept(ports, application_id, refund_id)
        written += outcome == "written"
        held += outcome == "held"
        missing += outcome == "missing"
    done = RefundsFailedBackfill(written, held, missing)
    logger.info("refunds failed backfilled", extra=dict(done.__dict__))
    return done


def _failure_kept(ports: Ports, application_id: str, refund_id: str) -> str:
    """``refund_id`` kept as failed on the application: "written", "held" (it was already),
    or "missing" (no such application)."""
    for _ in range(MAX_ATTEMPTS):
        application = ports.repository.get_application(application_id)
        if application is None:
            return "missing"
        if refund_id in application.refunds_failed:
            return "held"
        failed = (*application.refunds_failed, refund_id)
        try:
            ports.repository.save(
                application.model_copy(update={"refunds_failed": failed}), application
            )
        except StaleWrite:
            continue
        return "written"
    raise DependencyUnavailable("an application kept changing under the backfill; run it again")


@dataclass(frozen=True)
class FormerContactsPage:
    """One course's part of the replaced contacts' backfill, counted in replaced invoices (a
    person's bookings' and groups'): those whose contact it recorded, those recorded before it
    ran, those with nobody to record (Stripe holds no one for them any more, or they went to
    someone the booking names still), and the course to ask for next (None: done)."""

    course_id: str | None
    recorded: int
    already_recorded: int
    nobody_to_record: int
    next_course_id: str | None


def backfill_former_contacts(ports: Ports, course_id: str | None = None) -> FormerContactsPage:
    """Record the contacts one course's bookings' invoices were corrected away from before
    they were kept (``former_contacts.recorded_from_provider``), and name the next course."""
    course_id, next_course_id = _course_and_next(ports, course_id)
    if course_id is None:
        return FormerContactsPage(None, 0, 0, 0, None)
    outcomes = [
        *(_contacts_recorded(ports, a) for a in ports.repository.list_applications(course_id)),
        *(_contacts_recorded(ports, g) for g in ports.groups.groups_of_course(course_id)),
    ]
    # Each column added up (begun at nothing: a course with no bookings counts none).
    recorded, already, nobody = (sum(column) for column in zip((0, 0, 0), *outcomes, strict=True))
    page = FormerContactsPage(course_id, recorded, already, nobody, next_course_id)
    logger.info("replaced billing contacts backfilled", extra=dict(page.__dict__))
    return page


def _contacts_recorded(ports: Ports, read: Application | GroupBooking) -> tuple[int, int, int]:
    """A booking's replaced contacts recorded as it stands (read again when it changed since
    the roster was read): (recorded, recorded before, nobody to record)."""
    booking: Application | GroupBooking | None = read
    for _ in range(MAX_ATTEMPTS):
        if booking is None:
            return 0, 0, 0
        try:
            return _recorded_once(ports, booking)
        except StaleWrite:
            booking = (
                ports.groups.get_group(read.group_id)
                if isinstance(read, GroupBooking)
                else ports.repository.get_application(read.application_id)
            )
    raise DependencyUnavailable("a booking kept changing under the backfill; run it again")


def _addressee_not_erased(ports: Ports, invoice_id: str) -> BillingDetails | None:
    """Who the provider holds the invoice addressed to, unless an erasure is still to delete
    that customer: its deletion owed, or the erasure of its address still waiting for the
    provider's search. Such a person is never recorded again: the invoice stays unrecorded,
    and a later run finds nobody held for it."""
    if ports.repository.customer_deletion_owed(invoice_id):
        return None
    addressee = ports.payments.invoice_addressee(invoice_id)
    contact = billing_contact_of(addressee)
    if contact is not None and ports.repository.provider_search_owed_for(contact):
        return None
    return addressee


def _recorded_once(ports: Ports, booking: Application | GroupBooking) -> tuple[int, int, int]:
    """:func:`_contacts_recorded`'s one try; StaleWrite when the booking changed meanwhile."""
    if isinstance(booking, GroupBooking):
        unread, named = group_replaced_unrecorded(booking), group_named_without_record(booking)
    else:
        unread, named = replaced_unrecorded(booking), named_without_record(booking)
    already = len(booking.former_billing)
    # Read at Stripe only while some replaced invoice is unrecorded: none, nothing asked.
    held = [(invoice_id, _addressee_not_erased(ports, invoice_id)) for invoice_id in unread]
    former = recorded_from_provider(booking.former_billing, held, named)
    recorded = len(former) - already
    if recorded:
        kept = booking.model_copy(update={"former_billing": former})
        if isinstance(booking, GroupBooking) and isinstance(kept, GroupBooking):
            ports.groups.save_group(kept, booking)
        elif isinstance(booking, Application) and isinstance(kept, Application):
            ports.repository.save(kept, booking)
    return recorded, already, len(unread) - recorded
