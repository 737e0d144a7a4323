"""What a SnapStart snapshot carries into every environment restored from it must not make
those environments act in step (infra/cdk/functions.py, SNAPSTART)."""

from __future__ import annotations

import gc
import random

import pytest

from booking.adapters.dynamodb.table import conflict_backoff_seconds
from tests.support.lambda_init import lambda_env, last_line_printed


def test_retry_jitter_does_not_follow_the_seeded_generator() -> None:
    # Two restored environments start with the same `random` state, as both here.
    random.seed(22)
    first = [conflict_backoff_seconds(0) for _ in range(5)]
    random.seed(22)
    second = [conflict_backoff_seconds(0) for _ in range(5)]
    assert first != second
    assert all(0.02 <= wait <= 0.1 for wait in first + second)


def test_retry_jitter_grows_with_each_conflict() -> None:
    assert all(0.06 <= conflict_backoff_seconds(2) <= 0.3 for _ in range(20))


# What each SnapStart function's init checks (its handler module's bootstrap.at_cold_start).
NEEDED_AT_INIT = {
    "api": (),
    "admin": (),
    "webhook": ("webhook_events",),
    "console": ("sign_in", "console_sessions", "session_key"),
}


@pytest.mark.parametrize("secrets_in", ["environment", "secrets manager"])
@pytest.mark.parametrize("function", sorted(NEEDED_AT_INIT))
def test_a_cold_start_calls_no_aws_service(
    monkeypatch: pytest.MonkeyPatch, function: str, secrets_in: str
) -> None:
    """Init builds clients and nothing else: no connection, no secret in the snapshot. As
    deployed, the secrets are named (``*_PARAM``) and read on first use, never at init."""
    from bench.coldstart import child_env

    from booking import aws, bootstrap

    for name, value in child_env().items():
        if name.isupper() and not name.startswith(("PYTHON", "PATH", "HOME")):
            monkeypatch.setenv(name, value)
    if secrets_in == "secrets manager":
        for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "CONSOLE_SESSION_SECRET"):
            monkeypatch.delenv(name)
            monkeypatch.setenv(f"{name}_PARAM", f"/booking/bench/{name.lower()}")
    calls: list[str] = []
    bootstrap.reset()
    # The session every client of the functions is made from (booking.aws).
    session = aws.session()
    session.register(
        "before-call",
        lambda **event: calls.append(event["model"].name),
        unique_id="snapshot-calls",
    )
    try:
        bootstrap.at_cold_start(*NEEDED_AT_INIT[function])
        assert bootstrap.ports() is not None
        assert aws.session() is session
    finally:
        session.unregister("before-call", unique_id="snapshot-calls")
        bootstrap.reset()
        # at_cold_start froze this test process's objects, as in Lambda: give them back to the
        # collector, for the tests that run after this one.
        gc.unfreeze()
    assert calls == []


_TEMPLATES_LOADED = (
    "import importlib, sys; importlib.import_module(f'booking.handlers.{sys.argv[1]}');"
    "from booking.handlers.pages import environment; print(len(environment().cache or ()))"
)


@pytest.mark.parametrize("function", ["api", "console"])
@pytest.mark.parametrize("init_type", ["snap-start", "on-demand"])
def test_the_pages_templates_are_compiled_into_the_snapshot_only(
    function: str, init_type: str
) -> None:
    """A SnapStart init compiles the pages' templates, so the first browser after a restore
    waits for none (bench/first_request.py measures it); an ordinary cold start leaves them
    to the first request that needs them, as JSON clients never do."""
    env = {**lambda_env(), "AWS_LAMBDA_INITIALIZATION_TYPE": init_type}
    compiled = int(last_line_printed(_TEMPLATES_LOADED, function, env=env))
    if init_type == "snap-start":
        assert compiled >= 5  # base, courses, apply, status, error and the console's
    else:
        assert compiled == 0


_STRIPE_LOADED = """
import importlib, sys
from booking import aws
calls = []
aws.session().register("before-call", lambda model, **_: calls.append(model.name))
importlib.import_module("booking.handlers.webhook")
# stripe._webhook: the SDK loads its signature checks lazily, on first use unless named at init.
print(all(name in sys.modules for name in ("stripe", "stripe._webhook")), calls)
"""


@pytest.mark.parametrize("init_type", ["snap-start", "on-demand"])
def test_the_webhook_loads_stripe_into_the_snapshot_only_and_reads_no_secret(
    init_type: str,
) -> None:
    """A SnapStart init of the webhook makes its reader of Stripe's events, so Stripe's SDK is
    in the snapshot, its lazily loaded signature checks included (the first event after a
    restore waited about 200 ms for them, bench/first_request.py); the signing secret, kept in
    Secrets Manager, is still read only on a delivery. An ordinary cold start leaves the SDK
    to the first event, as before."""
    env = {**lambda_env(), "AWS_LAMBDA_INITIALIZATION_TYPE": init_type}
    del env["STRIPE_WEBHOOK_SECRET"]
    env["STRIPE_WEBHOOK_SECRET_PARAM"] = "/booking/bench/stripe_webhook_secret"
    loaded = last_line_printed(_STRIPE_LOADED, env=env)
    assert loaded == ("True []" if init_type == "snap-start" else "False []")


_BANK_HOLIDAYS_LOADED = """
import importlib, sys
importlib.import_module("booking.handlers.api")
print("holidays" in sys.modules)
"""


@pytest.mark.parametrize("init_type", ["snap-start", "on-demand"])
def test_the_api_loads_the_bank_holidays_into_the_snapshot_only(init_type: str) -> None:
    """The application forms ask the due-date rule whether an invoice is offered, which reads
    England and Wales' bank holidays: a SnapStart init of the api loads them, so the first form
    after a restore waits for none of it (bench/first_request.py: about 45 ms); an ordinary
    cold start leaves them to the first request that needs them."""
    env = {**lambda_env(), "AWS_LAMBDA_INITIALIZATION_TYPE": init_type}
    loaded = last_line_printed(_BANK_HOLIDAYS_LOADED, env=env)
    assert loaded == ("True" if init_type == "snap-start" else "False")


_FROZEN = """
import gc, importlib, sys
importlib.import_module(f"booking.handlers.{sys.argv[1]}")
print(gc.get_freeze_count())
"""


@pytest.mark.parametrize("function", ["admin", "mailer"])
def test_what_init_made_is_kept_out_of_the_collectors_full_passes(function: str) -> None:
    """In Lambda, init's objects (modules, classes, clients) are frozen (``gc.freeze``): a full
    collection inside a request no longer walks them (the roster's slowest request spent 186 ms
    of its 209 in one such pass, bench/latency.py, moto's objects included)."""
    assert int(last_line_printed(_FROZEN, function)) > 50_000
