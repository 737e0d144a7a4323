"""Shared fixtures: fake AWS credentials everywhere, and the in-process system for integration."""

from __future__ import annotations

import gc
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import settings

from tests.support.boto_models import share_botocore_loader

# Records each function's AWS calls when RECORD_AWS_CALLS is set (see the plugin); holds every
# test to the failures and races it set up having happened (``tests.support.fired``).
pytest_plugins = ["tests.support.aws_calls", "tests.support.fired"]
# Before any test makes a boto3 session: parse botocore's models once, not once per test.
share_botocore_loader()

# Every property test, whatever settings it writes out: the same examples on every run (a test
# with a seed of its own, ``tests.support.exploration.seeded``, keeps it: a seed outranks
# derandomize), no example database between runs, and no deadline: how long an example takes
# is for ``make bench`` to measure, never a timed assertion (a loaded CI machine stretched a
# 1 ms example past Hypothesis's default 200 ms and failed a correct test).
settings.register_profile("booking", deadline=None, derandomize=True, database=None)
settings.load_profile("booking")

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
COURSES_DIR = Path(__file__).resolve().parents[1] / "courses"


# The order the suite is handed to its workers (`make test`: pytest-xdist with --dist loadfile
# and --no-loadscope-reorder, which keeps this order; by default xdist sends the files with the
# most tests first, and so the longest single test, the lifecycle machine, started last and
# ran alone for minutes at the end). xdist hands each worker one file, then one more each,
# then more as they run low. So: the machine's shards first (one file each), the longest of
# them first of all (shard 3's 50 examples take 5x shard 1's or more: handed out fifth, it
# waited for a worker to finish two files), the longest end-to-end files next, a quick unit
# file, then the other end-to-end files, the other property files (the programme's machine
# takes half a minute or more: handed out last, as in collection order, one worker ran it
# alone at the end), the CDK tests, the contract and integration tests, and the unit tests
# last: many short files, so the two workers run out of work at about the same time.
RUN_ORDER = (
    "tests/property/test_lifecycle_machine_shard_3.py",
    "tests/property/test_lifecycle_machine",
    "tests/e2e/test_fuzz_openapi_",  # its positive and negative halves, one a worker
    "tests/unit/test_course.py",
    "tests/e2e/",
    "tests/property/",
    "tests/infra/",
    "tests/contract/",
    "tests/integration/",
    "tests/unit/",
)


def _run_rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return next(
        (rank for rank, prefix in enumerate(RUN_ORDER) if path.startswith(prefix)),
        len(RUN_ORDER),
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_run_rank)  # stable: within a rank, the collection's order


# How many new container objects the collector lets build up before its youngest pass (CPython's
# default is 700). Tests allocate by the million (moto's models and copies, botocore's answers,
# pydantic's), and each youngest pass that overflows pushes survivors on towards the full passes
# that walk the whole heap: a tenth or more of an integration file's CPU went on collecting.
_NEW_OBJECTS_BEFORE_COLLECTING = 10_000


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection loaded (every test module and what it imports: botocore, moto, pydantic,
    hypothesis) lives as long as the process: frozen out of the collector's full passes, which
    walked it all again every time; and the collector asked less often (above). Garbage is
    still collected, later and in larger passes; nothing a test checks depends on when."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(_NEW_OBJECTS_BEFORE_COLLECTING, *gc.get_threshold()[1:])


def load_event(name: str) -> Any:
    """One loader for every sample event in ``events/`` (e.g. ``"apigw/list_courses.json"``)."""
    return json.loads((EVENTS_DIR / name).read_text(encoding="utf-8"))


# Addresses that belong to organisers or the system, not applicants: fine in a log line.
_NOT_PERSONAL = {
    "facilitators@example.org",
    "facilitator@example.org",
    "enquiries@example.org",
    "courses@example.org",
    "bookings@example.org",
    "amara.okafor@example.org",
    "tom.hughes@example.org",
}
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@example\.(?:org|nhs\.uk)", re.IGNORECASE)
_APPLICANT_NAMES = (
    "Ada Lovelace",
    "Mary Seacole",
    "Florence Nightingale",
    "Edith Cavell",
    "Grace Hopper",
    "Kept Person",
    "Cli Person",
)


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a test does, no log record may carry an applicant's email or name."""
    # INFO and up, as deployed (botocore's DEBUG wire logs are never enabled in Lambda).
    caplog.set_level(logging.INFO)
    yield
    for when in ("setup", "call"):
        for record in caplog.get_records(when):
            # Percent-decoded too: an address in a URL's query string (``%40``) is one.
            text = unquote(f"{record.getMessage()} {record.__dict__}")
            leaked = {m for m in _EMAIL.findall(text) if m.lower() not in _NOT_PERSONAL}
            assert not leaked, f"personal data in a log line: {record.getMessage()!r}"
            for name in _APPLICANT_NAMES:
                assert name not in text, f"an applicant's name in a log line: {record.name}"


@pytest.fixture(autouse=True)
def _every_email_parses_back(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Whatever a test sends, each message is parsed back and its calendars checked
    (tests/support/mail_checks.py): wrapped at the one place every MIME message is built."""
    from booking.adapters import ses_sender
    from tests.support.mail_checks import Seen, check_message

    built: list[bytes] = []
    seen = Seen()
    original = ses_sender.build_mime

    def checked(*args: Any, **kwargs: Any) -> bytes:
        raw = original(*args, **kwargs)
        check_message(raw, seen)
        built.append(raw)
        return raw

    monkeypatch.setattr(ses_sender, "build_mime", checked)
    return built


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing in the test suite may reach AWS, whatever the developer's shell has set.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def system(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from moto import mock_aws

    from booking import bootstrap
    from infra.local.aws import LocalResources, client
    from infra.local.sample import in_the_future, load_definition
    from tests.support.moto_state import started
    from tests.support.system import (
        BASE_URL,
        COGNITO,
        CONSOLE_SESSION_SECRET,
        COURSE_ID,
        WEBHOOK_SECRET,
        System,
    )

    def build(resources: LocalResources) -> System:
        monkeypatch.setenv("TABLE_NAME", resources.table_name)
        monkeypatch.setenv("EMAIL_QUEUE_URL", resources.email_queue_url)
        monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
        monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        # The console's settings, as the local stack gives them (its organiser token stays in
        # front of the functions: tests/support/system.py).
        monkeypatch.setenv("CONSOLE_SESSION_SECRET", CONSOLE_SESSION_SECRET)
        monkeypatch.setenv("COGNITO_DOMAIN", COGNITO.domain)
        monkeypatch.setenv("COGNITO_CLIENT_ID", COGNITO.client_id)
        bootstrap.reset()
        return System(resources, client)

    today = datetime.now(UTC).date()

    def load_sample(harness: System) -> None:
        # The sample cohort, moved into the future as `make run` does, under a fixed id.
        definition = in_the_future(
            load_definition(COURSES_DIR / "compassionate-leadership.json"), today
        )
        harness.put_course(COURSE_ID, definition.model_dump(mode="json"))

    with mock_aws():
        # Provisioned and the sample saved once per process, then put back for each test
        # (tests/support/moto_state.py): every test starts from the same fresh state.
        yield started(today, build, load_sample)
        bootstrap.reset()
