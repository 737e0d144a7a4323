"""Room on CPython's frame stack for a test whose calls go deep and back thousands of times.

CPython (3.11 and later) keeps Python frames in chunks of 16 KB that it maps from the kernel
when a call needs a new chunk and unmaps when that call returns. The lifecycle machine's calls
(hypothesis, the handlers, boto3, moto) cross such a boundary and back about 450,000 times in
two examples: mmap and munmap were a quarter of a shard's CPU time, and nothing to do with the
test. A chunk is sized to the next power of two above the frame that asks for it, so calling
the test from a function whose frame is about 2.4 MB (300,000 locals, never set) puts all it
calls in one 4 MB chunk with 1.6 MB to spare: the same calls, without the mapping. The function
is a one-line one whose code object is given the extra local names (``CodeType.replace``):
under half a second and a few MB, where compiling their source took 1.4 s and 150 MB.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

# Locals of the function the test is called from: 8 bytes each, so a chunk of 4 MB.
LOCALS = 300_000


def _call(run: Callable[[], Any]) -> Any:
    return run()


@cache
def _roomy() -> Callable[[Callable[[], Any]], Any]:
    """``_call`` with LOCALS more locals, never set: CPython sizes its frame by them."""
    code = _call.__code__
    names = code.co_varnames + tuple(f"unused_{i}" for i in range(LOCALS))
    roomy = types.FunctionType(
        code.replace(
            co_name="roomy", co_qualname="roomy", co_varnames=names, co_nlocals=len(names)
        ),
        globals(),
        "roomy",
    )
    return roomy


def on_roomy_frame_stack(run: Callable[[], T]) -> T:
    """``run()``, called from a frame that leaves it a whole chunk of CPython's frame stack."""
    result: T = _roomy()(run)
    return result
