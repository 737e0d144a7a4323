"""Dataclasses' methods and forward references from recorded code (booking.dataclass_code): in
Lambda a function's init compiles none of the methods or forward references the asset holds, and
the code is the one ``dataclasses`` and ``typing`` compile themselves, to the instruction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.lambda_init import lambda_env, last_line_printed

# Every method of every dataclass the webhook's init defines, as its code: instructions,
# constants, names, arguments; and what booking.dataclass_code held and compiled.
_METHODS = """
import dataclasses, hashlib, importlib, json, sys
importlib.import_module("booking.handlers.webhook")
methods = {}
for name, module in sorted(sys.modules.items()):
    for value in list(vars(module).values()) if module else ():
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            for attr, fn in sorted(vars(value).items()):
                code = getattr(fn, "__code__", None)
                if code is not None and code.co_filename == "<string>":
                    made = (code.co_code, repr(code.co_consts), code.co_names,
                            code.co_varnames, code.co_qualname, fn.__qualname__)
                    methods[f"{value.__module__}.{value.__qualname__}.{attr}"] = hashlib.sha256(
                        repr(made).encode()).hexdigest()
held = sys.modules.get("booking.dataclass_code")
import _sre, collections, re, typing
print(json.dumps({
    "methods": methods,
    "hooked": getattr(dataclasses, "exec", None) is not None,
    "forward_refs_hooked": getattr(typing, "compile", None) is not None,
    "namedtuples_hooked": getattr(collections, "eval", None) is not None,
    "held": len(held._held) if held else 0,
    "compiled": len(held._compiled) if held else 0,
    "evaluated_compiled": sum(mode == "eval" for mode, _ in held._compiled) if held else 0,
    "patterns_hooked": held is not None and re._compiler.compile is held._compile_pattern,
    "patterns_compiled": len(held._compiled_patterns) if held else 0,
    # Each regular expression made from the record against the one re compiles from its text
    # (patterns are equal when their matchers' code is).
    "patterns_held": [
        [str(pattern), _sre.compile(pattern, *made) == held._standard_compile_pattern(*key)]
        for key, made in (held._held_patterns.items() if held else ())
        for pattern in key[:1]
    ],
    # Each recorded text evaluated (a forward reference's type, a named tuple's __new__) against
    # the code compile makes of it.
    "evaluated_held": {
        text: code == compile(text, "<string>", "eval")
        for (mode, text), code in (held._held.items() if held else ())
        if mode == "eval"
    },
}))
"""


def _init(cache: Path, *, in_lambda: bool = True, record: bool = False) -> dict[str, object]:
    env = {**lambda_env(in_lambda=in_lambda), "PYTHONPYCACHEPREFIX": str(cache)}
    env.pop("BOOKING_RECORD_DATACLASS_CODE", None)
    if record:
        env["BOOKING_RECORD_DATACLASS_CODE"] = "1"
    answer: dict[str, object] = json.loads(last_line_printed(_METHODS, env=env))
    return answer


def _record_file(cache: Path) -> Path:
    (found,) = cache.rglob("dataclass_code.*.marshal")
    return found


def test_an_init_compiles_none_of_the_recorded_methods_and_makes_the_same_ones(
    tmp_path: Path,
) -> None:
    recording = _init(tmp_path, record=True)
    assert recording["compiled"], "the recording run compiled every dataclass's methods"
    assert _record_file(tmp_path).stat().st_size > 0

    from_record = _init(tmp_path)
    assert from_record["hooked"]
    assert from_record["forward_refs_hooked"]
    assert from_record["held"] == recording["compiled"]
    assert from_record["compiled"] == 0

    # Outside Lambda dataclasses compiles each text itself: the same methods, to the instruction
    # (of the classes both define: the Lambda init also builds the stores its requests call).
    compiled_here = _init(tmp_path, in_lambda=False)
    assert not compiled_here["hooked"]
    recorded, compiled = from_record["methods"], compiled_here["methods"]
    assert isinstance(recorded, dict)
    assert isinstance(compiled, dict)
    both = recorded.keys() & compiled.keys()
    assert len(both) > 400
    assert {name: recorded[name] for name in both} == {name: compiled[name] for name in both}


def _held_from_the_record(tmp_path: Path, what: str, *, hooked: str) -> object:
    """An init recording, which must compile some of ``what`` (``evaluated``: the texts it
    evaluated; ``patterns``: regular expressions), then an init from its record, its hook
    (``hooked``) in place, which compiles none: what that init held, one for each the
    recording compiled."""
    recording = _init(tmp_path, record=True)
    assert recording[f"{what}_compiled"], f"the recording run compiled no {what}"

    from_record = _init(tmp_path)
    assert from_record[hooked]
    held = from_record[f"{what}_held"]
    assert isinstance(held, dict | list)
    assert len(held) == recording[f"{what}_compiled"]
    assert from_record[f"{what}_compiled"] == 0
    return held


def test_an_init_compiles_none_of_the_recorded_forward_references_or_named_tuples(
    tmp_path: Path,
) -> None:
    """The texts of types ``typing.ForwardRef`` compiles (pydantic-core's ``TypedDict``s, our
    annotations under ``from __future__ import annotations``) and of the ``__new__`` each
    ``namedtuple`` evaluates run from the record, and the code held for each is the code
    compiling its text makes."""
    held = _held_from_the_record(tmp_path, "evaluated", hooked="namedtuples_hooked")
    assert isinstance(held, dict)
    assert len(held) > 200
    assert "CoreSchema" in held
    assert sum(text.startswith("lambda _cls, ") for text in held) > 20
    assert all(held.values())


def test_an_init_parses_none_of_the_recorded_regular_expressions(tmp_path: Path) -> None:
    """The patterns an init compiles (botocore's, the standard library's, the routes', ours) are
    made from the arguments recorded for ``_sre.compile``, and each is the pattern ``re``
    compiles from its text."""
    held = _held_from_the_record(tmp_path, "patterns", hooked="patterns_hooked")
    assert isinstance(held, list)
    assert len(held) > 100
    assert all(same for _, same in held), [pattern for pattern, same in held if not same]


def test_with_nothing_recorded_dataclasses_is_left_as_it_is(tmp_path: Path) -> None:
    answer = _init(tmp_path)
    assert not answer["hooked"]
    assert not answer["forward_refs_hooked"]
    assert not answer["namedtuples_hooked"]
    assert not answer["patterns_hooked"]
    assert answer["held"] == 0
    assert not list(tmp_path.rglob("*.marshal"))


def test_a_record_of_another_python_is_not_read(tmp_path: Path) -> None:
    _init(tmp_path, record=True)
    record = _record_file(tmp_path)
    import marshal

    magic, held, sre_magic, patterns, version = marshal.loads(record.read_bytes())  # noqa: S302
    for other in ((b"\x00\x00\r\n", sre_magic), (magic, sre_magic + 1)):
        record.write_bytes(marshal.dumps((other[0], held, other[1], patterns, version)))

        answer = _init(tmp_path)
        assert not answer["hooked"]
        assert answer["held"] == 0
        assert not answer["patterns_held"]
        assert len(answer["methods"]) > 100  # type: ignore[arg-type]


def test_another_patch_release_reads_the_code_but_no_pattern(tmp_path: Path) -> None:
    """Recorded by another patch release of this Python (the same magic numbers, another
    ``sys.version``): its compiled code is read, its regular expressions are not, since ``re``
    may make other code of the same pattern there."""
    _init(tmp_path, record=True)
    record = _record_file(tmp_path)
    import marshal

    magic, held, sre_magic, patterns, version = marshal.loads(record.read_bytes())  # noqa: S302
    assert patterns
    record.write_bytes(marshal.dumps((magic, held, sre_magic, patterns, version + " (other)")))

    answer = _init(tmp_path)
    assert answer["hooked"]
    assert answer["held"] == len(held)
    assert not answer["patterns_held"]


def test_a_process_not_recording_keeps_nothing_it_compiled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not recording, what is compiled that the record does not hold (a class since added, a
    pattern made from input) is not kept for the container's life."""
    from booking import dataclass_code

    monkeypatch.setattr(dataclass_code, "_recording", False, raising=False)
    monkeypatch.setattr(dataclass_code._re_compiler, "_sre", dataclass_code._sre_noting)
    text, pattern = "len('kept nowhere')", "made-from-input-[xyz]+"

    assert eval(dataclass_code._code_of(text, "eval")) == 12  # noqa: S307
    assert dataclass_code._compile_pattern(pattern, 0).fullmatch("made-from-input-xy")

    assert ("eval", text) not in dataclass_code._compiled
    assert (pattern, 0) not in dataclass_code._compiled_patterns


def test_patterns_compiled_on_two_threads_at_once_are_each_noted_as_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Recording, a pattern compiled on one thread while another compiles another (the second
    made between the first's making and its noting) is noted under its own key, never the
    other's making."""
    import re
    import threading

    from booking import dataclass_code

    monkeypatch.setattr(dataclass_code, "_recording", True)
    monkeypatch.setattr(dataclass_code, "_compiled_patterns", {})
    monkeypatch.setattr(dataclass_code._re_compiler, "_sre", dataclass_code._sre_noting)
    standard = dataclass_code._standard_compile_pattern
    other_done = threading.Event()

    def first_waits_for_the_other(pattern: str, flags: int) -> re.Pattern[str]:
        made = standard(pattern, flags)
        if pattern == "first-[a-z]+":  # made; the other thread compiles before it is noted
            thread = threading.Thread(
                target=lambda: dataclass_code._compile_pattern("other-[0-9]+", 0)
            )
            thread.start()
            thread.join()
            other_done.set()
        return made  # type: ignore[no-any-return]

    monkeypatch.setattr(dataclass_code, "_standard_compile_pattern", first_waits_for_the_other)
    dataclass_code._compile_pattern("first-[a-z]+", 0)

    assert other_done.is_set()
    import _sre  # type: ignore[import-not-found]  # re's own engine: typeshed has no stub

    noted = dataclass_code._compiled_patterns
    for pattern in ("first-[a-z]+", "other-[0-9]+"):
        made = noted[(pattern, 0)]
        assert _sre.compile(pattern, *made) == standard(pattern, 0)


def test_a_damaged_record_is_not_read(tmp_path: Path) -> None:
    _init(tmp_path, record=True)
    _record_file(tmp_path).write_bytes(b"not marshal data")

    answer = _init(tmp_path)
    assert not answer["hooked"]
    assert len(answer["methods"]) > 100  # type: ignore[arg-type]


def test_a_forward_reference_that_is_no_expression_is_refused_as_before() -> None:
    """``typing.ForwardRef``'s SyntaxError comes through the hook; other calls are compile's."""
    import pytest

    from booking import dataclass_code

    with pytest.raises(SyntaxError):
        dataclass_code._compile("list[", "<string>", "eval")
    assert dataclass_code._compile("x = 1", "m.py", "exec", 0, True).co_filename == "m.py"
    assert ("eval", "list[") not in dataclass_code._compiled
