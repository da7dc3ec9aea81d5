"""Disclosure-control benchmark (issue 10): information lost and audit time.

    .venv/bin/python benches/disclosure.py                   # the demo extract (96,000 rows)
    .venv/bin/python benches/disclosure.py --rows 2000000    # a generated 2-million-row extract

Generates the synthetic extract (`data_hub.synthetic`, as `seed_demo` does), runs the real
ingest job (results, quality counts, protection) on a scratch organization in a throwaway
SQLite database, then, for everything the extract publishes (every measure, period,
dimension, intersection, the overall rows and the data-quality counts):
- the protection and audit (`equity_stats.protect_publication`) with its time, and an
  independent audit of the decisions;
- the share of cells and of patients (sum of denominators / patient counts) hidden by
  primary and by secondary suppression, per dimension family, before (the old rule: each
  table alone, primary plus one complement) and after (the whole publication together).
"""

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ingest(csv_path: Path, scratch: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["PRIVATE_STORAGE_ROOT"] = f"{scratch}/private"
    os.environ["CELERY_FILESYSTEM_DIR"] = f"{scratch}/celery"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["MAX_UPLOAD_MB"] = "100000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equity_portal.settings")
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import transaction
    from django_scopes import scope

    from data_hub import services, synthetic
    from data_hub.mapping import suggest
    from data_hub.models import Extract
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
        with open(csv_path, "rb") as handle:
            extract = services.extract_upload(
                organization=organization, uploaded_file=File(handle, name="bench.csv"), actor=None
            )
        config = {"format": "long", "columns": suggest(extract.headers), "date_period": "month"}
        with transaction.atomic():
            services.extract_map_columns(extract=extract, config=config, actor=None, enqueue=False)
        extract.refresh_from_db()
        started = time.perf_counter()
        services.extract_process(job_id=extract.job_id)
        ingest_seconds = time.perf_counter() - started
        extract = Extract.objects.get(pk=extract.pk)
        return organization, extract, ingest_seconds


def family(key) -> str:
    if key[0] == "q":
        return "quality counts"
    dimension = key[4]
    if dimension == "all":
        return "overall"
    if " x " in dimension:
        return "intersections"
    if "|" in dimension:
        return "ethnicity & race_ethnicity (shared)"
    return dimension


def old_decisions(counts, quality, k):
    """The old rule: each table alone (primary + one complement); quality categories per
    completeness row. Returns hidden keys."""
    import equity_stats
    from equity_stats.disclosure import _result_key

    hidden = set()
    shown = set()
    mask = equity_stats.suppression_mask(
        counts, k=k, table_keys=["measure", "period_start", "granularity", "dimension"]
    ).to_numpy()
    for row, h in zip(counts.itertuples(index=False), mask, strict=True):
        key = _result_key(row.measure, row.period_start, row.granularity, row.dimension, row.group)
        (hidden if h else shown).add(key)
    hidden -= shown  # a shared cell shown in one table is published
    if len(quality):
        dq = equity_stats.data_quality(
            quality, count_col="patients", by=["period_start", "granularity", "site", "dimension"]
        )
        for r in dq.itertuples(index=False):
            values = {"known": r.known, "Unknown": r.unknown, "Declined": r.declined}
            import pandas as pd

            table = pd.DataFrame(
                {
                    "t": 1,
                    "c": list(values),
                    "v": [int(v) for v in values.values()],
                    "n": int(r.total),
                }
            )
            m = equity_stats.suppression_mask(
                table, k=k, table_keys=["t"], group_col="c", numerator_col="v", denominator_col="n"
            )
            for c, h in zip(values, m, strict=True):
                if h:
                    hidden.add(("q", r.period_start, r.granularity, r.site, r.dimension, c))
    return hidden


