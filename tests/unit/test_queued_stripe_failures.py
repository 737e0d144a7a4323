"""A Stripe failure a test queues must be met by a request, as a throttle or a race it sets up
must (``tests.support.fired``): one never met leaves the test failing, since the failure it
was to show was never shown. A test showing that Stripe is not asked says so with
``never_asked``, not with a failure left queued."""

from __future__ import annotations

import pytest
import stripe

from infra.local.stripe_standin import StripeStandIn
from tests.support.fired import unmet
from tests.support.stripe_client import InProcessHTTPClient, never_asked, stripe_client


def _asked(client: InProcessHTTPClient) -> None:
    with pytest.raises(stripe.StripeError):
        stripe_client(client).v1.customers.retrieve("cus_unknown")


def test_a_queued_failure_is_unmet_until_a_request_meets_it(standin: StripeStandIn) -> None:
    client = InProcessHTTPClient(standin)
    client.fail_next = [503]
    client.fail_next.extend(["timeout", 500])

    assert unmet() == ["Stripe failing as queued (503)", "Stripe failing as queued (500, timeout)"]

    _asked(client)
    assert unmet() == ["Stripe failing as queued (500, timeout)"]
    _asked(client)  # one of a queueing met is enough: the rest may be spare
    assert unmet() == []
    client.fail_next.clear()


def test_failures_that_may_go_unmet_are_queued_so_in_words(standin: StripeStandIn) -> None:
    client = InProcessHTTPClient(standin)
    client.fail_next.may_fire([500] * 3)

    assert unmet() == []
    _asked(client)
    assert len(client.fail_next) == 2


def test_stripe_asked_where_it_must_not_be_fails_the_test(standin: StripeStandIn) -> None:
    client = InProcessHTTPClient(standin)

    with pytest.raises(AssertionError, match="Stripe was asked"), never_asked(client):
        _asked(client)  # answered 503: nothing goes on as if Stripe had answered

    with never_asked(client):
        pass
    _asked(client)  # answered by the stand-in again
    assert client.requests[-1].status == 404
