"""What stands in front of the functions under ``make run``, as API Gateway and Cognito do in AWS.

    request ──▶ Front ──▶ the function API Gateway routes it to, as the event API Gateway sends
                  ├─ /admin/*            the JWT authorizer: the organiser token is the one bearer
                  │                      token it accepts, and the function gets the claims a
                  │                      Cognito access token would carry (401 without it)
                  ├─ /console/sign-in    Cognito's hosted sign-in page, with the organiser token
                  │                      for a password; the session is begun by the console's
                  │                      own code (authorization code + PKCE, redeemed by its
                  │                      Cognito adapter at the stand-in's token endpoint)
                  └─ /_local/cognito/*   the stand-in's token and logout endpoints

So the deployed functions hold no local-only branch and no default secret: the organiser token
and the offline webhook secret are conveniences of the local stack alone. The same front serves
the local server and the in-process system of the integration tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from booking.domain.organisers import ORGANISER_SCOPE, SIGN_IN_SCOPES

REGION = "eu-west-2"
COGNITO_PREFIX = "/_local/cognito"
LOCAL_CLIENT_ID = "local-console"
# The identity the organiser token stands for: one organiser, whoever types it.
LOCAL_SUBJECT = "local-organiser"
CODE_SECONDS = 5 * 60
TOKEN_SECONDS = 3600
TEMPLATES = Path(__file__).resolve().parent / "templates"
# A Lambda answer (API Gateway payload 2.0): statusCode, headers, body, cookies.
Answer = dict[str, Any]
Invoke = Callable[[str, dict[str, Any]], Answer]


def lambda_context(function_name: str) -> Any:
    """The attributes Powertools reads from a Lambda context object."""
    return SimpleNamespace(
        function_name=function_name,
        function_version="$LATEST",
        memory_limit_in_mb=512,
        invoked_function_arn=f"arn:aws:lambda:{REGION}:000000000000:function:{function_name}",
        aws_request_id=str(uuid.uuid4()),
        log_group_name=f"/aws/lambda/{function_name}",
        log_stream_name="local",
        get_remaining_time_in_millis=lambda: 30_000,
    )


def http_api_event(
    method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event for one request. Its path is decoded, as
    API Gateway's HTTP APIs decode it (REST APIs and function URLs do not): a reference typed
    ``CL-7K3Q9 `` reaches the function as typed, never as ``CL-7K3Q9%20``."""
    parts = urlsplit(target)
    path = request_path(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    lowered = {k.lower(): v for k, v in headers.items()}
    content_type = lowered.get("content-type", "")
    # A textual body that is not UTF-8 (a form or JSON sent as latin-1) arrives as its bytes,
    # base64-encoded, so the function sees what was sent and refuses it in words, never a
    # name with U+FFFD put in for the bytes.
    textual = content_type.startswith(
        ("application/json", "application/x-www-form-urlencoded", "text/")
    ) and _is_utf8(body)
    now = datetime.now(UTC)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": parts.query,
        "cookies": [c.strip() for c in lowered.get("cookie", "").split(";") if c.strip()],
        "headers": lowered,
        # API Gateway joins repeated query parameters with commas.
        "queryStringParameters": {k: ",".join(v) for k, v in query.items()} or None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": (body.decode("utf-8") if textual else base64.b64encode(body).decode("ascii"))
        if body
        else None,
        # Like API Gateway: binary (and unknown) media types arrive base64-encoded.
        "isBase64Encoded": bool(body) and not textual,
    }


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def request_path(target: str) -> str:
    """The path of a request target as API Gateway routes it and passes it on: decoded."""
    return unquote(urlsplit(target).path)


def function_for(method: str, path: str) -> str:
    """The function API Gateway routes a request to (infra/cdk/api.py): anything unmatched
    goes to the public function, which answers 404 or 405 in the contract's shape."""
    if path == "/webhooks/stripe" and method == "POST":
        return "webhook"
    if path == "/admin" or path.startswith("/admin/"):
        return "admin"
    if path == "/console" or path.startswith("/console/"):
        return "console"
    return "api"


def _answer(
    status: int, body: str, content_type: str, headers: dict[str, str] | None = None
) -> Answer:
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type, "Cache-Control": "no-store", **(headers or {})},
        "body": body,
        "cookies": [],
    }


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return _answer(status, json.dumps(body), "application/json", headers)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _same(presented: str, expected: str) -> bool:
    # Bytes, in constant time: compare_digest refuses str holding non-ASCII characters.
    return hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), expected.encode())


