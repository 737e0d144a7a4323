"""Issue 22's limits, held: no module of the code over 450 lines, no function over 60 (radon's
grade C is held by ruff's C90 in ``make lint``)."""

from __future__ import annotations

from pathlib import Path

from tests.support.code_sizes import FUNCTION_LINES, MODULE_LINES, too_long

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_or_function_of_the_code_is_over_its_limit() -> None:
    folders = [str(ROOT / name) for name in ("functions", "infra", "bench")]
    assert too_long(folders) == []


def test_a_module_and_a_function_over_their_limits_are_found(tmp_path: Path) -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n" + "\n" * MODULE_LINES)
    assert too_long([str(tmp_path)]) == [
        f"module   {tmp_path / 'long.py'}: {FUNCTION_LINES + 1 + MODULE_LINES} lines",
        f"function {tmp_path / 'long.py'}:1 long: {FUNCTION_LINES + 1} lines",
    ]
