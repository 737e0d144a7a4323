"""How the stand-in speaks Stripe: form-encoded parameters in, Stripe-shaped JSON and errors out.

Everything here is about the wire, not about any one resource: Stripe's bracket notation, its
parameter checks and their error messages, amounts as Stripe formats them, ids, and the fixtures
every object is copied from.
"""

from __future__ import annotations

import copy
import json
import operator
import re
import secrets
import string
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent.parent / "stripe_fixtures"
_ALNUM = string.ascii_letters + string.digits

# Used only when the SDK is not importable, e.g. when the stand-in runs outside the app's venv.
_FALLBACK_API_VERSION = "2025-09-30.clover"

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

JSON_HEADERS = {"Content-Type": "application/json"}
HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@dataclass(frozen=True)
class Incoming:
    """One request as the stand-in's routes read it: the method in capitals, the path relative
    to ``/_local/stripe`` without its query, header names in lower case (``StripeStandin.handle``
    makes it so once, for the API and the local routes alike)."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class LocalResponse:
    status: int
    headers: dict[str, str]
    body: bytes


# Stripe's minimum charge in each currency (docs.stripe.com/currencies, "minimum and maximum
# charge amounts"). Written here as Stripe's fact, apart from the booking code's own rule, so a
# test of that rule meets what Stripe does: a Checkout Session for less is refused
# (``amount_too_small``), and an invoice for less is marked paid as it is finalized, its amount
# moved to the customer's balance as a debit, nothing collected (docs: customer balance).
MINIMUM_CHARGE = {"gbp": 30, "eur": 50, "usd": 50}


def below_minimum(amount: int, currency: str) -> bool:
    return 0 < amount < MINIMUM_CHARGE.get(currency.lower(), 50)


class StripeError(Exception):
    """An error answered in Stripe's shape, ``{"error": {...}}``. ``ran``: raised as the
    endpoint ran (a check of an object's state, past the request's validation and lookups):
    Stripe saves such an answer under the request's idempotency key as it saves a success,
    and answers it again to a retry (https://docs.stripe.com/idempotency)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        charge: str | None = None,
        ran: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.param = param
        self.charge = charge
        self.ran = ran

    def payload(self) -> dict[str, Any]:
        """As Stripe answers: an error with a code links its documentation (``doc_url``, the
        code with dashes), and one about a charge names it (``charge``)."""
        err: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code is not None:
            err["code"] = self.code
            err["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            err["param"] = self.param
        if self.charge is not None:
            err["charge"] = self.charge
        return {"error": err}


def random_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def load_fixture(name: str) -> dict[str, Any]:
    loaded = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise TypeError(f"fixture {name}.json is not a JSON object")
    return loaded


def api_version() -> str:
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
            raise StripeError(400, f"Invalid parameter name: {raw_key}", param=raw_key)
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node: dict[str, Any] = root
        for index, part in enumerate(parts):
            key = str(len(node)) if part == "" else part
            if index == len(parts) - 1:
                if isinstance(node.get(key), dict):
                    raise StripeError(400, f"Invalid value for {raw_key}", param=raw_key)
                node[key] = value
            else:
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise StripeError(400, f"Invalid value for {raw_key}", param=raw_key)
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


def format_amount(amount: int, currency: str) -> str:
    currency = currency.lower()
    symbol = _CURRENCY_SYMBOLS.get(currency)
    if currency in _ZERO_DECIMAL_CURRENCIES:
        number = f"{amount:,}"
    else:
        number = f"{amount // 100:,}.{amount % 100:02d}"
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def parse_int(value: Any, param: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise StripeError(400, f"Invalid integer: {value}", param=param)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        number = int(value)
    else:
        raise StripeError(400, f"Invalid integer: {value}", param=param)
    if minimum is not None and number < minimum:
        raise StripeError(
            400, f"This value must be greater than or equal to {minimum}.", param=param
        )
    return number


def list_limit(params: Mapping[str, Any]) -> int:
    """A list's ``limit``: 10 when not given, else 1 to 100 (Stripe's 400 beyond, on every list)."""
    limit = parse_int(params.get("limit", "10"), "limit", minimum=1)
    if limit > 100:
        raise StripeError(400, "This value must be less than or equal to 100.", param="limit")
    return limit


def matching(
    found: list[dict[str, Any]], params: Mapping[str, Any], *fields: str
) -> list[dict[str, Any]]:
    """``found`` narrowed, for each of ``fields`` the request names a value of, to the objects
    whose field holds that value (a list's filters: ``status``, ``invoice``, ...)."""
    for name in fields:
        wanted = optional_str(params, name)
        if wanted is not None:
            found = [item for item in found if item[name] == wanted]
    return found


# A list's range filter on ``created`` (``created[lte]=...``), as Stripe's lists take it.
_BOUNDS: dict[str, Callable[[int, int], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def created_within(found: list[dict[str, Any]], params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``found`` narrowed to the objects made within the request's ``created``: one
    timestamp, or bounds of ``gt``, ``gte``, ``lt`` and ``lte`` (Stripe's 400 for another)."""
    created = params.get("created")
    if created is None:
        return found
    if not isinstance(created, Mapping):
        at = parse_int(created, "created")
        return [item for item in found if item["created"] == at]
    for bound, value in created.items():
        name = f"created[{bound}]"
        if bound not in _BOUNDS:
            raise StripeError(400, f"Received unknown parameter: {name}", param=name)
        limit = parse_int(value, name)
        found = [item for item in found if _BOUNDS[bound](item["created"], limit)]
    return found


def listed(
    found: Sequence[dict[str, Any]],
    limit: int,
    url: str,
    shown: Callable[[dict[str, Any]], dict[str, Any]] = copy.deepcopy,
) -> dict[str, Any]:
    """Stripe's list: the first ``limit`` of ``found`` (already in order), each as ``shown``
    (a copy, so the caller cannot change the store), and whether more follow."""
    return {
        "object": "list",
        "data": [shown(item) for item in found[:limit]],
        "has_more": len(found) > limit,
        "url": url,
    }


def require_str(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise StripeError(400, f"Missing required param: {name}.", param=name)
    if not isinstance(value, str):
        raise StripeError(400, f"Invalid string: {name}", param=name)
    return value


def optional_str(params: Mapping[str, Any], name: str, max_length: int = 5000) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise StripeError(400, f"Invalid string: {name}", param=name)
    if len(value) > max_length:
        raise StripeError(
            400, f"Invalid string: {name} must be at most {max_length} characters", param=name
        )
    return value


def check_url(params: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    url = require_str(params, name) if required else optional_str(params, name)
    # Only http(s) URLs are rendered as links on the hosted pages, so a javascript: URL can
    # never reach an href.
    if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise StripeError(400, "Not a valid URL", param=name)
    return url


def check_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid object", param=param)
    if len(value) > 50:
        raise StripeError(400, "Metadata can have at most 50 keys.", param=param)
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise StripeError(400, "Invalid string", param=f"{param}[{key}]")
        if len(key) > 40 or len(item) > 500:
            raise StripeError(
                400,
                "Metadata keys are limited to 40 characters and values to 500.",
                param=f"{param}[{key}]",
            )
        # An empty value means "unset" in Stripe's metadata semantics.
        if item != "":
            out[key] = item
    return out


def reject_unknown(params: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for name in params:
        if name not in allowed:
            raise StripeError(400, f"Received unknown parameter: {name}", param=name)


def json_response(
    status: int, payload: Any, extra_headers: Mapping[str, str] | None = None
) -> LocalResponse:
    headers = dict(JSON_HEADERS)
    if extra_headers:
        headers.update(extra_headers)
    # Stripe pretty-prints its responses; matching it keeps captured bodies readable too.
    return LocalResponse(status, headers, json.dumps(payload, indent=2).encode("utf-8"))


def body_fields(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Fields of a local action's body, which may come from an HTML form or a JSON client."""
    if not body:
        return {}
    content_type = headers.get("content-type", "")
    if "json" in content_type:
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise StripeError(400, "Invalid JSON body") from exc
        if not isinstance(parsed, dict):
            raise StripeError(400, "JSON body must be an object")
        return parsed
    return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def find(objects: Mapping[str, dict[str, Any]], object_id: str, kind: str) -> dict[str, Any]:
    """The stored object, or Stripe's 404 for it."""
    found = objects.get(object_id)
    if found is None:
        raise StripeError(
            404, f"No such {kind}: '{object_id}'", code="resource_missing", param="id"
        )
    return found


def find_in(
    objects: Mapping[str, dict[str, Any]],
    object_id: str,
    kind: str,
    statuses: tuple[str, ...],
    refusal: str,
    *,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """The stored object (else Stripe's 404) if its status is one of ``statuses``; else Stripe's
    400 saying ``refusal`` (``{id}`` and ``{status}`` filled in), with its ``code`` or ``param``."""
    found = find(objects, object_id, kind)
    if found["status"] not in statuses:
        refused = refusal.format(id=object_id, status=found["status"])
        raise StripeError(400, refused, code=code, param=param)
    return found


# An invoice's fields Stripe computes only when asked for with ``expand`` (and never puts in an
# event's payload): ``amount_paid_off_stripe``, what was paid outside Stripe (its changelog of
# 2026-05-27, "The property isn't available in event payloads").
INCLUDABLE_INVOICE_FIELDS = ("amount_paid_off_stripe",)


def as_answered(payload: Any, expand: Any, prefix: str = "") -> Any:
    """``payload`` (an invoice, or a list of them) without the includable fields not asked
    for in ``expand`` (``prefix``: where the invoices sit in it, ``data.`` in a list)."""
    asked = expand if isinstance(expand, list) else []
    if not isinstance(payload, dict):
        return payload
    if payload.get("object") == "list" and not prefix:
        for item in payload.get("data") or ():
            as_answered(item, asked, "data.")
    elif payload.get("object") == "invoice":
        for name in INCLUDABLE_INVOICE_FIELDS:
            if f"{prefix}{name}" not in asked:
                payload.pop(name, None)
    return payload
