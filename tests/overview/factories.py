"""Records of every step for the overview's tests (built with the steps' own factories)."""

import datetime

from django.utils import timezone

from data_hub.quality.models import ALL_SITES, QualityCount
from tests.commitments.factories import ChampionFactory, CommitmentFactory
from tests.data_hub_results.factories import ExtractFactory, fixture_extract
from tests.learning.factories import ItemCompletionFactory, PlanItemFactory

Q2 = datetime.date(2025, 4, 1)


def quality_counts(extract, *, known=900, unknown=80, declined=20):
    """REaL quality counts of one period, all sites: known/unknown/declined patients."""
    rows = []
    for dimension in ("race", "ethnicity", "language"):
        for group, patients in (("White", known), ("Unknown", unknown), ("Declined", declined)):
            rows.append(
                QualityCount(
                    organization=extract.organization,
                    extract=extract,
                    period_start=Q2,
                    granularity="quarter",
                    period_label="2025-Q2",
                    site=ALL_SITES,
                    dimension=dimension,
                    group=group,
                    patients=patients,
                )
            )
    QualityCount.objects.bulk_create(rows)


def populate(organization, owner, n: int):
    """`n` records of every kind the overview reads, `owner` owning the overdue ones."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for _ in range(n):
        CommitmentFactory(organization=organization, owner=owner, due_date=yesterday)
        ChampionFactory(organization=organization)
        item = PlanItemFactory(organization=organization, plan__organization=organization)
        ItemCompletionFactory(item=item)
        PlanItemFactory(
            organization=organization,
            plan__organization=organization,
            plan__assignee=owner,
            due_date=yesterday,
        )
        ExtractFactory(organization=organization, status="failed")
    extract, _measures = fixture_extract(organization, measures=1)
    quality_counts(extract)
    return extract
