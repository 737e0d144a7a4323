"""An in-memory stand-in for the parts of Stripe this system uses, for the local stack only.

The real ``stripe.StripeClient`` is pointed at ``/_local/stripe`` so the production code path runs
offline; this module answers it, serves a small page in place of Stripe's hosted checkout and
sends webhooks signed exactly as Stripe signs them. Objects are deep copies of Stripe's published
fixtures with our values written over them, so consumers see Stripe's full shape, not a subset.

It is never deployed, and nothing here is meant to be secure beyond not rendering user input as
HTML: anyone who can reach the local server can pay, refund and read every event.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LocalResponse", "StripeStandIn", "decode_form"]

_FIXTURES = Path(__file__).parent / "stripe_fixtures"
_ALNUM = string.ascii_letters + string.digits

# Used only when the SDK is not importable, e.g. when the stand-in runs outside the app's venv.
_FALLBACK_API_VERSION = "2025-09-30.clover"

# Stripe checks expires_at against its own clock at creation; callers compute "now + 30 min"
# on theirs a moment earlier and truncate to whole seconds, so a few seconds' grace keeps the
# exact minimum usable without accepting anything meaningfully shorter.
_EXPIRES_AT_GRACE_SECONDS = 5
_MIN_EXPIRY_SECONDS = 30 * 60
_MAX_EXPIRY_SECONDS = 24 * 60 * 60

_ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    }
)
_CURRENCY_SYMBOLS = {"gbp": "£", "usd": "$", "eur": "€", "jpy": "¥"}

# Stripe rejects parameters it does not know, which catches typos in our calls; these are the
# parameters Stripe accepts on each endpoint (most are accepted and ignored here).
_SESSION_CREATE_PARAMS = frozenset(
    {
        "adaptive_pricing",
        "after_expiration",
        "allow_promotion_codes",
        "automatic_tax",
        "billing_address_collection",
        "branding_settings",
        "cancel_url",
        "client_reference_id",
        "consent_collection",
        "currency",
        "custom_fields",
        "custom_text",
        "customer",
        "customer_account",
        "customer_creation",
        "customer_email",
        "customer_update",
        "discounts",
        "excluded_payment_method_types",
        "expand",
        "expires_at",
        "invoice_creation",
        "line_items",
        "locale",
        "metadata",
        "mode",
        "name_collection",
        "optional_items",
        "origin_context",
        "payment_intent_data",
        "payment_method_collection",
        "payment_method_configuration",
        "payment_method_data",
        "payment_method_options",
        "payment_method_types",
        "permissions",
        "phone_number_collection",
        "redirect_on_completion",
        "return_url",
        "saved_payment_method_options",
        "setup_intent_data",
        "shipping_address_collection",
        "shipping_options",
        "submit_type",
        "subscription_data",
        "success_url",
        "tax_id_collection",
        "ui_mode",
        "wallet_options",
    }
)
_REFUND_CREATE_PARAMS = frozenset(
    {
        "amount",
        "charge",
        "currency",
        "customer",
        "expand",
        "instructions_email",
        "metadata",
        "origin",
        "payment_intent",
        "reason",
        "refund_application_fee",
        "reverse_transfer",
    }
)
_REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})

_JSON_HEADERS = {"Content-Type": "application/json"}
_HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@dataclass(frozen=True)
class LocalResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class _StripeError(Exception):
    """An error answered in Stripe's shape, ``{"error": {...}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.param = param

    def payload(self) -> dict[str, Any]:
        err: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code is not None:
            err["code"] = self.code
        if self.param is not None:
            err["param"] = self.param
        return {"error": err}


@dataclass(frozen=True)
class _Outgoing:
    """An event recorded under the lock, to be delivered once the lock is released."""

    event_id: str


@dataclass(frozen=True)
class _Idempotent:
    fingerprint: str
    status: int
    body: dict[str, Any]


