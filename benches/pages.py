"""Page benchmark (DESIGN §6): "the overview and results pages answer in under 150 ms at the
95th percentile with 20 concurrent users on 2 cores".

    .venv/bin/python benches/pages.py                  # alone, think time, closed loop
    .venv/bin/python benches/pages.py --mode think     # only the think-time run (the target)
    .venv/bin/python benches/pages.py --seconds 60 --workers 5
    .venv/bin/python benches/pages.py --profile        # also cProfile one request per page

What it does, all in a throwaway directory that is deleted at the end:
- a scratch environment: its own SQLite database, Celery filesystem broker folder and private
  storage, DEBUG off, tasks run eagerly so `seed_demo` processes the demo extract in-process
  (checked before the load starts);
- gunicorn (sync workers) on a free loopback port, as in production (README "Production": it
  reads the project's gunicorn.conf.py);
- N clients (default 20), logged in as the demo's leader, analyst, champion and admin in turn
  through the real login form (CSRF token, its own session cookie), warm up once on every page,
  then up to three runs:
  * alone: one client requests each page `--alone` times in turn, nothing else running: the
    server time of one request by itself (target: median < 50 ms per page);
  * think: the N users request the pages round-robin, each waiting 0.5-1.5 s (uniform)
    between its requests, as people do: the 150 ms p95 target applies to this run;
  * closed: the N users request with no think time (a closed loop, the stress figure): its
    throughput is the saturation throughput of the machine;
- per page and run: requests, p50, p95, p99, max latency (ms, request sent to body read) and
  errors (anything but a 200 on the requested URL), then verdicts against the targets.

The overview (`/o/demo/`, every step's panel and the priority measures table) is the first page.
The client threads run on the same machine as the server, so they take some of its CPU.
"""

import argparse
import http.cookiejar
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
GUNICORN = BIN / "gunicorn"

TARGET_P95_MS = 150.0
TARGET_ALONE_MS = 50.0
THINK_SECONDS = (0.5, 1.5)
ORG = "demo"
# The demo's users, one per role: the clients take them in turn, so pages that differ by viewer
# (the overview's attention list, what each role may see) are measured for every role.
USERS = ("leader@demo.test", "analyst@demo.test", "champion@demo.test", "admin@demo.test")
USER = USERS[0]  # the one profiled
PASSWORD = os.environ.get("DEMO_PASSWORD") or "equity-demo-2026"

PAGES = [
    ("overview", f"/o/{ORG}/"),
    ("results explorer", f"/o/{ORG}/data/results/"),
    (
        "results explorer (query)",
        f"/o/{ORG}/data/results/?measure=CRC-SCREEN&dimension=language",
    ),
    (
        "results explorer (intersection)",
        f"/o/{ORG}/data/results/?dimension=race_ethnicity+x+language",
    ),
    ("disparities", f"/o/{ORG}/data/results/disparities/"),
    ("data quality", f"/o/{ORG}/data/quality/"),
]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Run by `manage.py shell -c` in the scratch environment.
CHECK_EXTRACT = """
from django_scopes import scopes_disabled
from data_hub.demo import DEMO_FILE_NAME
from data_hub.models import Extract
with scopes_disabled():
    statuses = list(
        Extract.objects.filter(organization__slug="demo", original_name=DEMO_FILE_NAME)
        .values_list("status", flat=True)
    )
print("EXTRACT_STATUS=" + ",".join(statuses))
"""

