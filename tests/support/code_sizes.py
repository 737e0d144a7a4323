"""Lists the modules over 450 lines and the functions over 60 (issue 22's limits), for a review.

Run: `.venv/bin/python -m tests.support.code_sizes [folders...]` (default: functions infra bench).
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


def main(folders: list[str]) -> int:
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MODULE_LINES:
                print(f"module   {path}: {lines} lines")
            for name, first, length in long_functions(path):
                print(f"function {path}:{first} {name}: {length} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["functions", "infra", "bench"]))
