"""Applications, written with everything that must change with them in one transaction.

A save writes the application (conditional on the version read), claims and gives back every
limited thing it holds (a seat and its waiting place on the course counters, a use of its
discount code; ``adapters.dynamodb.limits``, derived from the before and after states, so the
counters cannot drift),
claims or releases the person's enrolment on the course, remembers which payment is whose, and
writes each email the change decided as an OUTBOX item: all or nothing. The table's stream then
carries the emails to the relay function, so no request waits for the queue and no email is
lost between a write and a send.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from booking.adapters.dynamodb.codes import code_from_item
from booking.adapters.dynamodb.items import (
    application_from_item,
    application_to_item,
    course_from_item,
    iso,
    outbox_item,
    timeline_item,
)
from booking.adapters.dynamodb.limits import (
    holding_actions,
    kept_claims,
    only_giving_back,
    transact_giving_back,
)
from booking.adapters.dynamodb.schema import (
    CODE_PREFIX,
    COURSE_SK,
    DUE_PARTITION,
    ENROLMENT_SK,
    application_key,
    billing_contact_key,
    billing_contact_partition,
    course_applications_partition,
    course_key,
    discount_code_key,
    email_claim_key,
    enrolment_key,
    owner_key,
    payment_key,
    person_key,
    person_partition,
    reference_key,
)
from booking.adapters.dynamodb.table import (
    CONDITION_FAILED,
    Table,
    error_code,
    translate_aws_errors,
    versioned_put,
)
from booking.domain.application import Application
from booking.domain.cohort_currency import newly_priced, no_longer_priced
from booking.domain.emails_as_queued import stamped
from booking.domain.enrolments import enrolment_changes
from booking.domain.invoice_voiding import contacts_named
from booking.domain.limits import counter_moves, holding_changes
from booking.domain.people import address_digest
from booking.domain.provider_objects import payments_recorded, provider_objects
from booking.domain.timeline import changes
from booking.services.ports import ClaimRead, EnrolmentRead, SubmissionRead
from booking.services.stored import stored_application


def _new_objects(stored: Application, previous: Application | None) -> list[str]:
    """Checkout sessions and invoices this save records for the first time."""
    known = provider_objects(previous) if previous else set()
    return sorted(provider_objects(stored) - known)


def _new_payments(stored: Application, previous: Application | None) -> list[str]:
    known = set(payments_recorded(previous)) if previous else set()
    return [pi for pi in payments_recorded(stored) if pi not in known]


class DynamoApplicationStore:
    table: Table
    unpaid_retention: timedelta

    @translate_aws_errors
    def get_application(self, application_id: str) -> Application | None:
        return self.table.read(application_key(application_id), application_from_item)

    @translate_aws_errors
    def read_for_submission(
        self,
        course_id: str,
        application_id: str | None,
        code: str | None,
        email: str | None = None,
    ) -> SubmissionRead:
        keys = [course_key(course_id)]
        if application_id is not None:
            keys.append(application_key(application_id))
        if code:
            keys.append(discount_code_key(course_id, code))
        if email:
            keys.append(enrolment_key(course_id, email))
        items = self.table.get_many(keys)
        read = SubmissionRead(
            course=None,
            # No enrolment item among the answers: no application holds the place.
            enrolment=EnrolmentRead(address_digest(email), None) if email else None,
        )
        for item in items:
            sort_key = item["sk"]["S"]
            if sort_key == COURSE_SK:
                read = dataclasses.replace(read, course=course_from_item(item))
            elif sort_key.startswith(CODE_PREFIX):
                read = dataclasses.replace(read, discount_code=code_from_item(item))
            elif sort_key == ENROLMENT_SK and read.enrolment is not None:
                holder = item["application_id"]["S"] if "application_id" in item else None
                enrolment = dataclasses.replace(read.enrolment, application_id=holder)
                read = dataclasses.replace(read, enrolment=enrolment)
            else:
                read = dataclasses.replace(read, application=application_from_item(item))
        return read

    @translate_aws_errors
    def list_applications(self, course_id: str) -> list[Application]:
        return [
            application_from_item(item)
            for item in self.table.course_partition(course_applications_partition(course_id))
        ]

    @translate_aws_errors
    def save(
        self,
        new: Application,
        previous: Application | None,
        *,
        replaces: str | None = None,
        claim: ClaimRead | None = None,
        course_at: int | None = None,
    ) -> Application:
        stored = stored_application(new, previous)
        put = versioned_put(
            self.table.name,
            application_to_item(stored, self.unpaid_retention),
            previous.version if previous else None,
        )
        actions: list[tuple[str, dict[str, Any]]] = [("application", {"Put": put})]
        actions.extend(self._as_read(stored, claim, course_at))
        # Every limited thing the change claims or gives back (seats, code uses), derived from
        # the states before and after, in this same transaction.
        held = holding_changes(previous, stored)
        held, kept = kept_claims(self.table, stored.application_id, held, previous is not None)
        actions.extend(kept)
        # And on every cohort it newly prices something in: only while still in that currency,
        # counted; and on every one it stops pricing something in, counted down.
        priced = newly_priced(previous, stored)
        unpriced = no_longer_priced(previous, stored)
        actions.extend(holding_actions(self.table.name, stored, previous, held, priced, unpriced))
        actions.extend(self._who_applied(stored, previous, replaces))
        for contact in sorted(contacts_named(stored) - contacts_named(previous)):
            # Who is billed, by a digest: the billing contact's export and erasure find it;
            # one an act's mark names too, before its save bills them.
            billed = {
                **billing_contact_key(contact, stored.application_id),
                "application_id": {"S": stored.application_id},
            }
            actions.append(("billing", {"Put": {"TableName": self.table.name, "Item": billed}}))
        for payment_intent in _new_payments(stored, previous):
            # Refund events name the payment, not the application: remember whose it is (every
            # payment, the ones given back too, so their refunds are acknowledged).
            payment = {
                **payment_key(payment_intent),
                "application_id": {"S": stored.application_id},
            }
            actions.append(("payment", {"Put": {"TableName": self.table.name, "Item": payment}}))
        for object_id in _new_objects(stored, previous):
            # Stripe's events name the object; its owner is found by it, never by metadata.
            owner = {**owner_key(object_id), "application_id": {"S": stored.application_id}}
            actions.append(("owner", {"Put": {"TableName": self.table.name, "Item": owner}}))
        for job in new.outbox:
            # A message saying the booking's money carries the record it was saved with.
            item = outbox_item(stamped(job, stored), stored.updated_at)
            actions.append(("email", {"Put": {"TableName": self.table.name, "Item": item}}))
        # The change's history, in the application's own partition (read with it in one Query).
        for position, entry in enumerate(changes(previous, stored)):
            item = timeline_item(stored.application_id, entry, f"{stored.version:08d}#{position}")
            actions.append(("history", {"Put": {"TableName": self.table.name, "Item": item}}))
        back = only_giving_back(counter_moves(previous, stored, held), priced, unpriced)
        transact_giving_back(self.table, actions, priced, back)
        return stored

    def _as_read(
        self, stored: Application, claim: ClaimRead | None, course_at: int | None
    ) -> list[tuple[str, dict[str, Any]]]:
        """The checks that hold the decision saved to what it read: an email's claim as read
        (a mailer claiming it meanwhile makes this save lose, and the decision is made again);
        the course at the version ``course_at``, for a decision made from its dates (a save of
        the course meanwhile bumps it)."""
        checks: list[tuple[str, dict[str, Any]]] = []
        if claim is not None:
            checks.append(("email claim", {"ConditionCheck": self._claim_as_read(claim)}))
        if course_at is not None:
            checks.append(
                ("course as read", {"ConditionCheck": self._course_at(stored, course_at)})
            )
        return checks

    def _course_at(self, stored: Application, version: int) -> dict[str, Any]:
        return {
            "TableName": self.table.name,
            "Key": course_key(stored.course_id),
            "ConditionExpression": "#v = :read",
            "ExpressionAttributeNames": {"#v": "version"},
            "ExpressionAttributeValues": {":read": {"N": str(version)}},
        }

    def _claim_as_read(self, claim: ClaimRead) -> dict[str, Any]:
        check: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": email_claim_key(claim.job_id),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        if claim.state is not None:
            check["ConditionExpression"] = "#s = :read"
            check["ExpressionAttributeNames"] = {"#s": "state"}
            check["ExpressionAttributeValues"] = {":read": {"S": claim.state}}
        return check

    def _who_applied(
        self, stored: Application, previous: Application | None, replaces: str | None
    ) -> list[tuple[str, dict[str, Any]]]:
        """The person's items the change writes: who applied and their one live application
        per course (the enrolment), with the reference it is known by."""
        actions: list[tuple[str, dict[str, Any]]] = []
        if previous is None:
            # Who applied, by a digest of the address: export and erasure find a person's
            # applications with one query, and the item itself names no one.
            person = {
                **person_key(stored.answers.email, stored.application_id),
                "application_id": {"S": stored.application_id},
            }
            actions.append(("person", {"Put": {"TableName": self.table.name, "Item": person}}))
            actions.append(("enrolment", {"Put": self._enrolment_claim(stored, replaces)}))
            if stored.reference:
                actions.append(("reference", {"Put": self._reference_claim(stored)}))
            return actions
        # The person's one place per course (``domain.enrolments``): claimed on a cohort the
        # booking moves to (or whose list its move joins), given back where it ended or left.
        changed = enrolment_changes(previous, stored)
        for course_id in changed.claimed:
            claim = self._enrolment_claim(stored, None, course_id)
            actions.append(("enrolment", {"Put": claim}))
        for course_id in changed.given_back:
            release = self._enrolment_release(previous, course_id)
            actions.append(("enrolment", {"Delete": release}))
        for course_id in changed.moves_given_back:
            # Only a claim this move made (read first; the condition keeps it so).
            if self.enrolled_application_id(course_id, previous.answers.email) == (
                previous.application_id
            ):
                release = self._enrolment_release(previous, course_id)
                actions.append(("enrolment", {"Delete": release}))
        return actions

    def _reference_claim(self, application: Application) -> dict[str, Any]:
        assert application.reference is not None
        return {
            "TableName": self.table.name,
            "Item": {
                **reference_key(application.reference),
                "application_id": {"S": application.application_id},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }

    def _enrolment_claim(
        self, application: Application, replaces: str | None, course_id: str | None = None
    ) -> dict[str, Any]:
        claim: dict[str, Any] = {
            "TableName": self.table.name,
            "Item": {
                **enrolment_key(course_id or application.course_id, application.answers.email),
                "application_id": {"S": application.application_id},
            },
            # Free, or this application's already (a move made claims its cohort again).
            "ConditionExpression": "attribute_not_exists(pk) OR application_id = :self",
            "ExpressionAttributeValues": {":self": {"S": application.application_id}},
        }
        if replaces is not None:
            claim["ConditionExpression"] += " OR application_id = :old"
            claim["ExpressionAttributeValues"][":old"] = {"S": replaces}
        filling = application.group_place
        if filling is not None and course_id in (None, application.course_id):
            # A colleague applying through their place's link takes over the claim the
            # group's place made for them (``domain.enrolments``).
            claim["ConditionExpression"] += (
                " OR (group_id = :group AND place = :place"
                " AND attribute_not_exists(application_id))"
            )
            claim["ExpressionAttributeValues"][":group"] = {"S": filling.group_id}
            claim["ExpressionAttributeValues"][":place"] = {"N": str(filling.place)}
        return claim

    def _enrolment_release(self, application: Application, course_id: str) -> dict[str, Any]:
        return {
            "TableName": self.table.name,
            "Key": enrolment_key(course_id, application.answers.email),
            "ConditionExpression": "attribute_not_exists(pk) OR application_id = :id",
            "ExpressionAttributeValues": {":id": {"S": application.application_id}},
        }

    @translate_aws_errors
    def enrolled_application_id(self, course_id: str, email: str) -> str | None:
        return self.table.text(enrolment_key(course_id, email), "application_id")

    def _indexed_under(self, partition: str) -> list[Application]:
        """The applications a person's index partition points at (the person's own, or those
        billed to them), each read whole; an entry whose application is gone is passed over."""
        found = []
        for item in self.table.query(
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": partition}},
        ):
            application = self.get_application(item["application_id"]["S"])
            if application is not None:
                found.append(application)
        return found

    @translate_aws_errors
    def applications_of_person(self, email: str) -> list[Application]:
        return self._indexed_under(person_partition(email))

    @translate_aws_errors
    def applications_billed_to(self, email: str) -> list[Application]:
        contact = email.strip().lower()
        return [
            application
            for application in self._indexed_under(billing_contact_partition(email))
            if contact in contacts_named(application)
        ]

    @translate_aws_errors
    def forget_billing_contact(self, email: str, application_ids: list[str]) -> None:
        for application_id in application_ids:
            self.table.client.delete_item(
                TableName=self.table.name, Key=billing_contact_key(email, application_id)
            )

    @translate_aws_errors
    def forget_person(self, email: str, application_ids: list[str]) -> None:
        for application_id in application_ids:
            application = self.get_application(application_id)
            if application is not None:
                try:
                    self.table.client.delete_item(
                        TableName=self.table.name,
                        Key=enrolment_key(application.course_id, email),
                        ConditionExpression="application_id = :id",
                        ExpressionAttributeValues={":id": {"S": application_id}},
                    )
                except ClientError as exc:
                    if error_code(exc) != CONDITION_FAILED:
                        raise
            self.table.client.delete_item(
                TableName=self.table.name, Key=person_key(email, application_id)
            )

    @translate_aws_errors
    def owner_of(self, provider_object_id: str) -> str | None:
        return self.table.text(owner_key(provider_object_id), "application_id")

    @translate_aws_errors
    def application_for_payment(self, payment_intent: str) -> Application | None:
        application_id = self.table.text(payment_key(payment_intent), "application_id")
        return self.get_application(application_id) if application_id else None

    @translate_aws_errors
    def application_by_reference(self, reference: str) -> Application | None:
        application_id = self.table.text(reference_key(reference), "application_id")
        return self.get_application(application_id) if application_id else None

    @translate_aws_errors
    def applications_due(self, now: datetime, limit: int = 500) -> list[Application]:
        # "~" sorts after "#<id>": an application due exactly at ``now`` is due.
        due = self.table.in_time_order(DUE_PARTITION, until=iso(now) + "~", limit=limit)
        return [application_from_item(item) for item in due]
