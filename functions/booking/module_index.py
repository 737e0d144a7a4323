"""Modules found from one index written with the asset, not looked for on every cold start.

Before a module's code runs, Python's import machinery looks for it: for each entry of
``sys.path`` (or of its package's ``__path__``) a ``stat`` of the directory, a look in that
directory's listing, a ``stat`` of the file found, a ``stat`` of the source beside its
bytecode, then the bytecode's ``open`` and read, each step in Python; about 0.28 million
instructions a module (docs/cold-start.md), and a function's init loads 300 to 700 modules.
In Lambda the asset is read-only and built by us, so where each of its modules is cannot
change after the bundle: the recording run that writes the dataclasses' record
(``booking.dataclass_code``, ``infra/cdk/bundle.py``) writes, beside it, which file every
module it imported from the asset came from (ours and the dependencies'; never the standard
library's, which is the runtime's and not ours), and in Lambda a finder first on
``sys.meta_path`` answers those names from that index. Everything else (the standard library,
builtins, extension modules, namespace packages, a name not recorded) goes to the finders after
it, as before.

A module found here is the module the default finders would give: the same loader class
(``SourceFileLoader``, so ``importlib.resources`` and ``__file__`` read its package's files as
before), the same ``__file__``, ``__spec__``, ``__cached__`` and ``__path__``
(tests/unit/test_module_index.py holds each function's init to it). The index is not used when
it was written by another Python (its magic number), for another place (each entry names the
path it was found under: a name is answered only when that entry, and every entry before it,
is where the recording had them on ``sys.path``, or in the package's ``__path__`` asked
about), or for other content: a module's bytecode is read as the default would read it, and
only an unchecked-hash ``.pyc`` (the asset's, PEP 552) is believed without a look at its
source; any other goes through the standard loader's own checks.
"""

import _imp
import atexit
import marshal
import os
import sys
from importlib.machinery import ModuleSpec, SourceFileLoader
from importlib.util import MAGIC_NUMBER, cache_from_source
from types import CodeType, ModuleType
from typing import Any

RECORD_VARIABLE = "BOOKING_RECORD_DATACLASS_CODE"
# Flags of a hash-based .pyc whose source is never checked (PEP 552): the asset's.
_UNCHECKED_HASH = 0b01

# name -> (origin, cached, the package's search locations or None, the path entry it was
# found under (for a top-level name) or its parent's directory)
Entry = tuple[str, str, list[str] | None, str]
Index = tuple[bytes, tuple[str, ...], dict[str, Entry]]


def index_file() -> str:
    """Where this interpreter's index is: beside this module's ``.pyc``, as the dataclasses'
    record is (``PYTHONPYCACHEPREFIX`` honoured)."""
    return os.path.splitext(cache_from_source(__file__))[0] + ".marshal"


class IndexedLoader(SourceFileLoader):
    """The standard source loader, reading an unchecked-hash ``.pyc`` without looking at its
    source (as the standard one would use it without looking: PEP 552)."""

    def __init__(self, fullname: str, path: str, cached: str) -> None:
        super().__init__(fullname, path)
        self._cached = cached

    def get_code(self, fullname: str) -> CodeType | None:
        try:
            with open(self._cached, "rb") as held:
                data = held.read()
        except OSError:
            return super().get_code(fullname)
        unchecked = int.from_bytes(data[4:8], "little") == _UNCHECKED_HASH
        if data[:4] != MAGIC_NUMBER or not unchecked or _imp.check_hash_based_pycs == "always":
            return super().get_code(fullname)  # checked against its source, as before
        code = marshal.loads(memoryview(data)[16:])  # noqa: S302 - the asset's own bytecode
        if not isinstance(code, CodeType):
            return super().get_code(fullname)
        return code


class IndexFinder:
    """A meta path finder answering the recorded names (first on ``sys.meta_path``)."""

    def __init__(self, entries: dict[str, Entry], trusted: frozenset[str]) -> None:
        self._entries = entries
        self._trusted = trusted  # path entries where sys.path is as it was recorded

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        entry = self._entries.get(fullname)
        if entry is None:
            return None
        origin, cached, locations, found_under = entry
        if path is None:
            if found_under not in self._trusted:
                return None
        elif found_under not in path:
            return None
        spec = ModuleSpec(
            fullname,
            IndexedLoader(fullname, origin, cached),
            origin=origin,
            is_package=locations is not None,
        )
        if locations is not None:
            spec.submodule_search_locations = list(locations)
        spec.cached = cached
        spec.has_location = True
        return spec

    def invalidate_caches(self) -> None:
        """Nothing cached beyond the index itself."""


def _trusted(recorded_path: tuple[str, ...]) -> frozenset[str]:
    """The recorded path entries before which ``sys.path`` is as it was recorded: a name found
    under one is found there first now too."""
    trusted = set()
    for at, entry in enumerate(recorded_path):
        if at >= len(sys.path) or sys.path[at] != entry:
            break
        trusted.add(entry)
    return frozenset(trusted)


def _read(path: str) -> Index | None:
    try:
        with open(path, "rb") as index:
            record = marshal.loads(index.read())  # noqa: S302 - the asset's own file
        magic, recorded_path, entries = record
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if magic != MAGIC_NUMBER or not isinstance(entries, dict):
        return None
    return magic, tuple(recorded_path), entries


