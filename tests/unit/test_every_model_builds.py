"""Every model of ours builds: each is built on first use
(``booking.domain.model``), so a mistyped annotation no longer fails the import; a fresh
interpreter imports every ``booking`` module and builds every model they define, as a
SnapStart snapshot does, so such a model fails here and not in a request."""

from __future__ import annotations

import json

from tests.support.lambda_init import fresh_run, lambda_env, last_line_printed

_BUILD_EVERY_MODEL = """
import importlib, json, pkgutil, sys
import booking
for module in pkgutil.walk_packages(booking.__path__, "booking."):
    if not module.name.endswith(".__main__"):  # a program: importing it runs it
        importlib.import_module(module.name)
exec(sys.argv[1])  # a model more, defined after the imports (none: "")
from booking.domain.model import build_every_model
print(json.dumps({"built": build_every_model()}))
"""


def test_every_module_imports_and_every_model_it_defines_builds() -> None:
    built = json.loads(last_line_printed(_BUILD_EVERY_MODEL, "", in_lambda=False))["built"]
    assert built > 70  # 82 today: every module was walked, not a few


def test_a_mistyped_model_fails_the_build() -> None:
    """The check can fail: a model naming a type never defined imports, and fails its build."""
    mistyped = (
        "from booking.domain.model import Model\n"
        "class Mistyped(Model):\n"
        "    when: 'Undefinedname'\n"
    )
    answer = fresh_run(_BUILD_EVERY_MODEL, mistyped, env=lambda_env(in_lambda=False))
    assert answer.returncode != 0
    failed = answer.stderr[-3000:]
    assert "build_every_model" in failed, failed  # imported fine; its build failed
    assert "name 'Undefinedname' is not defined" in failed, failed
