"""Every store of the table in one class: the ``Repository`` port as the tests and the local
stack build it, and as the type the functions' stores on demand (``StoresOnDemand``) stand for.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from booking.adapters.dynamodb import UNPAID_RETENTION
from booking.adapters.dynamodb.applications import DynamoApplicationStore
from booking.adapters.dynamodb.codes import DynamoDiscountCodes
from booking.adapters.dynamodb.courses import DynamoCourseStore
from booking.adapters.dynamodb.groups import DynamoGroupStore
from booking.adapters.dynamodb.history import DynamoApplicationHistory
from booking.adapters.dynamodb.ledgers import (
    DynamoAnnouncementLedger,
    DynamoAnomalyLog,
    DynamoEmailLedger,
    DynamoReminderLedger,
)
from booking.adapters.dynamodb.limits import DynamoHoldings
from booking.adapters.dynamodb.outbox import DynamoEmailOutbox
from booking.adapters.dynamodb.provider_erasure import DynamoCustomerErasureLedger
from booking.adapters.dynamodb.register import DynamoRegisterStore
from booking.adapters.dynamodb.table import Table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoRepository(
    DynamoCourseStore,
    DynamoApplicationStore,
    DynamoEmailOutbox,
    DynamoDiscountCodes,
    DynamoHoldings,
    DynamoApplicationHistory,
    DynamoAnomalyLog,
    DynamoEmailLedger,
    DynamoReminderLedger,
    DynamoAnnouncementLedger,
    DynamoGroupStore,
    DynamoRegisterStore,
    DynamoCustomerErasureLedger,
):
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        unpaid_retention: timedelta = UNPAID_RETENTION,
    ) -> None:
        self.table = Table(client, table_name)
        self.unpaid_retention = unpaid_retention


__all__ = ["DynamoRepository"]