def install() -> None:
    """Put the index's finder first on ``sys.meta_path`` (Lambda; ``booking/__init__.py``); a
    recording process records the index when it exits. No index, nothing changes."""
    if os.environ.get(RECORD_VARIABLE):
        atexit.register(_record)
        return
    record = _read(index_file())
    if record is None:
        return
    _, recorded_path, entries = record
    sys.meta_path.insert(0, IndexFinder(entries, _trusted(recorded_path)))


def _standard_library() -> tuple[str, str]:
    """The runtime's own library directory, and the directory of the packages installed into
    it (not the runtime's: the dependencies', where they are installed there)."""
    standard = os.path.join(os.path.dirname(os.__file__), "")
    return standard, os.path.join(standard, "site-packages", "")


def entries_of(
    modules: dict[str, ModuleType], path: list[str], standard: tuple[str, str]
) -> dict[str, Entry]:
    """The index's entries for ``modules``: each one a ``SourceFileLoader`` loaded from a
    ``.pyc`` outside ``standard``, and found under ``path`` (a top-level one) or under its
    package's ``__path__``."""
    entries: dict[str, Entry] = {}
    for name, module in modules.items():
        spec = getattr(module, "__spec__", None)
        if spec is None or type(spec.loader) is not SourceFileLoader:
            continue
        origin, cached = spec.origin, spec.cached
        if not (origin and cached):
            continue
        if origin.startswith(standard[0]) and not origin.startswith(standard[1]):
            continue
        found_under = _found_under(name, origin, spec.submodule_search_locations, modules, path)
        if found_under is None:
            continue
        locations = spec.submodule_search_locations
        held_locations = None if locations is None else list(locations)
        entries[name] = (origin, cached, held_locations, found_under)
    return entries


def _found_under(
    name: str,
    origin: str,
    locations: list[str] | None,
    modules: dict[str, ModuleType],
    path: list[str],
) -> str | None:
    """The entry of ``sys.path`` (top-level) or of the parent's ``__path__`` the module's file
    is in, or None when it is in none (a module loaded some other way)."""
    directory = os.path.dirname(origin)
    if locations is not None:  # a package: its __init__'s directory is inside the entry
        directory = os.path.dirname(directory)
    parent, _, _ = name.rpartition(".")
    within = path if not parent else list(getattr(modules.get(parent), "__path__", None) or ())
    return directory if directory in within else None


def _as_the_asset_holds_it(entries: dict[str, Entry]) -> None:
    """Each entry's bytecode as an unchecked-hash ``.pyc``, as the bundle compiles the asset's,
    in a process that writes bytecode (the bench's first run writes it by importing, with
    timestamps; the bundle's recording run writes none, its asset compiled before)."""
    import py_compile

    if sys.dont_write_bytecode:
        return
    for origin, cached, _, _ in entries.values():
        try:
            with open(cached, "rb") as held:
                header = held.read(8)
        except OSError:
            continue
        if int.from_bytes(header[4:8], "little") != _UNCHECKED_HASH:
            unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH
            py_compile.compile(origin, cfile=cached, doraise=True, invalidation_mode=unchecked)


def _record() -> None:
    """Write the index of every module this process loaded from outside the standard library
    (other processes' entries kept), its bytecode as the asset holds it."""
    entries = entries_of(dict(sys.modules), list(sys.path), _standard_library())
    path = index_file()
    held = _read(path)
    if held is not None and held[1] == tuple(sys.path):
        entries = {**held[2], **entries}
    _as_the_asset_holds_it(entries)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{os.getpid()}"
    with open(partial, "wb") as written:
        written.write(marshal.dumps((MAGIC_NUMBER, tuple(sys.path), entries)))
    os.replace(partial, path)


def relocate(asset: str, found_in: tuple[str, ...], task_root: str) -> int:
    """Make the index the bundle's recording run wrote in ``asset`` name the asset's files where
    Lambda has them (under ``task_root``): the run found the modules in ``found_in`` (the
    build host's dependencies, then the asset). A module whose file or bytecode the asset does
    not hold is left out (the finders after this one look for it). Returns how many remain."""
    path = index_file()
    record = _read(path)
    if record is None:
        return 0

    def moved(where: str) -> str | None:
        for root in found_in:
            if where == root:
                return task_root
            if where.startswith(os.path.join(root, "")):
                return os.path.join(task_root, os.path.relpath(where, root))
        return None

    entries: dict[str, Entry] = {}
    for name, (origin, _, locations, found_under) in record[2].items():
        there, under = moved(origin), moved(found_under) or task_root
        if there is None or not os.path.isfile(os.path.join(asset, there[len(task_root) + 1 :])):
            continue
        cached = cache_from_source(there)
        if not os.path.isfile(os.path.join(asset, cached[len(task_root) + 1 :])):
            continue
        held_locations = None if locations is None else [moved(p) or p for p in locations]
        entries[name] = (there, cached, held_locations, under)
    with open(path, "wb") as written:
        written.write(marshal.dumps((MAGIC_NUMBER, (task_root,), entries)))
    return len(entries)
