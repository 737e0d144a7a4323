"""SES bounce and complaint notifications (via SNS) become suppression items.

A permanent bounce or a complaint means: never mail this address again. Only a digest of the
address is stored (see ``DynamoRepository.suppress_address``), and nothing personal is logged.
Transient bounces (full mailbox, out-of-office) are left to SES's own retries.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.services.suppression import suppress_addresses

logger = Logger(service="booking-ses-events")
# Its every request writes suppressions: the only store it loads.
bootstrap.at_cold_start(repository_calls=("suppress_address",))


def addresses_to_suppress(notification: dict[str, Any]) -> tuple[str, list[str]]:
    """(reason, addresses) from one SES event (configuration-set ``eventType`` or identity
    ``notificationType`` shape); no addresses for anything that is not a reason to stop."""
    kind = notification.get("eventType") or notification.get("notificationType") or ""
    if kind == "Bounce":
        bounce = notification.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return "transient_bounce", []
        recipients = bounce.get("bouncedRecipients") or []
        return "bounce", [r["emailAddress"] for r in recipients if r.get("emailAddress")]
    if kind == "Complaint":
        recipients = (notification.get("complaint") or {}).get("complainedRecipients") or []
        return "complaint", [r["emailAddress"] for r in recipients if r.get("emailAddress")]
    return kind.lower() or "unknown", []


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    suppressed = ignored = 0
    for record in event.get("Records", []):
        notification = json.loads(record["Sns"]["Message"])
        reason, addresses = addresses_to_suppress(notification)
        suppress_addresses(bootstrap.ports(), addresses, reason)
        suppressed += len(addresses)
        ignored += not addresses
        logger.info(
            "ses notification",
            extra={
                "reason": reason,
                "suppressed": len(addresses),
                "ses_message_id": (notification.get("mail") or {}).get("messageId"),
            },
        )
    return {"suppressed": suppressed, "ignored": ignored}
