"""Every store of the table in one class: the ``Repository`` port as the contract tests build
it, and the classes ``StoresOnDemand`` serves the same methods from (a test holds them alike).
"""

from __future__ import annotations

from booking.adapters.dynamodb import OnTheTable
from booking.adapters.dynamodb.applications import DynamoApplicationStore
from booking.adapters.dynamodb.backfills import DynamoBackfills
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
from booking.adapters.dynamodb.payment_recorders import DynamoPaymentRecorders
from booking.adapters.dynamodb.provider_erasure import DynamoCustomerErasureLedger
from booking.adapters.dynamodb.register import DynamoRegisterStore


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
    DynamoBackfills,
    DynamoPaymentRecorders,
    OnTheTable,
):
    """Made on a DynamoDB client and the table's name, as ``StoresOnDemand`` is."""


__all__ = ["DynamoRepository"]
