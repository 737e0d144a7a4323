"""One rule for an organiser write's address: a write whose
address carries a parameter its route does not take (the route table's query parameters) is
refused with 422 naming it, nothing done. A write's fields go in its body; one sent in the
address is never ignored (``cancel?refund=on`` cancelled and kept the money, on /admin and then
on /console). A read (GET, HEAD, OPTIONS) is no write: its parameters are read or ignored as its
route says.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from booking.domain.errors import InvalidInput
from booking.handlers.resolver import APIGatewayHttpResolver, NextMiddleware, Response
from booking.handlers.routes import SAFE_METHODS, Function, route_at

# Methods that change nothing: HEAD is answered as GET, OPTIONS describes.
READ_METHODS = SAFE_METHODS | {"OPTIONS"}

QUERY_NOT_TAKEN = (
    "not a parameter of this request's address: send it in the body, if the request takes it"
)

Middleware = Callable[[APIGatewayHttpResolver, NextMiddleware], Response[str]]


def parameters_not_taken(method: str, path: str, query: str, function: Function) -> list[str]:
    """The parameters of ``query`` that the write ``method`` ``path`` of ``function`` does not
    take, sorted (none for a read, whatever it carries)."""
    if method in READ_METHODS:
        return []
    found = route_at(method, path, function)
    takes = {p["name"] for p in found.parameters if p.get("in") == "query"} if found else set()
    return sorted({name for name, _ in parse_qsl(query, keep_blank_values=True)} - takes)


def refused_unless_taken(function: Function) -> Middleware:
    """Middleware for ``function``'s routes: a write with a parameter its route does not take
    is 422 (:func:`parameters_not_taken`), nothing done."""

    def middleware(
        resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware
    ) -> Response[str]:
        event = resolver.current_event
        query = event.raw_event.get("rawQueryString") or ""
        unasked = parameters_not_taken(event.http_method, event.path, query, function)
        if unasked:
            raise InvalidInput(
                f"the address carries {', '.join(unasked)}, which this request does not take "
                "as a parameter of its address: nothing was done",
                dict.fromkeys(unasked, QUERY_NOT_TAKEN),
            )
        return next_middleware(resolver)

    return middleware
