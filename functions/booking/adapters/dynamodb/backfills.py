"""Operator jobs that bring items saved before an index existed up to date (``services.backfills``).

Each write is conditional, so a job is safe to run twice and while traffic flows: it writes an
index item only where none exists, and only for the application as it was read (a condition on
its version, in the same transaction): an application changed since (its billing contact erased,
say) is read again by the caller rather than indexed as it was.
"""

from __future__ import annotations

from booking.adapters.dynamodb.limits import code_update
from booking.adapters.dynamodb.schema import application_key, billing_contact_key, holding_key
from booking.adapters.dynamodb.table import Table, at_version, translate_aws_errors
from booking.domain.application import Application
from booking.domain.billing import billing_contact_of
from booking.domain.errors import StaleWrite
from booking.domain.limits import Holding, Limited, code_course


class DynamoBackfills:
    table: Table

    @translate_aws_errors
    def index_billing_contact(self, application: Application) -> bool:
        """Write the ``BILLING#`` item that leads from the application's billing contact to it
        (as a save naming the contact writes it): True when written, False when it was there
        already. StaleWrite: the application is no longer the version read."""
        contact = billing_contact_of(application.billing)
        if contact is None:
            raise ValueError("the application names no billing contact to index")
        key = billing_contact_key(contact, application.application_id)
        unchanged = {
            "TableName": self.table.name,
            "Key": application_key(application.application_id),
            **at_version(application.version),
        }
        item = {**key, "application_id": {"S": application.application_id}}
        missing = {
            "TableName": self.table.name,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        try:
            self.table.transact(
                [("application", {"ConditionCheck": unchanged}), ("billing", {"Put": missing})]
            )
        except StaleWrite:
            if self.table.get(key) is not None:
                return False  # there already (whatever became of the application since)
            raise
        return True

    @translate_aws_errors
    def give_back_holding(self, application: Application, holding: Holding) -> bool:
        """Delete ``holding``'s item of ``application`` (read at its version) and move its
        counter back, in one transaction: True when given back, False when there was none.
        StaleWrite: the application is no longer the version read."""
        assert holding.thing is Limited.CODE_USE
        assert application.discount is not None
        key = holding_key(application.application_id, holding.key)
        unchanged = {
            "TableName": self.table.name,
            "Key": application_key(application.application_id),
            **at_version(application.version),
        }
        held = {
            "TableName": self.table.name,
            "Key": key,
            "ConditionExpression": "attribute_exists(pk)",
        }
        course_id, code = code_course(application), application.discount.code
        try:
            self.table.transact(
                [
                    ("application", {"ConditionCheck": unchanged}),
                    ("holding", {"Delete": held}),
                    ("given back", {"Update": code_update(self.table.name, course_id, code, -1)}),
                ]
            )
        except StaleWrite:
            if self.table.get(key) is None:
                return False  # none held (given back already, or never claimed)
            raise
        return True
