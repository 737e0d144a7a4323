"""What a function's init does not import: each module here is one its first requests may never
use, loaded on first use instead (issue 22, item 8; docs/figures.md says what each saved).
Each function is imported fresh, as Lambda starts it, with its init's settings."""

from __future__ import annotations

import functools
import json

import pytest

from tests.support.lambda_init import last_line_printed

_LOADED = """
import importlib, json, os, sys
os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = sys.argv[2]
importlib.import_module(f"booking.handlers.{sys.argv[1]}")
print(json.dumps(sorted(sys.modules)))
"""
# The repository's stores that load the domain's models (booking.adapters.dynamodb).
_MODEL_STORES = tuple(
    f"booking.adapters.dynamodb.{store}"
    for store in ("applications", "codes", "courses", "groups", "history", "items", "limits")
)

# A group's routes on the API (handlers.api_groups): their use cases and views.
_GROUP_ROUTES = (
    "booking.handlers.group_views",
    "booking.services.group_applying",
    "booking.services.group_booking",
    "booking.services.group_changes",
    "booking.services.group_unpaid_give_up",
    "booking.services.group_invoice_replacement",
    "booking.services.groups",
)

# The organiser API's register and group-booking routes: their views and overview; and its
# models, the OpenAPI document's, of which only a course's save and the operator's backfill
# answer through one (handlers.admin).
_ADMIN_ROUTES = (
    "booking.handlers.register_views",
    "booking.domain.attendance_import",
    "booking.handlers.group_views",
    "booking.services.group_overview",
    "booking.handlers.admin_views",
)

# The warnings a save that moved a course's dates gives of invoices falling due too late
# (services.late_invoices): no first request of a function reads them.
_LATE_INVOICES = ("booking.domain.invoices_after_start", "booking.services.late_invoices")

# A group's money (services.payments imports it for a group's events and refunds only).
_GROUP_MONEY = (
    "booking.services.group_payments",
    "booking.domain.group_notices",
    "booking.domain.group_refunds",
)

# The public pages: the API loads them with the first browser request (handlers.api's _pages),
# its snapshot with the templates.
_PUBLIC_PAGES = (
    "booking.handlers.pages.apply",
    "booking.handlers.pages.courses",
    "booking.handlers.pages.status",
    "booking.handlers.pages.error",
)

# What only the console's rare pages and actions use: a group's invoice buttons, the
# public pages, the sweep and a group's changes.
_CONSOLE_RARE = (
    "booking.services.group_invoice_void",
    "booking.services.group_invoice_resend",
    "booking.services.group_invoice_correction",
    "booking.services.payments",
    *_PUBLIC_PAGES,
    "booking.services.sweep",
    "booking.services.group_changes",
)

# Powertools' other resolvers, which its event handler package's __init__ imports (AppSync's
# with asyncio): the functions with routes register the package without running it
# (handlers.resolver).
_OTHER_RESOLVERS = (
    "aws_lambda_powertools.event_handler.appsync",
    "aws_lambda_powertools.event_handler.events_appsync",
    "aws_lambda_powertools.event_handler.bedrock_agent",
    "asyncio",
    # Powertools' event sources other than the HTTP resolver's, which its data classes'
    # package's __init__ imports (handlers.resolver registers it without running it).
    "aws_lambda_powertools.utilities.data_classes.sqs_event",
    "aws_lambda_powertools.utilities.data_classes.kinesis_firehose_event",
    "aws_lambda_powertools.utilities.data_classes.cloud_watch_logs_event",
)