@dataclass
class CognitoStandIn:
    """The parts of Cognito's hosted sign-in the console's adapter talks to: authorization
    codes bound to a PKCE challenge, the token endpoint that redeems them, and logout."""

    base_url: str  # where the console's adapter reaches the stand-in
    # Where browsers reach the console (PUBLIC_BASE_URL): logout sends them back only there.
    public_base_url: str = ""
    client_id: str = LOCAL_CLIENT_ID
    # Cognito's clock, in seconds: the wall clock, or a test's clock when time is moved, so
    # that codes and tokens expire by the same time the console's adapter reads them with.
    clock: Callable[[], float] = time.time
    _codes: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def domain(self) -> str:
        """What COGNITO_DOMAIN names for the console function."""
        return f"{self.base_url}{COGNITO_PREFIX}"

    def issue_code(self, code_challenge: str, redirect_uri: str) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = (code_challenge, redirect_uri, self.clock() + CODE_SECONDS)
        return code

    def handle(self, method: str, path: str, body: bytes) -> Answer:
        if method == "POST" and path == "/oauth2/token":
            return self._token(body)
        if method == "GET" and path == "/logout":
            return self._logout(body)
        return _json(404, {"error": "not_found"})

    def _token(self, body: bytes) -> Answer:
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        with self._lock:
            # A code is good once, for the redirect it was issued for, and for the verifier
            # whose S256 is its challenge (RFC 7636).
            challenge, redirect_uri, until = self._codes.pop(form.get("code", ""), ("", "", 0))
        verifier = form.get("code_verifier", "").encode("ascii", "replace")
        if (
            form.get("grant_type") != "authorization_code"
            or form.get("client_id") != self.client_id
            or form.get("redirect_uri") != redirect_uri
            or until < self.clock()
            or not _same(_b64url(hashlib.sha256(verifier).digest()), challenge)
        ):
            return _json(400, {"error": "invalid_grant"})
        return _json(
            200,
            {
                "access_token": self._access_token(),
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
            },
        )

    def _access_token(self) -> str:
        now = int(self.clock())
        claims = {
            "sub": LOCAL_SUBJECT,
            "token_use": "access",
            "client_id": self.client_id,
            "scope": " ".join(SIGN_IN_SCOPES),
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "iss": self.domain,
        }
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims).encode())
        signature = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"

    def _logout(self, query: bytes) -> Answer:
        target = {k: v[-1] for k, v in parse_qs(query.decode()).items()}.get("logout_uri", "")
        # Cognito sends the browser on only to a logout URL registered for the client.
        if not target.startswith(f"{self.public_base_url or self.base_url}/console/"):
            return _json(400, {"error": "invalid logout_uri"})
        return _answer(303, "", "text/plain", {"Location": target})


