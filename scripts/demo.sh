#!/usr/bin/env bash
# `make demo`: migrate, seed the demo organizations, start a Celery worker in the background
# and Celery beat (filesystem broker: no server), then serve http://127.0.0.1:$PORT. Ctrl-C stops them all.
# Prints how long each phase took, and the time from `make demo` (DEMO_START, set by the
# Makefile) to the first page served.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
BIN=.venv/bin
DEMO_START="${DEMO_START:-$(date +%s%N)}"
mkdir -p var

seconds_since() { # seconds (one decimal) since a `date +%s%N` stamp
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100))
}

# The worker starts first: its start-up (loading Django and the statistics libraries) overlaps
# the migration; it takes tasks only once seeding has queued the demo extract.
phase=$(date +%s%N)
$BIN/celery -A equity_portal worker --loglevel=WARNING --concurrency=1 --pool=solo \
  --hostname="demo@%h" >var/worker.log 2>&1 &
WORKER_PID=$!
# Celery beat: periodic work (jobs whose worker died, expired raw uploads).
$BIN/celery -A equity_portal beat --loglevel=WARNING --schedule=var/celerybeat-schedule \
  >var/beat.log 2>&1 &
BEAT_PID=$!
WATCH_PID=""
stop_all() {
  if [ -n "$WATCH_PID" ]; then kill "$WATCH_PID" 2>/dev/null || true; fi
  kill -TERM "$BEAT_PID" 2>/dev/null || true
  if kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "Stopping the Celery worker..."
    kill -TERM "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
}
trap stop_all EXIT INT TERM
echo "worker start: $(seconds_since "$phase") (pid $WORKER_PID, log var/worker.log; beat pid $BEAT_PID, log var/beat.log)"

# Migrate and seed in one process: Django and the libraries load once. Seeding enqueues the
# demo extract; the worker processes it while the server starts.
$BIN/python - <<'PY'
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equity_portal.settings")
start = time.monotonic()
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

print(f"load Django: {time.monotonic() - start:.1f} s", flush=True)
phase = time.monotonic()
call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
print(f"migrate: {time.monotonic() - phase:.1f} s", flush=True)
phase = time.monotonic()
call_command("seed_demo")
print(f"seed: {time.monotonic() - phase:.1f} s", flush=True)
PY

# Reports the first page served (the log-in page) in the background, then the server runs in
# the foreground.
phase=$(date +%s%N)
(
  for _ in $(seq 1 600); do
    if $BIN/python -c "import sys, urllib.request
sys.exit(urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2).status != 200)" \
      2>/dev/null; then
      echo "first page ready: $(seconds_since "$phase") after the server started," \
        "$(seconds_since "$DEMO_START") after make demo began"
      echo
      echo "Equity Portal: http://127.0.0.1:$PORT  (users: champion@demo.test, analyst@demo.test,"
      echo "leader@demo.test, admin@demo.test; password: ${DEMO_PASSWORD:-equity-demo-2026})"
      exit 0
    fi
    sleep 0.2
  done
) &
WATCH_PID=$!
$BIN/python manage.py runserver "127.0.0.1:$PORT" --noreload --skip-checks
