"""Deployment settings read from CDK context (``-c key=value`` or cdk.json)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Node

Stage = Literal["dev", "prod"]

REPO_ROOT = Path(__file__).resolve().parents[2]
# The documentation domains (RFC 2606): the Makefile's placeholder sender is one. SES can never
# verify them, so prod refuses them at synth rather than failing every email into the DLQ.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")


@dataclass(frozen=True)
class StageConfig:
    stage: Stage
    # Browser origin of the public site: the only origin CORS allows.
    site_origin: str
    # "From" address of every email; must be covered by the SES identity below.
    sender_email: str
    # SES identity to create: a domain ("example.org", preferred: DKIM for every address) or
    # the sender address itself (quick start; SES sends a verification link to it).
    ses_identity: str
    # Links in emails and Checkout return URLs. Empty means "use the API endpoint".
    public_base_url: str
    # Optional address subscribed to the alarm topic (confirmation mail from SNS).
    alarm_email: str
    # Directory holding the built Lambda asset (see bundle.py).
    asset_dir: Path
    # Cognito managed-login domain prefix (globally unique per region). Empty means derive.
    auth_domain_prefix: str
    # Fail instead of falling back to functions/ when asset_dir is missing. `make deploy` sets
    # it: the fallback has no third-party packages and would deploy functions that cannot import.
    require_asset: bool = False

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def removal_policy(self) -> RemovalPolicy:
        # Prod data (bookings, logs, users, secrets) must survive `cdk destroy` and resource
        # replacement; dev is disposable.
        return RemovalPolicy.RETAIN if self.is_prod else RemovalPolicy.DESTROY

    @property
    def log_retention(self) -> logs.RetentionDays:
        # Long enough to investigate a payment dispute in prod; short and cheap in dev.
        return logs.RetentionDays.THREE_MONTHS if self.is_prod else logs.RetentionDays.TWO_WEEKS

    @property
    def prefix(self) -> str:
        return f"booking-{self.stage}"

    @classmethod
    def from_node(cls, node: Node) -> StageConfig:
        def ctx(key: str, default: str) -> str:
            value = node.try_get_context(key)
            return default if value is None else str(value).strip()

        stage = ctx("stage", "dev")
        if stage not in ("dev", "prod"):
            raise ValueError(f"context 'stage' must be dev or prod, got {stage!r}")
        site_origin = ctx("site_origin", "http://localhost:5173").rstrip("/")
        if not site_origin.startswith(("https://", "http://localhost")):
            # A plain-http origin on the internet would let a network attacker script the site.
            raise ValueError("context 'site_origin' must be https:// (or http://localhost)")
        if stage == "prod" and not site_origin.startswith("https://"):
            raise ValueError("prod needs an https:// site_origin")
        sender = ctx("sender_email", "bookings@example.org")
        if "@" not in sender:
            raise ValueError("context 'sender_email' must be an email address")
        if stage == "prod" and sender.rsplit("@", 1)[1].lower() in PLACEHOLDER_DOMAINS:
            raise ValueError(
                f"prod needs a real sender_email (SENDER_EMAIL): {sender} is a placeholder "
                "that SES can never verify"
            )
        asset = Path(ctx("asset_dir", "build/lambda"))
        return cls(
            stage=cast(Stage, stage),
            site_origin=site_origin,
            sender_email=sender,
            ses_identity=ctx("ses_identity", sender.split("@", 1)[1]),
            public_base_url=ctx("public_base_url", "").rstrip("/"),
            alarm_email=ctx("alarm_email", ""),
            asset_dir=asset if asset.is_absolute() else REPO_ROOT / asset,
            auth_domain_prefix=ctx("auth_domain_prefix", ""),
            require_asset=ctx("require_asset", "false").lower() in ("1", "true", "yes"),
        )
