"""Issue 17: the web server and the worker start without pandas (0.4 s of imports); a job
imports what its end needs (disclosure control, publication) in a background thread while
DuckDB reads the file, so the job does not wait for the imports later."""

import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from data_hub import services

ROOT = Path(__file__).resolve().parents[2]


def _fresh_process(code: str) -> dict:
    """Run `code` after django.setup() in a new interpreter; it prints one JSON line."""
    script = "import django, json, sys\ndjango.setup()\n" + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_fresh_process_imports_the_jobs_tail_in_the_background():
    found = _fresh_process(
        """
        from data_hub import services
        before = {m: m in sys.modules for m in ("pandas", *services.TAIL_MODULES)}
        thread = services._import_in_background(services.TAIL_MODULES)
        started_in = thread.name if thread else None
        thread.join(60)
        after = {m: m in sys.modules for m in ("pandas", *services.TAIL_MODULES)}
        again = services._import_in_background(services.TAIL_MODULES)
        print(json.dumps({"before": before, "after": after, "thread": started_in,
                          "again": again is not None}))
        """
    )
    # The worker and the web server start without them: that is why a job prefetches.
    assert not any(found["before"].values()), found["before"]
    assert found["thread"] == "tail-imports"
    assert all(found["after"].values()), found["after"]
    assert found["again"] is False  # already imported: no second thread


def test_a_module_that_fails_to_import_fails_where_the_job_imports_it(tmp_path, monkeypatch):
    (tmp_path / "tail_module_that_fails.py").write_text("raise RuntimeError('broken')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    thread = services._import_in_background(("tail_module_that_fails",))
    assert thread is not None
    thread.join(30)
    assert not thread.is_alive()  # the thread ended quietly
    assert "tail_module_that_fails" not in sys.modules
    with pytest.raises(RuntimeError, match="broken"):
        importlib.import_module("tail_module_that_fails")


def test_a_fresh_process_starts_without_the_parquet_writer():
    # Only a file too large for memory is staged by pyarrow's Parquet writer (0.02 s of
    # imports); the engine imports it then, not every process at start.
    found = _fresh_process(
        """
        from data_hub import engine
        print(json.dumps({"loaded": "pyarrow.parquet" in sys.modules}))
        """
    )
    assert found["loaded"] is False
