"""The scheduled run's Stripe client (``UntilSilent``) over the SDK's own HTTP client, as
bootstrap composes it: Stripe silent once (here: nothing listening), it is not asked again
by that client; a client made for the next run asks again."""

from __future__ import annotations

import socket

import pytest
import stripe

from booking.adapters.stripe_calls import UntilSilent


def _nothing_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _asked(client: stripe.StripeClient) -> str:
    with pytest.raises(stripe.APIConnectionError) as failed:
        client.v1.customers.retrieve("cus_unknown")
    return str(failed.value)


def test_a_stripe_silent_once_is_not_asked_again_by_that_runs_client() -> None:
    address = _nothing_listening()
    reading = stripe.new_default_http_client(timeout=1)

    def brief() -> stripe.StripeClient:
        return stripe.StripeClient(
            "sk_test_local",
            base_addresses={"api": address},
            http_client=UntilSilent(reading),
            max_network_retries=0,
        )

    run = brief()
    assert "not asked again" not in _asked(run)  # asked, and found silent
    assert "not asked again" in _asked(run)
    assert "not asked again" not in _asked(brief())  # the next run asks
