"""Wall and CPU time of each phase of one ingest, printed by `ingest_extract --timings` (and
read by `benches/ingest.py`). Off unless `enable()` was called: then a phase costs four clock
reads. CPU time counts every thread of the process (DuckDB's too), so on a busy machine it
shows the work a phase does when its wall time mostly shows the wait."""

import os
import time
from contextlib import contextmanager

_phases: dict[str, list[float]] | None = None


def enable() -> None:
    global _phases
    _phases = {}


def record(name: str, seconds: float | None, cpu: float | None = None) -> None:
    if _phases is not None and seconds is not None:
        spent = _phases.setdefault(name, [0.0, 0.0])
        spent[0] += seconds
        spent[1] += cpu or 0.0


def recorded() -> dict[str, tuple[float, float]]:
    """{phase: (wall seconds, cpu seconds)}, in the order the phases started."""
    return {name: (wall, cpu) for name, (wall, cpu) in (_phases or {}).items()}


@contextmanager
def phase(name: str):
    if _phases is None:
        yield
        return
    _phases.setdefault(name, [0.0, 0.0])
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        record(name, time.perf_counter() - started, time.process_time() - cpu)


def process_age() -> tuple[float, float] | tuple[None, None]:
    """(wall, cpu) seconds since this process started (Linux /proc, 10 ms resolution)."""
    try:
        with open("/proc/self/stat") as handle:
            started_ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as handle:
            uptime = float(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None, None
    return uptime - started_ticks / os.sysconf("SC_CLK_TCK"), time.process_time()
