"""A group booking's manager erased: the facilitators were sent each of their colleagues'
bookings with the manager's name on it ("booked and paid for by <manager> of <organisation>"),
so each list sent one is asked to delete those emails (UK GDPR Article 19), as a person's own
erasure asks of the lists sent their application (``domain.facilitators_told``). The colleagues'
bookings stand; only the copies that named the manager are to go."""

from __future__ import annotations

from collections.abc import Iterable

from booking.domain.application import Application
from booking.domain.emails import EmailJob
from booking.domain.erasure import GroupErased
from booking.domain.facilitators_told import ask_of_managers_lists
from booking.domain.groups import GroupBooking
from booking.services.concurrency import retried
from booking.services.emails_gone import went_for
from booking.services.ports import Ports


def colleagues_booked(ports: Ports, groups: Iterable[GroupErased]) -> dict[str, list[Application]]:
    """By group id, every application made for a place of each group in ``groups`` whose
    manager was erased: those on the group's cohort that name it (the ones withdrawn or
    substituted since too: their copies named the manager as well), and each place's holder
    now (one moved to another cohort since)."""
    return {
        erased.group_id: _colleagues(ports, group)
        for erased in groups
        if erased.link_ended and (group := ports.groups.get_group(erased.group_id)) is not None
    }


def _colleagues(ports: Ports, group: GroupBooking) -> list[Application]:
    found: dict[str, Application] = {}
    for application in ports.repository.list_applications(group.course_id):
        ref = application.group_place
        if ref is not None and ref.group_id == group.group_id:
            found[application.application_id] = application
    for place in group.places:
        holder = ports.groups.place_holder(group.group_id, place.number)
        if holder is not None and holder not in found:
            held = ports.repository.get_application(holder)
            if held is not None:
                found[holder] = held
    return list(found.values())


def ask_managers_lists(ports: Ports, colleagues: Iterable[Application]) -> set[str]:
    """Each list of facilitators sent one of ``colleagues``' bookings asked to delete what named
    the erased manager, in the booking's own save (its outbox). The cohorts whose lists were
    asked."""
    asked: set[str] = set()
    for colleague in colleagues:
        asked.update(job.course_id for job in _asked_of(ports, colleague))
    return asked


def _asked_of(ports: Ports, colleague: Application) -> tuple[EmailJob, ...]:
    def ask(current: Application | None) -> tuple[EmailJob, ...]:
        if current is None or current.is_erased:
            # Gone meanwhile (retention), or erased (the manager on a place of their own): its
            # own erasure asked each list to delete all of it.
            return ()
        jobs = ask_of_managers_lists(current, went_for(ports, current)[0])
        if jobs:
            ports.repository.save(current.with_emails(*jobs), current)
        return jobs

    first: Application | None = colleague
    return retried(
        ask, lambda: ports.repository.get_application(colleague.application_id), first=first
    )
