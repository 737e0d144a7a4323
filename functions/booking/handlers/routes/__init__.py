"""The route table: every HTTP route the functions serve, described once.

Each :class:`Route` names the function that serves it, its method and path (OpenAPI's
``{name}`` template), and what the OpenAPI document says of it. The resolvers are bound to the
table (:class:`Served`: a handler names its operation; method and path come from here, and a
function whose module leaves a route of its own unserved fails its import), the document is
generated from it (``booking.handlers.openapi``, only when ``/openapi.json`` is asked for), the
405 answers come from it (:func:`methods_for`), and so do the HTTP API's routes in CDK. A GET
route answers HEAD too (:attr:`Route.methods`). So no
route can be served undocumented, and none documented that is not served.

The table is plain data (strings and small dicts, schemas named, not imported): importing a
function's part of it costs a few milliseconds, whatever the document's size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

Handler = TypeVar("Handler", bound=Callable[..., Any])
Fragment = Mapping[str, Any]  # a piece of the OpenAPI document, as JSON


class Function(StrEnum):
    """The Lambda function that serves a route (infra/cdk/functions.py's keys)."""

    API = "api"
    WEBHOOK = "webhook"
    ADMIN = "admin"
    CONSOLE = "console"


# The methods that only read (RFC 9110's safe methods the table serves): no CSRF token is asked
# of them, and a page asked with one is the page to come back to after signing in.
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Route:
    """One route of a function: where it is served and what it answers."""

    function: Function
    method: str  # GET, POST, PUT, DELETE
    path: str  # /courses/{course_id}
    operation_id: str
    summary: str
    # Status code -> OpenAPI response, for what this route answers itself; the answers every
    # route of its function shares (errors, sign-in, CSRF) are added in one place, openapi.py.
    answers: Mapping[str, Fragment]
    # Errors in the contract's JSON shape (API, webhook, organiser API), described in the
    # words every route shares; a browser gets the same error as a page from the public API.
    errors: tuple[int, ...] = ()
    description: str = ""
    parameters: tuple[Fragment, ...] = ()
    body: Fragment | None = None
    tags: tuple[str, ...] = ()
    # Console pages anyone may reach (signing in, where signing out lands); every other
    # console page needs a session.
    open_to_all: bool = False
    # Console actions: the notice the application's page says once after it (``after_action``).
    done: str | None = None
    # Its answers carry a token or personal data (the token is in its address, or the answer
    # holds one): never kept by a cache or a browser's history (``Cache-Control: no-store``).
    private: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods it is served on: a GET route answers HEAD too, as RFC 9110 asks of a
        server that serves GET (link checkers and uptime probes ask with it): the same status
        and headers, the body left out by API Gateway (and by the local stack's server, which
        answers as it does). Documented once, not as an operation of each path."""
        return (self.method, "HEAD") if self.method == "GET" else (self.method,)

    @property
    def resolver_rule(self) -> str:
        """The path as Powertools' resolvers write it (``<name>`` for ``{name}``)."""
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path)) + "$")


def concrete_first(paths: Iterable[str]) -> list[str]:
    """Paths in the order a URL is matched against them: OpenAPI (and Powertools) match a
    concrete path (``/console/courses/new``) before a templated one it also fits."""
    return sorted(paths, key=lambda path: "{" in path)


def routes_of(*functions: Function) -> tuple[Route, ...]:
    """The routes the given functions serve (each function's part of the table is imported
    only when asked for)."""
    found: list[Route] = []
    for function in functions:
        found += _part(function)
    return tuple(found)


def every_route() -> tuple[Route, ...]:
    return routes_of(*Function)


def _part(function: Function) -> tuple[Route, ...]:
    from booking.handlers.routes.register import register_routes

    return _own_part(function) + register_routes(function)


