"""A secret that cannot be read (Secrets Manager busy or unreachable, or the secret empty or
only whitespace) is the service busy on every path that reaches it: 503 ``service_busy``
(the console: its 503 page), never a 500, and nothing written (the
webhook answered 500 ``internal_error``, its read of the signing secret outside its 503)."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable

import pytest

from booking import aws, bootstrap
from booking.adapters.stripe_gateway import StripeGateway
from booking.config import Settings
from infra.local import aws_calls
from infra.local.aws import REGION
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.stripe_client import stripe_client
from tests.support.system import COURSE_ID, System

WEBHOOK_SECRET = "booking/stripe-webhook-secret"
STRIPE_KEY = "booking/stripe-secret-key"
SESSION_KEY = "booking/console-session-key"
# How a secret is made unavailable: its value only whitespace (not configured), or the
# secret gone (Secrets Manager refuses the read, as when it is busy or unreachable).
BLANK = "blank"
GONE = "gone"
_STACK_ROLES = {
    "webhook": "stripe_webhook_secret",
    "stripe": "stripe_secret_key",
    "session": "console_session_secret",
}


def _secrets_read_by_name(system: System, **values: str) -> Callable[[str, str], None]:
    """The system's ports with its secrets read from Secrets Manager by name, as in AWS, each
    holding ``values``' value: a function to make one of them ``BLANK`` or ``GONE``."""
    client = aws.client("secretsmanager")
    names = {"webhook": WEBHOOK_SECRET, "stripe": STRIPE_KEY, "session": SESSION_KEY}
    for role, value in values.items():
        client.create_secret(Name=names[role], SecretString=value)
        # The stack's secret it stands for, for the IAM recorded-calls check (as store_secrets).
        aws_calls.bind(_STACK_ROLES[role], aws_calls.secret_arn(names[role], REGION))
    config = Settings.from_environ(
        {
            **os.environ,
            "STRIPE_SECRET_KEY": "",
            "STRIPE_WEBHOOK_SECRET": "",
            "CONSOLE_SESSION_SECRET": "",
            "STRIPE_SECRET_KEY_PARAM": STRIPE_KEY,
            "STRIPE_WEBHOOK_SECRET_PARAM": WEBHOOK_SECRET,
            "CONSOLE_SESSION_SECRET_PARAM": SESSION_KEY,
        }
    )
    deployed = bootstrap.build(config, dynamodb=system.dynamodb, sqs=system.sqs)

    def payments() -> StripeGateway:
        config.stripe_key()  # read as the deployed factory reads it, before the client is made
        return StripeGateway(stripe_client(system.stripe_http))

    def rebuilt() -> None:
        # Fresh ports: a part built from a secret is not kept from before.
        system.ports = dataclasses.replace(
            system.ports,
            payment_gateway_factory=payments,
            webhook_events_factory=deployed.webhook_events_factory,
            session_key_factory=deployed.session_key_factory,
        )
        bootstrap.use(system.ports)

    def unavailable(role: str, how: str) -> None:
        if how == BLANK:
            client.put_secret_value(SecretId=names[role], SecretString="  \n")
        else:
            client.delete_secret(SecretId=names[role], ForceDeleteWithoutRecovery=True)
        aws.forget()  # the value kept five minutes forgotten, as after they have passed
        rebuilt()

    rebuilt()
    return unavailable


@pytest.mark.parametrize("how", [BLANK, GONE])
def test_the_webhook_without_its_signing_secret_is_the_service_busy(
    system: System, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    make = _secrets_read_by_name(system, webhook="whsec_integration", stripe="sk_test_local")
    application = system.apply().json()
    make("webhook", how)
    caplog.set_level(logging.INFO)
    system.pay(application["checkout_url"])
    reply = system.webhook_replies[-1]
    reply.refused(503, "service_busy")
    assert reply.headers["retry-after"] == "30"
    assert system.status_of(application)["status"] == "awaiting_payment"  # nothing written
    if how == BLANK:
        said = [r.getMessage() for r in caplog.records if "secret not configured" in r.getMessage()]
        assert said, "the empty secret is logged as not configured"
        assert all(WEBHOOK_SECRET in line for line in said)  # by its name, never its value


@pytest.mark.parametrize("how", [BLANK, GONE])
def test_the_api_without_the_stripe_key_is_the_service_busy(system: System, how: str) -> None:
    make = _secrets_read_by_name(system, webhook="whsec_integration", stripe="sk_test_local")
    make("stripe", how)
    reply = system.apply()
    reply.refused(503, "service_busy")
    assert system.course()["places_left"] == 20  # no seat held


@pytest.mark.parametrize("how", [BLANK, GONE])
def test_the_organiser_api_without_the_stripe_key_is_the_service_busy(
    system: System, how: str
) -> None:
    make = _secrets_read_by_name(system, webhook="whsec_integration", stripe="sk_test_local")
    make("stripe", how)
    path = f"/courses/{COURSE_ID}/discount-codes"
    reply = system.admin("POST", path, json_body={"code": "HALF", "percent_off": 50})
    reply.refused(503, "service_busy")
    assert system.admin("GET", path).json() == []


@pytest.mark.parametrize("how", [BLANK, GONE])
def test_the_console_without_its_session_key_is_the_service_busy(system: System, how: str) -> None:
    make = _secrets_read_by_name(
        system, webhook="whsec_integration", stripe="sk_test_local", session="key-one"
    )
    browser = signed_in(system)
    make("session", how)
    for reply in (browser.get("/console"), browser.get("/console/no-such-page")):
        assert reply.status == 503, (reply.status, reply.body[:300])
        assert "busy" in text_of(reply.body)


@pytest.mark.parametrize("how", [BLANK, GONE])
def test_the_console_without_the_stripe_key_is_the_service_busy(system: System, how: str) -> None:
    make = _secrets_read_by_name(
        system, webhook="whsec_integration", stripe="sk_test_local", session="key-one"
    )
    browser = signed_in(system)
    csrf = browser.csrf()
    make("stripe", how)
    reply = browser.post(
        f"/console/courses/{COURSE_ID}/discount-codes",
        csrf_token=csrf,
        code="HALF",
        percent_off="50",
    )
    assert reply.status == 503, (reply.status, reply.body[:300])
    assert "busy" in text_of(reply.body)


def test_the_mailer_reaches_no_secret(system: System) -> None:
    """The mailer reads the person and the course, never Stripe nor a signing key: with every
    secret gone, the emails already decided still go."""
    make = _secrets_read_by_name(
        system, webhook="whsec_integration", stripe="sk_test_local", session="key-one"
    )
    application = system.apply().json()
    system.pay(application["checkout_url"])
    assert system.status_of(application)["status"] == "confirmed"
    for role in ("webhook", "stripe", "session"):
        make(role, GONE)
    sent = system.deliver_emails()
    assert sent, "the confirmation is sent"
