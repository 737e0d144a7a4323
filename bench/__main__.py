"""``python -m bench``: run every measurement, print the tables, write ``bench-results.json``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import coldstart, inprocess, load

ROOT = Path(__file__).resolve().parents[1]


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    line = "  ".join("-" * w for w in widths)

    def fmt(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([f"\n## {title}", fmt(header), line, *(fmt(r) for r in rows)])


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure cold start, calls, latency and load.")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["coldstart", "calls", "reminders", "latency", "load"],
    )
    parser.add_argument(
        "--reminders",
        default=",".join(map(str, inprocess.REMINDER_SIZES)),
        help="attendee counts of the reminder runs, comma-separated",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    results: dict[str, Any] = {
        "command": "make bench",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    out: list[str] = []

    def show(text: str) -> None:
        out.append(text)
        print(text, flush=True)

    if "coldstart" not in args.skip:
        floor, handlers = coldstart.measure()
        results["cold_start"] = {
            "samples": coldstart.SAMPLES,
            "target_ratio": coldstart.TARGET_RATIO,
            "floor": asdict(floor),
            "handlers": [asdict(h) for h in handlers],
        }
        rows = [["floor", _ms(floor.import_ms), _ms(floor.total_ms), "1.00", "", ""]]
        for h in handlers:
            rows.append(
                [
                    h.name,
                    _ms(h.import_ms),
                    _ms(h.total_ms),
                    f"{h.ratio:.2f}",
                    "OVER" if h.over_target else "ok",
                    ", ".join(f"{name} {ms:.0f} ms" for name, ms in h.costliest),
                ]
            )
        show(
            _table(
                f"Cold start: import + init, median of {coldstart.SAMPLES} fresh processes "
                f"(target <= {coldstart.TARGET_RATIO}x floor = Logger + boto3 + DynamoDB client)",
                [
                    "handler",
                    "import ms",
                    "import+init ms",
                    "x floor",
                    "target",
                    "costliest imports (when over)",
                ],
                rows,
            )
        )

    calls: list[inprocess.Calls] = []
    if "calls" not in args.skip:
        with inprocess.harness() as bench:
            inprocess.silence_stdout_logs()
            calls += inprocess.calls_per_operation(bench)
    if "reminders" not in args.skip:
        calls += inprocess.reminder_runs(tuple(int(n) for n in args.reminders.split(",")))
    if calls:
        results["calls"] = [asdict(c) for c in calls]
        show(
            _table(
                "AWS and Stripe calls per operation (botocore hooks, Stripe HTTP client)",
                [
                    "operation",
                    "DynamoDB",
                    "SQS",
                    "Stripe",
                    "other AWS",
                    "target",
                    "verdict",
                    "calls",
                ],
                [
                    [
                        c.operation,
                        _n(c.dynamodb),
                        _n(c.sqs),
                        _n(c.stripe),
                        _n(c.other),
                        c.target,
                        c.verdict,
                        " ".join(f"{k}={v}" for k, v in c.detail.items()),
                    ]
                    for c in calls
                ],
            )
        )
        for c in calls:
            if c.note:
                show(f"  {c.operation}: {c.note}")

    if "latency" not in args.skip:
        latency = inprocess.warm_latency()
        results["warm_latency"] = [asdict(row) for row in latency]
        show(
            _table(
                "Warm latency against in-process moto (own = excluding time inside AWS and Stripe "
                "calls; target own p99 < 2 ms)",
                [
                    "handler",
                    "operation",
                    "runs",
                    "p50 ms",
                    "p99 ms",
                    "own p50",
                    "own p99",
                    "target",
                ],
                [
                    [
                        r.handler,
                        r.operation,
                        str(r.runs),
                        _ms(r.p50_ms),
                        _ms(r.p99_ms),
                        _ms(r.own_p50_ms),
                        _ms(r.own_p99_ms),
                        r.note or ("ok" if (r.own_p99_ms or 0) < 2 else "OVER"),
                    ]
                    for r in latency
                ],
            )
        )

    if "load" not in args.skip:
        figures = load.run()
        results["load"] = asdict(figures)
        show(
            _table(
                f"Load on the local stack: {figures.applicants} applicants, {figures.workers} at a "
                f"time, {figures.capacity} places",
                [
                    "p50 ms",
                    "p99 ms",
                    "max ms",
                    "5xx (target 0)",
                    "connection errors",
                    "seats taken (must be 20)",
                    "answers",
                    "wall s",
                ],
                [
                    [
                        _ms(figures.p50_ms),
                        _ms(figures.p99_ms),
                        _ms(figures.max_ms),
                        str(figures.server_errors),
                        str(figures.connection_errors),
                        str(figures.seats_taken),
                        ", ".join(f"{k} x{v}" for k, v in figures.codes.items()),
                        f"{figures.wall_s:.1f}",
                    ]
                ],
            )
        )
        for note in figures.notes:
            show(f"  {note}")

    results["runtime_s"] = round(time.monotonic() - started, 1)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nbench took {results['runtime_s']} s; figures in {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
