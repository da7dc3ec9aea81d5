"""Ingest benchmark (DESIGN §6): the project's ingest job against DuckDB alone, same file, same
group-bys, same run.

    .venv/bin/python benches/ingest.py                 # 2 million rows (~150 MB CSV)
    .venv/bin/python benches/ingest.py --rows 10000000 # the memory check (< 1 GiB)
    .venv/bin/python benches/ingest.py --profile       # also time each phase of the job

Each side runs in its own child process, so its peak memory (max RSS) is its own:
- project: the ingest job (`data_hub.services.extract_process`: transcoding check, DuckDB load,
  validation, pseudonymization of distinct ids, Parquet, GROUPING SETS, the atomic write of the
  counts) on a scratch organization in a throwaway SQLite database; the upload and mapping are
  set up before the clock starts;
- duckdb: `CREATE TABLE AS read_csv(...)` of the same file, then one GROUP BY per grouping set
  the project computes (overall, 8 dimensions, 4 intersections), threads=2.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument(
        "--profile", action="store_true", help="print the wall time of each phase of the job"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="reuse (or generate once and keep) the extract at this path; the row count must match",
    )
    parser.add_argument("--child", choices=["duckdb", "project"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "duckdb":
        print(json.dumps(child_duckdb(args.csv)))
        return
    if args.child == "project":
        print(json.dumps(child_project(args.csv, args.scratch, args.profile)))
        return

    from data_hub.synthetic import generate_extract

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        scratch = Path(tmp)
        csv_path = args.keep or scratch / "extract.csv"
        if csv_path.exists():
            print(f"reusing {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB)")
        else:
            started = time.perf_counter()
            summary = generate_extract(csv_path, rows=args.rows)
            print(
                f"generated {summary['rows']:,} rows, {summary['patients']:,} patients, "
                f"{summary['size_bytes'] / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
            )
        duck = _run_child("duckdb", csv_path, scratch)
        project = _run_child("project", csv_path, scratch, args.profile)
    ratio = project["seconds"] / duck["seconds"]
    print(
        f"duckdb alone (load + {len(GROUP_BYS)} group-bys): {duck['seconds']:.2f} s, "
        f"peak RSS {duck['peak_rss_mib']:.0f} MiB"
    )
    print(
        f"project ingest job: {project['seconds']:.2f} s, peak RSS "
        f"{project['peak_rss_mib']:.0f} MiB ({project['cells']:,} stratified counts)"
    )
    print(f"ratio project / duckdb: {ratio:.2f} (DESIGN §6 target: <= 1.5)")
    for name, seconds in project["phases"].items():
        print(f"  {name:<32} {seconds:6.2f} s")
    if args.rows >= 10_000_000:
        print(
            f"peak memory of the ingest at {args.rows:,} rows: "
            f"{project['peak_rss_mib']:.0f} MiB (target < 1024 MiB)"
        )


if __name__ == "__main__":
    main()
