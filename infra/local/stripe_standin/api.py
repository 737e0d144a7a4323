"""The ``/v1`` API the real ``stripe.StripeClient`` talks to: authentication, routing, and
idempotency keys honoured as Stripe honours them."""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.local.stripe_standin.events import Webhooks
from infra.local.stripe_standin.store import Idempotent, Outgoing, Request, Store
from infra.local.stripe_standin.wire import (
    Incoming,
    LocalResponse,
    StripeError,
    as_answered,
    decode_form,
    json_response,
    random_id,
)

# GET: (params, ids in the path) -> object. POST: also the request (for the events it
# causes) and the list the caused events are recorded in.
Getter = Callable[[dict[str, Any], list[str]], dict[str, Any]]
Poster = Callable[[dict[str, Any], list[str], Request, list[Outgoing]], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    action: Callable[..., dict[str, Any]]


def route(template: str, action: Callable[..., dict[str, Any]]) -> Route:
    """``/v1/checkout/sessions/{}/expire``: each ``{}`` matches one path segment (an id)."""
    pattern = "^" + re.escape(template).replace(r"\{\}", "([^/]+)") + "$"
    return Route(re.compile(pattern), action)


class Api:
    def __init__(
        self,
        store: Store,
        webhooks: Webhooks,
        *,
        gets: list[Route],
        posts: list[Route],
        deletes: list[Route] | None = None,
    ) -> None:
        self._store = store
        self._webhooks = webhooks
        self._gets = gets
        self._posts = posts
        self._deletes = deletes or []

    def handle(self, incoming: Incoming) -> LocalResponse:
        method, path, headers = incoming.method, incoming.path, incoming.headers
        request_id = random_id("req_", 14)
        resp_headers = {"Request-Id": request_id, "Stripe-Version": self._store.api_version}
        try:
            api_key = authenticate(headers)
            if method in ("GET", "DELETE"):
                pairs = [(k, v) for k, values in incoming.query.items() for v in values]
            elif method == "POST":
                pairs = urllib.parse.parse_qsl(
                    incoming.body.decode("utf-8"), keep_blank_values=True
                )
            else:
                raise unrecognized(method, path)
            # `expand` stays in: the few objects that honour it read it (see discounts.py).
            params = decode_form(pairs)
            if method == "GET":
                action, ids = self._match(self._gets, method, path)
                with self._store.lock:
                    found = copy.deepcopy(action(params, ids))
                return json_response(200, as_answered(found, params.get("expand")), resp_headers)
            if method == "DELETE":
                status, payload, outgoing = self._delete(path, params, request_id)
            else:
                status, payload, outgoing = self._post(
                    api_key, path, params, request_id, headers.get("idempotency-key")
                )
                if self._replayed(api_key, headers.get("idempotency-key"), request_id):
                    # As Stripe marks an answer given again to a key's retry.
                    resp_headers["Idempotent-Replayed"] = "true"
        except StripeError as exc:
            return json_response(exc.status, exc.payload(), resp_headers)
        # Answered before its events are delivered, as Stripe answers (see events.Webhooks),
        # and not before a scheduled run holding them has ended (Webhooks.held).
        self._webhooks.deliver_later(outgoing)
        payload = as_answered(copy.deepcopy(payload), params.get("expand"))
        return json_response(status, payload, resp_headers)

    @staticmethod
    def _match(
        routes: list[Route], method: str, path: str
    ) -> tuple[Callable[..., dict[str, Any]], list[str]]:
        for candidate in routes:
            matched = candidate.pattern.match(path)
            if matched:
                return candidate.action, list(matched.groups())
        raise unrecognized(method, path)

    def _replayed(self, api_key: str, idempotency_key: str | None, request_id: str) -> bool:
        """Whether the request ``request_id`` was answered as a replay of its key's first."""
        with self._store.lock:
            return (api_key, idempotency_key, request_id) in self._store.replays

    def _delete(
        self, path: str, params: dict[str, Any], request_id: str
    ) -> tuple[int, dict[str, Any], list[Outgoing]]:
        """A DELETE: no idempotency key is needed, as at Stripe (a repeat finds the object
        gone and answers Stripe's 404 for it)."""
        action, ids = self._match(self._deletes, "DELETE", path)
        request = {"id": request_id, "idempotency_key": None}
        outgoing: list[Outgoing] = []
        with self._store.lock:
            return 200, action(params, ids, request, outgoing), outgoing

    def _post(
        self,
        api_key: str,
        path: str,
        params: dict[str, Any],
        request_id: str,
        idempotency_key: str | None,
    ) -> tuple[int, dict[str, Any], list[Outgoing]]:
        action, ids = self._match(self._posts, "POST", path)
        request = {"id": request_id, "idempotency_key": idempotency_key}
        outgoing: list[Outgoing] = []
        with self._store.lock:
            if idempotency_key is None:
                return 200, action(params, ids, request, outgoing), outgoing
            fingerprint = json.dumps([path, params], sort_keys=True)
            slot = (api_key, idempotency_key)
            saved = self._store.idempotency.get(slot)
            if saved is not None:
                if saved.fingerprint != fingerprint:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Try using a key other than "
                        f"'{idempotency_key}' if you meant to execute a different request.",
                        type_="idempotency_error",
                    )
                # A replay answers what the first request answered and sends nothing again.
                self._store.replays.add((api_key, idempotency_key, request_id))
                return saved.status, copy.deepcopy(saved.body), []
            # Like Stripe, a request that fails validation saves nothing, so the key stays
            # usable; one refused as the endpoint ran (``StripeError.ran``) is saved as it was
            # answered, and a retry with other parameters is then an idempotency_error.
            try:
                if (failing := self._store.failing_once.pop(path, None)) is not None:
                    raise StripeError(
                        failing, "An unknown error occurred", type_="api_error", ran=True
                    )
                result = action(params, ids, request, outgoing)
            except StripeError as refused:
                if refused.ran:
                    self._store.idempotency[slot] = Idempotent(
                        fingerprint, refused.status, refused.payload()
                    )
                raise
            self._store.idempotency[slot] = Idempotent(fingerprint, 200, copy.deepcopy(result))
            return 200, result, outgoing


def authenticate(headers: Mapping[str, str]) -> str:
    auth = headers.get("authorization", "")
    if not auth:
        raise StripeError(
            401,
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').",
        )
    scheme, _, key = auth.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key.startswith("sk_") or len(key) < 8:
        shown = f"{key[:8]}****{key[-4:]}" if len(key) > 12 else "****"
        raise StripeError(401, f"Invalid API Key provided: {shown}")
    return key


def unrecognized(method: str, path: str) -> StripeError:
    return StripeError(
        404,
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
        "or we can help at https://support.stripe.com/.",
    )
