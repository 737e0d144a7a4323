"""The contract's JSON answers, without Powertools' resolver: the error shape, the compact
encoding and the answer to an unanticipated failure.

``http`` builds the resolver's ``Response`` objects on these; the webhook, which has no
resolver, answers API Gateway with them directly, and so never imports the resolver's package
(its ``__init__`` loads AppSync's resolver and asyncio: about 25 ms of the webhook's cold start).
"""

from __future__ import annotations

import json
from typing import Any

JSON = "application/json"


def error_payload(
    code: str, message: str, fields: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def json_body(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def unexpected_error() -> dict[str, Any]:
    """What an exception no use case anticipated answers (status 500), without internals."""
    return error_payload("internal_error", "something went wrong")


def api_gateway_json(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """An API Gateway (payload 2.0) answer of ``body`` as JSON."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON, **(headers or {})},
        "body": json_body(body),
    }
