"""Coupons and the promotion codes customers type: created by the API, applied to Checkout
Sessions and invoices, and counted when redeemed (a session paid, an invoice finalized)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.store import OnStore, Outgoing, Request

COUPON_CREATE_PARAMS = frozenset(
    {
        "amount_off",
        "applies_to",
        "currency",
        "currency_options",
        "duration",
        "duration_in_months",
        "expand",
        "id",
        "max_redemptions",
        "metadata",
        "name",
        "percent_off",
        "redeem_by",
    }
)
PROMOTION_CODE_CREATE_PARAMS = frozenset(
    {
        "active",
        "code",
        "customer",
        "customer_account",
        "expand",
        "expires_at",
        "max_redemptions",
        "metadata",
        "promotion",
        "restrictions",
    }
)
PROMOTION_CODE_UPDATE_PARAMS = frozenset({"active", "expand", "metadata", "restrictions"})
_CODE_RE = re.compile(r"^[A-Za-z0-9-]{1,500}$")


class Discounts(OnStore):
    # -- coupons ---------------------------------------------------------------------------

    def create_coupon(
        self, params: Mapping[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        wire.reject_unknown(params, COUPON_CREATE_PARAMS)
        store = self._store
        percent_off, amount_off, currency = _coupon_off(params)
        duration = wire.optional_str(params, "duration") or "once"
        if duration not in ("once", "forever", "repeating"):
            raise wire.StripeError(400, f"Invalid duration: {duration}", param="duration")
        redeem_by = None
        if params.get("redeem_by") not in (None, ""):
            redeem_by = wire.parse_int(params["redeem_by"], "redeem_by")
            if redeem_by <= store.now():
                raise wire.StripeError(400, "redeem_by must be in the future.", param="redeem_by")
        coupon_id = wire.optional_str(params, "id", 200) or wire.random_id("", 8)
        if coupon_id in store.coupons:
            raise wire.StripeError(
                400, "Coupon already exists.", code="resource_already_exists", param="id"
            )
        coupon = store.fixture(
            "coupon",
            {
                "id": coupon_id,
                "amount_off": amount_off,
                "applies_to": None,
                "created": store.now(),
                "currency": currency.lower() if currency else None,
                "duration": duration,
                "duration_in_months": None,
                "livemode": False,
                "max_redemptions": _optional_int(params, "max_redemptions"),
                "metadata": wire.check_metadata(params.get("metadata")),
                "name": wire.optional_str(params, "name", 40),
                "percent_off": percent_off,
                "redeem_by": redeem_by,
                "times_redeemed": 0,
                "valid": True,
            },
        )
        store.coupons[coupon_id] = coupon
        return store.answered("coupon.created", coupon, request, outgoing)

    def delete_coupon(
        self, coupon_id: str, request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        """Stripe's ``DELETE /v1/coupons/{id}``: gone (a retrieve or a second delete is its 404).
        Stripe lets a coupon with promotion codes on it be deleted too; the stand-in does not
        model what becomes of those codes, so it refuses that (the backend deletes only a
        coupon whose promotion code was refused)."""
        store = self._store
        coupon = wire.find(store.coupons, coupon_id, "coupon")
        if any(p["promotion"]["coupon"] == coupon_id for p in store.promotion_codes.values()):
            raise wire.StripeError(
                400, "The stand-in keeps coupons that promotion codes use.", param="id"
            )
        del store.coupons[coupon_id]
        outgoing.append(store.record_event("coupon.deleted", coupon, request))
        return {"id": coupon_id, "object": "coupon", "deleted": True}

    # -- promotion codes -------------------------------------------------------------------

    def create_promotion_code(
        self, params: Mapping[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        wire.reject_unknown(params, PROMOTION_CODE_CREATE_PARAMS)
        store = self._store
        promotion = params.get("promotion")
        if not isinstance(promotion, dict):
            raise wire.StripeError(400, "Missing required param: promotion.", param="promotion")
        if promotion.get("type") != "coupon":
            raise wire.StripeError(400, "Invalid promotion[type].", param="promotion[type]")
        coupon = wire.find(store.coupons, wire.require_str(promotion, "coupon"), "coupon")
        code = wire.optional_str(params, "code") or wire.random_id("", 8).upper()
        if not _CODE_RE.match(code):
            raise wire.StripeError(
                400,
                "Promotion codes may contain only letters, digits and dashes.",
                param="code",
            )
        if any(
            p["active"] and p["code"].lower() == code.lower()
            for p in store.promotion_codes.values()
        ):
            raise wire.StripeError(
                400,
                "An active promotion code with `code` already exists.",
                code="resource_already_exists",
                param="code",
            )
        expires_at = _optional_int(params, "expires_at")
        if expires_at is not None and expires_at <= store.now():
            raise wire.StripeError(400, "expires_at must be in the future.", param="expires_at")
        if expires_at is not None and coupon["redeem_by"] and expires_at > coupon["redeem_by"]:
            raise wire.StripeError(
                400, "expires_at cannot be after the coupon's redeem_by.", param="expires_at"
            )
        promo_id = wire.random_id("promo_")
        promo = store.fixture(
            "promotion_code",
            {
                "id": promo_id,
                "active": wire.truthy(params.get("active", True)),
                "code": code,
                "created": store.now(),
                "customer": None,
                "expires_at": expires_at,
                "livemode": False,
                "max_redemptions": _optional_int(params, "max_redemptions"),
                "metadata": wire.check_metadata(params.get("metadata")),
                "promotion": {"coupon": coupon["id"], "type": "coupon"},
                "times_redeemed": 0,
            },
        )
        store.promotion_codes[promo_id] = promo
        outgoing.append(store.record_event("promotion_code.created", promo, request))
        return self.shown(promo, params.get("expand"), "promotion.coupon")

    def update_promotion_code(
        self,
        promo_id: str,
        params: Mapping[str, Any],
        request: Request | None,
        outgoing: list[Outgoing],
    ) -> dict[str, Any]:
        """``POST /v1/promotion_codes/{id}``: deactivate (or reactivate) a code, or change its
        metadata; the code itself, its coupon and its counts never change."""
        wire.reject_unknown(params, PROMOTION_CODE_UPDATE_PARAMS)
        store = self._store
        promo = wire.find(store.promotion_codes, promo_id, "promotion_code")
        if params.get("active") not in (None, ""):
            active = wire.truthy(params["active"])
            if active and not promo["active"]:
                coupon = store.coupons[promo["promotion"]["coupon"]]
                if self._coupon_problem(coupon) or any(
                    p["active"] and p["code"].lower() == promo["code"].lower()
                    for p in store.promotion_codes.values()
                ):
                    raise wire.StripeError(
                        400, "This promotion code cannot be reactivated.", param="active"
                    )
            promo["active"] = active
        if "metadata" in params:
            promo["metadata"] = {**promo["metadata"], **wire.check_metadata(params.get("metadata"))}
        outgoing.append(store.record_event("promotion_code.updated", promo, request))
        return self.shown(promo, params.get("expand"), "promotion.coupon")

    def list_promotion_codes(self, params: Mapping[str, Any]) -> dict[str, Any]:
        limit = wire.list_limit(params)
        codes = sorted(self._store.promotion_codes.values(), key=lambda p: -p["created"])
        code = wire.optional_str(params, "code")
        if code is not None:
            # Stripe matches codes case-insensitively, as customers type them.
            codes = [p for p in codes if p["code"].lower() == code.lower()]
        if params.get("active") not in (None, ""):
            wanted = wire.truthy(params["active"])
            codes = [p for p in codes if p["active"] is wanted]
        return wire.listed(
            codes,
            limit,
            "/v1/promotion_codes",
            lambda p: self.shown(p, params.get("expand"), "data.promotion.coupon"),
        )

    def retrieve_promotion_code(self, promo_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
        promo = wire.find(self._store.promotion_codes, promo_id, "promotion_code")
        return self.shown(promo, params.get("expand"), "promotion.coupon")

    def shown(self, promo: dict[str, Any], expand: Any, path: str) -> dict[str, Any]:
        """A copy of the code; its coupon expanded when the request asked for ``path``."""
        shown = copy.deepcopy(promo)
        if isinstance(expand, list) and path in expand:
            coupon_id = promo["promotion"]["coupon"]
            shown["promotion"]["coupon"] = copy.deepcopy(self._store.coupons[coupon_id])
        return shown

    # -- applying and redeeming ------------------------------------------------------------

    def resolve(self, spec: Any, param: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The (coupon, promotion code) a ``discounts[n]`` parameter names, if redeemable."""
        if not isinstance(spec, dict):
            raise wire.StripeError(400, "Invalid object", param=param)
        store = self._store
        promo: dict[str, Any] | None = None
        if spec.get("promotion_code"):
            promo = wire.find(store.promotion_codes, str(spec["promotion_code"]), "promotion_code")
            coupon = store.coupons[promo["promotion"]["coupon"]]
            problem = self._promotion_problem(promo)
            if problem:
                raise wire.StripeError(
                    400,
                    f"This promotion code cannot be redeemed because {problem}.",
                    param=f"{param}[promotion_code]",
                )
        elif spec.get("coupon"):
            coupon = wire.find(store.coupons, str(spec["coupon"]), "coupon")
        else:
            raise wire.StripeError(
                400, "You must pass `coupon` or `promotion_code`.", param=f"{param}[coupon]"
            )
        problem = self._coupon_problem(coupon)
        if problem:
            raise wire.StripeError(
                400, f"This coupon cannot be redeemed because {problem}.", param=param
            )
        return coupon, promo

    def _promotion_problem(self, promo: Mapping[str, Any]) -> str | None:
        if not promo["active"]:
            return "it is inactive"
        if promo["expires_at"] is not None and promo["expires_at"] <= self._store.now():
            return "it has expired"
        if _redeemed_to_the_limit(promo):
            return "it has reached its max_redemptions"
        return None

    def _coupon_problem(self, coupon: Mapping[str, Any]) -> str | None:
        if coupon["redeem_by"] is not None and coupon["redeem_by"] <= self._store.now():
            return "it is past its redeem_by date"
        if _redeemed_to_the_limit(coupon):
            return "it has reached its max_redemptions"
        return None

    @staticmethod
    def amount_off(coupon: Mapping[str, Any], amount: int, currency: str) -> int:
        """What ``coupon`` takes off ``amount`` (never more than the amount itself)."""
        if coupon["percent_off"] is not None:
            # Half a penny rounds up, as Stripe rounds discounts to the nearest minor unit.
            off = int(amount * coupon["percent_off"] / 100 + 0.5)
        else:
            if coupon["currency"] != currency:
                raise wire.StripeError(
                    400,
                    f"The coupon's currency ({coupon['currency']}) does not match {currency}.",
                    param="discounts",
                )
            off = int(coupon["amount_off"])
        return min(off, amount)

    def make_discount(
        self,
        coupon: Mapping[str, Any],
        promo: Mapping[str, Any] | None,
        **links: str | None,
    ) -> dict[str, Any]:
        """A discount object (``di_...``): the coupon applied to one session or invoice."""
        discount = self._store.fixture(
            "discount",
            {
                "id": wire.random_id("di_"),
                "checkout_session": links.get("checkout_session"),
                "customer": links.get("customer"),
                "end": None,
                "invoice": links.get("invoice"),
                "invoice_item": None,
                "promotion_code": promo["id"] if promo else None,
                "source": {"coupon": coupon["id"], "type": "coupon"},
                "start": self._store.now(),
                "subscription": None,
                "subscription_item": None,
            },
        )
        self._store.discounts[discount["id"]] = discount
        return discount

    def redeem(self, coupon_id: str, promotion_code_id: str | None) -> None:
        """Count one use: the coupon (invalid once it reaches its limit) and its code."""
        store = self._store
        coupon = store.coupons[coupon_id]
        coupon["times_redeemed"] += 1
        if coupon["max_redemptions"] is not None:
            coupon["valid"] = coupon["times_redeemed"] < coupon["max_redemptions"]
        if promotion_code_id is not None:
            store.promotion_codes[promotion_code_id]["times_redeemed"] += 1


