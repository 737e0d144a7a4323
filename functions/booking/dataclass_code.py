"""Dataclasses' generated methods, compiled once and shipped in the asset, as modules' bytecode is.

As each dataclass is defined, the standard library's ``dataclasses`` writes the source text of
its ``__init__``, ``__repr__``, ``__eq__`` (and, frozen, ``__setattr__``, ``__delattr__``,
``__hash__``) and compiles it with ``exec``: about half a millisecond a class on Lambda's
Python 3.13, 30 to 50 ms of a function's init (the api defines some 130 dataclasses, ours,
pydantic's and Powertools'). The code compiled from one text is always the same for one
Python version, so the compiling need not happen on every cold start: the asset carries, beside
its ``.pyc`` files, the code of every text the functions' inits compiled
(``infra/cdk/bundle.py`` records it with the runtime's Python), and in Lambda ``dataclasses``
executes that code instead of compiling the text again. A text not recorded (a class added
since, another Python) is compiled as before; the methods are the same either way
(tests/unit/test_dataclass_code.py), only the compiling is left out.

The code lives in this module's bytecode cache, ``__pycache__/dataclass_code.<tag>.marshal``
(``PYTHONPYCACHEPREFIX`` is honoured, as for ``.pyc`` files), with the interpreter's magic
number: a file written by another Python version is not read. ``BOOKING_RECORD_DATACLASS_CODE``
set makes a process record what it compiled there when it exits (the bundle, and the bench's
warm-up run that writes bytecode).
"""

import atexit
import builtins
import dataclasses
import marshal
import os
from importlib.util import MAGIC_NUMBER, cache_from_source
from types import CodeType
from typing import Any

RECORD_VARIABLE = "BOOKING_RECORD_DATACLASS_CODE"

# Text -> its code, as read from the cache file; what this process compiled that it did not hold.
_held: dict[str, CodeType] = {}
_compiled: dict[str, CodeType] = {}


def cache_file() -> str:
    """Where this interpreter's recorded code is: beside this module's ``.pyc`` (``os.path``,
    not ``pathlib``: no function's init imports ``pathlib`` otherwise)."""
    return os.path.splitext(cache_from_source(__file__))[0] + ".marshal"


def _read(path: str) -> dict[str, CodeType]:
    """The code held in ``path``; nothing when it is missing, unreadable or another version's."""
    try:
        with open(path, "rb") as held_file:
            # The asset's own file, written by the bundle as its .pyc files are.
            magic, held = marshal.loads(held_file.read())  # noqa: S302
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return held if magic == MAGIC_NUMBER and isinstance(held, dict) else {}


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """``exec`` as ``dataclasses`` calls it, on the code held for ``source`` when there is one.
    The text is compiled as ``exec`` would (no flags inherited from this module)."""
    if isinstance(source, str):
        code = _held.get(source) or _compiled.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _compiled[source] = code
        source = code
    builtins.exec(source, globals, locals)  # noqa: S102 - dataclasses' own generated methods


def use_recorded() -> None:
    """Let ``dataclasses`` execute the recorded code (Lambda; ``booking/__init__.py``). With
    nothing recorded and nothing to record, ``dataclasses`` is left as it is."""
    recording = bool(os.environ.get(RECORD_VARIABLE))
    _held.update(_read(cache_file()))
    if not _held and not recording:
        return
    # A name in the module's globals comes before the builtin: ``dataclasses`` calls ``exec``
    # in one place, with the text of a class's methods.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    if recording:
        atexit.register(_record)


def _record() -> None:
    """Add what this process compiled to the cache file (other processes' records kept)."""
    if not _compiled:
        return
    path = cache_file()
    every = {**_read(path), **_compiled}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{os.getpid()}"
    with open(partial, "wb") as written:
        written.write(marshal.dumps((MAGIC_NUMBER, every)))
    os.replace(partial, path)
