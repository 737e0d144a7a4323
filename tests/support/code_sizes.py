"""Lists the modules over 450 lines and the functions over 60 (issue 22's limits).

Run: `.venv/bin/python -m tests.support.code_sizes [folders...]` (default: functions infra bench);
``tests/unit/test_code_sizes.py`` holds the limits.
A function's length is from its first decorator to its last line, as a reader scrolls it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MODULE_LINES = 450
FUNCTION_LINES = 60


def long_functions(path: Path) -> Iterator[tuple[str, int, int]]:
    """Each function in the module longer than FUNCTION_LINES: its name, first line and length."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            last = node.end_lineno or node.lineno
            length = last - first + 1
            if length > FUNCTION_LINES:
                yield node.name, first, length


def too_long(folders: list[str]) -> list[str]:
    """Each module and function over its limit in ``folders``, said as a reader would look."""
    found: list[str] = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MODULE_LINES:
                found.append(f"module   {path}: {lines} lines")
            for name, first, length in long_functions(path):
                found.append(f"function {path}:{first} {name}: {length} lines")
    return found


def main(folders: list[str]) -> int:
    for line in too_long(folders):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["functions", "infra", "bench"]))
