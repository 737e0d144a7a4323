"""The index of the asset's modules (booking.module_index): every module a function's init loads
through it is the module the default finders give, a name it does not hold goes to them, and an
index written by another Python, for another place or over other bytecode is not believed."""

from __future__ import annotations

import importlib.util
import marshal
import os
import py_compile
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

from booking import module_index
from tests.support.lambda_init import lambda_env, last_line_printed

# Each module the finder served, against the spec the default finders give for it now.
_SERVED_AS_THE_DEFAULT = """
import importlib, importlib.resources, json, sys
from importlib.machinery import PathFinder, SourceFileLoader
importlib.import_module(f"booking.handlers.{sys.argv[1]}")
from booking import module_index
assert isinstance(sys.meta_path[0], module_index.IndexFinder), sys.meta_path
served, differ = 0, []
for name, module in sorted(sys.modules.items()):
    spec = getattr(module, "__spec__", None)
    if spec is None or not isinstance(spec.loader, module_index.IndexedLoader):
        continue
    served += 1
    parent = sys.modules.get(name.rpartition(".")[0])
    default = PathFinder.find_spec(name, getattr(parent, "__path__", None))
    if default is None:
        differ.append([name, "not found by the default finders"])
        continue
    ours = (spec.origin, spec.cached, spec.submodule_search_locations, spec.has_location,
            spec.parent, spec.loader.name, spec.loader.path,
            isinstance(spec.loader, SourceFileLoader), module.__file__, module.__cached__,
            getattr(module, "__path__", None))
    theirs = (default.origin, default.cached, default.submodule_search_locations,
              default.has_location, default.parent, default.loader.name, default.loader.path,
              type(default.loader) is SourceFileLoader, default.origin, default.cached,
              default.submodule_search_locations)
    if ours != theirs:
        differ.append([name, repr(ours), repr(theirs)])
    if spec.submodule_search_locations is not None:
        files = importlib.resources.files(name)
        if str(files) != spec.submodule_search_locations[0]:
            differ.append([name, "resources", str(files)])
print(json.dumps({"served": served, "differ": differ}))
"""


def _recorded_env(cache: Path) -> dict[str, str]:
    """A function's init as Lambda runs it, its bytecode in ``cache``."""
    return {**lambda_env(), "PYTHONPYCACHEPREFIX": str(cache)}


def _record(function: str, cache: Path) -> None:
    """The recording run (the bundle's, the bench's first run): bytecode and the index."""
    env = _recorded_env(cache)
    env.pop("PYTHONDONTWRITEBYTECODE")
    env[module_index.RECORD_VARIABLE] = "1"
    last_line_printed(f"import booking.handlers.{function}; print('recorded')", env=env)


@pytest.mark.parametrize("function", ["api", "console", "webhook", "reminders"])
def test_every_module_an_init_loads_through_the_index_is_the_default_finders_module(
    function: str, tmp_path: Path
) -> None:
    import json

    _record(function, tmp_path)
    found = json.loads(
        last_line_printed(_SERVED_AS_THE_DEFAULT, function, env=_recorded_env(tmp_path))
    )
    assert found["differ"] == []
    # Ours, pydantic's, botocore's, Powertools'...: every module of the asset (not the
    # standard library's) but the two loaded before the finder is put first.
    assert found["served"] > 200, found


def _unchecked_module(directory: Path, name: str, text: str) -> tuple[str, str]:
    source = directory / f"{name}.py"
    source.write_text(text)
    cached = importlib.util.cache_from_source(str(source))
    mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
    py_compile.compile(str(source), cfile=cached, doraise=True, invalidation_mode=mode)
    return str(source), cached


def _write_index(path: Path, recorded_path: tuple[str, ...], entries: dict[str, object]) -> None:
    path.write_bytes(marshal.dumps((importlib.util.MAGIC_NUMBER, recorded_path, entries)))


@pytest.fixture
def index_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The index read from a file of the test's; ``sys.meta_path`` and ``sys.path`` restored."""
    index = tmp_path / "index.marshal"
    monkeypatch.setattr(module_index, "index_file", lambda: str(index))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv(module_index.RECORD_VARIABLE, raising=False)
    return index


