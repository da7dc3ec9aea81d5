"""Ingest benchmark (DESIGN §6): what a user waits for, whole process against whole process.

    .venv/bin/python benches/ingest.py                      # 2 M rows (~193 MB CSV), best of 3
    .venv/bin/python benches/ingest.py --rows 10000000      # the memory check (< 1 GiB) and rows/s
    .venv/bin/python benches/ingest.py --keep /tmp/x2m.csv  # generate once, reuse afterwards
    .venv/bin/python benches/ingest.py --heavy --profile    # also the older in-process comparison

Timed in the same run, each as a whole process from start to exit (imports included), best of
`--repeat` (3), peak RSS of that very process (`os.wait4`):
- (a) `python manage.py ingest_extract --org bench --sync --timings FILE` on a scratch SQLite
  database that is migrated, with the organization, its measures and default value maps seeded,
  before the clock starts (a fresh copy of that database for every run);
- (b) a DuckDB process (threads=2) that reads the same file with `read_csv` (all columns,
  auto-detected), maps race with a small table and runs seven group-bys: measure x period by
  race, ethnicity, language, sex, payer, site, and race x language.
Then the ratio (a)/(b) (DESIGN §6: at most 1.5), the job's own phase times (`--timings`), rows
per second.

`--heavy` adds the older comparison: the job (`services.extract_process`) timed inside a Django
process after setup, against DuckDB loading the file into a table and running one GROUP BY per
grouping set the project computes (13); `--profile` times each engine phase in that run.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROUP_BYS = [
    [],
    ["PATIENT_RACE"],
    ["ETHNIC_GROUP"],
    ["PATIENT_RACE", "ETHNIC_GROUP"],  # race_ethnicity
    ['"Preferred Language"'],
    ["Sex"],
    ["Age"],
    ["Payer"],
    ["Site"],
    ["PATIENT_RACE", "ETHNIC_GROUP", '"Preferred Language"'],
    ["PATIENT_RACE", "ETHNIC_GROUP", "Sex"],
    ["PATIENT_RACE", "ETHNIC_GROUP", "Age"],
    ["PATIENT_RACE", "ETHNIC_GROUP", "Payer"],
]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child_duckdb(csv_path: str) -> dict:
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    started = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}', header = true)")
    for columns in GROUP_BYS:
        keys = ", ".join(["Measure", "Period", *columns])
        con.execute(
            f"SELECT {keys}, sum(Numerator), sum(Denominator) FROM t GROUP BY {keys}"
        ).fetchall()
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": _peak_rss_mib()}


PROFILED = {
    "services": ("prepare_for_duckdb", "_store_counts"),
    "engine": (
        "load",
        "_measure_map",
        "_period_map",
        "_pseudonymize_distinct",
        "_validate_in_one_pass",
        "build_base",
        "_rejects",
        "write_parquet",
        "stratify",
    ),
}


def _profile(modules: dict, phases: dict) -> None:
    """Wrap the job's phases so each records its wall time (nested phases count in both)."""

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    for module_name, names in PROFILED.items():
        module = modules[module_name]
        for name in names:
            if hasattr(module, name):
                setattr(module, name, timed(f"{module_name}.{name}", getattr(module, name)))


