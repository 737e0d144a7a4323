"""AWS clients and secrets on botocore alone, one session per container.

The functions call DynamoDB, SQS, SES and Secrets Manager through low-level clients, which are
botocore's: boto3 adds resources and S3 transfers, and importing it loads s3transfer,
``multiprocessing`` and ``concurrent.futures`` besides (about 20 ms of every cold start on
Lambda's Python 3.13, bench/coldstart.py). Powertools' parameters utility would import boto3 for
the first secret read, so secrets are read here too, kept as long as it kept them (5 minutes).

Clients are made at init (``booking.bootstrap``); a secret is read on first use, never at
init (a SnapStart snapshot holds no secret: tests/unit/test_snapshot_safety.py).
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# How long a secret read is kept before it is read again (Powertools' get_secret(max_age=300)).
SECRET_MAX_AGE_SECONDS = 300.0

_secrets: dict[str, tuple[str, float]] = {}


class SecretUnavailable(Exception):
    """Secrets Manager could not give the secret (busy, unreachable, refused or missing)."""


@lru_cache(maxsize=1)
def session() -> botocore.session.Session:
    """This container's botocore session: its region, credentials and endpoints from the
    environment, as boto3's default session reads them."""
    return botocore.session.get_session()


def client(service: str, config: Config | None = None) -> Any:
    return session().create_client(service, config=config)


def secret(name: str) -> str | bytes:
    """The secret's current value, read at most once every five minutes."""
    now = time.monotonic()
    kept = _secrets.get(name)
    if kept is not None and kept[1] > now:
        return kept[0]
    try:
        answer = _secrets_manager().get_secret_value(SecretId=name)
    except (BotoCoreError, ClientError) as exc:
        raise SecretUnavailable(name) from exc
    value: str | bytes = answer.get("SecretString") or answer.get("SecretBinary") or ""
    if isinstance(value, str) and value:
        _secrets[name] = (value, now + SECRET_MAX_AGE_SECONDS)
    return value


@lru_cache(maxsize=1)
def _secrets_manager() -> Any:
    return client("secretsmanager")


def forget() -> None:
    """Forget the session, its clients and the secrets read (the environment changed)."""
    _secrets.clear()
    _secrets_manager.cache_clear()
    session.cache_clear()
