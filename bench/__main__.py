"""``python -m bench``: run every measurement, print the tables, write ``bench-results.json``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import calls, coldstart, harness, latency, load, memory, runtime_python
from infra.cdk.bundle import LAMBDA_PYTHON_VERSION

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


@dataclass
class Run:
    """What every phase is handed: the options, the results so far, and where to print."""

    args: argparse.Namespace
    results: dict[str, Any]
    memory: memory.PhaseMemory | None = None

    def show(self, text: str) -> None:
        print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure cold start, calls, latency and load.")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--skip", action="append", default=[], choices=list(PHASES))
    parser.add_argument(
        "--reminders",
        default=",".join(map(str, calls.REMINDER_SIZES)),
        help="attendee counts of the reminder runs, comma-separated",
    )
    parser.add_argument(
        "--clock",
        choices=list(CLOCKS),
        default="wall",
        help="what the calls and latency phases time: wall-clock time, or the thread's CPU "
        "time (steadier on a shared machine, where a wall-clock p99 is other processes' turns)",
    )
    args = parser.parse_args(argv)
    harness.meter().clock = CLOCKS[args.clock]
    started = time.monotonic()
    run = Run(
        args,
        {
            "command": "make bench",
            "clock": args.clock,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
        },
    )
    phases: list[memory.PhaseMemory] = []
    for name, run_phase in PHASES.items():
        if name not in args.skip:
            with memory.phase(name, phases) as run.memory:
                run_phase(run)
    _show_memory(phases, run)
    results = run.results
    results["runtime_s"] = round(time.monotonic() - started, 1)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nbench took {results['runtime_s']} s; figures in {args.output}", file=sys.stderr)
    return 0


def _cold_start_phase(run: Run) -> None:
    python = runtime_python.interpreter()
    floor, handlers = coldstart.measure(python.path)
    run.results["cold_start"] = {
        "python": python.version,
        # The first request runs on this process's Python: it needs moto, a dev dependency.
        "first_request_python": platform.python_version(),
        "samples": coldstart.SAMPLES,
        "target_ratio": coldstart.TARGET_RATIO,
        "floor": asdict(floor),
        "handlers": [asdict(h) for h in handlers],
    }
    rows = [
        ["floor", _ms(floor.import_ms), _ms(floor.total_ms), _ms(floor.cpu_ms), "1.00", "", "", ""]
    ]
    for h in handlers:
        rows.append(
            [
                h.name,
                _ms(h.import_ms),
                _ms(h.total_ms),
                _ms(h.cpu_ms),
                f"{h.ratio:.2f}",
                _verdict(h),
                _first_request(h),
                ", ".join(f"{name} {ms:.0f} ms" for name, ms in h.costliest),
            ]
        )
    run.show(
        _table(
            f"Cold start: import + init from bytecode, median of {coldstart.SAMPLES} fresh "
            "processes; x floor: median CPU-time ratio of pairs run in turn with the floor "
            f"(target <= {coldstart.TARGET_RATIO}x floor = Logger + boto3 + DynamoDB client for "
            f"{', '.join(sorted(coldstart.WAITED_ON))}, <= {coldstart.OTHERS_TARGET_RATIO}x for "
            "the others)",
            [
                "handler",
                "import ms",
                "import+init ms",
                "CPU ms",
                "x floor",
                "target",
                "first request +ms (modules)",
                "where the import time goes (-X importtime; ours by layer, self time)",
            ],
            rows,
        )
    )
    run.show(
        f"  import+init measured with Python {python.version}"
        + (
            f" (Lambda's runtime: python{LAMBDA_PYTHON_VERSION})"
            if python.is_runtimes
            else f", NOT the runtime's python{LAMBDA_PYTHON_VERSION} ({python.why_not_runtimes};"
            " set LAMBDA_PYTHON): import costs differ between versions"
        )
        + f"; the first request with Python {platform.python_version()} (it needs moto)."
    )
    run.show(_FIRST_REQUEST_NOTE)


_FIRST_REQUEST_NOTE = (
    "  SnapStart functions run import+init when a version is published, not when a person\n"
    "  waits: a person waits for AWS's restore of the snapshot (Restore Duration in the\n"
    "  function's REPORT log line; not measurable on this machine) plus the 'first request'\n"
    "  column: the same request's first run after init minus a warm run (bench.first_request:\n"
    "  what the snapshot does not hold yet, such as modules imported on first use). For the\n"
    "  others the column is what their init left for their first request: a cold start costs\n"
    "  import+init plus it."
)


def _first_request(h: coldstart.ColdStart) -> str:
    if h.first_request_extra_ms is None:
        return "-"
    return f"{h.first_request_extra_ms:.0f} ({h.first_request_modules} of ours)"


def _verdict(h: coldstart.ColdStart) -> str:
    verdict = f"OVER {h.target_ratio}" if h.over_target else f"ok <= {h.target_ratio}"
    return f"{verdict}; SnapStart" if h.snap_start else verdict


def _calls_phase(run: Run) -> None:
    with harness.harness() as bench:
        harness.silence_stdout_logs()
        rows = calls.calls_per_operation(bench)
    _show_calls(
        "AWS and Stripe calls per operation (botocore hooks, Stripe HTTP client)", rows, run
    )


def _reminders_phase(run: Run) -> None:
    sizes = tuple(int(n) for n in run.args.reminders.split(","))
    _show_calls("Reminder runs: calls per run", calls.reminder_runs(sizes), run)


def _show_calls(title: str, rows: list[calls.Calls], run: Run) -> None:
    run.results.setdefault("calls", []).extend(asdict(c) for c in rows)
    run.show(
        _table(
            title,
            ["operation", "DynamoDB", "SQS", "Stripe", "other AWS", "target", "verdict", "calls"],
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
                for c in rows
            ],
        )
    )
    for c in rows:
        if c.note:
            run.show(f"  {c.operation}: {c.note}")


def _latency_phase(run: Run) -> None:
    rows = latency.warm_latency()
    run.results["warm_latency"] = [asdict(row) for row in rows]
    run.show(
        _table(
            "Warm latency against in-process moto (own = excluding time inside AWS and Stripe "
            f"calls; target own p99 < 2 ms; {CLOCK_WORDS[run.args.clock]})",
            ["handler", "operation", "runs", "p50 ms", "p99 ms", "own p50", "own p99", "target"],
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
                for r in rows
            ],
        )
    )


def _load_phase(run: Run) -> None:
    figures = load.run()
    assert run.memory is not None
    run.memory.stack_peak_mib = figures.stack_peak_mib
    run.results["load"] = asdict(figures)
    run.show(
        _table(
            f"Load on the local stack: {figures.applicants} applicants, {figures.workers} at a "
            f"time, {figures.capacity} places",
            [
                "p50 ms",
                "p99 ms",
                "max ms",
                "5xx (target 0)",
                "no answer (refused, reset, timed out)",
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
        run.show(f"  {note}")


def _show_memory(phases: list[memory.PhaseMemory], run: Run) -> None:
    run.results["memory"] = {
        "budget_mib": memory.BUDGET_MIB,
        "phases": [asdict(p) | {"total_peak_mib": p.total_peak_mib} for p in phases],
    }
    run.show(
        _table(
            f"Peak memory per phase (resident set, MiB; budget {memory.BUDGET_MIB} MiB for the "
            "bench and the local stack it starts)",
            ["phase", "bench peak", "bench at end", "local stack peak", "total peak", "budget"],
            [
                [
                    p.phase + ("" if p.since_phase_start else " (peak so far)"),
                    f"{p.peak_mib:.0f}",
                    f"{p.end_mib:.0f}",
                    "-" if p.stack_peak_mib is None else f"{p.stack_peak_mib:.0f}",
                    f"{p.total_peak_mib:.0f}",
                    "ok" if p.within_budget else "OVER",
                ]
                for p in phases
            ],
        )
    )


# What --clock takes: the meter's clock, and how the latency table says it.
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.thread_time}
CLOCK_WORDS = {"wall": "wall-clock time", "cpu": "the thread's CPU time"}

# In the order they run; --skip takes these names.
PHASES: dict[str, Callable[[Run], None]] = {
    "coldstart": _cold_start_phase,
    "calls": _calls_phase,
    "reminders": _reminders_phase,
    "latency": _latency_phase,
    "load": _load_phase,
}


if __name__ == "__main__":
    sys.exit(main())
