"""Completeness in patients from the extract's Parquet file (computed when the extract is
processed), the report page, and small-cell suppression on it."""

import io
import json
import re
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

import equity_stats
from data_hub import services
from data_hub.models import Extract, ExtractProvenance, ValueMapEntry
from data_hub.quality import selectors
from data_hub.quality.models import ALL_SITES, QualityCount, QualitySnapshot
from equity_portal.core.models import Job

from .conftest import url
from .factories import (
    CommunityIndicatorFactory,
    ExtractFactory,
    ProvenanceFactory,
    fixture_extract,
)

pytestmark = pytest.mark.django_db

Q1 = date(2025, 1, 1)
SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("pid", pa.string()),
        ("measure", pa.string()),
        ("period_start", pa.date32()),
        ("granularity", pa.string()),
        ("period_label", pa.string()),
        ("numerator", pa.int64()),
        ("denominator", pa.int64()),
        ("excluded", pa.bool_()),
        ("race", pa.string()),
        ("ethnicity", pa.string()),
        ("language", pa.string()),
        ("sex", pa.string()),
        ("payer", pa.string()),
        ("site", pa.string()),
        ("age_band", pa.string()),
    ]
)


def write_parquet(extract, rows):
    relative = f"data_hub/org-{extract.organization_id}/extracts/{extract.pk}/normalized.parquet"
    path = settings.PRIVATE_STORAGE_ROOT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = {name: [r.get(name) for r in rows] for name in SCHEMA.names}
    pq.write_table(pa.table(columns, schema=SCHEMA), path)
    return relative


def patient(i, *, race, language, site="North", measure="screen", ethnicity=None):
    return {
        "line": i,
        "pid": f"p{i // 10 if measure == 'again' else i}",
        "measure": measure,
        "period_start": Q1,
        "granularity": "quarter",
        "period_label": "2025-Q1",
        "numerator": 1,
        "denominator": 1,
        "excluded": False,
        "race": race,
        "ethnicity": ethnicity,
        "language": language,
        "sex": None,
        "payer": None,
        "site": site,
        "age_band": "Unknown",
    }


def value_maps(org):
    for family, source, target in [
        ("race", "white", "White"),
        ("race", "black", "Black or African American"),
        ("race", "declined", "Declined"),
        ("language", "english", "English"),
        ("language", "spanish", "Spanish"),
        ("ethnicity", "not hispanic", "Not Hispanic or Latino"),
    ]:
        ValueMapEntry.objects.create(
            organization=org, family=family, source_value=source, target=target
        )


def quality_extract(org, status=Extract.Status.PROCESSED):
    value_maps(org)
    extract = ExtractFactory(organization=org, status=status)
    ProvenanceFactory(extract=extract)
    rows = []
    # North: 60 patients (40 white, 15 black, 5 declined); 2 rows each for 10 of them.
    for i in range(60):
        race = "WHITE" if i < 40 else ("black" if i < 55 else "declined")
        rows.append(patient(i, race=race, language="English", ethnicity="Not Hispanic"))
    for i in range(10):
        rows.append({**patient(i, race=None, language=None), "measure": "readmit"})
    # South: 30 patients, 25 with no race (Unknown), 3 with an unmapped spelling.
    for i in range(100, 130):
        race = None if i < 125 else ("martian" if i < 128 else "white")
        rows.append(patient(i, race=race, language="spanish", site="South"))
    extract.parquet_path = write_parquet(extract, rows)
    extract.save()
    return extract


def quality_compute(*, extract_id):
    """What the processing and re-stratification jobs do: the extract's counts, quality
    counts and suppression decisions in one job (here a re-stratification, run in this
    process). Returns the number of quality rows, or None when the job could not run."""
    extract = Extract.objects.get(pk=extract_id)
    try:
        job = services.extract_restratify(extract=extract, actor=None)
    except ValidationError:
        return None
    services.extract_restratify_run(job_id=job.pk)
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        return None
    return QualityCount.objects.filter(extract_id=extract_id).count()


def make_quality_counts(org, extract):
    cells = [
        ("North", "race", "White", 50),
        ("North", "race", "Unknown", 4),
        ("South", "race", "White", 40),
        ("South", "race", "Unknown", 30),
        (ALL_SITES, "race", "White", 90),
        (ALL_SITES, "race", "Unknown", 34),
    ]
    QualityCount.objects.bulk_create(
        QualityCount(
            organization=org,
            extract=extract,
            period_start=Q1,
            granularity="quarter",
            period_label="2025-Q1",
            site=s,
            dimension=d,
            group=g,
            patients=p,
        )
        for s, d, g, p in cells
    )
    # Quality counts normally arrive with a new quality snapshot, which makes the extract's
    # disclosure decisions (cached, and already taken when its results were published) stale.
    cache.clear()


