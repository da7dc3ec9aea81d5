"""Factories and a fixture extract for the results, quality and community tests: rows are
created directly (no ingest run), so these tests do not depend on the ingest engine."""

from datetime import date

import factory
from django.utils import timezone

from data_hub.community.models import CommunityIndicator
from data_hub.models import Extract, ExtractProvenance, Measure, StratifiedCount
from tests.factories import OrganizationFactory

Q1, Q2 = date(2025, 1, 1), date(2025, 4, 1)
LABELS = {Q1: "2025-Q1", Q2: "2025-Q2"}

# race_ethnicity: (numerator, denominator) per group. AIAN is below k (primary), so the
# smallest other cell (Unknown, n=30) must be hidden too (complementary).
RACE_Q2 = {
    "White": (300, 400),
    "Black or African American": (110, 200),
    "Hispanic or Latino": (90, 150),
    "Asian": (45, 60),
    "Unknown": (20, 30),
    "American Indian or Alaska Native": (5, 8),
}
RACE_Q1 = {
    "White": (290, 400),
    "Black or African American": (100, 200),
    "Hispanic or Latino": (80, 150),
    "Asian": (40, 60),
    "Unknown": (18, 30),
    "American Indian or Alaska Native": (20, 25),
}
LANGUAGE_Q2 = {"English": (400, 600), "Spanish": (140, 220), "Unknown": (20, 28)}
INTERSECTION_Q2 = {
    "White x English": (280, 370),
    "White x Spanish": (20, 30),
    "Hispanic or Latino x English": (30, 50),
    "Hispanic or Latino x Spanish": (60, 100),
    "Black or African American x English": (110, 200),
}


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"m{n:03d}")
    name = factory.Sequence(lambda n: f"Measure {n}")
    direction = Measure.Direction.HIGHER


class ExtractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Extract

    organization = factory.SubFactory(OrganizationFactory)
    original_name = factory.Sequence(lambda n: f"extract-{n}.csv")
    file_format = Extract.FileFormat.CSV
    status = Extract.Status.PROCESSED
    processed_at = factory.LazyFunction(timezone.now)


class ProvenanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtractProvenance

    extract = factory.SubFactory(ExtractFactory)
    organization = factory.LazyAttribute(lambda o: o.extract.organization)
    mapping_name = "Epic quality export"
    value_map_version = 3
    method_version = "stats-2"
    ingest_version = "ingest-1"
    engine = "duckdb"
    computed_at = factory.LazyFunction(timezone.now)


class CommunityIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityIndicator

    organization = factory.SubFactory(OrganizationFactory)
    indicator = "Uninsured adults"
    geography = "Alice County"
    group = ""
    value = 12.5
    unit = "%"
    source = CommunityIndicator.Source.CHNA
    year = 2024


def add_counts(extract, measure, period, dimension, cells, granularity="quarter"):
    StratifiedCount.objects.bulk_create(
        StratifiedCount(
            organization=extract.organization,
            extract=extract,
            measure=measure,
            period_start=period,
            granularity=granularity,
            period_label=LABELS.get(period, period.isoformat()),
            dimension=dimension,
            group=group,
            numerator=x,
            denominator=n,
        )
        for group, (x, n) in cells.items()
    )


def publish(extract):
    """What processing does after storing counts: publish the extract's results."""
    from data_hub.results.publishing import publish_extract

    publish_extract(extract=extract)
    return extract


def fixture_extract(organization, *, measures=1):
    """A processed extract with provenance, `measures` measures (the first higher-is-better
    "screen", the second lower-is-better "readmit", then more), two quarters, race_ethnicity,
    language, an intersection and the overall row."""
    extract = ExtractFactory(organization=organization, original_name="q2-quality.csv")
    ProvenanceFactory(extract=extract)
    created = []
    for i in range(measures):
        code = ["screen", "readmit"][i] if i < 2 else f"measure{i}"
        direction = Measure.Direction.LOWER if i == 1 else Measure.Direction.HIGHER
        measure = MeasureFactory(
            organization=organization, code=code, name=f"{code.title()} rate", direction=direction
        )
        created.append(measure)
        for period, race in ((Q1, RACE_Q1), (Q2, RACE_Q2)):
            add_counts(extract, measure, period, "race_ethnicity", race)
            total = (sum(x for x, _ in race.values()), sum(n for _, n in race.values()))
            add_counts(extract, measure, period, "all", {"All patients": total})
        add_counts(extract, measure, Q2, "language", LANGUAGE_Q2)
        add_counts(extract, measure, Q2, "race_ethnicity x language", INTERSECTION_Q2)
    publish(extract)
    return extract, created
