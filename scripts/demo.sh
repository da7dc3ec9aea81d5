#!/usr/bin/env bash
# `make demo`: migrate, seed the demo organizations, start a Celery worker in the background
# (filesystem broker: no server), then serve http://127.0.0.1:$PORT. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
BIN=.venv/bin
mkdir -p var

$BIN/python manage.py migrate --no-input
$BIN/celery -A equity_portal worker --loglevel=WARNING --concurrency=1 --pool=solo \
  --hostname="demo@%h" >var/worker.log 2>&1 &
WORKER_PID=$!
# Celery beat: periodic work (jobs whose worker died, expired raw uploads).
$BIN/celery -A equity_portal beat --loglevel=WARNING --schedule=var/celerybeat-schedule \
  >var/beat.log 2>&1 &
BEAT_PID=$!
stop_worker() {
  kill -TERM "$BEAT_PID" 2>/dev/null || true
  if kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "Stopping the Celery worker..."
    kill -TERM "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
}
trap stop_worker EXIT INT TERM
echo "Celery worker started (pid $WORKER_PID, log var/worker.log)."

# Seeding enqueues the demo extract; the worker processes it while the server starts.
$BIN/python manage.py seed_demo

echo
echo "Equity Portal: http://127.0.0.1:$PORT  (users: champion@demo.test, analyst@demo.test,"
echo "leader@demo.test, admin@demo.test; password: ${DEMO_PASSWORD:-equity-demo-2026})"
$BIN/python manage.py runserver "127.0.0.1:$PORT" --noreload
