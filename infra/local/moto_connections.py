"""moto's server, answering on a connection its client keeps open.

Werkzeug's development server, which moto serves with, closes every connection after one answer,
so each AWS call a function made locally opened a new connection and the server started a new
thread for it: about a third of the CPU an AWS call cost the local stack (3.3 ms before, 2.1 ms
after, a DynamoDB read). AWS keeps a client's connection open, as here.
"""

from __future__ import annotations

import io

from moto.moto_server.werkzeug_app import MotoRequestHandler


class KeptOpenRequestHandler(MotoRequestHandler):
    """moto's request handler, each request's body read before moto answers, so the connection
    can carry the next request. Werkzeug drains a connection after its answer, reading until the
    client closes it (which one kept open never does): here it drains the body already read.
    A request whose length is not in its headers (chunked) or that waits to be told to send its
    body (``Expect: 100-continue``) is answered as Werkzeug answers it, on a connection closed
    after it."""

    # Each answer goes out as written: Werkzeug writes the headers and the body apart, and on a
    # connection kept open the body then waited for the client's delayed acknowledgement.
    disable_nagle_algorithm = True
    _body_read_first = False

    def run_wsgi(self) -> None:
        length = _content_length(self.headers.get("Content-Length"))
        if length is None or self.headers.get("Transfer-Encoding") or self.headers.get("Expect"):
            super().run_wsgi()
            return
        connection = self.rfile
        self.rfile = io.BytesIO(connection.read(length))
        self._body_read_first = True
        try:
            super().run_wsgi()
        finally:
            self.rfile = connection
            self._body_read_first = False

    def send_header(self, keyword: str, value: str) -> None:
        if self._body_read_first and keyword.lower() == "connection" and value.lower() == "close":
            return  # the connection stays open (HTTP/1.1) unless the client asked to close it
        super().send_header(keyword, value)


def _content_length(given: str | None) -> int | None:
    """A request's body length, 0 when there is none; None when the header is not a length."""
    if given is None:
        return 0
    return int(given) if given.strip().isdigit() else None
