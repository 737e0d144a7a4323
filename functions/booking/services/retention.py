"""What an application held goes back when the table's time-to-live deletes it.

An application that ended without a booking is deleted after the retention period, by
DynamoDB itself: no transaction runs, so nothing the application held can be given back with
it. Nothing of that kind is left by then but a use of a discount code that an expired
application kept (it could still have paid at its promised price); the rule is the same for
every limited thing all the same (``booking.domain.limits``). The deletion reaches the table's
stream; the relay hands the deleted ids here, and each holding goes back once, however often
the stream delivers the record.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_lambda_powertools import Logger

from booking.services.ports import Ports

logger = Logger(child=True)


def give_back_what_deleted_applications_held(ports: Ports, application_ids: Sequence[str]) -> int:
    """Give back every holding of the deleted applications; returns how many went back."""
    given_back = 0
    for application_id in application_ids:
        # (A seat is never among them: an application holding one is not deleted. If one
        # were, the sweep offers free seats to the waiting list.)
        holdings = ports.repository.give_back_holdings(application_id)
        given_back += len(holdings)
        if holdings:
            logger.info(
                "holdings of a deleted application given back",
                extra={
                    "application_id": application_id,
                    "holdings": [holding.key for holding in holdings],
                },
            )
    return given_back
