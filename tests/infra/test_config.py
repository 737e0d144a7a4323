"""Context handling: stage, origins and the asset directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy

from infra.cdk.config import REPO_ROOT, StageConfig

pytestmark = pytest.mark.infra


def config(**context: Any) -> StageConfig:
    return StageConfig.from_node(App(context=context).node)


def test_defaults_to_dev() -> None:
    c = config()
    assert c.stage == "dev"
    assert c.removal_policy == RemovalPolicy.DESTROY
    assert c.asset_dir == REPO_ROOT / "build" / "lambda"
    assert c.ses_identity == "example.org"


def test_prod_retains() -> None:
    c = config(
        stage="prod", site_origin="https://book.example.org", sender_email="bookings@booking.test"
    )
    assert c.is_prod
    assert c.removal_policy == RemovalPolicy.RETAIN


@pytest.mark.parametrize(
    "context",
    [
        {"stage": "staging"},
        {"site_origin": "http://book.example.org"},
        {"stage": "prod", "site_origin": "http://localhost:5173"},
        {"sender_email": "not-an-address"},
        # Fail closed, as the webhook does without its secret: the Makefile's placeholder
        # sender (SENDER_EMAIL unset) is refused at synth.
        {"stage": "prod", "site_origin": "https://book.example.org"},
        {
            "stage": "prod",
            "site_origin": "https://book.example.org",
            "sender_email": "bookings@Example.COM",
        },
    ],
)
def test_rejects_bad_context(context: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"context|prod"):
        config(**context)


def test_ses_identity_can_be_the_address_itself(tmp_path: Path) -> None:
    c = config(
        sender_email="me@example.org", ses_identity="me@example.org", asset_dir=str(tmp_path)
    )
    assert c.ses_identity == "me@example.org"
    assert c.asset_dir == tmp_path


def test_require_asset_refuses_the_offline_fallback(tmp_path: Path) -> None:
    from infra.app import build_app

    with pytest.raises(FileNotFoundError, match="not built"):
        build_app(
            {"asset_dir": str(tmp_path / "missing"), "require_asset": "true"},
            nag=False,
            outdir=str(tmp_path / "out"),
        )


def test_built_asset_dir_is_used_when_present(tmp_path: Path) -> None:
    from aws_cdk import aws_lambda as lambda_

    from infra.cdk.functions import lambda_code

    built = tmp_path / "lambda"
    (built / "booking").mkdir(parents=True)
    (built / "booking" / "__init__.py").write_text("")
    (built / "stripe").mkdir()
    app = App(context={"asset_dir": str(built), "require_asset": "true"})
    cfg = StageConfig.from_node(app.node)
    assert cfg.require_asset
    code = lambda_code(cfg)
    assert isinstance(code, lambda_.AssetCode)
    assert code.path == str(built)
