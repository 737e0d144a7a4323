"""Cold start: import + init of every handler in a fresh interpreter, against a floor.

Each sample is a new ``python`` process that times, with ``perf_counter`` inside the process,
``importlib.import_module`` of the handler, with ``AWS_LAMBDA_FUNCTION_NAME`` set so the
module's init builds what it does in Lambda (``booking.bootstrap.at_cold_start``: settings and
clients). Interpreter start-up is the same for every handler and is left out. The floor is the
least a Python Lambda on this stack can do: Powertools ``Logger`` + ``boto3`` + one DynamoDB
client.

Every module loads from bytecode, as in the deployed asset (infra/cdk/bundle.py compiles it all):
each probe runs once unmeasured, writing the bytecode of whatever it imports into a cache of the
run's own (``PYTHONPYCACHEPREFIX``: the source tree is left clean), and the measured samples
read it. Compiling from source is a cost only of an asset shipped without bytecode. The same
unmeasured run records the code of the dataclasses' methods, forward references, named tuples
and regular expressions its init compiled, as the bundle records it into the asset
(``booking.dataclass_code``), and the index of the modules it loaded from outside the standard
library, their bytecode rewritten as the asset's unchecked-hash ``.pyc`` files
(``booking.module_index``); the measured samples use both.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# booking.dataclass_code's: a process with it set records the code it compiled (dataclasses'
# methods, forward references, named tuples, regular expressions).
RECORD_VARIABLE = "BOOKING_RECORD_DATACLASS_CODE"
HANDLERS_DIR = ROOT / "functions" / "booking" / "handlers"
SAMPLES = 7
TARGET_RATIO = 1.3
# Issue 22: 1.3x for the functions a person (or Stripe) waits on, 1.6x for the others.
WAITED_ON = frozenset({"api", "console", "webhook"})
OTHERS_TARGET_RATIO = 1.6

# What each child process runs: prints one JSON object with the milliseconds it measured.
_HANDLER_PROBE = """
import importlib, json, sys, time
c0 = time.process_time()
t0 = time.perf_counter()
module = importlib.import_module(sys.argv[1])
t1 = time.perf_counter()
t2 = time.perf_counter()
c2 = time.process_time()
print(json.dumps({
    "import_ms": (t1 - t0) * 1e3, "total_ms": (t2 - t0) * 1e3, "cpu_ms": (c2 - c0) * 1e3,
}))
"""

_FLOOR_PROBE = """
import json, time
c0 = time.process_time()
t0 = time.perf_counter()
from aws_lambda_powertools import Logger
Logger(service="floor")
import boto3
boto3.client("dynamodb")
t1 = time.perf_counter()
c1 = time.process_time()
print(json.dumps({
    "import_ms": (t1 - t0) * 1e3, "total_ms": (t1 - t0) * 1e3, "cpu_ms": (c1 - c0) * 1e3,
}))
"""


@dataclass
class ColdStart:
    name: str
    module: str
    import_ms: float
    total_ms: float
    ratio: float = 0.0
    # The process's CPU time for the same import+init: on a machine others share, waiting for
    # a core inflates the wall clock but not this (Lambda gives an init its own vCPU).
    cpu_ms: float = 0.0
    costliest: list[tuple[str, float]] = field(default_factory=list)
    # SnapStart functions (infra/cdk/functions.py): init happens at publish; a person waits for
    # AWS's restore (not measurable here) plus what the first request adds over a warm one.
    # The others' first request pays for what their init left out (bench.first_request).
    snap_start: bool = False
    first_request_extra_ms: float | None = None
    # How many ``booking`` modules that first request imported (exact, where the ms are noisy).
    first_request_modules: int | None = None

    @property
    def target_ratio(self) -> float:
        return TARGET_RATIO if self.name in WAITED_ON else OTHERS_TARGET_RATIO

    @property
    def over_target(self) -> bool:
        return self.ratio > self.target_ratio


def discover_handlers() -> list[tuple[str, str]]:
    """(name, module) of every ``booking/handlers/*.py`` that defines a top-level ``handler``."""
    found = []
    pattern = re.compile(r"^(?:async\s+)?def handler\(|^handler\s*[:=]", re.MULTILINE)
    for path in sorted(HANDLERS_DIR.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            found.append((path.stem, f"booking.handlers.{path.stem}"))
    return found


def child_env(bytecode: Path | None = None, *, write_bytecode: bool = False) -> dict[str, str]:
    """Settings the handlers validate at init; fake credentials; nothing that reaches AWS.
    With ``bytecode``, modules load their bytecode from that cache (and write it there when
    ``write_bytecode``)."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "TABLE_NAME": "bench-table",
        "EMAIL_QUEUE_URL": "https://sqs.eu-west-2.amazonaws.com/000000000000/bench-emails",
        "PUBLIC_BASE_URL": "https://bench.example.org",
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench",
        "SENDER_EMAIL": "bench@example.org",
        # The console's sign-in and session key (it fails its init without them).
        "CONSOLE_SESSION_SECRET": "bench-console-session-key",
        "COGNITO_DOMAIN": "https://auth.bench.example.org",
        "COGNITO_CLIENT_ID": "bench",
        "POWERTOOLS_SERVICE_NAME": "bench",
        # As in Lambda: handler modules build their ports during init (booking.bootstrap).
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONPYCACHEPREFIX",
        RECORD_VARIABLE,
    ):
        env.pop(name, None)
    if bytecode is not None:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        if write_bytecode:
            del env["PYTHONDONTWRITEBYTECODE"]
            env[RECORD_VARIABLE] = "1"
    paths = [str(ROOT / "functions"), str(ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _probe(
    python_args: list[str],
    what: str,
    bytecode: Path,
    timeout: int = 120,
    *,
    write_bytecode: bool = False,
    python: str = sys.executable,
) -> dict[str, float]:
    """Run ``python <python_args>`` fresh, in the handlers' environment; its last line is a
    JSON object of figures."""
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own script or module
        [python, *python_args],
        env=child_env(bytecode, write_bytecode=write_bytecode),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-2000:]}")
    last = done.stdout.strip().splitlines()[-1]
    figures: dict[str, float] = json.loads(last)
    return figures


def _samples(
    python_args: list[str], what: str, bytecode: Path, timeout: int = 120
) -> list[dict[str, float]]:
    """SAMPLES measured runs, after one that compiles what the probe imports into ``bytecode``."""
    _probe(python_args, what, bytecode, timeout, write_bytecode=True)
    return [_probe(python_args, what, bytecode, timeout) for _ in range(SAMPLES)]


def _medians(samples: list[dict[str, float]]) -> tuple[float, float, float]:
    return (
        statistics.median(s["import_ms"] for s in samples),
        statistics.median(s["total_ms"] for s in samples),
        statistics.median(s["cpu_ms"] for s in samples),
    )


def _paired(
    module: str, bytecode: Path, python: str
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """SAMPLES runs of the floor and of ``module`` with ``python``, in turn (floor, handler,
    floor, ...), each after one unmeasured run that compiles its imports into ``bytecode``: a
    machine whose speed drifts (others' work beside the bench) moves both sides of each pair
    alike."""
    floor_args = ["-c", _FLOOR_PROBE]
    handler_args = ["-c", _HANDLER_PROBE, module]
    floor_what, handler_what = "floor probe", f"cold-start probe {module}"
    _probe(floor_args, floor_what, bytecode, write_bytecode=True, python=python)
    _probe(handler_args, handler_what, bytecode, write_bytecode=True, python=python)
    floors, handlers = [], []
    for _ in range(SAMPLES):
        floors.append(_probe(floor_args, floor_what, bytecode, python=python))
        handlers.append(_probe(handler_args, handler_what, bytecode, python=python))
    return floors, handlers


def costliest_imports(
    module: str, bytecode: Path, top: int = 5, python: str = sys.executable
) -> list[tuple[str, float]]:
    """Where a handler's import time goes, from ``python -X importtime``: the costliest
    packages it pulls in and our own modules' work, most first (see ``parse_importtime``)."""
    done = subprocess.run(  # noqa: S603
        [python, "-X", "importtime", "-c", _HANDLER_PROBE, module],
        env=child_env(bytecode),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return parse_importtime(done.stderr, top)


_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")
OWN = "booking"


def parse_importtime(stderr: str, top: int = 5) -> list[tuple[str, float]]:
    """Charge each import to what a reader can act on.

    Another package counts for its top-level name when everything above it in the import tree
    is our own code (``booking``) or nothing: boto3 with botocore under it is one entry, charged
    the cumulative time of each such import. Our own modules count by their layer
    (``booking.domain``, ``booking.adapters``, ...) with their *self* time: the module bodies
    themselves, where pydantic builds each model's validator as its class is defined.
    """
    entries: list[tuple[int, str, int, int]] = []  # (depth, module, self µs, cumulative µs)
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match:
            depth = (len(match.group(3)) - 1) // 2
            entries.append((depth, match.group(4), int(match.group(1)), int(match.group(2))))
    # The log is post-order (children before their parent); reversed, ancestors come first.
    ancestors: list[str] = []
    charged: dict[str, float] = {}
    for depth, name, self_us, cumulative_us in reversed(entries):
        del ancestors[depth:]
        parts = name.split(".")
        if parts[0] == OWN:
            layer = ".".join(parts[:2])
            charged[layer] = charged.get(layer, 0.0) + self_us / 1000
        elif all(a.split(".")[0] == OWN for a in ancestors):
            charged[parts[0]] = charged.get(parts[0], 0.0) + cumulative_us / 1000
        ancestors.append(name)
    return sorted(charged.items(), key=lambda kv: kv[1], reverse=True)[:top]


def first_request_extra(name: str, bytecode: Path, *, snap_start: bool) -> tuple[float, int]:
    """Milliseconds the first request after init takes beyond a warm one (bench.first_request),
    median of SAMPLES fresh processes; and how many of our modules it imported."""
    probe = ["-m", "bench.first_request", name, "snap-start" if snap_start else "on-demand"]
    samples = _samples(probe, f"first-request probe {name}", bytecode, timeout=300)
    extra = statistics.median(s["extra_ms"] for s in samples)
    return extra, round(statistics.median(s["our_modules_imported"] for s in samples))


def snap_started() -> set[str]:
    from infra.cdk.function_specs import FUNCTION_SPECS

    return {spec.key for spec in FUNCTION_SPECS if spec.snap_start}


def measure(python: str = sys.executable) -> tuple[ColdStart, list[ColdStart]]:
    """The floor and every handler, import+init run by ``python`` (bench.runtime_python)."""
    with tempfile.TemporaryDirectory(prefix="bench-bytecode-") as cache:
        return _measure(Path(cache), python)


def _measure(bytecode: Path, python: str) -> tuple[ColdStart, list[ColdStart]]:
    """Each handler's ratio is the median, over its pairs, of its CPU time over the floor's.
    The first request after init (SnapStart) runs on this process's own Python: it needs moto,
    a dev dependency the runtime's venv does not hold."""
    every_floor: list[dict[str, float]] = []
    results = []
    for name, module in discover_handlers():
        floors, handlers = _paired(module, bytecode, python)
        every_floor += floors
        import_ms, total_ms, cpu_ms = _medians(handlers)
        ratio = statistics.median(
            h["cpu_ms"] / f["cpu_ms"] for f, h in zip(floors, handlers, strict=True)
        )
        result = ColdStart(name, module, import_ms, total_ms, ratio, cpu_ms)
        result.costliest = costliest_imports(module, bytecode, python=python)
        result.snap_start = name in snap_started()
        result.first_request_extra_ms, result.first_request_modules = first_request_extra(
            name, bytecode, snap_start=result.snap_start
        )
        results.append(result)
    floor_import, floor_total, floor_cpu = _medians(every_floor)
    floor = ColdStart(
        "floor", "Logger + boto3 + DynamoDB client", floor_import, floor_total, 1.0, floor_cpu
    )
    return floor, results
