"""The discount code verbs (``discount-code``, ``codes``, ``expire-code``): a code's terms and
standing in words, as the console's codes page says them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from booking.cli.client import course_path, get_json, post_json, segment
from booking.cli.said import answered, course_named, instant
from booking.domain.billing import code_expires_at
from booking.domain.wording import discount_words, moment_when, redemptions_words, uses_words

_MOMENTS = ("expires_at", "expired_at")


def code_terms(url: str, code: dict[str, Any]) -> str:
    """ "50% off, 1 of 10 used, 9 left, until ...; at Stripe: Active, ...": its last moment
    (or "no end date") and, once an organiser expired it, when, by date and the course's
    time (UK time), as the console says them."""
    off = discount_words(code["percent_off"], code["amount_off"], code["currency"])
    expires, expired = (instant(code[k]) if code.get(k) else None for k in _MOMENTS)
    active = code.get("active", True)
    ended = not active or (expires is not None and expires <= datetime.now(UTC))
    said = f"{off}, {uses_words(code['times_used'], code['max_uses'], ended=ended)}"
    course = (
        get_json(f"{url}/courses/{quote(code['course_id'])}", None) if expires or expired else {}
    )
    zone = course.get("timezone", "")
    if expires is not None:
        said += f", until {moment_when(expires, zone)}"
    elif active:
        said += ", no end date"
    if not active:
        said += ", expired by an organiser" + (
            f" on {moment_when(expired, zone)}" if expired else ""
        )
    stripe = redemptions_words(code.get("stripe_active"), code.get("stripe_times_redeemed"))
    return f"{said}; at Stripe: {stripe}"


def last_moment(url: str, course_id: str, last_day: date) -> str:
    """A code's last moment when it works through ``last_day``: 23:59 that day in the course's
    own clock, as the console's *Last day it works* makes it (``code_expires_at``)."""
    course = get_json(f"{url}/courses/{segment(course_id, 'course')}", None)
    return code_expires_at(last_day, course["timezone"]).isoformat()


def discount_code(
    url: str, token: str | None, course_id: str, code: dict[str, Any], *, as_json: bool = False
) -> str:
    made = post_json(f"{course_path(url, course_id)}/discount-codes", token, code)
    if as_json:
        return answered(made)
    course = course_named(url, made["course_id"])
    return f"made {made['code']} on {course}: {code_terms(url, made)}"


def _code_line(url: str, code: dict[str, Any]) -> str:
    return f"{code['code']}: {code_terms(url, code)}"


def list_codes(url: str, token: str | None, course_id: str, *, as_json: bool = False) -> str:
    codes = get_json(f"{course_path(url, course_id)}/discount-codes", token)
    if as_json:
        return answered(codes)
    if not codes:
        return "No discount codes on this course yet."
    return "\n".join(_code_line(url, code) for code in codes)


def expire_code(
    url: str, token: str | None, course_id: str, code: str, *, as_json: bool = False
) -> str:
    course = course_path(url, course_id)
    path = f"{course}/discount-codes/{segment(code, 'discount code')}/expire"
    expired = post_json(path, token, {})
    return answered(expired) if as_json else f"expired {_code_line(url, expired)}"
