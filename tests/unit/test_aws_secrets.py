"""Secrets read from Secrets Manager on botocore alone (booking.aws): kept five minutes, as
Powertools' get_secret(max_age=300) kept them; Secrets Manager's failures are the service busy
(503, Stripe redelivers), and reading one loads no boto3."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from moto import mock_aws

from booking import aws, bootstrap
from booking.config import Settings
from booking.domain.errors import DependencyUnavailable
from tests.support.lambda_init import last_line_printed

NAME = "booking/stripe-webhook-secret"


@pytest.fixture
def secrets_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Moto's Secrets Manager, and the secret reads our session makes."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    calls: list[str] = []
    with mock_aws():
        bootstrap.reset()
        aws.session().register(
            "before-call.secrets-manager.GetSecretValue",
            lambda **event: calls.append(event["model"].name),
        )
        aws.client("secretsmanager").create_secret(Name=NAME, SecretString="whsec_one\n")
        calls.clear()
        yield calls
    bootstrap.reset()


def _settings() -> Settings:
    return Settings.from_environ(
        {
            "TABLE_NAME": "t",
            "PUBLIC_BASE_URL": "https://example.org",
            "STRIPE_SECRET_KEY": "sk_test_x",
            "STRIPE_WEBHOOK_SECRET_PARAM": NAME,
        }
    )


def test_a_secret_is_read_once_and_kept_five_minutes(
    secrets_manager: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _settings().webhook_secret() == "whsec_one"
    aws.client("secretsmanager").put_secret_value(SecretId=NAME, SecretString="whsec_two")
    assert _settings().webhook_secret() == "whsec_one"
    assert secrets_manager == ["GetSecretValue"]

    later = time.monotonic() + aws.SECRET_MAX_AGE_SECONDS + 1
    monkeypatch.setattr("booking.aws.time.monotonic", lambda: later)
    assert _settings().webhook_secret() == "whsec_two"
    assert secrets_manager == ["GetSecretValue", "GetSecretValue"]


def test_a_secret_missing_is_the_service_busy(secrets_manager: list[str]) -> None:
    aws.client("secretsmanager").delete_secret(SecretId=NAME, ForceDeleteWithoutRecovery=True)
    with pytest.raises(DependencyUnavailable) as refused:
        _settings().webhook_secret()
    assert refused.value.code == "service_busy"


_READ_UNREACHABLE = """
import json, os, sys
# Nothing listens on port 9: Secrets Manager unreachable, tried once.
os.environ.update(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1")
os.environ.update(STRIPE_WEBHOOK_SECRET="", STRIPE_WEBHOOK_SECRET_PARAM=sys.argv[1])
from booking.config import Settings
from booking.domain.errors import DependencyUnavailable
try:
    Settings.from_environ().webhook_secret()
    answer = "read"
except DependencyUnavailable as exc:
    answer = exc.code
print(json.dumps([answer, "boto3" in sys.modules, "botocore.client" in sys.modules]))
"""


def test_reading_a_secret_loads_no_boto3() -> None:
    """Secrets Manager unreachable: the read fails as the service busy, through botocore's
    client, without boto3."""
    answer = json.loads(last_line_printed(_READ_UNREACHABLE, NAME))
    assert answer == ["service_busy", False, True]


@pytest.mark.parametrize("blank", ["   ", "\n", "\t \r\n"])
def test_a_secret_of_only_whitespace_is_not_configured(
    secrets_manager: list[str], blank: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A whitespace secret failed every event as "the signature does not match";
    it fails as a missing secret does (the service busy), logged as not configured, no value."""
    aws.client("secretsmanager").put_secret_value(SecretId=NAME, SecretString=blank)
    with pytest.raises(DependencyUnavailable) as refused:
        _settings().webhook_secret()
    assert refused.value.code == "service_busy"
    said = [r for r in caplog.records if "secret not configured" in r.getMessage()]
    assert [getattr(r, "secret_name", None) for r in said] == [NAME]
    # The name in the words too: a logger that prints the message alone still names it.
    assert [NAME in r.getMessage() for r in said] == [True]


def test_a_secret_given_as_only_whitespace_is_not_given() -> None:
    settings = Settings.from_environ(
        {
            "TABLE_NAME": "t",
            "PUBLIC_BASE_URL": "https://example.org",
            "STRIPE_SECRET_KEY": "sk_test_x",
            "STRIPE_WEBHOOK_SECRET": "  ",
        }
    )
    assert not settings.has_webhook_secret
