"""A stage is synthesized once a run and read back by every other test process: what they read
is what was synthesized (tests/infra/conftest.py)."""

from __future__ import annotations

import pytest

from tests.infra.conftest import DEV_CONTEXT, Synth, run_dir, synthesized_once


def test_a_stage_read_back_is_the_stage_synthesized(
    dev: Synth, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The run has synthesized dev (the fixture): asking again reads it back.
    again = synthesized_once("dev", DEV_CONTEXT, run_dir(tmp_path_factory))
    assert again is not dev
    assert again.raw == dev.raw
    assert (again.stack_name, again.warnings, again.outdir) == (
        dev.stack_name,
        dev.warnings,
        dev.outdir,
    )
    assert again.template.to_json() == dev.template.to_json()
