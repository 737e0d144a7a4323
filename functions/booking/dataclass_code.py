"""Dataclasses' generated methods and typing's forward references, compiled once and shipped in
the asset, as modules' bytecode is.

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
number: a file written by another Python version is not read. Its regular expressions are read
only when the full ``sys.version`` is the recording's too: ``re``'s parser and
compiler may change their output in a patch release, which neither magic number follows.
``BOOKING_RECORD_DATACLASS_CODE`` set makes a process record what it compiled there when it
exits (the bundle, and the bench's warm-up run that writes bytecode).

Forward references are the same kind of work: ``typing.ForwardRef`` compiles the text of a type
written as a string (a ``TypedDict``'s field, an annotation under ``from __future__ import
annotations``) as it is made, to evaluate it later if ever. The api's init made 1,002 of them
from about 270 texts (605 for pydantic-core's ``core_schema``, 186 as pydantic read our models'
annotations), 9 to 11 ms of every init; their code is recorded and read back the same way, as
is that of each named tuple's ``__new__``, whose text ``collections.namedtuple`` evaluates (49
at the api's init, most botocore's and urllib3's, 2 to 3 ms).
"""

import _sre  # type: ignore[import-not-found]  # re's own engine: no stub
import atexit
import builtins
import collections
import dataclasses
import marshal
import os
import re
import sys
import threading
import typing
from importlib.util import MAGIC_NUMBER, cache_from_source
from types import CodeType
from typing import Any, cast

RECORD_VARIABLE = "BOOKING_RECORD_DATACLASS_CODE"

# (mode, text) -> its code, as read from the cache file; what this process compiled that it did
# not hold. The mode is ``compile``'s: "exec" for a dataclass's methods, "eval" for a forward
# reference's type.
_held: dict[tuple[str, str], CodeType] = {}
_compiled: dict[tuple[str, str], CodeType] = {}  # filled only while recording
_recording = False

# A regular expression's (pattern, flags) -> the rest of the arguments its ``_sre.compile`` was
# given: the flags the pattern set itself added, its matcher's code, its groups and their names.
PatternKey = tuple[str | bytes, int]
MadePattern = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
_held_patterns: dict[PatternKey, MadePattern] = {}
_compiled_patterns: dict[PatternKey, MadePattern] = {}  # likewise, only while recording
# What ``_sre.compile`` was last given on this thread: the pattern and its making (two threads
# compiling at once never note one pattern's making under the other's key).
_noted = threading.local()
# The standard library's, for the patterns not held (re's module; ``_compiler`` is private).
_re_compiler: Any = re._compiler  # type: ignore[attr-defined]
_standard_compile_pattern = _re_compiler.compile

Record = tuple[dict[tuple[str, str], CodeType], dict[PatternKey, MadePattern]]


def cache_file() -> str:
    """Where this interpreter's recorded code is: beside this module's ``.pyc`` (``os.path``,
    not ``pathlib``: no function's init imports ``pathlib`` otherwise)."""
    return os.path.splitext(cache_from_source(__file__))[0] + ".marshal"


def _read(path: str) -> Record:
    """The code and patterns held in ``path``; nothing when it is missing, unreadable or another
    version's, and no pattern when another patch release of this version wrote it."""
    try:
        with open(path, "rb") as held_file:
            # The asset's own file, written by the bundle as its .pyc files are.
            record = marshal.loads(held_file.read())  # noqa: S302
        magic, held, sre_magic, patterns, version = record
    except (OSError, EOFError, ValueError, TypeError):
        return {}, {}
    if (magic, sre_magic) != (MAGIC_NUMBER, _sre.MAGIC):
        return {}, {}
    if not (isinstance(held, dict) and isinstance(patterns, dict)):
        return {}, {}
    return held, patterns if version == sys.version else {}


def _code_of(source: str, mode: str) -> CodeType:
    """The code held for ``source`` in ``mode``, else compiled as the standard library compiles
    it (no flags inherited from this module: ``dataclasses`` and ``typing`` have none)."""
    key = (mode, source)
    code = _held.get(key) or _compiled.get(key)
    if code is None:
        code = compile(source, "<string>", mode, dont_inherit=True)
        if _recording:
            _compiled[key] = code
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """``exec`` as ``dataclasses`` calls it, on the code held for ``source`` when there is one."""
    if isinstance(source, str):
        source = _code_of(source, "exec")
    builtins.exec(source, globals, locals)  # noqa: S102 - dataclasses' own generated methods


