"""The Stripe stand-in's fixtures (``standin``, ``client``, ``clock``, ``webhooks``) for every
unit test that drives it; a test module's own fixture of the same name takes precedence."""

from __future__ import annotations

from tests.support.standin import client, clock, standin, webhooks

__all__ = ["client", "clock", "standin", "webhooks"]
