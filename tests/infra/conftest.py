"""Shared fixtures for the CDK tests: synth is slow (jsii), so each stage is synthesized once."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

# jsii prints a multi-line banner on Node 20; must be set before aws_cdk is imported.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import pytest
from aws_cdk import cx_api
from aws_cdk.assertions import Template

DEV_CONTEXT: dict[str, Any] = {
    "stage": "dev",
    "site_origin": "https://book.example.org",
    "sender_email": "bookings@example.org",
    # Point at a directory that never exists so synth uses the offline fallback (functions/).
    "asset_dir": "build/__no_such_asset_dir__",
}
# prod refuses the documentation domains' placeholder sender (``config.PLACEHOLDER_DOMAINS``).
PROD_CONTEXT: dict[str, Any] = {
    **DEV_CONTEXT,
    "stage": "prod",
    "sender_email": "bookings@booking.test",
}


@dataclass(frozen=True)
class Synth:
    template: Template
    raw: dict[str, Any]
    outdir: Path
    stack_name: str
    # What synth warned of (each warning's construct path and words), as `cdk synth` prints it.
    warnings: tuple[str, ...] = ()

    def resources(self, type_: str) -> dict[str, Any]:
        return {k: v for k, v in self.raw["Resources"].items() if v["Type"] == type_}


@pytest.fixture(autouse=True, scope="session")
def _no_aws_environment() -> Iterator[None]:
    """Synth must not need (or pick up) AWS credentials or a target account."""
    blocked = [k for k in os.environ if k.startswith(("AWS_", "CDK_DEFAULT_"))]
    keep = {"AWS_CA_BUNDLE"}
    with mock.patch.dict(os.environ, {}, clear=False):
        for key in blocked:
            if key not in keep:
                os.environ.pop(key, None)
        yield


def synth(context: dict[str, Any], outdir: Path, *, nag: bool = True) -> Synth:
    from infra.app import build_app

    app, stack = build_app(context, nag=nag, outdir=str(outdir))
    assembly = app.synth()  # raises if cdk-nag reports an unacknowledged finding
    artifact = assembly.get_stack_artifact(stack.artifact_id)
    raw = json.loads((outdir / artifact.template_file).read_text())
    warnings = tuple(
        f"{message.id}: {message.entry.data}"
        for message in artifact.messages
        if message.level == cx_api.SynthesisMessageLevel.WARNING
    )
    return Synth(Template.from_json(raw), raw, outdir, stack.stack_name, warnings)


def synthesized_once(stage: str, context: dict[str, Any], directory: Path) -> Synth:
    """The stage synthesized once for the whole run, whichever test process asks first; the
    others read what it wrote (the template, the stack's name, synth's warnings) and share its
    output directory. ``make test`` spreads the CDK test files over its workers, and each
    worker synthesized each stage again: several seconds of jsii's CPU a stage."""
    outdir = directory / f"cdk-{stage}"
    saved = directory / f"cdk-{stage}.json"
    with (directory / f"cdk-{stage}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if saved.exists():
            kept = json.loads(saved.read_text())
            raw = kept["raw"]
            return Synth(
                Template.from_json(raw), raw, outdir, kept["stack_name"], tuple(kept["warnings"])
            )
        made = synth(context, outdir)
        kept = {"raw": made.raw, "stack_name": made.stack_name, "warnings": made.warnings}
        saved.write_text(json.dumps(kept))
        return made


def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's temporary directory: under pytest-xdist, the one its workers' own sit in."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesized_once("dev", DEV_CONTEXT, run_dir(tmp_path_factory))


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesized_once("prod", PROD_CONTEXT, run_dir(tmp_path_factory))
