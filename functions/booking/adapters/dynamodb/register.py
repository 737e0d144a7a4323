"""A course's register closed, and whose each certificate code is (``RegisterStore``).

The register's closing is one item beside the course (``COURSE#<id>`` / ``REGISTER``), put
only if absent: of two organisers closing at once, the first stands and both read its time.
A certificate's code is an item of its own (``CERT#<code>``) naming the application that
recorded it; the verification page believes it only while that application carries the code.
"""

from __future__ import annotations

from datetime import datetime

from booking.adapters.dynamodb.schema import Key
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.errors import Conflict

REGISTER_SK = "REGISTER"
CERTIFICATE_SK = "CERT"


def register_key(course_id: str) -> Key:
    return {"pk": {"S": f"COURSE#{course_id}"}, "sk": {"S": REGISTER_SK}}


def certificate_key(code: str) -> Key:
    return {"pk": {"S": f"CERT#{code}"}, "sk": {"S": CERTIFICATE_SK}}


class DynamoRegisterStore:
    table: Table

    @translate_aws_errors
    def close_register(self, course_id: str, at: datetime) -> datetime:
        self.table.put_new({**register_key(course_id), "closed_at": {"S": at.isoformat()}})
        closed = self.register_closed_at(course_id)
        return closed if closed is not None else at

    @translate_aws_errors
    def register_closed_at(self, course_id: str) -> datetime | None:
        closed_at = self.table.text(register_key(course_id), "closed_at")
        return datetime.fromisoformat(closed_at) if closed_at else None

    @translate_aws_errors
    def record_certificate(self, code: str, application_id: str) -> None:
        item = {**certificate_key(code), "application_id": {"S": application_id}}
        if not self.table.put_new(item):
            raise Conflict("that certificate code is taken", code="certificate_code_taken")

    @translate_aws_errors
    def certificate_owner(self, code: str) -> str | None:
        return self.table.text(certificate_key(code), "application_id")

    @translate_aws_errors
    def forget_certificate(self, code: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=certificate_key(code))
