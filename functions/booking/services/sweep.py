"""The scheduled sweep, each run of the reminders' schedule: holds whose time is up are
released (in case Stripe's expiry event was lost), emails the stream could not relay are
queued, the dates a save of a course moved lately are followed again where its by-course
queries missed something (``services.dates_followed``), free seats are offered to waiting lists,
and those waiting when applications closed are told their wait ended (``sweep``). Apart from it,
run last by the schedule, the searches and deletions erasures still owe at Stripe
(``erasures_at_provider``).

Every run reads what is due; most find nothing. What a due item needs is imported by the run
that has one, not at the function's init: an application due (a lapsed hold, an overdue move,
an owed refund, a wait over) loads the lifecycle's money paths (``services.lifecycle``), a seat
to offer the waiting list's (``services.waitlist``), both with the settlement's rules and their
models. The reminders' function starts on demand, so what its init loads is waited for on every
cold start; what a run with nothing due never uses is left to the run that uses it
(docs/figures.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from booking.domain.offer_ends import waiting_list_to_tell
from booking.services.dates_followed import follow_moved_dates
from booking.services.group_sweep import release_lapsed_groups
from booking.services.outbox import relay_pending_emails
from booking.services.ports import ClaimRead, Ports, Repository
from booking.services.provider_erasure import forget_owed_customers
from booking.services.provider_searches import make_owed_searches

if TYPE_CHECKING:
    from booking.domain.application import Application


@dataclass
class SweepSummary:
    """What one run of the sweep did."""

    holds_released: int = 0
    emails_relayed: int = 0
    offers_made: int = 0
    skipped: list[str] = field(default_factory=list)
    transfer_refunds_made: int = 0  # refunds a move still owed (Stripe failed at the time)
    waits_ended: int = 0  # people waiting (on the list or for a review) told applications closed
    # Groups re-dated and people told they wait again after a save moved the dates, which the
    # save's own pass missed (``services.dates_followed``).
    dates_followed: int = 0
    # Every application the run wrote, by id, as last stored: a booking it confirmed or
    # moved onto another course among them (a seat given with nothing to pay, a waiting move
    # made, an act left half done completed), whose reminders the schedule's run queues after
    # it (``services.reminders.remind_swept``). Read from the saves themselves, not the
    # by-course index, which may not show them yet.
    saved: dict[str, Application] = field(default_factory=dict)


class _SavesNoted:
    """The repository as the sweep uses it: each application it saves is noted, as stored,
    in ``saved``; everything else is the repository's own."""

    def __init__(self, repository: Repository, saved: dict[str, Application]) -> None:
        self._repository = repository
        self._saved = saved

    def save(
        self,
        new: Application,
        previous: Application | None,
        *,
        replaces: str | None = None,
        claim: ClaimRead | None = None,
        course_at: int | None = None,
    ) -> Application:
        stored = self._repository.save(
            new, previous, replaces=replaces, claim=claim, course_at=course_at
        )
        self._saved[stored.application_id] = stored
        return stored

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repository, name)


def sweep(ports: Ports, now: datetime) -> SweepSummary:
    """Release holds whose time is up, queue emails the stream could not relay, and offer free
    seats to waiting lists, all as of ``now`` (the run's time: the offers' deadlines and the
    emails about them included). What it saved is in the summary's ``saved``."""
    summary = SweepSummary()
    noted = _SavesNoted(ports.repository, summary.saved)
    # The clock stopped first: ``at`` shares what is built (the run's one Stripe client).
    ports = replace(ports.at(now), repository=cast(Repository, noted))
    touched: set[str] = set()
    due = ports.repository.applications_due(now)
    if due:
        from booking.services.lifecycle import sweep_due  # the module docstring says why

        touched.update(sweep_due(ports, due, now, summary))
    # Places held for managers' groups that were never paid go back the same way.
    lapsed_groups = release_lapsed_groups(ports, now)
    summary.holds_released += len(lapsed_groups)
    touched.update(lapsed_groups)
    summary.emails_relayed = relay_pending_emails(ports, now)
    courses = ports.repository.list_courses()
    # Dates a save moved lately, followed again where its by-course queries missed something.
    summary.dates_followed = follow_moved_dates(ports, courses, now, summary.skipped)
    to_offer = [
        course.course_id
        for course in courses
        if course.course_id in touched or (course.waiting and course.places_left)
    ]
    if to_offer:
        from booking.services.waitlist import offer_free_places

        for course_id in to_offer:
            summary.offers_made += len(offer_free_places(ports, course_id))
    # Waiting lists whose wait ended as applications closed, and applications whose review
    # never came (none counted on the course, hence every course closed and not begun, a few
    # at most): each person told once.
    closed = [c for c in courses if waiting_list_to_tell(c, now)]
    if closed:
        from booking.services.wait_closed import tell_closed_waiting_lists

        summary.waits_ended = tell_closed_waiting_lists(ports, closed, now)
    return summary


def erasures_at_provider(ports: Ports, now: datetime) -> int:
    """What erasures still owe at the payment provider, done as of ``now``: the searches by
    address it did not answer, then the deletions of customers owed (what a search finds is
    deleted in the same run); how many searches were made. The schedule runs it last, after
    the reminders and the sweep (``services.reminders.scheduled_run``): all it does waits on
    the provider, and the bookings' own work goes before it (a provider found silent earlier
    in the run is asked nothing more: ``PaymentGateway.brief``)."""
    ports = ports.at(now)
    searches = make_owed_searches(ports, now)
    forget_owed_customers(ports)
    return searches
