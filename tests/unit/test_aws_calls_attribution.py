"""Which function an AWS call belongs to, as the recorded-calls IAM check needs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.local import aws_calls

Frame = Callable[[Callable[[], Any]], Any]


def _function_in(filename: str, name: str) -> Frame:
    """A function whose frames look like ``name`` in ``filename``: where the real code sits."""
    namespace: dict[str, Any] = {}
    code = compile(f"def {name}(inner):\n    return inner()\n", filename, "exec")
    exec(code, namespace)  # noqa: S102 - our own two-line source, compiled under that file name
    function: Frame = namespace[name]
    return function


def _handler(function: str) -> Frame:
    [path] = [f for f, name in aws_calls._HANDLER_FILES.items() if name == function]
    return _function_in(path, "handler")


def test_a_call_belongs_to_the_nearest_handler_and_not_to_an_event_source_poller() -> None:
    api, webhook = _handler("api"), _handler("webhook")
    poller = _function_in(str(aws_calls._LOCAL / "relay.py"), "pump")
    who = aws_calls.running_function

    assert who() is None  # test set-up: nobody's
    assert api(who) == "api"
    # A webhook the in-process stand-in delivers while an api request runs: the webhook's.
    assert api(lambda: webhook(who)) == "webhook"
    # The stream poller's own reads inside a request: Lambda's (the mapping's), nobody's.
    assert api(lambda: poller(who)) is None
    # ... but what a handler it invokes does is that handler's.
    assert poller(lambda: api(who)) == "api"
