"""Powertools' event handler package, registered by ``booking.handlers.resolver`` without its
other resolvers, and its event data classes' package without their other event sources: what
the functions import from them is Powertools' own, and whatever else is asked of a package
loads it whole, as Powertools wrote it. Each case runs in a fresh
interpreter (the registration happens once, at the first import)."""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

from booking.handlers.resolver import DATA_CLASSES_SERVED, FROM_API_GATEWAY
from tests.support.lambda_init import last_line_printed


def _package_probe(
    package: str, others: tuple[str, ...], first: str, then: str, same: dict[str, str]
) -> str:
    """A script for a fresh interpreter: ``first`` run (the resolver imported), which of
    ``others`` are loaded read, ``from package import *`` and ``then`` run; it prints which of
    ``others`` were loaded before and after, the package's ``__all__`` (``names``), those of
    them the star import left undefined (``missing``), whether each of ``same``'s expressions
    holds (``package`` names the package), and whether the package's lazy hook is left."""
    parent, _, name = package.rpartition(".")
    sames = "".join(f"    {key!r}: {expression},\n" for key, expression in same.items())
    return f"""
import json, sys
{first}
others = {others!r}
loaded_first = [name for name in others if name in sys.modules]
from {parent} import {name} as package
from {package} import *  # what the package's __all__ names
{then}
print(json.dumps({{
    "loaded_first": loaded_first,
    "loaded_after": [name for name in others if name in sys.modules],
    "names": sorted(package.__all__),
    "missing": [n for n in package.__all__ if n not in globals()],
{sames}    "hook_left": "__getattr__" in vars(package),
}}))
"""


_AFTER_THE_RESOLVER = _package_probe(
    "aws_lambda_powertools.event_handler",
    ("aws_lambda_powertools.event_handler.appsync", "asyncio"),
    first="import booking.handlers.resolver as ours",
    then="from aws_lambda_powertools.event_handler import api_gateway, middlewares",
    same={
        "same_resolver": "ours.APIGatewayHttpResolver is api_gateway.APIGatewayHttpResolver",
        "same_response": "ours.Response is package.Response",
        "same_middleware": "ours.NextMiddleware is middlewares.NextMiddleware",
    },
)

_AS_POWERTOOLS_WROTE_IT = """
import json
from aws_lambda_powertools import event_handler
print(json.dumps(sorted(event_handler.__all__)))
"""


def _source_of(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))


def test_the_resolver_loads_no_other_resolver_and_the_package_is_whole_when_asked() -> None:
    seen = json.loads(last_line_printed(_AFTER_THE_RESOLVER))
    assert seen["loaded_first"] == []
    assert seen["loaded_after"] == ["aws_lambda_powertools.event_handler.appsync", "asyncio"]
    assert seen["missing"] == []
    assert seen["names"] == json.loads(last_line_printed(_AS_POWERTOOLS_WROTE_IT))
    assert seen["same_resolver"]
    assert seen["same_response"]
    assert seen["same_middleware"]
    assert seen["hook_left"] is False


def test_the_names_served_from_api_gateway_are_those_the_package_takes_from_it() -> None:
    """A Powertools release that moves a name out of ``api_gateway`` (or adds one) fails here,
    not in a function's init."""
    tree = _source_of("aws_lambda_powertools.event_handler")
    taken = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and node.module == "aws_lambda_powertools.event_handler.api_gateway"
        for alias in node.names
    }
    assert taken == FROM_API_GATEWAY


_DATA_CLASSES = "aws_lambda_powertools.utilities.data_classes"

_AFTER_THE_RESOLVER_DATA_CLASSES = _package_probe(
    _DATA_CLASSES,
    tuple(
        f"{_DATA_CLASSES}.{event}" for event in ("sqs_event", "kinesis_firehose_event", "s3_event")
    ),
    first="import booking.handlers.resolver\n"
    "from aws_lambda_powertools.event_handler import api_gateway",
    then="from aws_lambda_powertools.utilities.data_classes import alb_event, vpc_lattice",
    same={
        "same_alb": "api_gateway.ALBEvent is alb_event.ALBEvent is package.ALBEvent",
        "same_lattice": "api_gateway.VPCLatticeEventV2 is vpc_lattice.VPCLatticeEventV2",
    },
)

_DATA_CLASSES_AS_POWERTOOLS_WROTE_THEM = """
import json
from aws_lambda_powertools.utilities import data_classes
print(json.dumps(sorted(data_classes.__all__)))
"""


def test_the_resolver_loads_no_other_event_source_and_the_data_classes_are_whole_when_asked() -> (
    None
):
    seen = json.loads(last_line_printed(_AFTER_THE_RESOLVER_DATA_CLASSES))
    assert seen["loaded_first"] == []
    assert len(seen["loaded_after"]) == 3
    assert seen["missing"] == []
    assert seen["names"] == json.loads(last_line_printed(_DATA_CLASSES_AS_POWERTOOLS_WROTE_THEM))
    assert seen["same_alb"]
    assert seen["same_lattice"]
    assert seen["hook_left"] is False


def test_each_data_class_served_comes_from_the_submodule_the_package_takes_it_from() -> None:
    """A Powertools release that moves one of these classes to another module fails here."""
    taken = {
        alias.asname or alias.name: node.module
        for node in _source_of(_DATA_CLASSES).body
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
    }
    assert {name: taken.get(name) for name in DATA_CLASSES_SERVED} == DATA_CLASSES_SERVED


def test_every_data_class_the_http_resolver_imports_from_the_package_is_served() -> None:
    """A Powertools release whose ``api_gateway`` imports another of the package's classes
    fails here (it would run the package's whole ``__init__`` again, at every init)."""
    imported = {
        alias.asname or alias.name
        for node in ast.walk(_source_of("aws_lambda_powertools.event_handler.api_gateway"))
        if isinstance(node, ast.ImportFrom) and node.module == _DATA_CLASSES
        for alias in node.names
    }
    assert imported == set(DATA_CLASSES_SERVED)
