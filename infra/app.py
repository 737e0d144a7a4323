"""CDK entry point: ``cdk synth -c stage=dev|prod -c site_origin=https://... -c sender_email=...``.

Run from the repo root (cdk.json: ``.venv/bin/python -m infra.app``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Environment, Tags

from infra.cdk.config import StageConfig
from infra.cdk.nag import add_nag
from infra.cdk.stack import BookingStack


def build_app(
    context: Mapping[str, Any] | None = None,
    *,
    nag: bool = True,
    outdir: str | None = None,
) -> tuple[App, BookingStack]:
    app = App(context=dict(context or {}), outdir=outdir)
    config = StageConfig.from_node(app.node)
    # Account/region come from the CLI's credentials at deploy time; without them (tests,
    # offline synth) the stack is environment-agnostic.
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    env = Environment(account=account, region=region) if account and region else None
    stack = BookingStack(
        app,
        f"Booking-{config.stage}",
        config=config,
        env=env,
        description=f"Course booking backend ({config.stage})",
        termination_protection=config.is_prod,
    )
    Tags.of(stack).add("project", "course-booking")
    Tags.of(stack).add("stage", config.stage)
    if nag:
        add_nag(app)
    return app, stack


def main() -> None:
    app, _ = build_app()
    app.synth()


if __name__ == "__main__":
    main()
