"""Discount codes, each an item beside its course holding the code's terms and its uses.

The uses are a limited thing's counter (``booking.domain.limits``): only a save's transaction
moves them (``adapters.dynamodb.limits``); this module makes codes and reads them.
"""

from __future__ import annotations

from typing import Any

from booking.adapters.dynamodb.schema import CODE_PREFIX, discount_code_key
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.billing import DiscountCode
from booking.domain.errors import Conflict


def code_to_item(code: DiscountCode) -> dict[str, Any]:
    item: dict[str, Any] = {
        **discount_code_key(code.course_id, code.code),
        "doc": {"S": code.model_dump_json(exclude={"uses"})},
        "uses": {"N": str(code.uses)},
    }
    if code.max_uses is not None:
        item["max_uses"] = {"N": str(code.max_uses)}
    return item


def code_from_item(item: dict[str, Any]) -> DiscountCode:
    code = DiscountCode.model_validate_json(item["doc"]["S"])
    return code.model_copy(update={"uses": int(item.get("uses", {}).get("N", "0"))})


class DynamoDiscountCodes:
    table: Table

    @translate_aws_errors
    def put_discount_code(self, code: DiscountCode) -> None:
        if not self.table.put_new(code_to_item(code)):
            raise Conflict(
                f"the code {code.code!r} is already in use on this course",
                code="discount_code_exists",
            )

    @translate_aws_errors
    def get_discount_code(self, course_id: str, code: str) -> DiscountCode | None:
        item = self.table.get(discount_code_key(course_id, code))
        return code_from_item(item) if item else None

    @translate_aws_errors
    def discount_codes(self, course_id: str) -> list[DiscountCode]:
        return [
            code_from_item(item)
            for item in self.table.query(
                KeyConditionExpression="pk = :p AND begins_with(sk, :c)",
                ExpressionAttributeValues={
                    ":p": {"S": discount_code_key(course_id, "x")["pk"]["S"]},
                    ":c": {"S": CODE_PREFIX},
                },
                ConsistentRead=True,
            )
        ]
