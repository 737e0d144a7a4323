"""Discount codes, each an item beside its course holding the code's terms and its uses.

The uses are a limited thing's counter (``booking.domain.limits``): only a save's transaction
moves them (``adapters.dynamodb.limits``); this module makes codes and reads them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from booking.adapters.dynamodb.limits import priced_in, seat_update
from booking.adapters.dynamodb.schema import CODE_PREFIX, discount_code_key
from booking.adapters.dynamodb.table import (
    CONDITION_FAILED,
    Table,
    error_code,
    translate_aws_errors,
)
from booking.domain.billing import DiscountCode
from booking.domain.cohort_currency import code_newly_priced
from booking.domain.errors import Conflict, NotFound, StaleWrite


def code_to_item(code: DiscountCode) -> dict[str, Any]:
    item: dict[str, Any] = {
        **discount_code_key(code.course_id, code.code),
        "doc": {"S": code.model_dump_json(exclude={"uses", "active", "expired_at"})},
        "uses": {"N": str(code.uses)},
        "active": {"BOOL": code.active},
    }
    if code.max_uses is not None:
        item["max_uses"] = {"N": str(code.max_uses)}
    return item


def code_from_item(item: dict[str, Any]) -> DiscountCode:
    code = DiscountCode.model_validate_json(item["doc"]["S"])
    return code.model_copy(
        update={
            "uses": int(item.get("uses", {}).get("N", "0")),
            # Codes kept before organisers could expire them have no flag: active.
            "active": item.get("active", {}).get("BOOL", True),
            "expired_at": datetime.fromisoformat(at["S"])
            if (at := item.get("expired_at"))
            else None,
        }
    )


class DynamoDiscountCodes:
    table: Table

    @translate_aws_errors
    def put_discount_code(self, code: DiscountCode) -> None:
        currency = code_newly_priced(code)
        if currency is None:
            made = self.table.put_new(code_to_item(code))
        else:
            # An amount off in the cohort's currency: made only while the cohort is in it, and
            # counted on the course item (``Course.priced_codes``: a currency change checked
            # before it fails its condition and is checked again).
            put = {
                "TableName": self.table.name,
                "Item": code_to_item(code),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
            update = seat_update(self.table.name, code.course_id, 0, 0)
            priced = priced_in(update, currency, counter="priced_codes")
            try:
                self.table.transact([("new code", {"Put": put}), ("priced", {"Update": priced})])
                made = True
            except StaleWrite:
                made = False
        if not made:
            raise Conflict(
                f"the code {code.code!r} is already in use on this course",
                code="discount_code_exists",
            )

    @translate_aws_errors
    def get_discount_code(self, course_id: str, code: str) -> DiscountCode | None:
        return self.table.read(discount_code_key(course_id, code), code_from_item)

    @translate_aws_errors
    def discount_codes(self, course_id: str) -> list[DiscountCode]:
        return [
            code_from_item(item)
            for item in self.table.under(discount_code_key(course_id, "x")["pk"]["S"], CODE_PREFIX)
        ]

    @translate_aws_errors
    def record_code_active(
        self, course_id: str, code: str, *, active: bool, at: datetime
    ) -> DiscountCode:
        # Only the flag moves (and, once expired, when it first was): the uses are the save
        # transactions' to move.
        values: dict[str, Any] = {":active": {"BOOL": active}}
        update = "SET #active = :active"
        if not active:
            values[":at"] = {"S": at.isoformat()}
            update += ", expired_at = if_not_exists(expired_at, :at)"
        try:
            answer = self.table.client.update_item(
                TableName=self.table.name,
                Key=discount_code_key(course_id, code),
                UpdateExpression=update,
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#active": "active"},
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if error_code(exc) == CONDITION_FAILED:
                raise NotFound(f"no discount code {code!r} on this course") from exc
            raise
        return code_from_item(dict(answer["Attributes"]))
