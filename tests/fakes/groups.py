"""An in-memory ``GroupStore``: places booked by a manager, with the table's rules.

Like the DynamoDB adapter (``adapters/dynamodb/groups.py``), a save is conditional on the
version read and claims or gives back the group's seats on the course's counter (in the
``FakeRepository`` it shares), refusing a claim beyond the capacity, on a closed course or
while anyone waits; it claims and gives back the enrolment of each colleague whose place
holds a seat (``domain.enrolments``, in the repository's ``group_enrolments``); it indexes the
provider objects a group records (in the repository's ``group_owners``: one read answers who
recorded a payment) and the people a group names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from booking.domain.cohort_currency import group_newly_priced, group_no_longer_priced
from booking.domain.course import Course
from booking.domain.enrolments import group_enrolment_changes
from booking.domain.errors import (
    ColleagueEnrolled,
    CourseFull,
    CourseRedated,
    PriceChanged,
    StaleWrite,
)
from booking.domain.groups import GroupBooking
from booking.domain.people import address_digest
from booking.domain.provider_objects import provider_objects_of_group
from booking.services.stored import places_given_up, stored_group
from tests.fakes.repository import FakeRepository


def _objects(group: GroupBooking) -> set[str]:
    return provider_objects_of_group(group)


def _people(group: GroupBooking) -> set[str]:
    return {address_digest(email) for email in group.people_named}


@dataclass
class FakeGroupStore:
    repository: FakeRepository
    groups: dict[str, GroupBooking] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)  # address digest -> group ids

    def get_group(self, group_id: str) -> GroupBooking | None:
        return self.groups.get(group_id)

    def hold_group_send(self, group: GroupBooking, job_id: str, until: datetime) -> bool:
        current = self.groups.get(group.group_id)
        if current is None or current.version != group.version:
            return False
        self.repository.send_leases[(group.group_id, job_id)] = until
        return True

    def save_group(self, new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
        stored = stored_group(new, previous)
        current = self.groups.get(stored.group_id)
        if previous is None and current is not None:
            raise StaleWrite("group exists")
        if previous is not None and (current is None or current.version != previous.version):
            raise StaleWrite("group changed concurrently")
        for number in places_given_up(stored, previous):
            if self.place_holder(stored.group_id, number) is not None:
                raise StaleWrite("the place was filled meanwhile")
        course = self._course_after(stored, previous)
        claimed, given_back = self._enrolments(stored, previous)
        self.groups[stored.group_id] = stored
        for key in given_back:
            self.repository.group_enrolments.pop(key, None)
        for key, place in claimed:
            self.repository.group_enrolments[key] = (stored.group_id, place)
        if course is not None:
            self.repository.courses[stored.course_id] = course
        for object_id in _objects(stored):
            self.repository.group_owners[object_id] = stored.group_id
        for digest in _people(stored):
            self.people.setdefault(digest, set()).add(stored.group_id)
        named_before = _people(previous) if previous is not None else set()
        for digest in named_before - _people(stored):  # substituted out, erased
            self.people.get(digest, set()).discard(stored.group_id)
        for job in new.outbox:
            self.repository.outbox[job.job_id] = (job, stored.updated_at)
            self.repository.written_emails.append(job)
        return stored

    def _course_after(self, stored: GroupBooking, previous: GroupBooking | None) -> Course | None:
        """The course as the save leaves it (None: removed since, and the save only gives
        seats back or moves none, as the table lets it), or refused as the table refuses it."""
        delta = stored.seats_held - (previous.seats_held if previous else 0)
        course = self.repository.courses.get(stored.course_id)
        # Newly holding money in the cohort: only while it is in that currency, and counted.
        currency = group_newly_priced(previous, stored)
        if course is None and delta <= 0 and currency is None:
            return None  # nothing to give back to: the group saved without it
        if course is None:
            raise CourseFull("this course has no places left")
        if currency is not None and course.definition.price.currency != currency:
            raise PriceChanged()
        if previous is None and stored.dated_by not in (None, course.version):
            # Its course saved since the booking read it, as the adapter refuses it.
            raise CourseRedated("the course was saved since the booking read it")
        if delta > 0 and (
            course.seats_taken + delta > course.definition.capacity
            or course.definition.closed
            or course.waiting > 0
        ):
            raise CourseFull("this course has no places left")
        if delta < 0 and course.seats_taken < -delta:
            raise CourseFull("this course has no places left")
        return course.model_copy(
            update={
                "seats_taken": course.seats_taken + delta,
                "priced": course.priced
                + (currency is not None)
                - group_no_longer_priced(previous, stored),
            }
        )

    def _enrolments(
        self, stored: GroupBooking, previous: GroupBooking | None
    ) -> tuple[list[tuple[tuple[str, str], int]], list[tuple[str, str]]]:
        """The colleagues' enrolments the save claims for their places (each free or this
        place's, else ``ColleagueEnrolled``; a booking saved before claims takes the free ones
        only) and gives back (while still this place's), as the table's transaction does."""
        changed = group_enrolment_changes(previous, stored)
        held = self.repository.group_enrolments

        def free(key: tuple[str, str], number: int) -> bool:
            mine = (stored.group_id, number)
            return key not in self.repository.enrolments and held.get(key) in (None, mine)

        claimed = [
            (key, number)
            for number, email in changed.taken_where_free
            if free(key := (stored.course_id, address_digest(email)), number)
        ]
        refused: list[int] = []
        for number, email in changed.claimed:
            key = (stored.course_id, address_digest(email))
            if free(key, number):
                claimed.append((key, number))
            else:
                refused.append(number)
        if refused:
            raise ColleagueEnrolled(
                "a colleague already has a place on this course", tuple(refused)
            )
        given_back = [
            key
            for number, email in changed.given_back
            if held.get(key := (stored.course_id, address_digest(email)))
            == (stored.group_id, number)
        ]
        return claimed, given_back

    def group_of_object(self, provider_object_id: str) -> str | None:
        return self.repository.group_owners.get(provider_object_id)

    def place_holder(self, group_id: str, place: int) -> str | None:
        for application in self.repository.applications.values():
            ref = application.group_place
            filling = ref is not None and (ref.group_id, ref.place) == (group_id, place)
            if filling and application.seat_held:
                return application.application_id
        return None

    def groups_due(self, now: datetime, limit: int = 100) -> list[GroupBooking]:
        due = [
            group
            for group in self.groups.values()
            if (due := group.sweep_due_at()) is not None and due <= now
        ]
        return due[:limit]

    def groups_of_course(self, course_id: str) -> list[GroupBooking]:
        found = [group for group in self.groups.values() if group.course_id == course_id]
        return sorted(found, key=lambda group: (group.created_at, group.group_id))

    def groups_of_person(self, email: str) -> list[GroupBooking]:
        ids = sorted(self.people.get(address_digest(email), set()))
        return [self.groups[group_id] for group_id in ids if group_id in self.groups]

    def forget_group_person(self, email: str, group_id: str) -> None:
        self.people.get(address_digest(email), set()).discard(group_id)
