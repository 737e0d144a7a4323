"""What `make run` says of payments when it starts (a key of only
whitespace was announced as real Stripe test mode, while every payment answered 503)."""

from __future__ import annotations

import pytest

from infra.local.server import payments_mode, stack_from_environment


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (None, "offline payments: the Stripe stand-in"),
        ("", "offline payments: the Stripe stand-in"),
        ("   ", "STRIPE_SECRET_KEY blank: payments not configured, they answer 503 service_busy"),
        ("\t\n", "STRIPE_SECRET_KEY blank: payments not configured, they answer 503 service_busy"),
        ("sk_test_abc", "real Stripe test mode"),
    ],
)
def test_the_banner_says_how_payments_are_made(
    key: str | None, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if key is None:
        monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("STRIPE_SECRET_KEY", key)
    assert payments_mode(stack_from_environment(port=8999)) == said
