"""Production code is not kinder when a setting is missing (issue 22, item 5).

A function whose secret is not configured fails its init, in a fresh interpreter as Lambda
starts one; no secret has a public default; and the organiser token is no branch of any
handler: it lives in front of them, in the local stack (infra/local/front.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from booking.config import Settings
from booking.services.ports import MissingSetting
from tests.support.lambda_init import fresh_run

ROOT = Path(__file__).resolve().parents[2]
BASE = {
    "TABLE_NAME": "t",
    "PUBLIC_BASE_URL": "https://book.example.org",
    "STRIPE_SECRET_KEY": "sk_test_x",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "x",
    "AWS_SECRET_ACCESS_KEY": "x",
    # As in Lambda: the handler module builds and checks its ports while it is imported.
    "AWS_LAMBDA_FUNCTION_NAME": "probe",
}
CONSOLE = {
    "CONSOLE_SESSION_SECRET_PARAM": "booking/console-session-key",
    "COGNITO_DOMAIN": "https://auth.example",
    "COGNITO_CLIENT_ID": "client-1",
}


def _init(module: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STRIPE_"))}
    for name in ("ADMIN_TOKEN", "CONSOLE_SESSION_SECRET", "COGNITO_DOMAIN", "COGNITO_CLIENT_ID"):
        env.pop(name, None)
    env.update({**environment, "PYTHONPATH": f"{ROOT / 'functions'}{os.pathsep}{ROOT}"})
    return fresh_run(f"import {module}", env=env)


@pytest.mark.parametrize(
    ("module", "environment", "missing"),
    [
        ("booking.handlers.webhook", {}, "webhook_events"),
        # Even with the organiser token in the environment: it signs nobody in any more.
        ("booking.handlers.console", {"ADMIN_TOKEN": "t"}, "sign_in, session_key"),
        (
            "booking.handlers.console",
            {k: v for k, v in CONSOLE.items() if k != "CONSOLE_SESSION_SECRET_PARAM"},
            "session_key",
        ),
    ],
)
def test_a_function_without_its_secret_fails_its_init(
    module: str, environment: dict[str, str], missing: str
) -> None:
    done = _init(module, {**BASE, **environment})
    assert done.returncode != 0
    assert "MissingSetting" in done.stderr
    assert missing in done.stderr


@pytest.mark.parametrize(
    ("module", "environment"),
    [
        ("booking.handlers.webhook", {"STRIPE_WEBHOOK_SECRET_PARAM": "booking/webhook"}),
        ("booking.handlers.console", CONSOLE),
        ("booking.handlers.api", {}),
        ("booking.handlers.admin", {}),
    ],
)
def test_configured_it_starts(module: str, environment: dict[str, str]) -> None:
    done = _init(module, {**BASE, **environment})
    assert done.returncode == 0, done.stderr[-2000:]


def test_no_secret_has_a_public_default() -> None:
    settings = Settings.from_environ(
        {"TABLE_NAME": "t", "PUBLIC_BASE_URL": "http://x", "STRIPE_SECRET_KEY": "sk_test_x"}
    )
    assert not settings.has_webhook_secret
    assert not settings.has_console_session_secret
    with pytest.raises(MissingSetting):
        settings.webhook_secret()
    with pytest.raises(MissingSetting):
        settings.console_session_key()


def test_the_organiser_token_is_no_setting_of_any_function() -> None:
    assert "admin_token" not in Settings.model_fields
    deployed = (ROOT / "functions" / "booking").rglob("*.py")
    # Named only in words for people (the document's security scheme; the CLI's usage no
    # longer names it since the CLI was rewritten: its token defaults to $BOOKING_TOKEN).
    readers = [p.name for p in deployed if "admin_token" in p.read_text(encoding="utf-8").lower()]
    assert sorted(readers) == ["openapi.py"]
