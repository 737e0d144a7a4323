"""Every try of an applicant's Stripe call, and the SDK's pauses between them, end inside the
API function's timeout: a Stripe that hangs is then the function's 503 in words, with the
application kept, never the gateway's wordless one once the function is cut off."""

from __future__ import annotations

import pytest

from booking.bootstrap import CALL_RETRIES, CALL_TIMEOUT_SECONDS
from infra.cdk.function_specs import API_TIMEOUT

pytestmark = pytest.mark.infra

# The SDK's pauses before its retries: half a second, doubled each time, at most 5 s.
SDK_PAUSES = [min(0.5 * 2**n, 5.0) for n in range(CALL_RETRIES)]
# What the function does besides: its reads before the call, its save of the kept application.
OWN_WORK_SECONDS = 1.0


def test_every_try_of_a_stripe_call_ends_inside_the_api_timeout() -> None:
    tries = (CALL_RETRIES + 1) * CALL_TIMEOUT_SECONDS
    assert tries + sum(SDK_PAUSES) + OWN_WORK_SECONDS < API_TIMEOUT.to_seconds()
