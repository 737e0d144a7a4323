"""The local stack's HTTP server on a free port, in this process, answering from a stand-in
dispatch: for the tests of what the server itself does with a connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from infra.local.http_server import LocalHTTPServer, RequestHandler
from infra.local.stripe_standin import LocalResponse

ANSWER_BODY = b'{"a": 1}'


class SameAnswer:
    """A dispatch that answers every request 200 with ``ANSWER_BODY`` as JSON."""

    def dispatch(
        self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> LocalResponse:
        return LocalResponse(200, {"Content-Type": "application/json"}, ANSWER_BODY)


@contextmanager
def serving(handler: type[RequestHandler]) -> Iterator[int]:
    """``handler`` served by the stack's server class on a free port of 127.0.0.1: the port;
    the server stopped when the block ends."""
    server = LocalHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