def table(pub, primary, hidden_old, hidden_new):
    cells = defaultdict(lambda: defaultdict(float))
    for c in pub.cells:
        f = family(c.key)
        row = cells[f]
        row["cells"] += 1
        row["patients"] += c.n
        if c.key in primary:
            row["p_cells"] += 1
            row["p_patients"] += c.n
        for name, hidden in (("old", hidden_old), ("new", hidden_new)):
            if c.key in hidden and c.key not in primary:
                row[f"{name}_cells"] += 1
                row[f"{name}_patients"] += c.n
    head = (
        f"{'family':<36}{'cells':>7}{'primary':>9}{'second. before':>16}{'second. after':>15}"
        f"{'| patients':>11}{'primary':>9}{'second. before':>16}{'second. after':>15}"
    )
    print(head)
    print("-" * len(head))

    def pct(a, b):
        return f"{100 * a / b:.1f}%" if b else "-"

    totals = defaultdict(float)
    for f in sorted(cells):
        r = cells[f]
        for key, value in r.items():
            totals[key] += value
        _line(f, r, pct)
    print("-" * len(head))
    _line("all published cells", totals, pct)


def _line(name, r, pct):
    print(
        f"{name:<36}{int(r['cells']):>7}{pct(r['p_cells'], r['cells']):>9}"
        f"{pct(r['old_cells'], r['cells']):>16}{pct(r['new_cells'], r['cells']):>15}"
        f"{'| ':>3}{int(r['patients']):>8}{pct(r['p_patients'], r['patients']):>9}"
        f"{pct(r['old_patients'], r['patients']):>16}{pct(r['new_patients'], r['patients']):>15}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=96_000, help="default: the demo extract")
    parser.add_argument("--k", type=int, default=11)
    args = parser.parse_args()
    from data_hub.synthetic import generate_extract

    with tempfile.TemporaryDirectory(prefix="disclosure-bench-") as tmp:
        scratch = Path(tmp)
        csv_path = scratch / "extract.csv"
        summary = generate_extract(csv_path, rows=args.rows)
        print(f"extract: {summary['rows']:,} rows, {summary['patients']:,} patients")
        organization, extract, ingest_seconds = ingest(csv_path, scratch)
        from django_scopes import scope

        import equity_stats
        from data_hub import disclosure

        with scope(organization=organization):
            extract.refresh_from_db()
            counts, quality = disclosure.publication_frames(
                organization=organization, extract=extract
            )
            figures = extract.provenance.disclosure
        print(
            f"ingest job (results, quality counts, protection, publication): "
            f"{ingest_seconds:.2f} s; its protection: {figures.get('seconds')} s"
        )
        pub = equity_stats.build_publication(counts, quality)
        started = time.perf_counter()
        decisions = equity_stats.protect_publication(pub.cells, pub.relations, k=args.k)
        protect_seconds = time.perf_counter() - started
        started = time.perf_counter()
        report = equity_stats.audit(pub.cells, pub.relations, decisions.hidden, k=args.k)
        audit_seconds = time.perf_counter() - started
        print(
            f"publication: {len(pub.cells):,} cells, {len(pub.relations):,} relations; "
            f"protection (primary, relation rule, stability, audit to a fixed point): "
            f"{protect_seconds:.2f} s in {decisions.rounds} rounds"
        )
        print(
            f"final audit: {report.cells_audited:,} hidden cells in {report.components:,} "
            f"components, {report.programs_solved:,} programs, {audit_seconds:.2f} s, "
            f"{'PASSED' if report.passed else f'{len(report.findings)} FINDINGS'}"
        )
        print(f"provenance figures: {extract.provenance.disclosure}")
        old = old_decisions(counts, quality, args.k)
        old_report = equity_stats.audit(
            pub.cells, pub.relations, old & {c.key for c in pub.cells}, k=args.k
        )
        print(
            f"the old per-table decisions under the same audit: "
            f"{len(old_report.disclosed_cells()):,} cells disclosed, "
            f"{sum(1 for f in old_report.findings if f.cell is None):,} relations with a "
            "small remainder"
        )
        print()
        table(pub, decisions.primary, old, decisions.hidden)


if __name__ == "__main__":
    main()