def _own_part(function: Function) -> tuple[Route, ...]:
    if function in (Function.API, Function.WEBHOOK):
        from booking.handlers.routes.groups import GROUPS
        from booking.handlers.routes.public import PUBLIC

        return tuple(r for r in (*PUBLIC, *GROUPS) if r.function is function)
    return _admin_part() if function is Function.ADMIN else _console_part()


def _admin_part() -> tuple[Route, ...]:
    from booking.handlers.routes.backfills import BACKFILLS
    from booking.handlers.routes.given_back import GIVE_BACK_ADMIN
    from booking.handlers.routes.group_given_back import GIVE_BACK_GROUP_ADMIN
    from booking.handlers.routes.group_invoice import GROUP_INVOICE_ADMIN
    from booking.handlers.routes.group_invoice_correction import GROUP_CORRECTION_ADMIN
    from booking.handlers.routes.group_overview import GROUP_BOOKINGS_ADMIN
    from booking.handlers.routes.invoice_correction import CORRECTION_ADMIN
    from booking.handlers.routes.invoice_instead import INSTEAD_ADMIN
    from booking.handlers.routes.organiser_courses import COURSES_ADMIN
    from booking.handlers.routes.organisers import ORGANISERS
    from booking.handlers.routes.paid_off_stripe import GROUP_PAID_ADMIN
    from booking.handlers.routes.transfers import TRANSFER_ADMIN

    return (
        ORGANISERS
        + COURSES_ADMIN
        + TRANSFER_ADMIN
        + GROUP_BOOKINGS_ADMIN
        + GROUP_INVOICE_ADMIN
        + GROUP_CORRECTION_ADMIN
        + GROUP_PAID_ADMIN
        + CORRECTION_ADMIN
        + INSTEAD_ADMIN
        + GIVE_BACK_ADMIN
        + GIVE_BACK_GROUP_ADMIN
        + BACKFILLS
    )


def _console_part() -> tuple[Route, ...]:
    from booking.handlers.routes.console import CONSOLE_ROUTES
    from booking.handlers.routes.console_cancel import (
        CANCEL_CONFIRMATION,
        DECLINE_CONFIRMATION,
        VOID_CONFIRMATION,
    )
    from booking.handlers.routes.given_back import RECORD_GIVEN_BACK
    from booking.handlers.routes.group_given_back import GIVE_BACK_GROUP_CONSOLE
    from booking.handlers.routes.group_invoice import GROUP_INVOICE_CONSOLE
    from booking.handlers.routes.group_invoice_correction import GROUP_CORRECTION_CONSOLE
    from booking.handlers.routes.group_overview import GROUP_BOOKINGS_CONSOLE
    from booking.handlers.routes.invoice_correction import CORRECTION_CONSOLE
    from booking.handlers.routes.invoice_instead import INSTEAD_CONSOLE
    from booking.handlers.routes.paid_off_stripe import GROUP_PAID_CONSOLE, RECORD_CONFIRMATION
    from booking.handlers.routes.transfers import TRANSFER_CONSOLE

    return (
        CONSOLE_ROUTES
        + CANCEL_CONFIRMATION
        + VOID_CONFIRMATION
        + DECLINE_CONFIRMATION
        + RECORD_CONFIRMATION
        + TRANSFER_CONSOLE
        + GROUP_BOOKINGS_CONSOLE
        + GROUP_INVOICE_CONSOLE
        + GROUP_CORRECTION_CONSOLE
        + GROUP_PAID_CONSOLE
        + CORRECTION_CONSOLE
        + INSTEAD_CONSOLE
        + RECORD_GIVEN_BACK
        + GIVE_BACK_GROUP_CONSOLE
    )


def route(operation_id: str) -> Route:
    """The route of an operation, wherever in the table it is."""
    for candidate in every_route():
        if candidate.operation_id == operation_id:
            return candidate
    raise KeyError(f"no route {operation_id!r} in the table")


@cache
def _patterns(functions: tuple[Function, ...]) -> tuple[tuple[re.Pattern[str], Route], ...]:
    routes = routes_of(*functions)
    ordered = concrete_first(dict.fromkeys(r.path for r in routes))
    return tuple((r.pattern, r) for path in ordered for r in routes if r.path == path)


