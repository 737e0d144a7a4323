"""The route table binds the resolvers: no route served undocumented, none documented unserved."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from booking.handlers.routes import Function, Served, every_route, methods_for, routes_of


def test_a_handler_can_only_serve_a_route_of_its_own_function() -> None:
    served = Served(APIGatewayHttpResolver(), Function.API)
    with pytest.raises(KeyError, match="not a route of the api function"):
        served("undocumentedRoute")
    with pytest.raises(KeyError, match="not a route of the api function"):
        served("putCourse")  # the organiser API's


def test_a_function_that_leaves_a_route_unserved_fails_its_import() -> None:
    resolver = APIGatewayHttpResolver()
    served = Served(resolver, Function.API)
    for operation_id in list(served.routes)[1:]:
        served(operation_id)(lambda: None)
    with pytest.raises(RuntimeError, match="serves no handler for"):
        served.check()
    served(next(iter(served.routes)))(lambda: None)
    served.check()


def test_every_operation_is_named_once_and_every_path_has_one_owner() -> None:
    routes = every_route()
    assert len({r.operation_id for r in routes}) == len(routes)
    owners: dict[str, set[Function]] = {}
    for route in routes:
        owners.setdefault(route.path, set()).add(route.function)
    assert {p: f for p, f in owners.items() if len(f) > 1} == {}


def test_the_served_resolvers_are_the_table() -> None:
    from booking.handlers import admin, api, console

    for module, function in (
        (api, Function.API),
        (admin, Function.ADMIN),
        (console, Function.CONSOLE),
    ):
        resolver = module.app
        served = {(r.method, r.path) for r in [*resolver._static_routes, *resolver._dynamic_routes]}
        table = {(m, r.resolver_rule) for r in routes_of(function) for m in r.methods}
        assert served == table, function


def test_405s_come_from_the_table() -> None:
    assert methods_for("/courses", Function.API, Function.WEBHOOK) == ["GET", "HEAD"]
    assert methods_for("/webhooks/stripe", Function.API, Function.WEBHOOK) == ["POST"]
    assert methods_for("/nowhere", Function.API, Function.WEBHOOK) == []
    assert methods_for("/admin/people/a@example.org", Function.ADMIN) == ["DELETE", "GET", "HEAD"]
