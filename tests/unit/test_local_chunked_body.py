"""The local stack's server reads a chunked request body whole, as API Gateway hands a function
the whole body.

Left unread, its chunks were taken for the next request on the connection (the last chunk's
``0`` as its request line), and a client keeping the connection open read the server's answer
to them as the answer to its own next request: the end-to-end fuzzing, sending an operation's
examples on one connection, saw its request fail once and pass when repeated."""

from __future__ import annotations

import http.client
import socket

import pytest

from infra.local.http_server import handler_for
from infra.local.stripe_standin import LocalResponse
from tests.support.local_http import serving


class EchoBody:
    """A dispatch that answers every request 200 with the body it was given."""

    def dispatch(
        self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> LocalResponse:
        return LocalResponse(200, {"Content-Type": "application/octet-stream"}, body)


def test_a_chunked_body_reaches_the_function_whole_and_the_connection_carries_on() -> None:
    with serving(handler_for(EchoBody())) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            # No length given: http.client sends the pieces as chunks.
            connection.request("POST", "/courses", body=iter([b'{"name": ', b'"Ada"}']))
            first = connection.getresponse()
            assert (first.status, first.read()) == (200, b'{"name": "Ada"}')
            connection.request("POST", "/courses", body=b"second")
            second = connection.getresponse()
            assert (second.status, second.read()) == (200, b"second")
        finally:
            connection.close()


@pytest.mark.parametrize(
    "chunks",
    [b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nabc\r\n0\r\n\r\n", b"-3\r\nabc\r\n0\r\n\r\n"],
    ids=["size-not-hex", "chunk-shorter-than-said", "size-negative"],
)
def test_a_chunked_body_framed_wrongly_is_refused_and_the_connection_closed(
    chunks: bytes,
) -> None:
    head = b"POST /courses HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    with (
        serving(handler_for(EchoBody())) as port,
        socket.create_connection(("127.0.0.1", port), timeout=5) as connection,
    ):
        connection.sendall(head + chunks)
        answer = connection.makefile("rb").read()
    status, _, rest = answer.partition(b"\r\n")
    assert status.split()[1] == b"400", answer
    assert b"connection: close" in rest.lower()
    assert b"bad_request" in rest
