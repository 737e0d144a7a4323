"""The local stack's front (infra/local/front.py): the organiser token stands for a Cognito
access token in front of /admin, and the stand-in's token endpoint holds codes to PKCE."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from infra.local.front import CognitoStandIn, Front, function_for
from infra.local.http_server import FunctionResponse, sendable

TOKEN = "local-organiser-token"


class Functions:
    """Records what each function was invoked with."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, event))
        return {"statusCode": 200, "headers": {}, "body": "{}"}


@pytest.fixture
def functions() -> Functions:
    return Functions()


@pytest.fixture
def front(functions: Functions) -> Front:
    return Front(functions, TOKEN, CognitoStandIn("http://127.0.0.1:8000"))


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer é"]
)
def test_the_organiser_api_needs_the_token(
    front: Front, functions: Functions, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    answer = front.handle("GET", "/admin/courses/c/applications", headers, b"", "1.2.3.4")
    assert answer["statusCode"] == 401
    assert json.loads(answer["body"])["error"]["code"] == "unauthorized"
    assert answer["headers"]["WWW-Authenticate"] == "Bearer"
    assert functions.calls == []


def test_the_token_passes_the_claims_api_gateway_would(front: Front, functions: Functions) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    front.handle("GET", "/admin/courses/c/applications", headers, b"", "1.2.3.4")
    [(name, event)] = functions.calls
    assert name == "admin"
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["scope"] == "booking/admin"


@pytest.mark.parametrize(
    ("method", "path", "function"),
    [
        ("POST", "/webhooks/stripe", "webhook"),
        ("GET", "/webhooks/stripe", "api"),
        ("GET", "/admin", "admin"),
        ("POST", "/console/sign-out", "console"),
        ("GET", "/consoles", "api"),
        ("GET", "/courses", "api"),
    ],
)
def test_requests_go_where_api_gateway_sends_them(method: str, path: str, function: str) -> None:
    assert function_for(method, path) == function


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _redeem(standin: CognitoStandIn, **form: str) -> dict[str, Any]:
    answer = standin.handle("POST", "/oauth2/token", urlencode(form).encode())
    return {"status": answer["statusCode"], **json.loads(answer["body"])}


def test_a_code_is_redeemed_once_with_its_verifier_only() -> None:
    standin = CognitoStandIn("http://127.0.0.1:8000")
    redirect = "http://127.0.0.1:8000/console/callback"
    code = standin.issue_code(_challenge("the-verifier"), redirect)
    form = {
        "grant_type": "authorization_code",
        "client_id": standin.client_id,
        "code": code,
        "redirect_uri": redirect,
    }
    assert _redeem(standin, **form, code_verifier="another")["status"] == 400
    code = standin.issue_code(_challenge("the-verifier"), redirect)
    form["code"] = code
    redeemed = _redeem(standin, **form, code_verifier="the-verifier")
    assert redeemed["status"] == 200
    claims = json.loads(base64.urlsafe_b64decode(redeemed["access_token"].split(".")[1] + "=="))
    assert claims["token_use"] == "access"
    assert "booking/admin" in claims["scope"].split()
    assert _redeem(standin, **form, code_verifier="the-verifier")["status"] == 400  # used


def test_logout_sends_the_browser_back_only_to_the_console() -> None:
    standin = CognitoStandIn("http://127.0.0.1:8000")
    back = standin.handle(
        "GET", "/logout", b"logout_uri=http%3A%2F%2F127.0.0.1%3A8000%2Fconsole%2Fsigned-out"
    )
    assert back["statusCode"] == 303
    assert back["headers"]["Location"] == "http://127.0.0.1:8000/console/signed-out"
    away = standin.handle("GET", "/logout", b"logout_uri=https%3A%2F%2Fevil.example%2F")
    assert away["statusCode"] == 400


def test_a_header_http_cannot_carry_is_never_sent() -> None:
    assert sendable(FunctionResponse(303, {"Location": "/console/%C4%89"}, b""))
    assert not sendable(FunctionResponse(303, {"Location": "/console/\u0109"}, b""))
    assert not sendable(FunctionResponse(200, {"X": "a\r\nb"}, b""))
    assert not sendable(FunctionResponse(200, {}, b"", ("a=\u00e9",)))