def test_a_module_of_the_index_is_imported_from_its_recorded_bytecode(
    tmp_path: Path, index_at: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = tmp_path / "asset"
    modules.mkdir()
    source, cached = _unchecked_module(modules, "indexed_one", "ANSWER = 1\n")
    sys.path.insert(0, str(modules))
    _write_index(index_at, tuple(sys.path), {"indexed_one": (source, cached, None, str(modules))})
    module_index.install()
    Path(source).write_text("ANSWER = 2\n")  # an unchecked-hash .pyc is believed as it is
    monkeypatch.delitem(sys.modules, "indexed_one", raising=False)
    import indexed_one  # type: ignore[import-not-found]

    assert isinstance(indexed_one.__spec__.loader, module_index.IndexedLoader)
    assert indexed_one.ANSWER == 1
    assert indexed_one.__file__ == source
    assert indexed_one.__cached__ == cached


def test_a_name_not_in_the_index_goes_to_the_finders_after_it(
    tmp_path: Path, index_at: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = tmp_path / "asset"
    modules.mkdir()
    (modules / "not_indexed.py").write_text("ANSWER = 3\n")
    sys.path.insert(0, str(modules))
    _write_index(index_at, tuple(sys.path), {})
    module_index.install()
    assert isinstance(sys.meta_path[0], module_index.IndexFinder)
    monkeypatch.delitem(sys.modules, "not_indexed", raising=False)
    import not_indexed  # type: ignore[import-not-found]

    assert type(not_indexed.__spec__.loader) is SourceFileLoader
    assert not_indexed.ANSWER == 3


def test_an_index_for_another_place_is_not_believed(tmp_path: Path) -> None:
    """A top-level name found under a path entry that is not where the recording had it, or
    every entry before it, is left to the default finders; so is a submodule asked about for
    a package whose ``__path__`` does not hold the recorded directory."""
    entry = ("/asset/x.py", "/asset/__pycache__/x.pyc", None, "/asset")
    finder = module_index.IndexFinder({"x": entry}, frozenset())
    assert finder.find_spec("x") is None
    assert finder.find_spec("x", ["/elsewhere"]) is None
    assert finder.find_spec("x", ["/asset"]) is not None
    trusted = module_index.IndexFinder({"x": entry}, frozenset({"/asset"}))
    assert trusted.find_spec("x") is not None


def test_sys_path_other_than_recorded_trusts_only_the_entries_before_the_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "path", ["/a", "/new", "/b"])
    assert module_index._trusted(("/a", "/b")) == frozenset({"/a"})
    assert module_index._trusted(("/other", "/a")) == frozenset()


def test_an_index_of_another_python_is_not_read(index_at: Path) -> None:
    index_at.write_bytes(marshal.dumps((b"\x00\x00\r\n", tuple(sys.path), {})))
    finders = list(sys.meta_path)
    module_index.install()
    assert sys.meta_path == finders
    index_at.write_bytes(b"not an index")
    module_index.install()
    assert sys.meta_path == finders


def test_bytecode_checked_against_its_source_is_checked_as_before(tmp_path: Path) -> None:
    """A timestamp ``.pyc`` (not the asset's) goes through the standard loader's checks: its
    source changed, the new source is what runs."""
    source = tmp_path / "timed.py"
    source.write_text("ANSWER = 1\n")
    cached = importlib.util.cache_from_source(str(source))
    py_compile.compile(str(source), cfile=cached, doraise=True)
    source.write_text("ANSWER = 22\n")
    os.utime(source, (1, 1))
    code = module_index.IndexedLoader("timed", str(source), cached).get_code("timed")
    assert code is not None
    namespace: dict[str, object] = {}
    exec(code, namespace)  # noqa: S102 - the test's own module
    assert namespace["ANSWER"] == 22


def test_the_bundles_index_names_the_asset_where_lambda_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recording run found a dependency in the build host's copy and ours in the asset:
    both are named under /var/task, and a module the asset holds no bytecode of is left out."""
    host, asset = tmp_path / "host", tmp_path / "asset"
    for root in (host, asset):
        (root / "dep").mkdir(parents=True)
        (root / "dep" / "__init__.py").write_text("")
    (asset / "ours.py").write_text("")
    (asset / "gone.py").write_text("")
    for relative in ("dep/__init__.py", "ours.py"):
        py_compile.compile(str(asset / relative), doraise=True)
    index = asset / "index.marshal"
    monkeypatch.setattr(module_index, "index_file", lambda: str(index))
    _write_index(
        index,
        (str(host), str(asset)),
        {
            "dep": (f"{host}/dep/__init__.py", "x", [f"{host}/dep"], str(host)),
            "ours": (f"{asset}/ours.py", "x", None, str(asset)),
            "gone": (f"{asset}/gone.py", "x", None, str(asset)),
        },
    )
    assert module_index.relocate(str(asset), (str(host), str(asset)), "/var/task") == 2
    _, recorded_path, entries = marshal.loads(index.read_bytes())  # noqa: S302
    tag = sys.implementation.cache_tag
    assert recorded_path == ("/var/task",)
    assert entries == {
        "dep": (
            "/var/task/dep/__init__.py",
            f"/var/task/dep/__pycache__/__init__.{tag}.pyc",
            ["/var/task/dep"],
            "/var/task",
        ),
        "ours": ("/var/task/ours.py", f"/var/task/__pycache__/ours.{tag}.pyc", None, "/var/task"),
    }
