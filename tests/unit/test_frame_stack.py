"""The lifecycle machine runs from a frame that leaves its calls a whole frame-stack chunk."""

from __future__ import annotations

import sys

from tests.support.frame_stack import LOCALS, on_roomy_frame_stack


def test_run_is_called_from_a_frame_of_LOCALS_locals_and_its_answer_returned() -> None:
    def run() -> tuple[str, int]:
        caller = sys._getframe(1).f_code
        return caller.co_name, caller.co_nlocals

    # 8 bytes a local: a frame of about 2.4 MB, so CPython gives it (and all run calls) 4 MB.
    assert on_roomy_frame_stack(run) == ("roomy", LOCALS + 1)
    assert LOCALS * 8 > 2**21
