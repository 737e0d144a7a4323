"""The local stack's HTTP server: each request to the stack's dispatch, each answer back as
API Gateway sends it (one Set-Cookie per cookie, never a header HTTP cannot carry)."""

from __future__ import annotations

import base64
import errno
import json
import sys
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from booking.handlers.http import loggable_path
from infra.local.stripe_standin import LocalResponse, Unanswered

# API Gateway HTTP APIs accept payloads up to 10 MB; the handlers refuse more than 64 KiB
# themselves, so anything far beyond is refused before it is read.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# The longest line of a chunked body's framing read (a chunk's size, a trailer field).
_LINE_LIMIT = 65536


class Dispatch(Protocol):
    def dispatch(
        self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> LocalResponse: ...


class RequestHandler(BaseHTTPRequestHandler):
    """One HTTP request to the stack (a thread each, as ThreadingHTTPServer runs them)."""

    protocol_version = "HTTP/1.1"
    # Each answer goes out as written, not held back by Nagle's algorithm: http.server writes
    # the headers and the body apart, and on a connection kept open (a browser's, a client's
    # session) the body then waited for the client's delayed acknowledgement, about 40 ms
    # more for every request.
    disable_nagle_algorithm = True
    server_version = "booking-local"
    stack: Dispatch  # set on the subclass each server gets (handler_for)

    def _handle(self) -> None:
        body = self._body()
        if body is None:
            return
        try:
            response = self.stack.dispatch(
                self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
            )
        except Exception as exc:  # the local server must survive a handler crash
            print(f"local server error: {exc!r}", file=sys.stderr)
            response = error_answer(500, "internal_error", "local server error")
        self._send(response)

    def _body(self) -> bytes | None:
        """The request's body, or None when it was refused (and answered) on how it is framed.
        A chunked body is put together, as API Gateway hands a function the whole body: left
        unread, its chunks were taken for the next request on the connection, whose answer
        a client keeping the connection open then read as the answer to its own next one."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            read = self._chunked_body()
            if isinstance(read, bytes):
                return read
            self.close_connection = True  # the rest of the body is not read
            self._send(read)
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True  # the body's end cannot be known
            self._send(error_answer(400, "bad_request", "Content-Length must be a number"))
            return None
        if length > MAX_REQUEST_BYTES:
            # Refused on the header, as API Gateway does, without waiting for a body.
            self.close_connection = True
            limit = f"requests are limited to {MAX_REQUEST_BYTES} bytes"
            self._send(error_answer(413, "payload_too_large", limit))
            return None
        return self.rfile.read(length) if length else b""

    def _chunked_body(self) -> bytes | LocalResponse:
        """A chunked body's chunks joined (its trailer read past), or the answer refusing it."""
        chunks: list[bytes] = []
        received = 0
        while (size := self._chunk_size()) != 0:
            if size is None:
                return error_answer(400, "bad_request", "a chunk's size must be a hex number")
            received += size
            if received > MAX_REQUEST_BYTES:
                limit = f"requests are limited to {MAX_REQUEST_BYTES} bytes"
                return error_answer(413, "payload_too_large", limit)
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(_LINE_LIMIT).strip():
                return error_answer(400, "bad_request", "a chunk is not as long as it says")
            chunks.append(chunk)
        while self.rfile.readline(_LINE_LIMIT).strip():
            pass  # trailer fields, up to the empty line: nothing a function is given
        return b"".join(chunks)

    def _chunk_size(self) -> int | None:
        """The next chunk's size from its line (extensions after ``;`` ignored), or None."""
        given = self.rfile.readline(_LINE_LIMIT).split(b";", 1)[0].strip()
        try:
            size = int(given, 16)
        except ValueError:
            return None
        return size if size >= 0 else None

    def _send(self, response: LocalResponse) -> None:
        if isinstance(response, Unanswered):
            self.close_connection = True  # closed with nothing said
            return
        if not sendable(response):
            # As API Gateway answers a function's malformed answer: never a dropped
            # connection (http.server writes headers as Latin-1 and would raise).
            response = error_answer(502, "bad_gateway", "the function answered a bad header")
        self.send_response(response.status)
        for key, value in response.headers.items():
            if key.lower() != "content-length":  # set once, below, from the body
                self.send_header(key, value)
        # API Gateway v2 answers a function's "cookies" with one Set-Cookie each.
        for cookie in getattr(response, "cookies", ()):
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            # Said, as HTTP/1.1 asks, whenever the server closes the connection after this
            # answer (a request it refused before reading its body, or one it could not
            # parse): a client keeping the connection open then sends its next request on a
            # new one, instead of on a connection already closed under it.
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def __getattr__(self, name: str) -> Any:
        # API Gateway's $default route takes every method, and the handlers answer 404 or 405
        # in the contract's shape; http.server would answer 501 to a method it has no
        # do_<METHOD> for.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own refusals (request line or headers too long, too many headers, a
        # malformed request line) as the contract's JSON error, not HTML.
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Bad Request"
        code_name = phrase.lower().replace(" ", "_").replace("-", "_")
        self._send(error_answer(code, code_name, message or phrase))

    def log_message(self, format: str, *args: Any) -> None:
        # Paths only (query strings carry application tokens), emails redacted.
        path = loggable_path(urlsplit(getattr(self, "path", "")).path)
        status = args[1] if len(args) > 1 else ""
        sys.stderr.write(f"{getattr(self, 'command', '-')} {path} {status}\n")


def handler_for(stack: Dispatch) -> type[RequestHandler]:
    return type("StackRequestHandler", (RequestHandler,), {"stack": stack})


class LocalHTTPServer(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when a crowd applies at once (load tests).
    request_queue_size = 256
    daemon_threads = True


class PortUnavailable(RuntimeError):
    """The stack cannot listen where it was told to: said in words, never as a traceback."""


def port_setting(given: str) -> int:
    """``PORT`` as a port number; anything else is refused in words."""
    if given.isascii() and given.isdigit() and 0 < int(given) < 65536:
        return int(given)
    raise PortUnavailable(f"PORT must be a port number from 1 to 65535, like 8000, not {given!r}")


def listening(port: int, handler: type[RequestHandler]) -> LocalHTTPServer:
    """The server bound to the port. Bound before anything else starts, so a port taken (by
    another `make run`, say) is said at once, with nothing left half-started."""
    try:
        return LocalHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} is in use already (another `make run`?): stop what uses it, or "
                "choose another port with PORT=..."
            ) from None
        raise PortUnavailable(f"cannot listen on port {port}: {error.strerror}") from None
    except OverflowError:  # --port beyond 65535
        raise PortUnavailable(f"{port} is not a port number (1 to 65535)") from None


def sendable(response: LocalResponse) -> bool:
    """Every header value printable ASCII, as HTTP (and API Gateway) can carry it."""
    values = [*response.headers.values(), *getattr(response, "cookies", ())]
    return all(value.isascii() and value.isprintable() for value in values)


def error_answer(status: int, code: str, message: str) -> LocalResponse:
    return json_answer(status, {"error": {"code": code, "fields": {}, "message": message}})


def json_answer(status: int, body: Any) -> LocalResponse:
    return LocalResponse(status, {"Content-Type": "application/json"}, json.dumps(body).encode())


@dataclass(frozen=True)
class FunctionResponse(LocalResponse):
    """A function's answer, with the cookies it sets (payload 2.0 keeps them apart)."""

    cookies: tuple[str, ...] = ()


def from_lambda(answer: dict[str, Any]) -> LocalResponse:
    body = answer.get("body") or ""
    raw = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode("utf-8")
    headers = {k: str(v) for k, v in (answer.get("headers") or {}).items()}
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(values)
    return FunctionResponse(
        int(answer.get("statusCode", HTTPStatus.OK)),
        headers,
        raw,
        tuple(str(cookie) for cookie in answer.get("cookies") or []),
    )
