"""A table's queries share one paginator: botocore defines a new paginator class each time one
is asked for, a cost every query of a warm function paid (about 30 microseconds)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from booking.adapters.dynamodb.table import Table


def test_every_query_pages_through_the_one_paginator_first_asked_for() -> None:
    client = boto3.client(
        "dynamodb", region_name="eu-west-2", aws_access_key_id="k", aws_secret_access_key="s"
    )
    asked: list[str] = []
    ask = client.get_paginator

    def counted(name: str) -> Any:
        asked.append(name)
        return ask(name)  # type: ignore[call-overload]

    client.get_paginator = counted  # type: ignore[method-assign, assignment]
    table = Table(client, "bookings")
    with Stubber(client) as aws:
        for n in range(3):
            aws.add_response("query", {"Items": [{"pk": {"S": f"item{n}"}}]}, None)
        read = [list(table.under(f"part{n}", "app#")) for n in range(3)]
    assert read == [[{"pk": {"S": f"item{n}"}}] for n in range(3)]
    assert asked == ["query"]
