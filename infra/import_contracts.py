"""An import-linter contract that names imports by their full dotted names (``make lint``).

import-linter's own ``forbidden`` contract sees each outside package as one squashed module
(``urllib``, ``aws_lambda_powertools``), so it cannot forbid ``urllib.request`` while allowing
``urllib.parse``, nor Powertools' parameters utility while allowing its ``Logger``; and it can
only list what is forbidden, never what alone is allowed. This contract reads every ``import``
statement of the source packages (lazy imports inside functions included) and checks each
dotted name:

- ``forbidden_modules``: names (ours or outside ones) that may not be imported directly, a name
  standing for itself and everything under it;
- ``allowed_modules`` (optional): when given, the only outside packages allowed at all;
  ``stdlib`` stands for the standard library (``sys.stdlib_module_names``). A forbidden name
  wins over an allowed one (``urllib.request`` within the standard library).

Only direct imports count: a handler may reach an adapter through the bootstrap, the one place
that builds adapters, which the layers contract keeps in its place.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

STANDARD_LIBRARY = "stdlib"


@dataclass(frozen=True)
class RefusedImport:
    importer: str
    imported: str
    line: int


def imported_names(node: ast.Import | ast.ImportFrom, importer: str) -> list[tuple[str, bool]]:
    """The dotted names one statement imports, each with whether it is a member taken from a
    module (``from a.b import c`` names ``a.b``, and ``a.b.c`` as a member: ``c`` may be a
    module or anything in one); relative imports are resolved against ``importer``."""
    if isinstance(node, ast.Import):
        return [(alias.name, False) for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.rsplit(".", node.level)[0]
        base = f"{package}.{base}" if base else package
    members = [(f"{base}.{alias.name}", True) for alias in node.names if alias.name != "*"]
    return [(base, False), *members]


def within(name: str, prefixes: frozenset[str]) -> bool:
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)


class ExternalImportsContract(Contract):
    """The names a package may not import, and (optionally) the only outside ones it may."""

    type_name = "external_imports"

    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        refused: list[RefusedImport] = []
        for source in cast(list[str], self.source_modules):
            for module in sorted({source, *graph.find_descendants(source)}):
                refused += self._refused_in(module)
        return ContractCheck(
            kept=not refused,
            metadata={
                "refused": [(r.importer, r.imported, r.line) for r in refused],
            },
        )

    def _refused_in(self, module: str) -> list[RefusedImport]:
        found = []
        for node in ast.walk(ast.parse(_source_of(module))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                refused = [
                    name
                    for name, member in imported_names(node, module)
                    if self._refuses(name, member=member)
                ]
                # One line per statement: the first name it may not import says why.
                found += [RefusedImport(module, refused[0], node.lineno)] if refused else []
        return found

    def _refuses(self, name: str, *, member: bool) -> bool:
        if within(name, frozenset(cast(list[str], self.forbidden_modules))):
            return True
        allowed = cast(list[str] | None, self.allowed_modules)
        # Whether an outside package is allowed at all is decided by the module named, not by
        # each member taken from it.
        if allowed is None or member:
            return False
        top = name.split(".")[0]
        if top in self._root_packages():
            return False
        if STANDARD_LIBRARY in allowed and top in sys.stdlib_module_names:
            return False
        return not within(name, frozenset(allowed) - {STANDARD_LIBRARY})

    def _root_packages(self) -> set[str]:
        roots = self.session_options.get("root_packages") or [self.session_options["root_package"]]
        return {str(root) for root in roots}

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, line in check.metadata["refused"]:
            output.print_error(f"{importer} is not allowed to import {imported} (l.{line})")
        output.new_line()


def _source_of(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"cannot find the source of {module}")
    return Path(spec.origin).read_text(encoding="utf-8")
