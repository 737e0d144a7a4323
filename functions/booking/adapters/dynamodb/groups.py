"""Places booked by a manager, in the one table: the group, its seats, its provider objects.

A group's save is one transaction: the group (conditional on the version read), the seats it
claims or gives back on the course's counter (derived from the states before and after, as an
application's are: ``GroupBooking.seats_held``), the emails the change decided (OUTBOX items,
relayed like an application's), the index of each Stripe object it records
for the first time (its checkout session, its invoice, its payment), so an event about one is
believed for this group alone, and the enrolment of each colleague whose place holds a seat
(``domain.enrolments.group_enrolment_changes``: one person, one place on a course), claimed for
the group's place and given back with it. The group item carries its course's by-course index
entry, so the course's money finds its groups with one query.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from booking.adapters.dynamodb.items import course_from_item, iso, outbox_item
from booking.adapters.dynamodb.ledgers import leased
from booking.adapters.dynamodb.limits import (
    priced_in,
    seat_update,
    transact_giving_back,
    unpriced_in,
)
from booking.adapters.dynamodb.schema import (
    BY_COURSE_INDEX,
    BY_TIME_INDEX,
    GROUPS_DUE_PARTITION,
    course_groups_partition,
    course_key,
    enrolment_key,
    group_key,
    group_owner_key,
    group_person_key,
    group_person_partition,
    group_place_key,
)
from booking.adapters.dynamodb.table import (
    COLLEAGUE_LABEL,
    Table,
    at_version,
    translate_aws_errors,
    versioned_put,
)
from booking.domain.addresses import STORED
from booking.domain.cohort_currency import group_newly_priced, group_no_longer_priced
from booking.domain.enrolments import group_enrolment_changes
from booking.domain.errors import CourseFull, CourseRedated, NotFound
from booking.domain.provider_objects import provider_objects_of_group
from booking.services.stored import places_given_up, stored_group

if TYPE_CHECKING:
    from booking.domain.groups import GroupBooking


def _group(doc: str) -> GroupBooking:
    """A group as stored. Its model loads with the first group read: the API's every
    submission asks for the groups naming the applicant, and hardly anyone is named."""
    from booking.domain.groups import GroupBooking

    return GroupBooking.model_validate_json(doc, context=STORED)


def _only_giving_back(stored: GroupBooking, previous: GroupBooking | None) -> list[str]:
    """The course a group's save only gives back to (``limits.transact_giving_back``): no
    seat claimed there, nothing newly priced there."""
    delta = stored.seats_held - (previous.seats_held if previous else 0)
    claims = delta > 0 or group_newly_priced(previous, stored) is not None
    return [] if claims else [stored.course_id]


def _objects(group: GroupBooking | None) -> set[str]:
    return provider_objects_of_group(group) if group is not None else set()


def _held_by_place(item: dict[str, Any] | None, group_id: str, number: int) -> bool:
    """Whether an enrolment item is the claim of ``group_id``'s place ``number`` (not taken
    over by an application)."""
    return (
        item is not None
        and "application_id" not in item
        and item.get("group_id", {}).get("S") == group_id
        and item.get("place", {}).get("N") == str(number)
    )


def _people(group: GroupBooking | None) -> set[str]:
    if group is None:
        return set()
    return group.people_named


class DynamoGroupStore:
    table: Table

    @translate_aws_errors
    def get_group(self, group_id: str) -> GroupBooking | None:
        item = self.table.get(group_key(group_id))
        if item is None:
            return None
        return _group(item["doc"]["S"])

    @translate_aws_errors
    def hold_group_send(self, group: GroupBooking, job_id: str, until: datetime) -> bool:
        check = {
            "TableName": self.table.name,
            "Key": group_key(group.group_id),
            **at_version(group.version),
        }
        return leased(self.table, check, group.group_id, job_id, until)

    @translate_aws_errors
    def save_group(self, new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
        stored = stored_group(new, previous)
        item: dict[str, Any] = {
            **group_key(stored.group_id),
            "course_id": {"S": stored.course_id},
            "status": {"S": stored.status.value},
            "version": {"N": str(stored.version)},
            "doc": {"S": stored.model_dump_json()},
            # The course's groups, as its applications are found (its money counts them).
            f"{BY_COURSE_INDEX}pk": {"S": course_groups_partition(stored.course_id)},
            f"{BY_COURSE_INDEX}sk": {"S": f"{iso(stored.created_at)}#{stored.group_id}"},
        }
        lapses = stored.sweep_due_at()
        if lapses is not None:
            # Sparse, like the applications' DUE partition: the sweep reads unpaid groups only.
            item[f"{BY_TIME_INDEX}pk"] = {"S": GROUPS_DUE_PARTITION}
            item[f"{BY_TIME_INDEX}sk"] = {"S": f"{iso(lapses)}#{stored.group_id}"}
        put = versioned_put(self.table.name, item, previous.version if previous else None)
        actions: list[tuple[str, dict[str, Any]]] = [("application", {"Put": put})]
        actions.extend(self._course_actions(stored, previous))
        for number in places_given_up(stored, previous):
            # A place given up only while nobody fills it: a colleague's claim that got in
            # first refuses the save (the use case looks again).
            free = {
                "TableName": self.table.name,
                "Key": group_place_key(stored.group_id, number),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
            actions.append(("place", {"ConditionCheck": free}))
        actions.extend(self._enrolment_actions(stored, previous))
        for object_id in sorted(_objects(stored) - _objects(previous)):
            owner = {**group_owner_key(object_id), "group_id": {"S": stored.group_id}}
            actions.append(("owner", {"Put": {"TableName": self.table.name, "Item": owner}}))
        for email in sorted(_people(stored) - _people(previous)):
            # Who it names, by a digest: erasure and export find the person's groups.
            named = {**group_person_key(email, stored.group_id)}
            actions.append(("person", {"Put": {"TableName": self.table.name, "Item": named}}))
        for email in sorted(_people(previous) - _people(stored)):
            # Someone it no longer names (substituted out, erased): not found by it any more.
            gone = {"TableName": self.table.name, "Key": group_person_key(email, stored.group_id)}
            actions.append(("person", {"Delete": gone}))
        for job in new.outbox:
            item = outbox_item(job, stored.updated_at)
            actions.append(("email", {"Put": {"TableName": self.table.name, "Item": item}}))
        currency = group_newly_priced(previous, stored)
        try:
            transact_giving_back(
                self.table,
                actions,
                {stored.course_id: currency} if currency else {},
                _only_giving_back(stored, previous),
            )
        except CourseFull:
            if previous is None:  # which of the course item's conditions failed, read back
                self._refuse_if_redated(stored.course_id, stored.dated_by)
            raise
        return stored

    def _refuse_if_redated(self, course_id: str, dated_by: int | None) -> None:
        """A group's first save holds only while its course is at the version its apply-by
        date was reckoned from (``GroupBooking.dated_by``): else ``CourseRedated``."""
        item = self.table.get(course_key(course_id)) if dated_by is not None else None
        if item is not None and course_from_item(item).version != dated_by:
            raise CourseRedated("the course was saved since the booking read it")

    def _course_actions(
        self, stored: GroupBooking, previous: GroupBooking | None
    ) -> list[tuple[str, dict[str, Any]]]:
        """The seats it claims or gives back, and, when it newly holds money in the cohort,
        only while the cohort is in its currency (``limits.priced_in``); when it stops holding
        any, the cohort's live count lowered (``limits.unpriced_in``)."""
        delta = stored.seats_held - (previous.seats_held if previous else 0)
        currency = group_newly_priced(previous, stored)
        unpriced = group_no_longer_priced(previous, stored)
        if delta > 0:
            dated_by = stored.dated_by if previous is None else None
            update = self._seats_claimed(stored.course_id, delta, dated_by)
        elif delta < 0 or currency is not None or unpriced:
            update = seat_update(self.table.name, stored.course_id, delta, 0)
        else:
            return []
        label = "course" if delta else "priced"
        if currency:
            update = priced_in(update, currency)
        elif unpriced:
            update = unpriced_in(update)
        return [(label, {"Update": update})]

    def _enrolment_actions(
        self, stored: GroupBooking, previous: GroupBooking | None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Each colleague's one place on the course, claimed for their place where it holds a
        seat (free, or this place's already: else the save is refused, ``ColleagueEnrolled``)
        and given back where it no longer does, while it is still this place's (a colleague's
        application that took it over gives it back itself when it ends)."""
        changed = group_enrolment_changes(previous, stored)
        group_id = stored.group_id
        actions: list[tuple[str, dict[str, Any]]] = []
        for number, email in changed.taken_where_free:
            key = enrolment_key(stored.course_id, email)
            found = self.table.get(key)
            # A booking saved before claims: one held already is left as it is; one taken
            # between this read and the save refuses it (StaleWrite: looked at again).
            if found is None or _held_by_place(found, group_id, number):
                actions.append(("claim", {"Put": self._claim(key, group_id, number)}))
        for number, email in changed.claimed:
            claim = self._claim(enrolment_key(stored.course_id, email), group_id, number)
            actions.append((f"{COLLEAGUE_LABEL}{number}", {"Put": claim}))
        for number, email in changed.given_back:
            key = enrolment_key(stored.course_id, email)
            if not _held_by_place(self.table.get(key), group_id, number):
                continue  # taken over by the colleague's application, or never claimed
            release = {
                "TableName": self.table.name,
                "Key": key,
                "ConditionExpression": "group_id = :g AND place = :n "
                "AND attribute_not_exists(application_id)",
                "ExpressionAttributeValues": {":g": {"S": group_id}, ":n": {"N": str(number)}},
            }
            # Taken over meanwhile: the save is refused (StaleWrite) and looked at again.
            actions.append(("claim", {"Delete": release}))
        return actions

    def _claim(self, key: dict[str, Any], group_id: str, number: int) -> dict[str, Any]:
        """The enrolment ``key`` claimed for the group's place ``number``: free, or this
        place's already (never an application's)."""
        return {
            "TableName": self.table.name,
            "Item": {**key, "group_id": {"S": group_id}, "place": {"N": str(number)}},
            "ConditionExpression": "attribute_not_exists(pk) OR "
            "(group_id = :g AND place = :n AND attribute_not_exists(application_id))",
            "ExpressionAttributeValues": {":g": {"S": group_id}, ":n": {"N": str(number)}},
        }

    def _seats_claimed(
        self, course_id: str, seats: int, dated_by: int | None = None
    ) -> dict[str, Any]:
        """``seats`` at once: a condition cannot add, so the capacity read now is part of the
        condition (a concurrent change of capacity refuses the claim), and the seats taken
        must be at most capacity less ``seats``. Nobody may be waiting (the waiting list goes
        first) and the course must be open, as for one seat. A new group's claim holds only
        while the course is at the version it was dated by (``dated_by``)."""
        item = self.table.get(course_key(course_id))
        if item is None:
            raise NotFound(f"no course {course_id!r}")
        course = course_from_item(item)
        capacity = course.definition.capacity
        if capacity < seats:
            raise CourseFull("this course has not that many places")
        if dated_by is not None and course.version != dated_by:
            raise CourseRedated("the course was saved since the booking read it")
        condition = (
            "#capacity = :cap AND (attribute_not_exists(#taken) "
            "OR #taken <= :most) AND (attribute_not_exists(#closed) OR #closed = :f) "
            "AND (attribute_not_exists(#waiting) OR #waiting = :zero)"
        )
        names = {
            "#taken": "seats_taken",
            "#capacity": "capacity",
            "#closed": "closed",
            "#waiting": "waiting",
        }
        values = {
            ":d": {"N": str(seats)},
            ":cap": {"N": str(capacity)},
            ":most": {"N": str(capacity - seats)},
            ":f": {"BOOL": False},
            ":zero": {"N": "0"},
        }
        if dated_by is not None:
            condition += " AND #version = :dated"
            names["#version"] = "version"
            values[":dated"] = {"N": str(dated_by)}
        return {
            "TableName": self.table.name,
            "Key": course_key(course_id),
            "UpdateExpression": "ADD #taken :d",
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    @translate_aws_errors
    def groups_due(self, now: datetime, limit: int = 100) -> list[GroupBooking]:
        """Groups the sweep must look at by ``now``: unpaid ones whose hold has lapsed, paid
        ones past their colleagues' deadline."""
        due = self.table.in_time_order(GROUPS_DUE_PARTITION, until=iso(now) + "~", limit=limit)
        return [_group(item["doc"]["S"]) for item in due]

    @translate_aws_errors
    def groups_of_course(self, course_id: str) -> list[GroupBooking]:
        """Every group booked on the course, whatever its status, the oldest first."""
        return [
            _group(item["doc"]["S"])
            for item in self.table.course_partition(course_groups_partition(course_id))
        ]

    @translate_aws_errors
    def groups_of_person(self, email: str) -> list[GroupBooking]:
        """Every group that named ``email`` (as its manager or a colleague), ever."""
        found = []
        for item in self.table.query(
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": group_person_partition(email.lower())}},
        ):
            group = self.get_group(item["sk"]["S"].removeprefix("GROUP#"))
            if group is not None:
                found.append(group)
        return found

    @translate_aws_errors
    def forget_group_person(self, email: str, group_id: str) -> None:
        """The group no longer names ``email``: its index item goes (erasure)."""
        self.table.client.delete_item(
            TableName=self.table.name, Key=group_person_key(email.lower(), group_id)
        )

    @translate_aws_errors
    def group_of_object(self, provider_object_id: str) -> str | None:
        return self.table.text(group_owner_key(provider_object_id), "group_id")

    @translate_aws_errors
    def place_holder(self, group_id: str, place: int) -> str | None:
        """The application filling a group's place now, if any."""
        return self.table.text(group_place_key(group_id, place), "application_id")
