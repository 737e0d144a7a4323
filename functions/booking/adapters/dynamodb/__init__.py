"""The repository on one DynamoDB table (see ``schema.py`` for every item's key).

The ``Repository`` port is served by stores, each one concern: courses, applications (with
their history), the outbox, discount codes, holdings, email, reminder and announcement ledgers,
groups, registers, who recorded a payment. ``DynamoRepository`` (``repository.py``) joins them
all in one class.
``StoresOnDemand`` serves the same methods wherever ``booking.bootstrap`` builds the ports (in
Lambda, under ``make run``, in the integration tests), importing each store when one of its
methods is first called: a store's module loads the domain models it reads and writes (the
applications' store nearly all of them), which a function that never calls it (the SES
events' function writes suppressions only) should not pay for in its cold start.

This package's own import stays light for that reason: ``DynamoRepository`` is loaded only
when asked for by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from booking.adapters.dynamodb.table import Table
from booking.services.ports import UNPAID_RETENTION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from booking.adapters.dynamodb.repository import DynamoRepository


# Every store: its module, its class, the methods it serves (a test holds this table to the
# stores' classes, so a method added to a store fails it until listed here).
STORES: tuple[tuple[str, str, frozenset[str]], ...] = (
    (
        "courses",
        "DynamoCourseStore",
        frozenset({"get_course", "list_courses", "put_course", "sessions_starting"}),
    ),
    (
        "applications",
        "DynamoApplicationStore",
        frozenset(
            {
                "application_by_reference",
                "application_for_payment",
                "applications_billed_to",
                "applications_due",
                "applications_of_person",
                "enrolled_application_id",
                "forget_billing_contact",
                "forget_person",
                "get_application",
                "list_applications",
                "owner_of",
                "read_for_submission",
                "save",
            }
        ),
    ),
    ("outbox", "DynamoEmailOutbox", frozenset({"emails_relayed", "pending_emails"})),
    (
        "codes",
        "DynamoDiscountCodes",
        frozenset(
            {"discount_codes", "get_discount_code", "put_discount_code", "record_code_active"}
        ),
    ),
    ("limits", "DynamoHoldings", frozenset({"give_back_holdings"})),
    (
        "history",
        "DynamoApplicationHistory",
        frozenset(
            {"add_to_timeline", "application_with_timeline", "record_copy", "recorded_copies"}
        ),
    ),
    (
        "ledgers",
        "DynamoAnomalyLog",
        frozenset(
            {
                "anomalies",
                "forget_given_back_for_nobody",
                "given_back_for_nobody",
                "record_anomaly",
                "record_given_back_for_nobody",
            }
        ),
    ),
    (
        "ledgers",
        "DynamoEmailLedger",
        frozenset(
            {
                "claim_email",
                "email_claim",
                "email_state",
                "finish_email",
                "hold_send",
                "calendar_sequence",
                "is_suppressed",
                "next_calendar_sequence",
                "release_send",
                "sends_held",
                "suppress_address",
            }
        ),
    ),
    (
        "ledgers",
        "DynamoReminderLedger",
        frozenset(
            {
                "claim_reminder",
                "claimed_reminders",
                "invitations_to",
                "mark_reminder_queued",
                "supersede_reminder",
            }
        ),
    ),
    (
        "ledgers",
        "DynamoAnnouncementLedger",
        frozenset({"record_told", "told_of", "told_to", "told_when"}),
    ),
    (
        "groups",
        "DynamoGroupStore",
        frozenset(
            {
                "forget_group_person",
                "get_group",
                "group_of_object",
                "groups_due",
                "groups_of_course",
                "groups_of_person",
                "hold_group_send",
                "place_holder",
                "save_group",
            }
        ),
    ),
    (
        "register",
        "DynamoRegisterStore",
        frozenset(
            {
                "certificate_owner",
                "close_register",
                "forget_certificate",
                "record_certificate",
                "register_closed_at",
            }
        ),
    ),
    (
        "provider_erasure",
        "DynamoCustomerErasureLedger",
        frozenset(
            {
                "claim_provider_search",
                "claim_provider_searches",
                "customer_deletion_done",
                "customer_deletion_owed",
                "owe_customer_deletions",
                "owe_provider_search",
                "owed_customer_deletions",
                "provider_search_done",
                "provider_search_owed_for",
                "provider_searches_owed",
            }
        ),
    ),
    ("backfills", "DynamoBackfills", frozenset({"index_billing_contact", "give_back_holding"})),
    ("payment_recorders", "DynamoPaymentRecorders", frozenset({"recorders_of_payment"})),
)
_STORE_SERVING = {method: store for store in STORES for method in store[2]}


class OnTheTable:
    """What every store reads of itself: the table, and how long unpaid applications are kept."""

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        unpaid_retention: timedelta = UNPAID_RETENTION,
    ) -> None:
        self.table = Table(client, table_name)
        self.unpaid_retention = unpaid_retention


class StoresOnDemand(OnTheTable):
    """``DynamoRepository``'s methods, each store imported and built on the first call of one
    of its methods (``Repository`` and ``GroupStore``, as ``booking.bootstrap`` types it)."""

    def __getattr__(self, name: str) -> Any:
        # Python asks here only for what the instance does not hold yet: once a store is
        # built, its methods are the instance's own attributes.
        store = _STORE_SERVING.get(name)
        if store is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self._build(store)
        return vars(self)[name]

    def build_stores(self, serving: Collection[str] | None = None) -> None:
        """Import and build now the stores ``serving`` these methods (every store when None)."""
        unknown = set(serving or ()) - _STORE_SERVING.keys()
        if unknown:
            raise ValueError(f"no store serves {sorted(unknown)}")
        for store in STORES:
            if serving is None or not store[2].isdisjoint(serving):
                self._build(store)

    def _build(self, store: tuple[str, str, frozenset[str]]) -> None:
        module, class_name, methods = store
        store_class = getattr(importlib.import_module(f"{__name__}.{module}"), class_name)
        built = store_class.__new__(store_class)
        # A store is written as one of DynamoRepository's mixins: all it reads of itself, other
        # than its own methods, is the table and the retention.
        vars(built).update(table=self.table, unpaid_retention=self.unpaid_retention)
        for method in methods:
            setattr(self, method, getattr(built, method))


def __getattr__(name: str) -> Any:
    """``DynamoRepository`` is imported when first asked for (it imports every store)."""
    if name == "DynamoRepository":
        return importlib.import_module(f"{__name__}.repository").DynamoRepository
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["STORES", "UNPAID_RETENTION", "DynamoRepository", "OnTheTable", "StoresOnDemand"]
