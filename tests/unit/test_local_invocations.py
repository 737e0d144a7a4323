"""Under ``make run`` the functions share one process, and Powertools keeps the request being
resolved on a class attribute every resolver shares: two functions must never run at once,
or one reads the other's request (a console form came back empty while the api answered)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from tests.support.local_stack import in_process_stack


def test_two_functions_never_run_at_the_same_time(tmp_path: Path) -> None:
    stack = in_process_stack(tmp_path)
    running: list[str] = []
    overlaps: list[tuple[str, ...]] = []

    def function(name: str) -> Any:
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            running.append(name)
            if len(running) > 1:
                overlaps.append(tuple(running))
            time.sleep(0.02)
            running.remove(name)
            return {"statusCode": 200, "body": name}

        return handler

    stack.handlers = {name: function(name) for name in ("api", "admin", "console", "webhook")}
    threads = [
        threading.Thread(target=stack._invoke, args=(name, {}))
        for name in ("api", "admin", "console", "webhook") * 3
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert overlaps == []
    assert running == []