def child_project(csv_path: str, scratch: str, profile: bool = False) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["PRIVATE_STORAGE_ROOT"] = f"{scratch}/private"
    os.environ["CELERY_FILESYSTEM_DIR"] = f"{scratch}/celery"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["MAX_UPLOAD_MB"] = "100000"  # the 10 M-row file is over the default limit
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equity_portal.settings")
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import transaction
    from django_scopes import scope

    from data_hub import engine, services, synthetic
    from data_hub.mapping import suggest
    from equity_portal.core.models import Job, Organization

    phases: dict[str, float] = {}
    if profile:
        _profile({"services": services, "engine": engine}, phases)

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    with scope(organization=organization):
        for m in synthetic.DEMO_MEASURES:
            services.measure_save(
                organization=organization,
                actor=None,
                code=m.code,
                name=m.name,
                direction=m.direction,
                category=m.category,
            )
        services.value_maps_seed_defaults(organization=organization)
        with open(csv_path, "rb") as handle:
            extract = services.extract_upload(
                organization=organization,
                uploaded_file=File(handle, name="bench.csv"),
                actor=None,
            )
        config = {"format": "long", "columns": suggest(extract.headers), "date_period": "month"}
        with transaction.atomic():
            services.extract_map_columns(extract=extract, config=config, actor=None, enqueue=False)
        extract.refresh_from_db()
        started = time.perf_counter()
        services.extract_process(job_id=extract.job_id)
        seconds = time.perf_counter() - started
        job = Job.objects.get(pk=extract.job_id)
        extract.refresh_from_db()
        cells = extract.counts.count()
    if job.status != Job.Status.SUCCEEDED:
        raise SystemExit(f"ingest did not succeed: {job.status} {job.message}")
    return {
        "seconds": seconds,
        "peak_rss_mib": _peak_rss_mib(),
        "rows_accepted": extract.rows_accepted,
        "cells": cells,
        "phases": phases,
    }