def _optional_int(params: Mapping[str, Any], name: str) -> int | None:
    if params.get(name) in (None, ""):
        return None
    return wire.parse_int(params[name], name, minimum=1)


def _coupon_off(params: Mapping[str, Any]) -> tuple[float | None, int | None, str | None]:
    """What a coupon takes off: a percentage (over 0, at most 100), or an amount in a
    currency; exactly one of them. With the currency given, if any."""
    percent_raw = params.get("percent_off")
    amount_raw = params.get("amount_off")
    if (percent_raw in (None, "")) == (amount_raw in (None, "")):
        raise wire.StripeError(
            400, "You must pass either `percent_off` or `amount_off`.", param="percent_off"
        )
    percent_off: float | None = None
    amount_off: int | None = None
    currency = wire.optional_str(params, "currency")
    if percent_raw not in (None, ""):
        try:
            percent_off = float(str(percent_raw))
        except ValueError:
            raise wire.StripeError(
                400, f"Invalid decimal: {percent_raw}", param="percent_off"
            ) from None
        if not 0 < percent_off <= 100:
            raise wire.StripeError(
                400, "percent_off must be greater than 0 and at most 100.", param="percent_off"
            )
    else:
        amount_off = wire.parse_int(amount_raw, "amount_off", minimum=1)
        if currency is None:
            raise wire.StripeError(
                400, "You must pass currency when passing amount_off.", param="currency"
            )
    return percent_off, amount_off, currency


def _redeemed_to_the_limit(redeemable: Mapping[str, Any]) -> bool:
    """A coupon or a promotion code redeemed its ``max_redemptions`` times (Stripe limits and
    counts both alike) can be redeemed no more."""
    limit = redeemable["max_redemptions"]
    return limit is not None and bool(redeemable["times_redeemed"] >= limit)
