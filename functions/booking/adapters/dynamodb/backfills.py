"""Operator jobs that bring items saved before an index existed up to date (``services.backfills``).

Each write is conditional, so a job is safe to run twice and while traffic flows: it writes an
index item only where none exists, and only for the application as it was read (a condition on
its version, in the same transaction): an application changed since (its billing contact erased,
say) is read again by the caller rather than indexed as it was.
"""

from __future__ import annotations

from booking.adapters.dynamodb.schema import application_key, billing_contact_key
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.application import Application
from booking.domain.billing import billing_contact_of
from booking.domain.errors import StaleWrite


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
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": {"N": str(application.version)}},
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
