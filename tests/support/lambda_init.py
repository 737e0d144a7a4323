"""A function's init as Lambda runs it: a fresh interpreter, the settings the handlers validate
at init (``bench.coldstart.child_env``), and the last line it prints."""

from __future__ import annotations

import subprocess
import sys

from bench.coldstart import child_env


def lambda_env(*, in_lambda: bool = True) -> dict[str, str]:
    """The settings a function's init reads; ``in_lambda=False`` leaves out Lambda's
    ``AWS_LAMBDA_FUNCTION_NAME`` (as in the tests and the local stack)."""
    env = child_env()
    if not in_lambda:
        del env["AWS_LAMBDA_FUNCTION_NAME"]
    return env


def fresh_run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -c script args`` in a fresh interpreter with only ``env``: its answer, whatever
    its exit code (the caller says what it expects)."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def last_line_printed(
    script: str, *args: str, in_lambda: bool = True, env: dict[str, str] | None = None
) -> str:
    """Run ``python -c script args`` fresh, with ``env`` (``lambda_env(in_lambda=...)`` when
    None), which must exit 0: the last line it printed."""
    answer = fresh_run(script, *args, env=lambda_env(in_lambda=in_lambda) if env is None else env)
    # The child's traceback in the failure, not a bare CalledProcessError.
    assert answer.returncode == 0, answer.stderr[-3000:]
    return answer.stdout.strip().splitlines()[-1]
