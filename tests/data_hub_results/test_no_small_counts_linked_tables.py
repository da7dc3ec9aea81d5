"""Issue 10: no small count leaves the server across LINKED tables either. Hispanic or Latino
is one cell in `ethnicity` and `race_ethnicity`, the quality export's completeness counts
are the denominators of the same patients, an intersection's margins are cells too: from
everything the results and quality exports publish, the audit (integer bounds) recovers no
hidden cell."""

import pandas as pd
import pytest
from django.utils import timezone

import equity_stats
from data_hub.models import ExtractProvenance
from data_hub.quality.models import ALL_SITES, QualityCount, QualitySnapshot
from equity_stats import DECLINED, UNKNOWN

from .conftest import url
from .factories import (
    Q2,
    ExtractFactory,
    MeasureFactory,
    ProvenanceFactory,
    add_counts,
    publish,
)
from .helpers import read_csv

pytestmark = pytest.mark.django_db
HISPANIC = "Hispanic or Latino"
NOT_HISPANIC = "Not Hispanic or Latino"

# The numbers (ways 1, 2 and 3), in one extract of one measure.
ETHNICITY = {NOT_HISPANIC: (146, 230), UNKNOWN: (36, 60), HISPANIC: (26, 45), DECLINED: (7, 8)}
RACE_ETHNICITY = {"White": (80, 120), "Black": (40, 70), HISPANIC: (26, 45)}
RACE_ETHNICITY |= {"Asian": (30, 50), UNKNOWN: (32, 50), DECLINED: (7, 8)}
LANGUAGE = {"English": (150, 250), "Spanish": (65, 93)}
INTERSECTION = {
    "White x English": (80, 120),
    "Black x English": (40, 70),
    "Asian x English": (30, 50),
    "Unknown x English": (0, 10),
    f"{HISPANIC} x Spanish": (26, 45),
    "Unknown x Spanish": (32, 40),
    "Declined x Spanish": (7, 8),
}
QUALITY = {NOT_HISPANIC: 230, HISPANIC: 45, UNKNOWN: 60, DECLINED: 8}


@pytest.fixture
def linked_extract(org):
    extract = ExtractFactory(organization=org, original_name="linked.csv")
    ProvenanceFactory(extract=extract)
    measure = MeasureFactory(organization=org, code="screen", name="Screening")
    add_counts(extract, measure, Q2, "all", {"All patients": (215, 343)})
    add_counts(extract, measure, Q2, "ethnicity", ETHNICITY)
    add_counts(extract, measure, Q2, "race_ethnicity", RACE_ETHNICITY)
    add_counts(extract, measure, Q2, "language", LANGUAGE)
    add_counts(extract, measure, Q2, "race_ethnicity x language", INTERSECTION)
    QualityCount.objects.bulk_create(
        QualityCount(
            organization=org,
            extract=extract,
            period_start=Q2,
            granularity="quarter",
            period_label="2025-Q2",
            site=ALL_SITES,
            dimension="ethnicity",
            group=group,
            patients=patients,
        )
        for group, patients in QUALITY.items()
    )
    QualitySnapshot.objects.create(
        organization=org, extract=extract, patients=343, computed_at=timezone.now()
    )
    publish(extract)  # as the processing job does once the quality counts are stored
    return extract, measure


def _truth(extract, measure):
    counts = pd.DataFrame(
        [
            ("screen", Q2, "quarter", dim, group, x, n)
            for dim, cells in (
                ("all", {"All patients": (215, 343)}),
                ("ethnicity", ETHNICITY),
                ("race_ethnicity", RACE_ETHNICITY),
                ("language", LANGUAGE),
                ("race_ethnicity x language", INTERSECTION),
            )
            for group, (x, n) in cells.items()
        ],
        columns=["measure", "period_start", "granularity", "dimension", "group"]
        + ["numerator", "denominator"],
    )
    quality = pd.DataFrame(
        [(Q2, "quarter", ALL_SITES, "ethnicity", g, p) for g, p in QUALITY.items()],
        columns=["period_start", "granularity", "site", "dimension", "group", "patients"],
    )
    return counts, equity_stats.build_publication(counts, quality)


def test_nothing_published_across_linked_tables_gives_a_small_count_away(
    org, analyst, linked_extract
):
    extract, measure = linked_extract
    results = read_csv(analyst.get(url(org, "results:export", what="results", file_format="csv")))
    quality = read_csv(analyst.get(url(org, "results:export", what="quality", file_format="csv")))
    counts, pub = _truth(extract, measure)

    # What left the server, as published cells: a cell shown in any table is published.
    shown = set()
    for r in results:
        if r["numerator"] not in ("", None):
            key = equity_stats.disclosure._result_key(
                "screen", Q2, "quarter", r["dimension"], r["group"]
            )
            shown.add(key)
            assert int(r["denominator"]) >= 11
    for r in quality:
        for column, category in (
            ("patients", "patients"),
            ("known", "known"),
            ("unknown", UNKNOWN),
            ("declined", DECLINED),
        ):
            if r[column] not in ("", None):
                value = int(r[column])
                assert value == 0 or value >= 11, r
                shown.add(("q", Q2, "quarter", r["site"], r["dimension"], category))
    hidden = {c.key for c in pub.cells} - shown
    assert equity_stats.disclosure.primary_cells(pub.cells, 11) <= hidden
    report = equity_stats.audit(pub.cells, pub.relations, hidden, k=11)
    assert report.passed, report.findings[:3]

    # The attacks of the issue, on these exports: Declined is not recoverable.
    published = {(r["dimension"], r["group"]): r for r in results}
    assert published[("ethnicity", DECLINED)]["suppressed"] == "true"
    hispanic = {published[(d, HISPANIC)]["suppressed"] for d in ("ethnicity", "race_ethnicity")}
    assert len(hispanic) == 1  # one decision for one cell
    q = next(r for r in quality if r["site"] == ALL_SITES)
    unknown_shown = (
        q["unknown"] not in ("", None) or published[("ethnicity", UNKNOWN)]["suppressed"] == "false"
    )
    known_shown = q["known"] not in ("", None)
    assert not (unknown_shown and known_shown and q["patients"] not in ("", None))


def test_the_audit_figures_are_in_the_provenance(org, linked_extract):
    from data_hub import disclosure

    extract, _ = linked_extract
    figures = disclosure.protect_extract(extract=extract)
    stored = ExtractProvenance.objects.get(extract=extract).disclosure
    assert stored == figures
    assert stored["audit_passed"] is True
    assert stored["cells_protected"] >= stored["primary"] >= 3
    assert stored["cells_audited"] == stored["cells_protected"]
    assert stored["seconds"] >= 0