# function -> modules (and their submodules) its on-demand init leaves out.
LEFT_OUT = {
    # A person applying for themselves (the API's cold start) waits for no group's route, nor
    # for the reader of a meeting's attendance export (an organiser's import, services.register).
    # Nor for a group's model: a submission asks which groups name the applicant, and a group
    # is read only for the rare one named (adapters.dynamodb.groups); nor for the waiting
    # moves a cohort's change of currency reads (services.courses; its rule, domain.cohort_currency,
    # every save asks: what a save newly prices), nor for the stores its requests
    # never call (handlers.api names those they do).
    "api": (
        *_GROUP_ROUTES,
        *_PUBLIC_PAGES,
        "booking.domain.attendance_import",
        "booking.domain.groups",
        "booking.services.waiting_moves",
        "booking.adapters.dynamodb.register",
        "booking.adapters.dynamodb.history",
        *_OTHER_RESOLVERS,
        *_LATE_INVOICES,
    ),
    # An organiser reading a roster waits for neither the register's views (nor a meeting's
    # export's reader) nor the course's group bookings' (handlers.admin_register, admin_groups).
    "admin": (*_ADMIN_ROUTES, *_OTHER_RESOLVERS, *_LATE_INVOICES),
    # Its register page reads no export: the import's reader and validator load with it. Only
    # a person's pages (found, exported, erased) load services.people, and only a course's
    # group bookings page (handlers.console_groups) their overview, and its buttons a group's
    # invoice's void or resend (with the payments' events). The console renders its own pages:
    # none of the public ones (handlers.pages' apply, courses, status, error) loads with it.
    # Its actions never run the sweep (services.lifecycle re-exports it on first use), and only
    # a cancel of a place the organisers give up for a group loads the group's changes.
    "console": (
        "booking.domain.attendance_import",
        "booking.services.people",
        "booking.services.group_overview",
        *_CONSOLE_RARE,
        *_OTHER_RESOLVERS,
        *_LATE_INVOICES,
    ),
    # The webhook has no resolver: Powertools' event handler package loads AppSync's resolver
    # and asyncio with it. A booking's own events never load a group's money, its store or its
    # models (domain.settlement reads only the place an application fills: domain.group_place),
    # nor the ledgers' store.
    "webhook": (
        "aws_lambda_powertools.event_handler",
        "asyncio",
        *_GROUP_MONEY,
        "booking.domain.groups",
        "booking.adapters.dynamodb.groups",
        "booking.adapters.dynamodb.ledgers",
    ),
    # Its requests write suppressions only (the ledgers' store): no application, no course.
    "ses_events": (*_MODEL_STORES, "booking.domain.application", "booking.domain.course"),
    # Its requests relay outbox items (the outbox's store: email jobs only); holdings go back
    # only after the time-to-live deleted an application.
    "relay": (*_MODEL_STORES, "booking.domain.application", "booking.domain.course"),
    # Its sweep withdraws lapsed groups' places but never takes one: no part of applying. A
    # run with nothing due (most) settles no money, offers no seat and gives up no group's
    # place: those paths load with the first run that has one (services.sweep).
    "reminders": (
        "booking.services.applications",
        "booking.services.checkouts",
        "booking.services.lifecycle",
        "booking.services.waitlist",
        "booking.services.group_changes",
        "booking.domain.settlement",
        "booking.domain.payment_settlement",
    ),
    # The waiting list's place, the certificate, the dearer move and the group's emails are
    # loaded by the messages that say them (services.email_composing, services.mailer).
    "mailer": (
        "booking.services.waitlist",
        "booking.services.register",
        "booking.services.group_emails",
        "booking.domain.dearer_moves",
        "booking.domain.settlement",
        "booking.domain.groups",
    ),
}


# One fresh interpreter per function and init, whose modules every test of it reads: the same
# import gives the same modules, and five tests started 36 interpreters for 16 such inits.
def _loaded(function: str, initialization_type: str = "on-demand") -> tuple[str, ...]:
    return _modules_after_init(function, initialization_type)


@functools.cache
def _modules_after_init(function: str, initialization_type: str) -> tuple[str, ...]:
    loaded: list[str] = json.loads(last_line_printed(_LOADED, function, initialization_type))
    return tuple(loaded)


@pytest.mark.parametrize("function", sorted(LEFT_OUT))
def test_a_cold_start_leaves_out_what_its_requests_may_never_use(function: str) -> None:
    loaded = _loaded(function)
    assert f"booking.handlers.{function}" in loaded
    imported = [
        module
        for module in loaded
        for left_out in LEFT_OUT[function]
        if module == left_out or module.startswith(f"{left_out}.")
    ]
    assert imported == []


# boto3 loads s3transfer and, under it, multiprocessing and concurrent.futures: every client
# the functions make is botocore's (booking.aws), however they start.
@pytest.mark.parametrize("function", sorted(LEFT_OUT))
@pytest.mark.parametrize("initialization_type", ["on-demand", "snap-start"])
def test_no_init_imports_boto3(function: str, initialization_type: str) -> None:
    loaded = set(_loaded(function, initialization_type))
    assert "botocore.client" in loaded
    assert not {"boto3", "s3transfer"} & loaded


# function -> modules its on-demand init leaves out that its snapshot holds (SnapStart).
IN_THE_SNAPSHOT = {
    "api": (*_GROUP_ROUTES, *_PUBLIC_PAGES),
    "admin": _ADMIN_ROUTES,
    "webhook": _GROUP_MONEY,
    "console": (
        "booking.services.people",
        "booking.services.group_overview",
        "booking.services.group_invoice_void",
        "booking.services.group_invoice_resend",
        "booking.services.group_invoice_correction",
        "booking.services.group_changes",
    ),
}


@pytest.mark.parametrize("function", sorted(IN_THE_SNAPSHOT))
def test_a_snapshot_holds_what_its_on_demand_init_leaves_out(function: str) -> None:
    assert set(IN_THE_SNAPSHOT[function]) <= set(_loaded(function, "snap-start"))


@pytest.mark.parametrize("function", sorted(LEFT_OUT))
def test_a_snapshot_holds_every_store_of_the_repository(function: str) -> None:
    """SnapStart's init costs nobody a wait: it loads what on-demand inits leave out."""
    loaded = _loaded(function, "snap-start")
    assert set(_MODEL_STORES) <= set(loaded)


_PLUGINS_LOOKED_FOR = """
import importlib, sys
importlib.import_module(sys.argv[1])
from pydantic.plugin import _loader
print(_loader._plugins is not None)
"""


@pytest.mark.parametrize("in_lambda", [True, False])
def test_pydantic_looks_for_no_plugin_in_lambda(in_lambda: bool) -> None:
    """Looking reads every installed package's metadata (booking/__init__.py): a function's
    init skips it; the tests and the local stack keep pydantic's default."""
    looked = last_line_printed(_PLUGINS_LOOKED_FOR, "booking.handlers.webhook", in_lambda=in_lambda)
    assert looked == str(not in_lambda)
