"""Every Stripe call goes through :func:`call_stripe`: Stripe's errors in the domain's words.
A run nobody waits on asks through :class:`UntilSilent`: no more once Stripe is silent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import stripe
from aws_lambda_powertools import Logger

from booking.domain.disputed_refunds import PAYMENT_DISPUTED, REFUSED_BY_THE_PROVIDER
from booking.domain.errors import (
    AlreadyRefunded,
    Conflict,
    DependencyUnavailable,
    RefundAboveWhatIsLeft,
    UnknownToProvider,
)

T = TypeVar("T")
logger = Logger(child=True)


def sdk_lines_kept_to_warnings() -> None:
    """The SDK logs each request's URL at INFO, and a list of customers by email carries the
    address in its query string: its own lines are kept to warnings, so no log holds one."""
    logging.getLogger("stripe").setLevel(logging.WARNING)


sdk_lines_kept_to_warnings()  # wherever a Stripe call can be made


def call_stripe(operation: Callable[[], T], *, expected: str | None = None) -> T:
    """``operation``, Stripe's errors raised as the domain's. ``expected``: what a refusal of
    it means when the caller expects one and handles it (a checkout no longer open): logged as
    that, at INFO, not as a warning to look into."""
    try:
        return operation()
    except stripe.IdempotencyError as exc:
        raise Conflict(
            "an identical request is already being processed; retry shortly",
            code="request_in_progress",
        ) from exc
    except stripe.InvalidRequestError as exc:
        # Invalid requests here are Stripe refusing a state change (session already
        # complete or expired): a conflict for the caller, not an outage. Stripe's own words
        # are for developers and may name its objects: they go to the log (its code, never
        # the message), and people read ours.
        if expected is None:
            logger.warning(
                "the payment provider refused a request", extra={"stripe_code": exc.code}
            )
        else:
            logger.info(
                "the payment provider refused a request, as expected: %s",
                expected,
                extra={"stripe_code": exc.code, "expected_refusal": expected},
            )
        if exc.code == "charge_already_refunded":
            raise AlreadyRefunded(
                "the payment was refunded already at the payment provider",
                code="charge_already_refunded",
            ) from exc
        if exc.code == "charge_disputed":
            # A dispute opened at Stripe whose events have not come yet (those that came are
            # refused before Stripe is asked: ``domain.disputed_refunds``).
            raise Conflict(REFUSED_BY_THE_PROVIDER, code=PAYMENT_DISPUTED) from exc
        refusal: type[Conflict] = UnknownToProvider if exc.code == "resource_missing" else Conflict
        if exc.param == "amount" and "unrefunded amount" in str(exc.user_message or ""):
            # Stripe names no code for it: "Refund amount (...) is greater than unrefunded
            # amount on charge (...)".
            refusal = RefundAboveWhatIsLeft
        raise refusal(
            "the payment provider could not do this now; please try again later or contact us",
            code="payment_state_conflict",
        ) from exc
    except stripe.RateLimitError as exc:
        raise DependencyUnavailable(
            "the payment provider is busy; please try again in a minute",
            code="payment_provider_unavailable",
            retry_after_seconds=60,
        ) from exc
    except stripe.StripeError as exc:
        raise DependencyUnavailable(
            "the payment provider is unavailable; please try again shortly",
            code="payment_provider_unavailable",
        ) from exc


class UntilSilent(stripe.HTTPClient):
    """``inner`` (the short-timeout reader's HTTP client) for one run nobody waits on: once a
    request of it found Stripe silent (a timeout, a dropped connection), every later one fails
    at once as that silence, unasked, so a Stripe that hangs costs the run one short timeout
    rather than one for each of its calls (``StripeGateway.brief``). An answer, even an error
    (a 500, a refusal), is not silence: the next request is made."""

    name = "until-silent"

    def __init__(self, inner: stripe.HTTPClient) -> None:
        super().__init__()
        self._inner = inner
        self._silent = False

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        if self._silent:
            raise stripe.APIConnectionError(  # type: ignore[no-untyped-call]
                "Stripe did not answer earlier in this run: not asked again"
            )
        try:
            # As the SDK asks any client (``_usage`` is its own telemetry, not the client's).
            return self._inner.request(method, url, headers, post_data)
        except stripe.APIConnectionError:
            self._silent = True
            raise

    def close(self) -> None:
        self._inner.close()  # type: ignore[no-untyped-call]