def _counts(extract):
    return {
        (c.site, c.dimension, c.group): c.patients
        for c in QualityCount.objects.filter(extract=extract)
    }


def test_completeness_counts_patients_once_with_their_best_value(org):
    extract = quality_extract(org)
    assert quality_compute(extract_id=extract.pk) > 0
    counts = _counts(extract)
    # The ten patients with a second, blank row keep their known race and language.
    assert counts[("North", "race", "White")] == 40
    assert counts[("North", "race", "Declined")] == 5
    assert ("North", "race", "Unknown") not in counts
    assert counts[("South", "race", "Unknown")] == 28  # 25 blank + 3 unmapped
    assert counts[(ALL_SITES, "race", "White")] == 42
    assert counts[(ALL_SITES, "language", "Spanish")] == 30
    assert sum(v for (s, d, _), v in counts.items() if s == ALL_SITES and d == "race") == 90
    snapshot = QualitySnapshot.objects.get(extract=extract)
    version = ExtractProvenance.objects.get(extract=extract).value_map_version
    assert snapshot.patients == 90 and snapshot.value_map_version == version


def test_recompute_is_idempotent(org):
    extract = quality_extract(org)
    quality_compute(extract_id=extract.pk)
    first = _counts(extract)
    quality_compute(extract_id=extract.pk)
    assert _counts(extract) == first


def test_computed_in_the_job_that_stores_the_results(org):
    """One job stores the results and the quality counts and decides suppression over both:
    no separate quality job, and the disclosure figures count the quality rows."""
    extract = quality_extract(org)
    QualityCount.objects.filter(extract=extract).delete()
    stored = quality_compute(extract_id=extract.pk)
    assert stored and QualityCount.objects.filter(extract=extract).count() == stored
    assert not Job.objects.filter(kind__startswith="data_quality").exists()
    assert Job.objects.filter(object_id=str(extract.pk)).count() == 1
    figures = ExtractProvenance.objects.get(extract=extract).disclosure
    results = extract.counts.count()
    assert figures["cells"] > results  # the quality rows were decided with the results


def test_missing_parquet_changes_nothing(org):
    extract = ExtractFactory(organization=org)
    assert quality_compute(extract_id=extract.pk) is None
    assert not QualityCount.objects.filter(extract=extract).exists()