def methods_for(path: str, *functions: Function) -> list[str]:
    """The methods the functions answer on ``path`` (empty: no such path), from the first
    path of the table that fits (a concrete path before a templated one)."""
    fitting = [(pattern, r) for pattern, r in _patterns(functions) if pattern.fullmatch(path)]
    if not fitting:
        return []
    first = fitting[0][1].path
    return sorted(m for _, r in fitting if r.path == first for m in r.methods)


def route_at(method: str, path: str, *functions: Function) -> Route | None:
    """The route of the functions that answers ``method`` on ``path``, if any."""
    for pattern, found in _patterns(functions):
        if method.upper() in found.methods and pattern.fullmatch(path):
            return found
    return None


# What Powertools' resolver takes as a path's value (its ``_SAFE_URI``, ``_UNSAFE_URI`` and
# ``\w``): a value with anything else in it fits no route, so the resolver finds none.
_RESOLVER_TAKES = re.compile(r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+")


def unnamed_words(method: str, path: str) -> str | None:
    """The 404's words for a path that fits a route of the table but with a value it cannot
    take (``/admin/applications/CL-7K3Q9?x/refund``, a 5,000-character reference): "no
    application 'CL-7K3Q9?x': ..." (``domain.identifiers.no_such``), as for any value that
    names nothing, never "no such resource". None: the path names nothing of the table."""
    from booking.domain.identifiers import NAMED_BY_COLLECTION, id_fault, no_such

    for collection, value in _values_given(method, path):
        if not _RESOLVER_TAKES.fullmatch(value) or id_fault(value):
            thing = NAMED_BY_COLLECTION.get(collection)
            return no_such(thing, value) if thing else None
    return None


def refused_id_words(method: str, path: str) -> str | None:
    """The 404's words for a path the resolver would serve whose reference or id no one can
    have (a 101-character reference), before any use case reads it: the same
    words as :func:`unnamed_words`, so the API says of it what the CLI says. A person's
    address (``/admin/people/{email}``) is no id this system gives: it is left to its route."""
    from booking.domain.identifiers import GIVEN_BY_COLLECTION, id_fault, no_such

    for collection, value in _values_given(method, path):
        thing = GIVEN_BY_COLLECTION.get(collection)
        if thing and id_fault(value):
            return no_such(thing, value)
    return None


def _values_given(method: str, path: str) -> list[tuple[str, str]]:
    """Each value ``path`` gives its route's parameters, after the collection the route names
    it in (``("applications", "CL-7K3Q9")``); none for a path that fits no route of the table."""
    found = route_at(method, path, *Function)
    if found is None:
        return []
    template = found.path.split("/")
    paired = enumerate(zip(template, path.split("/"), strict=False))
    return [(template[at - 1], value) for at, (part, value) in paired if part.startswith("{")]


class Served:
    """One function's resolver, bound to its routes in the table.

    ``@served("getCourse")`` registers the handler under that route's method and path;
    :meth:`check` (at the end of the handler module) fails the import when a route of this
    function has no handler, and a handler for a route of another function (or none) is
    refused at once.
    """

    def __init__(self, resolver: APIGatewayHttpResolver, function: Function) -> None:
        self._resolver = resolver
        self.function = function
        self.routes = {r.operation_id: r for r in routes_of(function)}
        self._bound: set[str] = set()

    def __call__(self, operation_id: str) -> Callable[[Handler], Handler]:
        found = self.routes.get(operation_id)
        if found is None:
            raise KeyError(f"{operation_id!r} is not a route of the {self.function} function")
        self._bound.add(operation_id)
        return self._resolver.route(found.resolver_rule, list(found.methods))

    def check(self) -> None:
        unserved = sorted(set(self.routes) - self._bound)
        if unserved:
            raise RuntimeError(f"the {self.function} function serves no handler for {unserved}")