def _random_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def _load_fixture(name: str) -> dict[str, Any]:
    loaded = json.loads((_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise TypeError(f"fixture {name}.json is not a JSON object")
    return loaded


def _api_version() -> str:
    try:
        import stripe
    except ImportError:
        return _FALLBACK_API_VERSION
    version = getattr(stripe, "api_version", None)
    return version if isinstance(version, str) and version else _FALLBACK_API_VERSION


_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Decode Stripe's bracket notation (``a[b][0][c]=v``, ``expand[]=x``) into dicts and lists.

    Lists are recovered from all-numeric keys, except under ``metadata`` whose keys are free-form
    and may well be digits.
    """
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        match = _KEY_RE.match(raw_key)
        if match is None:
            raise _StripeError(400, f"Invalid parameter name: {raw_key}", param=raw_key)
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node: dict[str, Any] = root
        for index, part in enumerate(parts):
            key = str(len(node)) if part == "" else part
            if index == len(parts) - 1:
                if isinstance(node.get(key), dict):
                    raise _StripeError(400, f"Invalid value for {raw_key}", param=raw_key)
                node[key] = value
            else:
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise _StripeError(400, f"Invalid value for {raw_key}", param=raw_key)
                node = child
    result = _listify(root, parent=None)
    assert isinstance(result, dict)
    return result


def _listify(value: Any, parent: str | None) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {k: _listify(v, parent=k) for k, v in value.items()}
    if parent != "metadata" and converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def _format_amount(amount: int, currency: str) -> str:
    currency = currency.lower()
    symbol = _CURRENCY_SYMBOLS.get(currency)
    if currency in _ZERO_DECIMAL_CURRENCIES:
        number = f"{amount:,}"
    else:
        number = f"{amount // 100:,}.{amount % 100:02d}"
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def _parse_int(value: Any, param: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise _StripeError(400, f"Invalid integer: {value}", param=param)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        number = int(value)
    else:
        raise _StripeError(400, f"Invalid integer: {value}", param=param)
    if minimum is not None and number < minimum:
        raise _StripeError(
            400, f"This value must be greater than or equal to {minimum}.", param=param
        )
    return number


def _require_str(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise _StripeError(400, f"Missing required param: {name}.", param=name)
    if not isinstance(value, str):
        raise _StripeError(400, f"Invalid string: {name}", param=name)
    return value


def _optional_str(params: Mapping[str, Any], name: str, max_length: int = 5000) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _StripeError(400, f"Invalid string: {name}", param=name)
    if len(value) > max_length:
        raise _StripeError(
            400, f"Invalid string: {name} must be at most {max_length} characters", param=name
        )
    return value


def _check_url(params: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    url = _require_str(params, name) if required else _optional_str(params, name)
    # Only http(s) URLs are rendered as links on the checkout page, so a javascript: URL
    # can never reach an href.
    if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise _StripeError(400, "Not a valid URL", param=name)
    return url


def _check_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise _StripeError(400, "Invalid object", param=param)
    if len(value) > 50:
        raise _StripeError(400, "Metadata can have at most 50 keys.", param=param)
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise _StripeError(400, "Invalid string", param=f"{param}[{key}]")
        if len(key) > 40 or len(item) > 500:
            raise _StripeError(
                400,
                "Metadata keys are limited to 40 characters and values to 500.",
                param=f"{param}[{key}]",
            )
        # An empty value means "unset" in Stripe's metadata semantics.
        if item != "":
            out[key] = item
    return out


def _reject_unknown(params: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for name in params:
        if name not in allowed:
            raise _StripeError(400, f"Received unknown parameter: {name}", param=name)


def _json_response(
    status: int, payload: Any, extra_headers: Mapping[str, str] | None = None
) -> LocalResponse:
    headers = dict(_JSON_HEADERS)
    if extra_headers:
        headers.update(extra_headers)
    # Stripe pretty-prints its responses; matching it keeps captured bodies readable too.
    return LocalResponse(status, headers, json.dumps(payload, indent=2).encode("utf-8"))


def _body_fields(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Fields of a local action's body, which may come from an HTML form or a JSON client."""
    if not body:
        return {}
    content_type = headers.get("content-type", "")
    if "json" in content_type:
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise _StripeError(400, "Invalid JSON body") from exc
        if not isinstance(parsed, dict):
            raise _StripeError(400, "JSON body must be an object")
        return parsed
    return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _default_deliver(url: str, body: bytes, headers: dict[str, str]) -> int:
    # The scheme was checked in StripeStandIn.__init__, so urlopen cannot be handed file: URLs.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        # Stripe records an unreachable endpoint as a failed delivery rather than failing the
        # API call that caused the event; 0 stands for "no HTTP status".
        return 0


class StripeStandIn:
    """Stripe's checkout, refund and event APIs, in memory, plus a stand-in hosted page."""

    def __init__(
        self,
        *,
        webhook_url: str,
        webhook_secret: str,
        public_base_url: str,
        clock: Callable[[], float] = time.time,
        deliver: Callable[[str, bytes, dict[str, str]], int] | None = None,
    ) -> None:
        if deliver is None and urllib.parse.urlsplit(webhook_url).scheme not in ("http", "https"):
            raise ValueError(f"webhook_url must be an http(s) URL: {webhook_url!r}")
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret
        self._base = public_base_url.rstrip("/")
        self._clock = clock
        self._deliver = deliver or _default_deliver
        self._lock = threading.RLock()
        self._api_version = _api_version()
        self._fixtures = {
            name: _load_fixture(name)
            for name in ("checkout_session", "event", "charge", "refund", "payment_intent")
        }
        self._sessions: dict[str, dict[str, Any]] = {}
        self._payment_intents: dict[str, dict[str, Any]] = {}
        self._charges: dict[str, dict[str, Any]] = {}
        self._refunds: dict[str, dict[str, Any]] = {}
        # Oldest first; listings reverse it.
        self._events: list[dict[str, Any]] = []
        self._events_by_id: dict[str, dict[str, Any]] = {}
        self._idempotency: dict[tuple[str, str], _Idempotent] = {}
        # Kept beside the sessions, not on them, because Stripe's session object has no field
        # for either: line items are a separate sub-resource, and payment_intent_data only
        # surfaces on the payment intent created at payment time.
        self._line_items: dict[str, list[str]] = {}
        self._intent_metadata: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ public

    def money_taken(self) -> dict[str, int]:
        """Money kept per ``client_reference_id``: captured minus refunded, over succeeded charges.

        Tests use it to prove nobody is charged twice or charged without a booking.
        """
        with self._lock:
            sessions_by_intent = {
                s["payment_intent"]: s for s in self._sessions.values() if s.get("payment_intent")
            }
            kept: dict[str, int] = {}
            for charge in self._charges.values():
                if charge.get("status") != "succeeded":
                    continue
                session = sessions_by_intent.get(charge.get("payment_intent"))
                reference = str((session or {}).get("client_reference_id") or "")
                net = int(charge.get("amount_captured") or 0) - int(
                    charge.get("amount_refunded") or 0
                )
                kept[reference] = kept.get(reference, 0) + net
            return kept

    def expire_due(self) -> list[str]:
        """Expire every open session whose ``expires_at`` has passed on ``clock``, as Stripe does
        on its own; sends ``checkout.session.expired`` for each and returns their ids.

        Nothing calls this on a timer: the local scheduler (or a test that moves the clock)
        calls it, and the hosted-page routes apply it to the session they touch.
        """
        outgoing: list[_Outgoing] = []
        with self._lock:
            expired = [
                session_id
                for session_id, session in self._sessions.items()
                if self._expire_if_due(session, outgoing)
            ]
        self._deliver_all(outgoing)
        return expired

    def events(self) -> list[dict[str, Any]]:
        """Every event sent, newest first, as full Stripe event objects."""
        with self._lock:
            return copy.deepcopy(self._events[::-1])

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> LocalResponse:
        """Answer one request; ``path`` is relative to ``/_local/stripe``."""
        method = method.upper()
        lowered = {k.lower(): v for k, v in headers.items()}
        path = "/" + path.split("?", 1)[0].strip("/")
        try:
            if path.startswith("/v1/"):
                return self._handle_api(method, path, query, lowered, body)
            return self._handle_local(method, path, lowered, body)
        except _StripeError as exc:
            return _json_response(exc.status, exc.payload())
        except UnicodeDecodeError:
            return _json_response(
                400, _StripeError(400, "The request body is not valid UTF-8.").payload()
            )

    # ------------------------------------------------------------------ API

    def _handle_api(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> LocalResponse:
        request_id = _random_id("req_", 14)
        resp_headers = {"Request-Id": request_id, "Stripe-Version": self._api_version}
        try:
            api_key = self._authenticate(headers)
            if method == "GET":
                pairs = [(k, v) for k, values in query.items() for v in values]
            elif method == "POST":
                pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            else:
                raise self._unrecognized(method, path)
            params = decode_form(pairs)
            params.pop("expand", None)
            if method == "GET":
                return _json_response(200, self._api_get(path, params), resp_headers)
            status, payload, outgoing = self._api_post(
                api_key, path, params, request_id, headers.get("idempotency-key")
            )
        except _StripeError as exc:
            return _json_response(exc.status, exc.payload(), resp_headers)
        self._deliver_all(outgoing)
        return _json_response(status, payload, resp_headers)

    def _authenticate(self, headers: Mapping[str, str]) -> str:
        auth = headers.get("authorization", "")
        if not auth:
            raise _StripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
            )
        scheme, _, key = auth.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key.startswith("sk_") or len(key) < 8:
            shown = f"{key[:8]}****{key[-4:]}" if len(key) > 12 else "****"
            raise _StripeError(401, f"Invalid API Key provided: {shown}")
        return key

    @staticmethod
    def _unrecognized(method: str, path: str) -> _StripeError:
        return _StripeError(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
        )

    def _api_get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        parts = path.strip("/").split("/")
        with self._lock:
            if parts == ["v1", "events"]:
                return self._list_events(params)
            if len(parts) == 3 and parts[:2] == ["v1", "events"]:
                return copy.deepcopy(self._get(self._events_by_id, parts[2], "event"))
            if len(parts) == 4 and parts[:3] == ["v1", "checkout", "sessions"]:
                return copy.deepcopy(self._get(self._sessions, parts[3], "checkout.session"))
            if len(parts) == 3 and parts[:2] == ["v1", "payment_intents"]:
                return copy.deepcopy(self._get(self._payment_intents, parts[2], "payment_intent"))
            if len(parts) == 3 and parts[:2] == ["v1", "charges"]:
                return copy.deepcopy(self._get(self._charges, parts[2], "charge"))
            if len(parts) == 3 and parts[:2] == ["v1", "refunds"]:
                return copy.deepcopy(self._get(self._refunds, parts[2], "refund"))
        raise self._unrecognized("GET", path)

    def _api_post(
        self,
        api_key: str,
        path: str,
        params: dict[str, Any],
        request_id: str,
        idempotency_key: str | None,
    ) -> tuple[int, dict[str, Any], list[_Outgoing]]:
        parts = path.strip("/").split("/")
        request = {"id": request_id, "idempotency_key": idempotency_key}
        operation: Callable[[], dict[str, Any]]
        outgoing: list[_Outgoing] = []
        if parts == ["v1", "checkout", "sessions"]:

            def operation() -> dict[str, Any]:
                return self._create_session(params)
        elif (
            len(parts) == 5
            and parts[:3] == ["v1", "checkout", "sessions"]
            and (parts[4] == "expire")
        ):
            _reject_unknown(params, frozenset())
            session_id = parts[3]

            def operation() -> dict[str, Any]:
                return self._expire_session(session_id, request, outgoing, api_call=True)
        elif parts == ["v1", "refunds"]:

            def operation() -> dict[str, Any]:
                return self._create_refund(params, request, outgoing)
        else:
            raise self._unrecognized("POST", path)

        with self._lock:
            if idempotency_key is None:
                return 200, operation(), outgoing
            fingerprint = json.dumps([path, params], sort_keys=True)
            slot = (api_key, idempotency_key)
            saved = self._idempotency.get(slot)
            if saved is not None:
                if saved.fingerprint != fingerprint:
                    raise _StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Try using a key other than "
                        f"'{idempotency_key}' if you meant to execute a different request.",
                        type_="idempotency_error",
                    )
                # A replay answers what the first request answered and sends nothing again.
                return saved.status, copy.deepcopy(saved.body), []
            # Like Stripe, a request that fails validation saves nothing, so the key stays usable.
            result = operation()
            self._idempotency[slot] = _Idempotent(fingerprint, 200, copy.deepcopy(result))
            return 200, result, outgoing

    def _list_events(self, params: Mapping[str, Any]) -> dict[str, Any]:
        limit = _parse_int(params.get("limit", "10"), "limit", minimum=1)
        if limit > 100:
            raise _StripeError(400, "This value must be less than or equal to 100.", param="limit")
        events = self._events[::-1]
        event_type = params.get("type")
        if isinstance(event_type, str) and event_type:
            if event_type.endswith(".*"):
                events = [e for e in events if e["type"].startswith(event_type[:-1])]
            else:
                events = [e for e in events if e["type"] == event_type]
        starting_after = params.get("starting_after")
        if isinstance(starting_after, str) and starting_after:
            ids = [e["id"] for e in events]
            if starting_after not in ids:
                raise _StripeError(
                    404,
                    f"No such event: '{starting_after}'",
                    code="resource_missing",
                    param="starting_after",
                )
            events = events[ids.index(starting_after) + 1 :]
        return {
            "object": "list",
            "data": copy.deepcopy(events[:limit]),
            "has_more": len(events) > limit,
            "url": "/v1/events",
        }

    @staticmethod
    def _get(store: Mapping[str, dict[str, Any]], object_id: str, kind: str) -> dict[str, Any]:
        found = store.get(object_id)
        if found is None:
            raise _StripeError(
                404, f"No such {kind}: '{object_id}'", code="resource_missing", param="id"
            )
        return found

    # ------------------------------------------------------------------ objects

    def _now(self) -> int:
        return int(self._clock())

    def _create_session(self, params: Mapping[str, Any]) -> dict[str, Any]:
        _reject_unknown(params, _SESSION_CREATE_PARAMS)
        mode = _require_str(params, "mode")
        if mode != "payment":
            raise _StripeError(
                400, "The local Stripe stand-in only supports mode=payment.", param="mode"
            )
        success_url = _check_url(params, "success_url", required=True)
        cancel_url = _check_url(params, "cancel_url", required=False)
        amount, currency, names = self._price_line_items(params.get("line_items"))
        now = self._now()
        expires_at = now + _MAX_EXPIRY_SECONDS
        if params.get("expires_at") not in (None, ""):
            expires_at = _parse_int(params["expires_at"], "expires_at")
            if expires_at < now + _MIN_EXPIRY_SECONDS - _EXPIRES_AT_GRACE_SECONDS:
                raise _StripeError(
                    400,
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
            if expires_at > now + _MAX_EXPIRY_SECONDS:
                raise _StripeError(
                    400,
                    "The `expires_at` timestamp must be less than 24 hours from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
        customer_email = _optional_str(params, "customer_email", 800)
        client_reference_id = _optional_str(params, "client_reference_id", 200)
        metadata = _check_metadata(params.get("metadata"))
        intent_data = params.get("payment_intent_data")
        intent_metadata = _check_metadata(
            intent_data.get("metadata") if isinstance(intent_data, dict) else None,
            "payment_intent_data[metadata]",
        )
        methods = params.get("payment_method_types")
        locale = _optional_str(params, "locale")

        session_id = _random_id("cs_test_", 58)
        session = copy.deepcopy(self._fixtures["checkout_session"])
        session.update(
            {
                "id": session_id,
                "object": "checkout.session",
                "livemode": False,
                "mode": "payment",
                "status": "open",
                "payment_status": "unpaid",
                "created": now,
                "expires_at": expires_at,
                "amount_subtotal": amount,
                "amount_total": amount,
                "currency": currency,
                "client_reference_id": client_reference_id,
                "customer_email": customer_email,
                "metadata": metadata,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "url": f"{self._base}/_local/stripe/checkout/{session_id}",
                "payment_intent": None,
                "locale": locale,
                "submit_type": _optional_str(params, "submit_type"),
                "payment_method_types": (
                    methods if isinstance(methods, list) and methods else ["card"]
                ),
                # The fixture's values for features we never enable are random filler; give
                # them the values Stripe returns when those features are off.
                "adaptive_pricing": {"enabled": False},
                "after_expiration": None,
                "allow_promotion_codes": None,
                "collected_information": None,
                "consent": None,
                "consent_collection": None,
                "currency_conversion": None,
                "custom_text": {
                    "after_submit": None,
                    "shipping_address": None,
                    "submit": None,
                    "terms_of_service_acceptance": None,
                },
                "customer_creation": "if_required",
                "invoice_creation": {
                    "enabled": False,
                    "invoice_data": {
                        "account_tax_ids": None,
                        "custom_fields": None,
                        "description": None,
                        "footer": None,
                        "issuer": None,
                        "metadata": {},
                        "rendering_options": None,
                    },
                },
                "payment_method_configuration_details": None,
                "shipping_address_collection": None,
                "shipping_cost": None,
                "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            }
        )
        details = session.get("customer_details")
        if isinstance(details, dict):
            details["email"] = customer_email
            details["name"] = None
        self._sessions[session_id] = session
        self._line_items[session_id] = names
        self._intent_metadata[session_id] = intent_metadata
        return copy.deepcopy(session)

    @staticmethod
    def _price_line_items(line_items: Any) -> tuple[int, str, list[str]]:
        if line_items is None or line_items == "":
            raise _StripeError(
                400,
                "You must provide at least one recurring price in `subscription` mode or at "
                "least one price in `payment` mode.",
                param="line_items",
            )
        if not isinstance(line_items, list) or not line_items:
            raise _StripeError(400, "Invalid array", param="line_items")
        total = 0
        currency: str | None = None
        names: list[str] = []
        for index, item in enumerate(line_items):
            param = f"line_items[{index}]"
            if not isinstance(item, dict):
                raise _StripeError(400, "Invalid object", param=param)
            if "price" in item:
                raise _StripeError(
                    400,
                    "The local Stripe stand-in only supports price_data, not Price ids.",
                    param=f"{param}[price]",
                )
            price_data = item.get("price_data")
            if not isinstance(price_data, dict):
                raise _StripeError(
                    400, "You must specify either `price` or `price_data`.", param=param
                )
            item_currency = _require_str(price_data, "currency").lower()
            if currency is not None and item_currency != currency:
                raise _StripeError(
                    400,
                    "All line items must have the same currency.",
                    param=f"{param}[price_data][currency]",
                )
            currency = item_currency
            if price_data.get("unit_amount") in (None, ""):
                raise _StripeError(
                    400,
                    "Missing required param: unit_amount.",
                    param=f"{param}[price_data][unit_amount]",
                )
            unit_amount = _parse_int(
                price_data["unit_amount"], f"{param}[price_data][unit_amount]", minimum=0
            )
            product_data = price_data.get("product_data")
            if isinstance(product_data, dict) and isinstance(product_data.get("name"), str):
                names.append(product_data["name"])
            elif "product" in price_data:
                names.append(str(price_data["product"]))
            else:
                raise _StripeError(
                    400,
                    "Missing required param: product_data[name].",
                    param=f"{param}[price_data][product_data][name]",
                )
            if item.get("quantity") in (None, ""):
                raise _StripeError(
                    400, "Missing required param: quantity.", param=f"{param}[quantity]"
                )
            quantity = _parse_int(item["quantity"], f"{param}[quantity]", minimum=1)
            total += unit_amount * quantity
        assert currency is not None
        return total, currency, names

    def _make_payment_intent(
        self, session: Mapping[str, Any], *, status: str, payment_method: str
    ) -> dict[str, Any]:
        intent_id = _random_id("pi_")
        intent = copy.deepcopy(self._fixtures["payment_intent"])
        amount = session["amount_total"]
        intent.update(
            {
                "id": intent_id,
                "object": "payment_intent",
                "livemode": False,
                "amount": amount,
                "amount_capturable": 0,
                "amount_received": amount if status == "succeeded" else 0,
                "canceled_at": None,
                "client_secret": f"{intent_id}_secret_{_random_id('', 25)}",
                "created": self._now(),
                "currency": session["currency"],
                "last_payment_error": None,
                "latest_charge": None,
                "metadata": dict(self._intent_metadata.get(session["id"], {})),
                "next_action": None,
                "payment_method": payment_method,
                "payment_method_configuration_details": None,
                "payment_method_types": list(session["payment_method_types"]),
                "processing": {"type": "card"} if status == "processing" else None,
                "receipt_email": session.get("customer_email"),
                "status": status,
                "transfer_data": None,
            }
        )
        self._payment_intents[intent_id] = intent
        return intent

    def _make_charge(
        self,
        session: Mapping[str, Any],
        intent: dict[str, Any],
        *,
        status: str,
        payment_method: str,
    ) -> dict[str, Any]:
        charge_id = _random_id("ch_")
        charge = copy.deepcopy(self._fixtures["charge"])
        amount = session["amount_total"]
        succeeded = status == "succeeded"
        charge.update(
            {
                "id": charge_id,
                "object": "charge",
                "livemode": False,
                "amount": amount,
                "amount_captured": amount,
                "amount_refunded": 0,
                "balance_transaction": _random_id("txn_") if succeeded else None,
                "captured": True,
                "created": self._now(),
                "currency": session["currency"],
                "description": None,
                "metadata": dict(intent["metadata"]),
                "paid": succeeded,
                "payment_intent": intent["id"],
                "payment_method": payment_method,
                "receipt_email": session.get("customer_email"),
                "receipt_url": None,
                "refunded": False,
                "refunds": {
                    "object": "list",
                    "data": [],
                    "has_more": False,
                    "url": f"/v1/charges/{charge_id}/refunds",
                },
                "shipping": None,
                "source": None,
                "status": status,
                "transfer_data": None,
                "outcome": {
                    "advice_code": None,
                    "network_advice_code": None,
                    "network_decline_code": None,
                    "network_status": "approved_by_network",
                    "reason": None,
                    "risk_level": "normal",
                    "seller_message": "Payment complete.",
                    "type": "authorized",
                },
            }
        )
        billing = charge.get("billing_details")
        if isinstance(billing, dict):
            billing["email"] = session.get("customer_email")
            billing["name"] = None
        intent["latest_charge"] = charge_id
        self._charges[charge_id] = charge
        return charge

    # ------------------------------------------------------------------ state changes

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self._get(self._sessions, session_id, "checkout.session")
        if session["status"] != "open":
            raise _StripeError(
                409,
                f"Checkout session {session_id} is {session['status']}, not open.",
                code="checkout_session_not_open",
            )
        return session

    def _expire_session(
        self,
        session_id: str,
        request: Mapping[str, str | None],
        outgoing: list[_Outgoing],
        *,
        api_call: bool,
    ) -> dict[str, Any]:
        session = self._get(self._sessions, session_id, "checkout.session")
        if session["status"] != "open":
            # Stripe's API answers 400 here; the local action uses 409 like paying twice.
            raise _StripeError(
                400 if api_call else 409,
                f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
                code="checkout_session_not_open" if not api_call else None,
            )
        session["status"] = "expired"
        session["url"] = None
        outgoing.append(self._record_event("checkout.session.expired", session, request))
        return copy.deepcopy(session)

    def _expire_if_due(self, session: dict[str, Any], outgoing: list[_Outgoing]) -> bool:
        if session["status"] != "open" or self._now() < session["expires_at"]:
            return False
        session["status"] = "expired"
        session["url"] = None
        outgoing.append(self._record_event("checkout.session.expired", session, None))
        return True

    def _pay(self, session_id: str, *, delayed: bool, outgoing: list[_Outgoing]) -> dict[str, Any]:
        session = self._open_session(session_id)
        payment_method = _random_id("pm_")
        intent = self._make_payment_intent(
            session, status="processing" if delayed else "succeeded", payment_method=payment_method
        )
        self._make_charge(
            session,
            intent,
            status="pending" if delayed else "succeeded",
            payment_method=payment_method,
        )
        session.update(
            {
                "status": "complete",
                "payment_status": "unpaid" if delayed else "paid",
                "payment_intent": intent["id"],
                "url": None,
            }
        )
        outgoing.append(self._record_event("checkout.session.completed", session, None))
        return copy.deepcopy(session)

    def _settle_async(
        self, session_id: str, result: str, outgoing: list[_Outgoing]
    ) -> dict[str, Any]:
        if result not in ("succeeded", "failed"):
            raise _StripeError(400, "result must be 'succeeded' or 'failed'", param="result")
        session = self._get(self._sessions, session_id, "checkout.session")
        intent = self._payment_intents.get(session.get("payment_intent") or "")
        if (
            session["status"] != "complete"
            or session["payment_status"] != "unpaid"
            or intent is None
            or intent["status"] != "processing"
        ):
            raise _StripeError(
                409,
                f"Checkout session {session_id} has no delayed payment awaiting a result.",
                code="no_pending_payment",
            )
        charge = self._charges[intent["latest_charge"]]
        if result == "succeeded":
            intent.update(
                {"status": "succeeded", "amount_received": intent["amount"], "processing": None}
            )
            charge.update(
                {"status": "succeeded", "paid": True, "balance_transaction": _random_id("txn_")}
            )
            session["payment_status"] = "paid"
        else:
            failure = "The customer's account has insufficient funds to cover this payment."
            intent.update(
                {
                    "status": "requires_payment_method",
                    "processing": None,
                    "last_payment_error": {
                        "type": "card_error",
                        "code": "insufficient_funds",
                        "message": failure,
                    },
                }
            )
            charge.update(
                {
                    "status": "failed",
                    "paid": False,
                    "captured": False,
                    "amount_captured": 0,
                    "failure_code": "insufficient_funds",
                    "failure_message": failure,
                }
            )
            outcome = charge.get("outcome")
            if isinstance(outcome, dict):
                outcome.update(
                    {
                        "network_status": "declined_by_network",
                        "reason": "insufficient_funds",
                        "type": "issuer_declined",
                        "seller_message": "The bank returned the decline code "
                        "`insufficient_funds`.",
                    }
                )
        outgoing.append(
            self._record_event(f"checkout.session.async_payment_{result}", session, None)
        )
        return copy.deepcopy(session)

    def _create_refund(
        self,
        params: Mapping[str, Any],
        request: Mapping[str, str | None] | None,
        outgoing: list[_Outgoing],
    ) -> dict[str, Any]:
        _reject_unknown(params, _REFUND_CREATE_PARAMS)
        intent_id = _optional_str(params, "payment_intent")
        charge_id = _optional_str(params, "charge")
        if intent_id is None and charge_id is None:
            raise _StripeError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                param="payment_intent",
            )
        if intent_id is not None:
            intent = self._get(self._payment_intents, intent_id, "payment_intent")
            if charge_id is not None and charge_id != intent.get("latest_charge"):
                raise _StripeError(
                    400, "The charge does not belong to this PaymentIntent.", param="charge"
                )
            charge_id = intent.get("latest_charge")
            if charge_id is None:
                raise _StripeError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    param="payment_intent",
                )
        assert charge_id is not None
        charge = self._get(self._charges, charge_id, "charge")
        if charge["status"] != "succeeded":
            raise _StripeError(
                400,
                f"This PaymentIntent ({charge['payment_intent']}) does not have a successful "
                "charge to refund.",
                param="payment_intent" if intent_id else "charge",
            )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise _StripeError(
                400,
                f"Charge {charge_id} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = remaining
        if params.get("amount") not in (None, ""):
            amount = _parse_int(params["amount"], "amount", minimum=1)
            if amount > remaining:
                raise _StripeError(
                    400,
                    f"Refund amount ({_format_amount(amount, charge['currency'])}) is greater "
                    f"than unrefunded amount on charge "
                    f"({_format_amount(remaining, charge['currency'])})",
                    param="amount",
                )
        reason = _optional_str(params, "reason")
        if reason is not None and reason not in _REFUND_REASONS:
            raise _StripeError(400, f"Invalid reason: {reason}", param="reason")

        refund_id = _random_id("re_")
        refund = copy.deepcopy(self._fixtures["refund"])
        refund.update(
            {
                "id": refund_id,
                "object": "refund",
                "amount": amount,
                "balance_transaction": _random_id("txn_"),
                "charge": charge_id,
                "created": self._now(),
                "currency": charge["currency"],
                "metadata": _check_metadata(params.get("metadata")),
                "payment_intent": charge["payment_intent"],
                "payment_method": charge["payment_method"],
                "reason": reason,
                "status": "succeeded",
            }
        )
        self._refunds[refund_id] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        refunds = charge["refunds"]
        refunds["data"].insert(0, copy.deepcopy(refund))
        refunds["total_count"] = len(refunds["data"])
        outgoing.append(self._record_event("refund.created", refund, request))
        outgoing.append(self._record_event("charge.refunded", charge, request))
        return copy.deepcopy(refund)

    # ------------------------------------------------------------------ events

    def _record_event(
        self,
        event_type: str,
        obj: Mapping[str, Any],
        request: Mapping[str, str | None] | None,
    ) -> _Outgoing:
        event = copy.deepcopy(self._fixtures["event"])
        event.update(
            {
                "id": _random_id("evt_"),
                "object": "event",
                "type": event_type,
                "created": self._now(),
                "api_version": self._api_version,
                "data": {"object": copy.deepcopy(dict(obj))},
                "livemode": False,
                "pending_webhooks": 1,
                # Events caused by the customer on the hosted page, not by an API call, carry
                # no request, as Stripe's do.
                "request": {
                    "id": request.get("id") if request else None,
                    "idempotency_key": request.get("idempotency_key") if request else None,
                },
            }
        )
        self._events.append(event)
        self._events_by_id[event["id"]] = event
        return _Outgoing(event["id"])

    def _sign(self, payload: bytes) -> str:
        # The receiver checks the timestamp against its own wall clock (Stripe's verifier
        # uses time.time()), so the signature uses real time even when `clock` is simulated.
        timestamp = int(time.time())
        signed = f"{timestamp}.".encode() + payload
        digest = hmac.new(self._webhook_secret.encode("utf-8"), signed, hashlib.sha256)
        return f"t={timestamp},v1={digest.hexdigest()}"

    def _send(self, event_id: str) -> int:
        """Deliver one recorded event; call without holding the lock."""
        with self._lock:
            payload = json.dumps(self._events_by_id[event_id], indent=2).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": self._sign(payload),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }
        return self._deliver(self._webhook_url, payload, headers)

    def _deliver_all(self, outgoing: list[_Outgoing]) -> list[int]:
        return [self._send(item.event_id) for item in outgoing]

    # ------------------------------------------------------------------ local routes

    def _handle_local(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> LocalResponse:
        parts = path.strip("/").split("/")
        wants_html = "text/html" in headers.get("accept", "")
        if method == "GET" and parts == ["events"]:
            return _json_response(200, self.events())
        if method == "GET" and len(parts) == 2 and parts[0] == "checkout":
            return self._checkout_page(parts[1])
        if method == "POST" and len(parts) == 3 and parts[0] == "events" and parts[2] == "resend":
            with self._lock:
                self._get(self._events_by_id, parts[1], "event")
            status = self._send(parts[1])
            return _json_response(200, {"event_id": parts[1], "webhook_status": status})
        if method == "POST" and len(parts) == 3 and parts[0] == "checkout":
            session_id, action = parts[1], parts[2]
            fields = _body_fields(headers, body)
            if action == "pay":
                return self._local_pay(session_id, fields, wants_html)
            if action == "async":
                return self._local_action(
                    session_id,
                    wants_html,
                    lambda out: self._settle_async(session_id, str(fields.get("result", "")), out),
                )
            if action == "expire":
                return self._local_action(
                    session_id,
                    wants_html,
                    lambda out: self._expire_session(session_id, {}, out, api_call=False),
                )
            if action == "refund":
                return self._local_refund(session_id, wants_html)
        raise _StripeError(404, f"Unrecognized local Stripe route ({method}: {path})")

    def _local_pay(
        self, session_id: str, fields: Mapping[str, Any], wants_html: bool
    ) -> LocalResponse:
        delayed = _truthy(fields.get("async", False))
        outgoing: list[_Outgoing] = []
        with self._lock:
            lapsed = self._expire_if_due(
                self._get(self._sessions, session_id, "checkout.session"), outgoing
            )
            if not lapsed:
                session = self._pay(session_id, delayed=delayed, outgoing=outgoing)
        statuses = self._deliver_all(outgoing)
        if lapsed:
            raise _StripeError(
                409,
                f"Checkout session {session_id} expired before it was paid.",
                code="checkout_session_not_open",
            )
        if wants_html:
            success = str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)
            return LocalResponse(303, {"Location": success, "Content-Length": "0"}, b"")
        return _json_response(
            200,
            {"session": session, "event_id": outgoing[0].event_id, "webhook_status": statuses[0]},
        )

    def _local_action(
        self,
        session_id: str,
        wants_html: bool,
        action: Callable[[list[_Outgoing]], dict[str, Any]],
    ) -> LocalResponse:
        outgoing: list[_Outgoing] = []
        with self._lock:
            session = action(outgoing)
        statuses = self._deliver_all(outgoing)
        if wants_html:
            return self._redirect_to_page(session_id)
        return _json_response(
            200,
            {"session": session, "event_id": outgoing[0].event_id, "webhook_status": statuses[0]},
        )

    def _local_refund(self, session_id: str, wants_html: bool) -> LocalResponse:
        outgoing: list[_Outgoing] = []
        with self._lock:
            session = self._get(self._sessions, session_id, "checkout.session")
            intent_id = session.get("payment_intent")
            if session["payment_status"] != "paid" or not intent_id:
                raise _StripeError(
                    409, f"Checkout session {session_id} has not been paid.", code="not_paid"
                )
            refund = self._create_refund({"payment_intent": intent_id}, None, outgoing)
            charge = copy.deepcopy(self._charges[refund["charge"]])
        statuses = self._deliver_all(outgoing)
        if wants_html:
            return self._redirect_to_page(session_id)
        sent = [
            {
                "id": item.event_id,
                "type": self._events_by_id[item.event_id]["type"],
                "webhook_status": status,
            }
            for item, status in zip(outgoing, statuses, strict=True)
        ]
        # The contract's event for a refund is charge.refunded, so it is the one named on top.
        return _json_response(
            200,
            {
                "refund": refund,
                "charge": charge,
                "event_id": outgoing[-1].event_id,
                "webhook_status": statuses[-1],
                "events": sent,
            },
        )

    def _redirect_to_page(self, session_id: str) -> LocalResponse:
        location = f"{self._base}/_local/stripe/checkout/{session_id}"
        return LocalResponse(303, {"Location": location, "Content-Length": "0"}, b"")

    # ------------------------------------------------------------------ page

    def _checkout_page(self, session_id: str) -> LocalResponse:
        outgoing: list[_Outgoing] = []
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                page = _page(
                    "Checkout not found", "<p>There is no checkout session with this id.</p>"
                )
                return LocalResponse(404, dict(_HTML_HEADERS), page)
            self._expire_if_due(session, outgoing)
            page = self._render(session)
        self._deliver_all(outgoing)
        return LocalResponse(200, dict(_HTML_HEADERS), page)

    def _render(self, session: Mapping[str, Any]) -> bytes:
        """The page for one session; call with the lock held."""
        names = self._line_items.get(session["id"], [])
        esc = html.escape
        session_id = session["id"]
        amount = _format_amount(session["amount_total"], session["currency"])
        action_base = f"/_local/stripe/checkout/{esc(session_id)}"
        item = ", ".join(names) or "Payment"
        email = session.get("customer_email")
        details = [
            f"<dt>Item</dt><dd>{esc(item)}</dd>",
            f"<dt>Total</dt><dd>{esc(amount)}</dd>",
        ]
        if email:
            details.append(f"<dt>Email</dt><dd>{esc(email)}</dd>")
        summary = f"<dl>{''.join(details)}</dl>"
        success = str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)
        status, payment_status = session["status"], session["payment_status"]
        if status == "open":
            cancel = session.get("cancel_url")
            cancel_link = f'<p><a href="{esc(cancel)}">Cancel</a></p>' if cancel else ""
            body = (
                f"{summary}"
                f'<form method="post" action="{action_base}/pay">'
                '<p><label><input type="checkbox" name="async" value="true"> '
                "Simulate a delayed payment method (settles later)</label></p>"
                f'<p><button type="submit">Pay {esc(amount)}</button></p>'
                "</form>"
                f"{cancel_link}"
                f'<form method="post" action="{action_base}/expire">'
                '<p><button type="submit">Expire this session (test only)</button></p>'
                "</form>"
            )
            return _page(f"Pay {amount}", body)
        if status == "complete" and payment_status == "paid":
            message = "This checkout session has been paid."
            extra = (
                f'<form method="post" action="{action_base}/refund">'
                '<p><button type="submit">Refund in full (test only)</button></p></form>'
            )
        elif status == "complete":
            message = "The payment is processing; the bank has not settled it yet."
            intent = self._payment_intents.get(session.get("payment_intent") or "")
            settled = intent is not None and intent["status"] != "processing"
            extra = (
                ""
                if settled
                else (
                    f'<form method="post" action="{action_base}/async">'
                    '<input type="hidden" name="result" value="succeeded">'
                    '<p><button type="submit">Payment settles</button></p></form>'
                    f'<form method="post" action="{action_base}/async">'
                    '<input type="hidden" name="result" value="failed">'
                    '<p><button type="submit">Payment fails</button></p></form>'
                )
            )
            if settled:
                message = "The delayed payment failed."
        else:
            message = "This checkout session has expired."
            extra = ""
        body = (
            f'<p role="status">{esc(message)}</p>{summary}'
            f'<p><a href="{esc(success)}">Return to the site</a></p>{extra}'
        )
        return _page("Checkout closed", body)


def _page(title: str, body: str) -> bytes:
    document = (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} | Local Stripe checkout</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}dt{font-weight:600}dd{margin:0 0 .5rem}"
        "button{font-size:1rem;padding:.6rem 1.2rem}"
        ":focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}</style>\n"
        "</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        "<p><small>Local stand-in for Stripe Checkout. No real payment is taken.</small></p>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )
    return document.encode("utf-8")
