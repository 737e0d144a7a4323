"""Who recorded a payment intent, in one consistent BatchGetItem of the three items that say it
(``schema``): the application's (``PAYMENT#<pi>`` / ``PAYMENT``, written with the save that
recorded it), the group's (``GROUPOWNER#<pi>``) and the one kept when this system gave the
payment back as nobody's (``PAYMENT#<pi>`` / ``GIVEN_BACK_FOR_NOBODY``).

A store of its own: it reads the three indexes by their keys and loads no model but the
course's, so the webhook's paid event asks all three in one round trip without loading a
group's store; the course the payment is for comes in the same round trip when asked (whether
it was paid after that course began: ``domain.paying``).
"""

from __future__ import annotations

from typing import Any

from booking.adapters.dynamodb.items import course_from_item
from booking.adapters.dynamodb.schema import (
    PARTITION_KEY,
    SORT_KEY,
    Key,
    course_key,
    given_back_for_nobody_key,
    group_owner_key,
    payment_key,
)
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.services.payment_recorders_port import PaymentRecorders


class DynamoPaymentRecorders:
    table: Table

    @translate_aws_errors
    def recorders_of_payment(
        self, payment_intent: str, course_id: str | None = None
    ) -> PaymentRecorders:
        by_application = payment_key(payment_intent)
        by_group = group_owner_key(payment_intent)
        given_back = given_back_for_nobody_key(payment_intent)
        keys = [by_application, by_group, given_back]
        if course_id is not None:
            keys.append(course_key(course_id))
        found = {_at(item): item for item in self.table.get_many(keys)}
        application = found.get(_at(by_application))
        group = found.get(_at(by_group))
        course = found.get(_at(course_key(course_id))) if course_id is not None else None
        return PaymentRecorders(
            application_id=application["application_id"]["S"] if application else None,
            group_id=group["group_id"]["S"] if group else None,
            given_back_for_nobody=_at(given_back) in found,
            course=course_from_item(course) if course else None,
        )


def _at(item: Key | dict[str, Any]) -> tuple[str, str]:
    """An item's (or a key's) place in the table."""
    return item[PARTITION_KEY]["S"], item[SORT_KEY]["S"]