def test_report_shows_completeness_target_distribution_and_hides_small_cells(org, analyst):
    extract = quality_extract(org)
    extract.unmapped_values = {"race": {"martian": 3, "blue": 40}}
    extract.rejected_reasons = {"numerator is missing": 12}
    extract.save()
    quality_compute(extract_id=extract.pk)
    CommunityIndicatorFactory(
        organization=org,
        indicator="Population share",
        unit="%",
        dimension="race",
        group="White",
        value=61.5,
    )
    response = analyst.get(url(org, "quality:report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "95% known" in html  # the organization's target
    assert "61.5%" in html  # community share beside the patients' distribution
    assert "martian" in html and "fewer than 11" in html  # unmapped 3 rows: no count
    assert "numerator is missing" in html
    assert "suppressed" in html  # 5 Declined at North
    north_declined = '<td class="num">5</td>'
    assert north_declined not in html
    assert "completeness-trend-data" in html


def test_trend_csv_download(org, analyst):
    extract = quality_extract(org)
    quality_compute(extract_id=extract.pk)
    response = analyst.get(url(org, "quality:trend_csv"))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "period_label,dimension,proportion_known,suppressed"
    # Proportions (0..1) like every other export, not percents (issue 16).
    known = [float(line.split(",")[2]) for line in lines[1:] if line.split(",")[2]]
    assert known and all(0.0 <= value <= 1.0 for value in known)
    assert any(0.0 < value < 1.0 for value in known)


def test_report_shows_every_dimension_by_its_label_never_its_code(org, analyst):
    extract = quality_extract(org)
    quality_compute(extract_id=extract.pk)  # "martian" is an unmapped race
    html = analyst.get(url(org, "quality:report")).content.decode()
    cells = re.findall(r"<td>([^<]*)</td>", html)
    for code, label in (("race", "Race"), ("ethnicity", "Ethnicity"), ("language", "Language")):
        assert code not in cells
        assert label in cells
    for table in ("completeness-by-period", "completeness-by-site", "distribution"):
        body = re.search(rf'id="{table}".*?</table>', html, re.S).group(0)
        assert "<td>Race</td>" in body and "<td>race</td>" not in body
    unmapped = re.search(r'id="unmapped-h".*?</section>', html, re.S).group(0)
    assert "<td>Race</td><td>martian</td>" in unmapped
    figure = json.loads(
        re.search(r'id="completeness-trend-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    names = {trace["name"] for trace in figure["data"] if trace.get("type") == "scatter"}
    assert {"Race", "Ethnicity", "Language"} <= names
    for trace in figure["data"]:
        assert not trace.get("hovertemplate", "").startswith(("race", "ethnicity", "language"))


def test_quality_xlsx_shows_labels_and_the_csv_keeps_its_codes(org, analyst):
    extract, _ = fixture_extract(org)
    make_quality_counts(org, extract)
    csv_lines = (
        analyst.get(url(org, "results:export", what="quality", file_format="csv"))
        .content.decode()
        .splitlines()
    )
    assert csv_lines[0] == ",".join(selectors.QUALITY_EXPORT_COLUMNS)  # machine-first, unchanged
    assert {line.split(",")[3] for line in csv_lines[1:]} == {"race"}
    response = analyst.get(url(org, "results:export", what="quality", file_format="xlsx"))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    header = rows[0]
    assert "Dimension" in header and "Patients with a known value" in header
    assert "Known" in header and "known" not in header
    assert {r[header.index("Dimension")] for r in rows[1:]} == {"Race"}


class _NothingHidden:
    def quality_hidden(self, *key):
        return False

    def group_hidden(self, *key):
        return False


def test_figures_equal_the_statistics_module(org):
    """The page sums stored counts in the database; its figures are equity_stats'."""
    extract = quality_extract(org)
    quality_compute(extract_id=extract.pk)
    stored = pd.DataFrame.from_records(
        QualityCount.objects.filter(extract=extract).values(
            "period_start", "granularity", "site", "dimension", "group", "patients"
        )
    )
    rows = selectors.completeness_rows(
        organization=org, extract=extract, k=11, decisions=_NothingHidden()
    )
    expected = equity_stats.data_quality(
        stored, count_col="patients", by=["dimension", "site", "period_start", "granularity"]
    )
    assert len(rows) == len(expected) > 3
    by_key = {(r["dimension"], r["site"], r["period_start"]): r for r in rows}
    for e in expected.to_dict("records"):
        row = by_key[(e["dimension"], e["site"], e["period_start"])]
        assert row["patients"] == e["total"]
        for c in selectors.CATEGORIES:
            assert row[c] == e[c]
            assert row[f"percent_{c}"] == e[f"percent_{c}"]  # the same float, not close to it
    distribution = selectors.distribution(
        organization=org, extract=extract, rows=rows, decisions=_NothingHidden()
    )
    latest = stored[stored["site"] == ALL_SITES]
    expected = equity_stats.category_distribution(latest, count_col="patients", by=["dimension"])
    assert [(d["dimension"], d["group"], d["patients"], d["percent"]) for d in distribution] == [
        (e["dimension"], e["group"], e["count"], e["percent"]) for e in expected.to_dict("records")
    ]


def test_report_follows_recomputed_counts(org, analyst):
    """The figures are kept per extract and data version: new quality counts (a new
    snapshot) show at once."""
    extract = quality_extract(org)
    quality_compute(extract_id=extract.pk)

    def race_patients():
        html = analyst.get(url(org, "quality:report")).content.decode()
        table = re.search(r'id="completeness-by-period".*?</table>', html, re.S).group(0)
        row = re.search(r"<td>Race</td><td class=\"num\">(\d+)</td>", table)
        return int(row.group(1))

    assert race_patients() == 90
    QualityCount.objects.filter(
        extract=extract, site=ALL_SITES, dimension="race", group="White"
    ).update(patients=1042)
    # quality_store saves the snapshot (a tracked model) in the same transaction as the counts.
    snapshot = QualitySnapshot.objects.get(extract=extract)
    snapshot.computed_at = timezone.now()
    snapshot.save()
    assert race_patients() == 1090
