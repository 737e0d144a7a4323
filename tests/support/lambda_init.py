"""A function's init as Lambda runs it: a fresh interpreter, the settings the handlers validate
at init (``bench.coldstart.child_env``), and the last line it prints."""

from __future__ import annotations

import subprocess
import sys

from bench.coldstart import child_env


def last_line_printed(script: str, *args: str, in_lambda: bool = True) -> str:
    """Run ``python -c script args`` fresh; ``in_lambda=False`` leaves out Lambda's
    ``AWS_LAMBDA_FUNCTION_NAME`` (as in the tests and the local stack)."""
    env = child_env()
    if not in_lambda:
        del env["AWS_LAMBDA_FUNCTION_NAME"]
    answer = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The child's traceback in the failure, not a bare CalledProcessError (review17 L7).
    assert answer.returncode == 0, answer.stderr[-3000:]
    return answer.stdout.strip().splitlines()[-1]
