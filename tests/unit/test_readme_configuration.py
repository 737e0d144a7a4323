"""The README's configuration table names every setting the code reads, and only those: the
functions' settings (``booking.config.Settings``, one environment variable per field) and what
the local stack honours. A newcomer found two the functions read (the mailer's claim timeout,
the Stripe stand-in's address) that the table never named."""

from __future__ import annotations

import re
from pathlib import Path

from booking.config import Settings

ROOT = Path(__file__).resolve().parents[2]
# What `make run` honours beyond the functions' settings (the contract's list, and the CLI's).
LOCAL_STACK = {"PORT", "OUTBOX_DIR", "ADMIN_TOKEN", "AWS_ENDPOINT_URL"}


def _table_names() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def _read_by_the_code(name: str) -> bool:
    if name.lower() in Settings.model_fields:  # read as the field's name, upper-cased
        return True
    sources = [*ROOT.glob("functions/**/*.py"), *ROOT.glob("infra/**/*.py")]
    return any(name in path.read_text(encoding="utf-8") for path in sources)


def test_every_setting_the_functions_read_is_in_the_table() -> None:
    settings = {field.upper() for field in Settings.model_fields}
    assert settings - _table_names() == set()


def test_the_table_names_what_the_local_stack_honours() -> None:
    assert LOCAL_STACK - _table_names() == set()


def test_every_name_in_the_table_is_read_by_the_code() -> None:
    assert [name for name in sorted(_table_names()) if not _read_by_the_code(name)] == []
