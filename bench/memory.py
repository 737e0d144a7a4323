"""Peak memory per phase: the bench's own process, and the local stack it starts for the load.

Linux keeps a process's peak resident set (``VmHWM`` in ``/proc/<pid>/status``) and lets the
process reset it (writing ``5`` to ``/proc/self/clear_refs``), so each phase's peak is exact, not
sampled. Where the reset is refused, the peak reported is the process's peak so far, and says
so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The budget the bench must keep (issue 22): the bench and what it starts, at their peaks.
BUDGET_MIB = 2048
_KIB = re.compile(r"^(VmHWM|VmRSS):\s+(\d+) kB$", re.MULTILINE)


@dataclass
class PhaseMemory:
    phase: str
    peak_mib: float  # the bench process's peak resident set during the phase
    end_mib: float  # its resident set when the phase ended
    stack_peak_mib: float | None = None  # the local stack's (a subprocess) peak, if started
    since_phase_start: bool = True  # False: the peak may predate the phase (reset refused)

    @property
    def total_peak_mib(self) -> float:
        return self.peak_mib + (self.stack_peak_mib or 0.0)

    @property
    def within_budget(self) -> bool:
        return self.total_peak_mib <= BUDGET_MIB


def resident_mib(pid: int | str = "self") -> tuple[float, float] | None:
    """(peak, current) resident set of a process in MiB, or None if it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    found = {name: int(kib) / 1024 for name, kib in _KIB.findall(status)}
    if "VmHWM" not in found or "VmRSS" not in found:
        return None
    return found["VmHWM"], found["VmRSS"]


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


@contextmanager
def phase(name: str, phases: list[PhaseMemory]) -> Iterator[PhaseMemory]:
    """Measure one phase; the caller may set ``stack_peak_mib`` on what it yields."""
    reset = _reset_peak()
    measured = PhaseMemory(name, 0.0, 0.0, since_phase_start=reset)
    try:
        yield measured
    finally:
        figures = resident_mib()
        if figures is not None:
            measured.peak_mib, measured.end_mib = figures
        phases.append(measured)