PROFILE_ONE = r"""
import cProfile, io, pstats, time
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from equity_portal.core.models import User

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(email=%(user)r))
url = %(url)r
client.get(url)  # warm: imports, template loading, caches
started = time.perf_counter()
client.get(url)
plain_ms = (time.perf_counter() - started) * 1000
profiler = cProfile.Profile()
with CaptureQueriesContext(connection) as queries:
    profiler.enable()
    response = client.get(url)
    profiler.disable()
print(f"status {response.status_code}, {plain_ms:.1f} ms unprofiled, {len(queries)} queries,"
      f" {len(response.content) // 1024} KiB")
slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:5]
for query in slowest:
    print(f"  sql {float(query['time']) * 1000:.1f} ms: {query['sql'][:160]}")
out = io.StringIO()
stats = pstats.Stats(profiler, stream=out)
out.write("--- project code by cumulative time")
stats.sort_stats("cumulative").print_stats(r"^%(root)s/(?!\.venv)", %(top)d)
out.write("--- everything by own time")
stats.sort_stats("tottime").print_stats(%(top)d)
print(out.getvalue())
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_env(tmp: Path) -> dict:
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "equity_portal.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_FILESYSTEM_DIR": str(tmp / "celery"),
            "PRIVATE_STORAGE_ROOT": str(tmp / "private"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:1])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict) -> None:
    started = time.perf_counter()
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo")
    statuses = manage(env, "shell", "-c", CHECK_EXTRACT).split("EXTRACT_STATUS=")[-1].strip()
    if statuses != "processed":
        sys.exit(f"the demo extract was not processed (status: {statuses or 'missing'})")
    print(
        f"scratch database migrated and seeded, demo extract processed "
        f"({time.perf_counter() - started:.1f} s)"
    )


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as handle:
        return subprocess.Popen(
            [
                str(GUNICORN),
                "equity_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def wait_ready(base: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn not ready after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


class Client:
    """One user: a cookie jar (session + CSRF cookies) and an opener that uses it."""

    def __init__(self, base: str, user: str = USER):
        self.base = base
        self.user = user
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def login(self) -> None:
        login_url = f"{self.base}/accounts/login/"
        with self.opener.open(login_url, timeout=30) as response:
            page = response.read().decode()
        match = CSRF_INPUT.search(page)
        if not match:
            raise RuntimeError("no CSRF token on the login page")
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": match.group(1),
                "username": self.user,
                "password": PASSWORD,
                "next": f"/o/{ORG}/",
            }
        ).encode()
        request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
        with self.opener.open(request, timeout=30) as response:
            response.read()
            landed = urllib.parse.urlsplit(response.geturl()).path
        if not any(cookie.name == "sessionid" for cookie in self.jar) or landed != f"/o/{ORG}/":
            raise RuntimeError(f"login failed for {self.user} (landed on {landed})")

    def get(self, path: str) -> tuple[float, bool]:
        """Latency in ms and whether the page answered 200 itself (no redirect)."""
        url = f"{self.base}{path}"
        started = time.perf_counter()
        try:
            with self.opener.open(url, timeout=30) as response:
                response.read()
                ok = response.status == 200 and response.geturl() == url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            ok = False
        return (time.perf_counter() - started) * 1000, ok


def run_load(clients: list[Client], seconds: float, max_requests: int, think: bool) -> dict:
    samples = {name: [] for name, _ in PAGES}
    errors = dict.fromkeys(samples, 0)
    lock = threading.Lock()
    issued = [0]
    start_line = threading.Barrier(len(clients))
    deadline = [0.0]

    def worker(index: int, client: Client) -> None:
        pause = random.Random(index)
        start_line.wait()
        turn = index  # round-robin, each client starting on a different page
        if think:  # users arrive spread over the first think interval, not all at once
            time.sleep(pause.uniform(0, THINK_SECONDS[1]))
        while time.monotonic() < deadline[0]:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            name, path = PAGES[turn % len(PAGES)]
            turn += 1
            elapsed, ok = client.get(path)
            with lock:
                samples[name].append(elapsed)
                if not ok:
                    errors[name] += 1
            if think:
                time.sleep(pause.uniform(*THINK_SECONDS))

    threads = [
        threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    deadline[0] = time.monotonic() + seconds
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return {"samples": samples, "errors": errors, "wall": time.perf_counter() - started}


def run_alone(client: Client, repeats: int) -> dict:
    """Each page `repeats` times by one client with nothing else running."""
    samples = {name: [] for name, _ in PAGES}
    errors = dict.fromkeys(samples, 0)
    started = time.perf_counter()
    for _ in range(repeats):
        for name, path in PAGES:
            elapsed, ok = client.get(path)
            samples[name].append(elapsed)
            errors[name] += not ok
    return {"samples": samples, "errors": errors, "wall": time.perf_counter() - started}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def report(result: dict, *, title: str, target: str) -> bool:
    """Print the table of one run; `target` "p95" (think time), "median" (alone) or ""
    (the closed loop: a stress figure, no verdict)."""
    samples, errors, wall = result["samples"], result["errors"], result["wall"]
    total = sum(len(v) for v in samples.values())
    print(f"\n== {title}: {total} requests in {wall:.1f} s ({total / wall:.1f} req/s)\n")
    width = max(len(name) for name, _ in PAGES)
    print(
        f"{'page':<{width}}  {'requests':>8}  {'p50':>8}  {'p95':>8}  {'p99':>8}  {'max':>8}"
        "  errors"
    )
    missed = []
    rows = [*samples.items()]
    everything = [v for values in samples.values() for v in values]
    if everything:
        rows.append(("all pages", everything))
    for name, values in rows:
        page_errors = sum(errors.values()) if name == "all pages" else errors[name]
        if not values:
            print(f"{name:<{width}}  {0:>8}  {'-':>8}  {'-':>8}  {'-':>8}  {'-':>8}  {page_errors}")
            missed.append(f"{name} (no requests)")
            continue
        p50 = statistics.median(values)
        page_p95, p99 = percentile(values, 95), percentile(values, 99)
        print(
            f"{name:<{width}}  {len(values):>8}  {p50:>8.1f}  {page_p95:>8.1f}  {p99:>8.1f}"
            f"  {max(values):>8.1f}  {page_errors}"
        )
        if name == "all pages":
            continue
        if target == "p95" and (page_p95 >= TARGET_P95_MS or page_errors):
            missed.append(f"{name} (p95 {page_p95:.0f} ms, {page_errors} errors)")
        if target == "median" and (p50 >= TARGET_ALONE_MS or page_errors):
            missed.append(f"{name} (median {p50:.0f} ms, {page_errors} errors)")
    if target == "p95":
        limit = f"every page p95 < {TARGET_P95_MS:.0f} ms with no errors"
    elif target == "median":
        limit = f"every page alone median < {TARGET_ALONE_MS:.0f} ms with no errors"
    else:
        print(f"saturation throughput: {total / wall:.1f} req/s")
        return True
    if missed:
        print(f"VERDICT ({title}): FAIL, {limit} missed by: {'; '.join(missed)}")
    else:
        print(f"VERDICT ({title}): PASS, {limit}")
    return not missed


def profile(env: dict, top: int) -> None:
    for name, path in PAGES:
        print(f"\n=== profile of one request: {name} ({path})")
        code = PROFILE_ONE % {"user": USER, "url": path, "top": top, "root": re.escape(str(ROOT))}
        print(manage(env, "shell", "-c", code))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--seconds", type=float, default=30, help="load duration (30)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="request cap (50000)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument(
        "--mode",
        choices=("all", "alone", "think", "closed"),
        default="all",
        help="which runs: alone, think time, closed loop, or all three (all)",
    )
    parser.add_argument("--alone", type=int, default=20, help="requests per page alone (20)")
    parser.add_argument(
        "--profile", action="store_true", help="then cProfile one request of each page"
    )
    parser.add_argument("--top", type=int, default=30, help="profile lines per page (30)")
    args = parser.parse_args()
    if not 1 <= args.users <= 100 or not 0 < args.seconds <= 600:
        parser.error("--users must be 1..100 and --seconds 0..600")

    print(
        f"pages benchmark: {args.users} users, {args.seconds:.0f} s or {args.max_requests}"
        f" requests, gunicorn -w {args.workers}, {os.cpu_count()} cores"
    )
    tmp = Path(tempfile.mkdtemp(prefix="equity-pages-bench-"))
    server = None
    try:
        env = scratch_env(tmp)
        prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / "gunicorn.log"
        server = start_gunicorn(env, port, args.workers, log)
        wait_ready(base, server, log)
        clients = [Client(base, USERS[i % len(USERS)]) for i in range(args.users)]
        for client in clients:
            client.login()
        for client in clients:  # warm up: every worker imports, loads templates, caches
            for _, path in PAGES:
                client.get(path)
        print(
            f"{len(clients)} clients logged in as {', '.join(USERS)} in turn and warmed up on"
            f" {len(PAGES)} pages"
        )
        passed = True
        if args.mode in ("all", "alone"):
            result = run_alone(clients[0], args.alone)
            passed &= report(result, title="one request alone", target="median")
        if args.mode in ("all", "think"):
            result = run_load(clients, args.seconds, args.max_requests, think=True)
            title = f"{args.users} users with think time"
            passed &= report(result, title=title, target="p95")
        if args.mode in ("all", "closed"):
            result = run_load(clients, args.seconds, args.max_requests, think=False)
            report(result, title=f"{args.users} users closed loop (stress)", target="")
        if server.poll() is not None:
            print(f"gunicorn died during the run:\n{log.read_text()[-3000:]}")
            passed = False
        stop(server)
        if args.profile:
            profile(env, args.top)
        return 0 if passed else 1
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
