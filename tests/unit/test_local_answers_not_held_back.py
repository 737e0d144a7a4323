"""The local stack's server sends each answer as written, on a connection kept open too.

http.server writes an answer's headers and its body apart. With Nagle's algorithm on, the body
of an answer on a connection kept open (a browser keeps one; so does an HTTP client's session)
waited for the client's delayed acknowledgement of the headers: about 40 ms more for every
request after a connection's first, on ``make run`` and in every end-to-end test."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator

import pytest

from infra.local.http_server import handler_for
from tests.support.local_http import ANSWER_BODY, SameAnswer, serving


@pytest.fixture
def no_delay_seen() -> Iterator[tuple[int, list[int]]]:
    """The stack's request handler on a port of its own: its port, and for each connection it
    served, the TCP_NODELAY setting of the server's end of it."""
    seen: list[int] = []
    stack_handler = handler_for(SameAnswer())

    class Observed(stack_handler):  # type: ignore[valid-type,misc]
        def setup(self) -> None:
            super().setup()
            seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    with serving(Observed) as port:
        yield port, seen


def test_answers_on_a_kept_open_connection_are_not_held_back(
    no_delay_seen: tuple[int, list[int]],
) -> None:
    port, seen = no_delay_seen
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for _ in range(3):  # one connection, kept open for all three
            connection.request("GET", "/courses")
            answer = connection.getresponse()
            assert (answer.status, answer.read()) == (200, ANSWER_BODY)
    finally:
        connection.close()
    assert len(seen) == 1, "the connection was not kept open"
    assert seen[0] != 0, "Nagle's algorithm holds the answers back (TCP_NODELAY is off)"
