"""Wall time of each phase of one ingest, printed by `ingest_extract --timings` (and read by
`benches/ingest.py`). Off unless `enable()` was called: then a phase costs two clock reads."""

import time
from contextlib import contextmanager

_phases: dict[str, float] | None = None


def enable() -> None:
    global _phases
    _phases = {}


def record(name: str, seconds: float | None) -> None:
    if _phases is not None and seconds is not None:
        _phases[name] = _phases.get(name, 0.0) + seconds


def recorded() -> dict[str, float]:
    return dict(_phases or {})


@contextmanager
def phase(name: str):
    if _phases is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        _phases[name] = _phases.get(name, 0.0) + time.perf_counter() - started


def process_age() -> float | None:
    """Seconds since this process started (Linux /proc, 10 ms resolution), else None."""
    import os

    try:
        with open("/proc/self/stat") as handle:
            started_ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as handle:
            uptime = float(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - started_ticks / os.sysconf("SC_CLK_TCK")
