"""The local stack's server says ``Connection: close`` on an answer after which it closes the
connection, as HTTP/1.1 asks.

It closes a connection after refusing a request before reading its body (a Content-Length
that is not a number, or beyond what API Gateway takes) and after a request whose headers it
could not read. Without the header, a client keeping the connection open (an HTTP client's
session, a browser) sent its next request on the closed connection and lost it, or had to
notice and send it again."""

from __future__ import annotations

import socket

import pytest

from infra.local.http_server import handler_for
from tests.support.local_http import ANSWER_BODY, SameAnswer, serving


def _exchange(port: int, request: bytes) -> tuple[bytes, bytes]:
    """``request`` sent on a new connection: the answer's head, and what followed it before
    the server closed the connection (or two seconds passed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
        connection.sendall(request)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    head, _, rest = received.partition(b"\r\n\r\n")
    return head, rest


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /courses HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n0123456789",
        b"POST /courses HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}",
        b"GET /courses HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"GET /courses HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n",
    ],
    ids=["length-not-a-number", "length-too-large", "header-too-long", "too-many-headers"],
)
def test_an_answer_before_closing_says_so(request_bytes: bytes) -> None:
    with serving(handler_for(SameAnswer())) as port:
        head, _ = _exchange(port, request_bytes)
    status, *headers = head.decode("latin-1").split("\r\n")
    assert status.split()[1].startswith("4"), status
    assert "connection: close" in [h.lower() for h in headers], head


def test_an_answer_on_a_connection_kept_open_does_not_say_close() -> None:
    request = b"GET /courses HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /courses HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with serving(handler_for(SameAnswer())) as port:
        head, rest = _exchange(port, request + last)
    assert b"connection:" not in head.lower()
    assert rest.count(ANSWER_BODY) == 2, "the second request was not answered on it"