def _run_child(kind: str, csv_path: Path, scratch: Path, profile: bool = False) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--csv",
            str(csv_path),
            "--scratch",
            str(scratch),
            *(["--profile"] if profile else []),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode:
        raise SystemExit(f"the {kind} side failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Whole process against whole process

# (b): the DuckDB process. Seven group-bys of measure x period, race mapped with a small table.
DUCKDB_SCRIPT = """
import json, sys
import duckdb
path, race_map = sys.argv[1], json.loads(open(sys.argv[2]).read())
con = duckdb.connect(config={"threads": 2})
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [path])
con.execute("CREATE TABLE race_map (raw VARCHAR, target VARCHAR)")
con.executemany("INSERT INTO race_map VALUES (?, ?)", list(race_map.items()))
con.execute(
    "CREATE VIEW v AS SELECT t.*, coalesce(m.target, 'Unknown') AS race FROM t "
    "LEFT JOIN race_map m ON m.raw = lower(trim(t.PATIENT_RACE))"
)
for keys in ("race", "ETHNIC_GROUP", '"Preferred Language"', "Sex", "Payer", "Site",
             'race, "Preferred Language"'):
    con.execute(
        f"SELECT Measure, Period, {keys}, sum(Numerator), sum(Denominator) FROM v "
        f"GROUP BY Measure, Period, {keys}"
    ).fetchall()
"""


def child_setup(scratch: str) -> dict:
    """The scratch database for (a): migrated, organization `bench` with its measures and
    default value maps. Not timed."""
    os.environ.update(_project_env(Path(scratch), Path(scratch) / "template.sqlite3"))
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scope

    from data_hub import services, synthetic
    from data_hub.defaults import default_value_maps
    from equity_portal.core.models import Organization

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    with scope(organization=organization):
        for m in synthetic.DEMO_MEASURES:
            services.measure_save(
                organization=organization,
                actor=None,
                code=m.code,
                name=m.name,
                direction=m.direction,
                category=m.category,
            )
        services.value_maps_seed_defaults(organization=organization)
    (Path(scratch) / "race_map.json").write_text(json.dumps(default_value_maps()["race"]))
    return {}


def _project_env(scratch: Path, database: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{database}",
        "PRIVATE_STORAGE_ROOT": str(scratch / "private"),
        "CELERY_FILESYSTEM_DIR": str(scratch / "celery"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MAX_UPLOAD_MB": "100000",  # the 10 M-row file is over the default limit
        "DJANGO_SETTINGS_MODULE": "equity_portal.settings",
        "LOG_LEVEL": "WARNING",
    }


def _timed_process(
    command: list[str], env: dict | None = None, cwd: Path = ROOT
) -> tuple[float, float, float, str]:
    """(wall seconds from start to exit, peak RSS MiB, CPU seconds of that process, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, cwd=cwd, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode:
        raise SystemExit(f"{command[:4]} failed ({process.returncode}):\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, stdout


def _run_ingest(csv_path: Path, scratch: Path, run: int, checkout: Path = ROOT) -> dict:
    import shutil

    database = scratch / f"run{run}.sqlite3"
    shutil.copyfile(scratch / "template.sqlite3", database)
    shutil.rmtree(scratch / "private", ignore_errors=True)
    command = [sys.executable, "manage.py", "ingest_extract", "--org", "bench", "--sync"]
    command += ["--timings", str(csv_path)]
    seconds, rss, cpu, stdout = _timed_process(command, _project_env(scratch, database), checkout)
    database.unlink()
    phases = {}
    for line in stdout.splitlines():
        if line.startswith("phase "):
            name, spent = line[len("phase ") :].rsplit(": ", 1)
            phases[name] = tuple(float(part.split()[0]) for part in spent.split(", "))
    accepted = next(
        (
            int(line.split(":")[1])
            for line in stdout.splitlines()
            if line.startswith("rows accepted")
        ),
        0,
    )
    protection = next(
        (line for line in stdout.splitlines() if line.startswith("small-cell protection")), ""
    )
    return {
        "seconds": seconds,
        "peak_rss_mib": rss,
        "cpu": cpu,
        "phases": phases,
        "protection": protection,
        "rows_accepted": accepted,
    }


def _run_duckdb(csv_path: Path, scratch: Path) -> dict:
    command = [sys.executable, "-c", DUCKDB_SCRIPT, str(csv_path), str(scratch / "race_map.json")]
    seconds, rss, cpu, _ = _timed_process(command)
    return {"seconds": seconds, "peak_rss_mib": rss, "cpu": cpu}


def _generate(csv_path: Path, rows: int) -> None:
    """The synthetic extract, rewritten with quotes only where needed (as EHR exports come):
    2 M rows are about 193 MB."""
    import duckdb

    from data_hub.synthetic import generate_extract

    started = time.perf_counter()
    quoted = csv_path.with_suffix(".quoted.csv")
    summary = generate_extract(quoted, rows=rows)
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET enable_progress_bar = false")  # a session option in DuckDB 1.x
    con.execute(
        f"COPY (SELECT * FROM read_csv('{quoted}', all_varchar = true)) TO '{csv_path}' (HEADER)"
    )
    con.close()
    quoted.unlink()
    print(
        f"generated {summary['rows']:,} rows, {summary['patients']:,} patients, "
        f"{csv_path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
    )


def _load() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds"])


def _describe(run: dict) -> str:
    return f"{run['seconds']:.2f} s (cpu {run['cpu']:.2f} s, {run['peak_rss_mib']:.0f} MiB)"


def whole_process(
    csv_path: Path, scratch: Path, rows: int, repeat: int, before: Path | None = None
) -> None:
    print(f"load average before: {_load()}")
    _run_child("setup", csv_path, scratch)
    ingest, duck, old = [], [], []
    for run in range(repeat):  # interleaved, so a busy moment hits every side alike
        duck.append(_run_duckdb(csv_path, scratch))
        ingest.append(_run_ingest(csv_path, scratch, run))
        line = f"  run {run + 1}: ingest {_describe(ingest[-1])}, duckdb {_describe(duck[-1])}"
        if before:
            old.append(_run_ingest(csv_path, scratch, run, before))
            line += f", before {_describe(old[-1])}"
        print(f"{line}, load {_load()}")
    a, b = _best(ingest), _best(duck)
    # The rows the job accepted (with --keep, the file's rows, whatever --rows says).
    rows = a["rows_accepted"] or rows
    print(
        f"(a) manage.py ingest_extract --sync, whole process: {a['seconds']:.2f} s best of "
        f"{repeat}, peak RSS {a['peak_rss_mib']:.0f} MiB, {rows / a['seconds']:,.0f} rows/s "
        f"({a['rows_accepted']:,} rows accepted)"
    )
    print(
        f"(b) duckdb read_csv + race map + 7 group-bys, whole process: {b['seconds']:.2f} s "
        f"best of {repeat}, peak RSS {b['peak_rss_mib']:.0f} MiB"
    )
    print(f"ratio (a) / (b): {a['seconds'] / b['seconds']:.2f} (DESIGN §6 target: <= 1.5)")
    cpu_a, cpu_b = min(r["cpu"] for r in ingest), min(r["cpu"] for r in duck)
    print(
        f"cpu seconds (user + sys), best: (a) {cpu_a:.2f}, (b) {cpu_b:.2f}, "
        f"ratio {cpu_a / cpu_b:.2f}"
    )
    if before:
        c = _best(old)
        print(
            f"before ({before}): {c['seconds']:.2f} s best of {repeat}, peak RSS "
            f"{c['peak_rss_mib']:.0f} MiB, ratio to (b) {c['seconds'] / b['seconds']:.2f}, "
            f"cpu {min(r['cpu'] for r in old):.2f} s"
        )
    if a.get("protection"):  # the disclosure-control audit of issue 10, inside (a)
        print(f"{a['protection']} (phase 'job: disclosure control' below)")
    for label, run in (("(a)", a), *((("before", _best(old)),) if before else ())):
        if run["phases"]:
            print(f"phases of the best {label} run (the job's own --timings): wall s, cpu s")
            for name, (wall, cpu) in run["phases"].items():
                print(f"  {name:<48} {wall:6.2f} {cpu:6.2f}")
    if rows >= 10_000_000:
        print(
            f"peak memory of the ingest at {rows:,} rows: {a['peak_rss_mib']:.0f} MiB "
            "(target < 1024 MiB)"
        )
    print(f"load average after: {_load()}")


def heavy(csv_path: Path, scratch: Path, profile: bool) -> None:
    duck = _run_child("duckdb", csv_path, scratch)
    project = _run_child("project", csv_path, scratch, profile)
    ratio = project["seconds"] / duck["seconds"]
    print(
        f"[heavy] duckdb alone (load + {len(GROUP_BYS)} group-bys, clock after start): "
        f"{duck['seconds']:.2f} s, peak RSS {duck['peak_rss_mib']:.0f} MiB"
    )
    print(
        f"[heavy] ingest job in a started Django process: {project['seconds']:.2f} s, peak RSS "
        f"{project['peak_rss_mib']:.0f} MiB ({project['cells']:,} stratified counts); "
        f"ratio {ratio:.2f}"
    )
    for name, seconds in project["phases"].items():
        print(f"  {name:<32} {seconds:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (best is shown)")
    parser.add_argument("--heavy", action="store_true", help="also the older in-process comparison")
    parser.add_argument(
        "--profile", action="store_true", help="with --heavy: time each phase of the job"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="reuse (or generate once and keep) the extract at this path; the row count must match",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout (e.g. a git worktree of the old code) whose ingest is timed too",
    )
    parser.add_argument("--child", choices=["duckdb", "project", "setup"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "duckdb":
        print(json.dumps(child_duckdb(args.csv)))
        return
    if args.child == "project":
        print(json.dumps(child_project(args.csv, args.scratch, args.profile)))
        return
    if args.child == "setup":
        print(json.dumps(child_setup(args.scratch)))
        return

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        scratch = Path(tmp)
        csv_path = (args.keep or scratch / "extract.csv").resolve()
        if csv_path.exists():
            print(f"reusing {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB)")
        else:
            _generate(csv_path, args.rows)
        whole_process(csv_path, scratch, args.rows, args.repeat, args.before)
        if args.heavy:
            heavy(csv_path, scratch, args.profile)


if __name__ == "__main__":
    main()
