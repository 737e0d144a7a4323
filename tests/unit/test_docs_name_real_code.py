"""Where the README or a page under docs/ names a rule as ``module.function``
(``invoice_requests.invoice_offered``), a module of ours by that name holds it: a rule moved
to another module left a page naming the old one, and a newcomer who followed it found
nothing there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "functions" / "booking"
# `module.name` in backticks, the module perhaps under a dotted path (`domain.text.flattened`).
NAMED = re.compile(r"`(?:[a-z_]+\.)*([a-z_]+)\.([A-Za-z_][A-Za-z_0-9]*)`")
FILE_ENDINGS = {"py", "ics", "json", "md", "csv", "eml", "pdf", "html", "txt"}


def _documents() -> list[Path]:
    # docs/API.md is generated from the OpenAPI document: its dotted names are JSON fields.
    pages = [p for p in (ROOT / "docs").rglob("*.md") if p.name != "API.md"]
    return [ROOT / "README.md", *pages]


def _modules() -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        sources.setdefault(path.stem, []).append(path.read_text(encoding="utf-8"))
    return sources


def _defines(source: str, name: str) -> bool:
    return bool(
        re.search(rf"^\s*(?:async def|def|class)\s+{name}\b|^\s*{name}\s*[:=]", source, re.M)
    )


def test_each_rule_a_document_names_is_in_the_module_it_names() -> None:
    modules = _modules()
    wrong = []
    for document in _documents():
        for module, name in NAMED.findall(document.read_text(encoding="utf-8")):
            if name in FILE_ENDINGS or module not in modules:
                continue  # a file's name, or a module not ours (`concurrent.futures`)
            if not any(_defines(source, name) for source in modules[module]):
                wrong.append(f"{document.relative_to(ROOT)}: {module}.{name}")
    assert wrong == []
