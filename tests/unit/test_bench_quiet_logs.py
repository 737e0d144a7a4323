"""The bench's table is not interleaved with the services' warnings."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_services_warning_is_not_printed_by_loggings_last_resort() -> None:
    # A fresh interpreter: the logging hierarchy is process-wide, and the test process's own
    # handlers (pytest's capture) would hide what the bench would print.
    program = textwrap.dedent(
        """
        from bench.harness import silence_stdout_logs
        silence_stdout_logs()
        from booking.services import outbox
        outbox.logger.warning("emails relayed by the sweep", extra={"jobs": 1})
        print("table")
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout == "table\n"
    assert run.stderr == ""
