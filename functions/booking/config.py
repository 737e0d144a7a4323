"""Settings read from the environment once per container and validated at init.

In AWS the secrets live in Secrets Manager (``*_PARAM`` names the secret); they may also be
given straight in the environment. Nothing has a default: a function whose secret is not
configured fails its init (``booking.bootstrap.at_cold_start``), it never runs with a public
one. Conveniences for ``make run`` (the organiser token, the offline webhook secret) are set by
the local stack (``infra/local``), in front of the functions.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from booking.domain.errors import DependencyUnavailable
from booking.services.ports import UNPAID_RETENTION, MissingSetting


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=1)
    email_queue_url: str = ""
    public_base_url: str = Field(min_length=1)
    stripe_secret_key: str | None = None
    stripe_secret_key_param: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_webhook_secret_param: str | None = None
    # Base address of the Stripe API; set only for the local stand-in.
    stripe_api_base: str | None = None
    sender_email: str = "courses@example.org"
    ses_configuration_set: str | None = None
    # The email queue's visibility timeout: a mailer claim left "sending" longer than this
    # belongs to a delivery that died, and the redelivered record may send it.
    email_claim_timeout_seconds: int = Field(default=180, ge=1)
    # Applications that ended without payment are deleted this long after their last change.
    unpaid_retention_days: int = Field(default=UNPAID_RETENTION.days, ge=1, le=3650)
    # The key that signs console session cookies: AWS reads it from Secrets Manager (the
    # secret's name in *_PARAM); it may also be given directly.
    console_session_secret: str | None = None
    console_session_secret_param: str | None = None
    # Cognito's hosted sign-in for the console: https://<prefix>.auth.<region>... (under
    # `make run`, the local stack's stand-in for it)
    cognito_domain: str | None = None
    cognito_client_id: str | None = None

    @model_validator(mode="after")
    def _stripe_configured(self) -> Settings:
        if not (self.stripe_secret_key or self.stripe_secret_key_param):
            raise ValueError("set STRIPE_SECRET_KEY (local) or STRIPE_SECRET_KEY_PARAM (AWS)")
        return self

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        names = cls.model_fields.keys()
        return cls.model_validate(
            # A value of only whitespace is no value: a secret "   " is not configured.
            {name: env[name.upper()] for name in names if env.get(name.upper(), "").strip()}
        )

    def stripe_key(self) -> str:
        if self.stripe_secret_key:
            return self.stripe_secret_key
        return _secret(self.stripe_secret_key_param or "")

    @property
    def has_webhook_secret(self) -> bool:
        return bool(self.stripe_webhook_secret or self.stripe_webhook_secret_param)

    @property
    def has_console_session_secret(self) -> bool:
        return bool(self.console_session_secret or self.console_session_secret_param)

    @property
    def has_sign_in(self) -> bool:
        return bool(self.cognito_domain and self.cognito_client_id)

    def console_session_key(self) -> bytes:
        if self.console_session_secret:
            return self.console_session_secret.encode()
        return _secret(
            _required(self.console_session_secret_param, "CONSOLE_SESSION_SECRET")
        ).encode()

    def webhook_secret(self) -> str:
        if self.stripe_webhook_secret:
            return self.stripe_webhook_secret
        return _secret(_required(self.stripe_webhook_secret_param, "STRIPE_WEBHOOK_SECRET"))


def _required(name: str | None, setting: str) -> str:
    if not name:
        raise MissingSetting(f"not configured: set {setting}_PARAM (AWS) or {setting}")
    return name


def _secret(name: str) -> str:
    # Imported here so functions without secrets do not pay for the Secrets Manager client.
    from booking.aws import SecretUnavailable, secret

    try:
        value = secret(name)
    except SecretUnavailable as exc:
        # Secrets Manager busy or unreachable: a retry later will work (the webhook answers
        # 503 and Stripe redelivers).
        raise DependencyUnavailable(
            "the service is busy; please try again shortly", code="service_busy"
        ) from exc
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        # Empty or only whitespace: not configured, as a missing secret is,
        # said so in the log (its name, never a value), never "the signature does not match".
        from aws_lambda_powertools import Logger

        # The name in the message itself too: a child logger whose service has no parent
        # logger (the local stack's) prints the message alone, without its keys.
        Logger(child=True).error(
            f"secret not configured: {name} is empty or only whitespace", secret_name=name
        )
        raise DependencyUnavailable(
            "the service is busy; please try again shortly", code="service_busy"
        )
    return text


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_environ()