@dataclass
class Front:
    """Routes each request to its function, standing in for API Gateway's JWT authorizer on
    the organiser API and for Cognito's sign-in page on the console."""

    invoke: Invoke
    organiser_token: str
    cognito: CognitoStandIn

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> Answer:
        path = request_path(target)
        if path.startswith(f"{COGNITO_PREFIX}/"):
            query = urlsplit(target).query.encode()
            return self.cognito.handle(
                method, path.removeprefix(COGNITO_PREFIX), body if method == "POST" else query
            )
        event = http_api_event(method, target, headers, body, source_ip)
        name = function_for(method, path)
        if name == "admin":
            return self._as_organiser(event)
        if path in ("/console/sign-in", "/console/sign-in/") and method in ("GET", "POST"):
            return self._sign_in(event, method, body)
        return self.invoke(name, event)

    # -- the organiser API ------------------------------------------------------------------

    def _as_organiser(self, event: dict[str, Any]) -> Answer:
        scheme, _, token = (event["headers"].get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not _same(token.strip(), self.organiser_token):
            problem = {"code": "unauthorized", "message": "a valid organiser token is required"}
            return _json(401, {"error": {**problem, "fields": {}}}, {"WWW-Authenticate": "Bearer"})
        # What API Gateway passes on for a Cognito access token that its authorizer accepted.
        claims = {"sub": LOCAL_SUBJECT, "scope": ORGANISER_SCOPE, "token_use": "access"}
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
        return self.invoke("admin", event)

    # -- the console's sign-in ----------------------------------------------------------------

    def _sign_in(self, event: dict[str, Any], method: str, body: bytes) -> Answer:
        if method == "POST":
            form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
            lost = form.get("lost") == "1"
            token = form.get("token", "").strip()
            return self._with_token(event, token, form.get("next", ""), lost=lost)
        query = event["queryStringParameters"] or {}
        lost = query.get("lost") == "1"  # a form posted after the session ended
        started = self._start(event, query.get("next", ""), lost=lost)
        if _authorisation(started) is None:
            return started  # signed in already: on to the page asked for
        return _page(200, query.get("next", ""), {}, lost=lost)

    def _start(self, event: dict[str, Any], after: str, *, lost: bool = False) -> Answer:
        """The console's own start of a sign-in (with the browser's cookies): a 303 to the
        identity provider carrying the sign-in state cookie, or on if signed in already;
        ``lost``: after a form posted once the session had ended (its page says so)."""
        query = {"next": after, **({"lost": "1"} if lost else {})}
        return self.invoke("console", _get(event, "/console/sign-in", query))

    def _with_token(
        self, event: dict[str, Any], token: str, after: str, *, lost: bool = False
    ) -> Answer:
        started = self._start(event, after, lost=lost)
        asked = _authorisation(started)
        if asked is None:
            # Not signing in here (signed in already, or the console uses another identity
            # provider): the console answers the post itself.
            return self.invoke("console", event)
        if not token or not _same(token, self.organiser_token):
            words = "Enter the organiser token" if not token else "That is not the organiser token"
            return _page(401, after, {"token": words}, lost=lost)
        # The stand-in's sign-in succeeded: back to the console's callback with a code, as
        # Cognito sends the browser back, carrying the sign-in state cookie it was given.
        code = self.cognito.issue_code(asked["code_challenge"], asked["redirect_uri"])
        cookies = [c.split(";", 1)[0] for c in started.get("cookies") or []]
        callback = _get(event, "/console/callback", {"code": code, "state": asked["state"]})
        return self.invoke("console", {**callback, "cookies": cookies})


def _get(event: dict[str, Any], path: str, query: dict[str, str]) -> dict[str, Any]:
    """The event of a GET the browser would make next, from the same browser."""
    context = event["requestContext"]
    return {
        **event,
        "rawPath": path,
        "rawQueryString": urlencode(query),
        "queryStringParameters": query,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {**context, "http": {**context["http"], "method": "GET", "path": path}},
    }


def _authorisation(answer: Answer) -> dict[str, str] | None:
    """The query of the console's redirect to the identity provider's sign-in, if that is
    where it sent the browser."""
    location = (answer.get("headers") or {}).get("Location", "")
    parts = urlsplit(location)
    if answer.get("statusCode") != 303 or parts.path != f"{COGNITO_PREFIX}/oauth2/authorize":
        return None
    return {k: v[-1] for k, v in parse_qs(parts.query).items()}


@cache
def _templates() -> Any:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

    return Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PackageLoader("booking", "templates")]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _page(status: int, after: str, errors: dict[str, str], *, lost: bool = False) -> Answer:
    """The sign-in page: the console's look, the organiser token for a password; ``lost``:
    it says the change a form posted after the session ended was not saved."""
    from booking.handlers.console_pages import Chrome

    page = (
        _templates()
        .get_template("local/sign_in.html")
        .render(chrome=Chrome(False), next_path=after, errors=errors, lost=lost)
    )
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    headers = {"Content-Security-Policy": policy, "X-Frame-Options": "DENY"}
    return _answer(status, page, "text/html; charset=utf-8", headers)


def in_process_opener(front: Front) -> Callable[..., Any]:
    """A ``urllib.request.urlopen`` that asks ``front`` itself, for a Cognito adapter in the
    same process as the front (the integration tests: no sockets)."""
    import email.message
    import io
    import urllib.error
    import urllib.request

    def urlopen(request: urllib.request.Request, timeout: float | None = None) -> io.BytesIO:
        parts = urlsplit(request.full_url)
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        data = request.data if isinstance(request.data, bytes) else b""
        answer = front.handle(
            request.get_method(), target, dict(request.header_items()), data, "127.0.0.1"
        )
        body = io.BytesIO(str(answer.get("body") or "").encode())
        if answer["statusCode"] >= 400:
            raise urllib.error.HTTPError(
                request.full_url, answer["statusCode"], "refused", email.message.Message(), body
            )
        return body

    return urlopen