def _compile(
    source: Any,
    filename: str,
    mode: str,
    flags: int = 0,
    dont_inherit: bool = False,
    optimize: int = -1,
    /,
) -> CodeType:
    """``compile`` as ``typing.ForwardRef`` calls it (a type's text, "<string>", "eval"), on the
    code held for the text when there is one; any other call is ``compile``'s own (this module
    has no ``__future__`` flags for it to inherit, as ``typing`` has none). A text that is no
    expression raises SyntaxError as before."""
    plain = (flags, optimize) == (0, -1)
    if plain and isinstance(source, str) and filename == "<string>" and mode == "eval":
        return _code_of(source, mode)
    code: CodeType = builtins.compile(source, filename, mode, flags, dont_inherit, optimize)
    return code


def _eval(source: Any, globals: Any, locals: Any = None, /) -> Any:
    """``eval`` as ``collections.namedtuple`` calls it (the text of a ``__new__``, in the
    namespace given), on the code held for the text when there is one."""
    if isinstance(source, str):
        source = _code_of(source, "eval")
    return builtins.eval(source, globals, locals)  # noqa: S307 - namedtuple's own generated text


class _SreNoting:
    """``_sre`` as ``re._compiler`` sees it while it compiles a pattern not held: what it gives
    ``_sre.compile`` is noted on the calling thread, for the record."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_sre, name)

    def compile(
        self,
        pattern: str | bytes | None,
        flags: int,
        code: list[int],
        groups: int,
        groupindex: dict[str, int],
        indexgroup: tuple[str | None, ...],
    ) -> re.Pattern[Any]:
        # As plain ints: the code holds ``re``'s named opcodes, which marshal does not write.
        made_of = (int(flags), list(map(int, code)), groups, dict(groupindex), tuple(indexgroup))
        _noted.made = (pattern, made_of)
        made = _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)
        return cast("re.Pattern[Any]", made)


_sre_noting = _SreNoting()


def _compile_pattern(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
    """``re._compiler.compile`` as ``re.compile`` calls it, a held pattern made from its record."""
    if not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        return cast("re.Pattern[Any]", _standard_compile_pattern(pattern, flags))
    key = (pattern, int(flags))
    made = _held_patterns.get(key)
    if made is not None:
        return cast("re.Pattern[Any]", _sre.compile(pattern, *made))
    if not _recording:  # nothing kept of a pattern not held (one made from input, say)
        return cast("re.Pattern[Any]", _standard_compile_pattern(pattern, flags))
    _noted.made = None
    compiled = cast("re.Pattern[Any]", _standard_compile_pattern(pattern, flags))
    noted: tuple[str | bytes, MadePattern] | None = getattr(_noted, "made", None)
    if noted is not None and noted[0] is pattern:  # this call's own making, none other's
        _compiled_patterns[key] = noted[1]
    return compiled


def use_recorded() -> None:
    """Let ``dataclasses``, ``typing`` and ``re`` use the recorded code (Lambda;
    ``booking/__init__.py``). With nothing recorded and nothing to record, they are left as
    they are."""
    global _recording  # set once, at the init
    recording = _recording = bool(os.environ.get(RECORD_VARIABLE))
    held, patterns = _read(cache_file())
    _held.update(held)
    _held_patterns.update(patterns)
    if not _held and not recording:
        return
    # A name in the module's globals comes before the builtin: ``dataclasses`` calls ``exec``
    # in one place, with the text of a class's methods; ``typing`` calls ``compile`` in one,
    # ``ForwardRef``'s, with the text of a type; ``collections`` calls ``eval`` in one,
    # ``namedtuple``'s, with the text of its ``__new__``.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    typing.compile = _compile  # type: ignore[attr-defined]
    collections.eval = _eval  # type: ignore[attr-defined]
    # ``re.compile`` calls ``_compiler.compile`` by its module's name; ``_compiler`` calls
    # ``_sre.compile`` by its own.
    _re_compiler.compile = _compile_pattern
    _re_compiler._sre = _sre_noting
    if recording:
        atexit.register(_record)


def _record() -> None:
    """Add what this process compiled to the cache file (other processes' records kept)."""
    if not _compiled and not _compiled_patterns:
        return
    path = cache_file()
    held, patterns = _read(path)
    every = {**held, **_compiled}
    every_pattern = {**patterns, **_compiled_patterns}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{os.getpid()}"
    with open(partial, "wb") as written:
        record = (MAGIC_NUMBER, every, _sre.MAGIC, every_pattern, sys.version)
        written.write(marshal.dumps(record))
    os.replace(partial, path)
