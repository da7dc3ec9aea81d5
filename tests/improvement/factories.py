"""Improve's test data: a processed extract with twelve quarters of a measure by race and
ethnicity (through the data hub's tables, read back by data_hub.api), an approved charter with
a goal whose baseline is the data hub's snapshot, campaigns and PDSA cycles."""

from datetime import date

import factory

from data_hub import api
from data_hub.models import Measure
from equity_portal.core.models import Team
from improvement.models import Campaign, PDSACycle
from tests.data_hub_results.factories import (
    LABELS,
    ExtractFactory,
    MeasureFactory,
    ProvenanceFactory,
    add_counts,
    publish,
)
from tests.factories import MembershipFactory, OrganizationFactory
from vision.models import Charter, CharterGoal, ReviewStatus

from .series import quarter

BLACK, WHITE = "Black or African American", "White"
QUARTERS = [quarter(i)[0] for i in range(12)]
for _i, _q in enumerate(QUARTERS):
    LABELS.setdefault(_q, quarter(_i)[1])

# Screening (higher is better): Black patients screened 50% vs White 75% for six quarters,
# then Black screening climbs to 70%.
BLACK_SCREENED = [100, 102, 98, 101, 99, 100, 120, 128, 134, 136, 140, 140]
WHITE_SCREENED = [300, 302, 298, 301, 299, 300, 300, 302, 298, 301, 299, 300]
BASELINE_INDEX = 5


def screening_extract(organization, black=BLACK_SCREENED, white=WHITE_SCREENED):
    extract = ExtractFactory(organization=organization, original_name="screening-2023-2025.csv")
    ProvenanceFactory(extract=extract)
    measure = MeasureFactory(
        organization=organization,
        code="screen",
        name="Depression screening",
        direction=Measure.Direction.HIGHER,
    )
    for i, period in enumerate(QUARTERS):
        add_counts(
            extract,
            measure,
            period,
            "race_ethnicity",
            {
                WHITE: (white[i], 400),
                BLACK: (black[i], 200),
                "Hispanic or Latino": (90, 150),
                "Asian": (45, 60),
            },
        )
    publish(extract)  # as processing does: pages and data_hub.api read the published tables
    return extract, measure


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Close the screening gap {n}")
    team = factory.LazyAttribute(
        lambda o: Team.objects.get_or_create(organization=o.organization, name="Screening team")[0]
    )
    status = ReviewStatus.APPROVED


def make_goal(
    organization,
    *,
    charter=None,
    aim="difference",
    target_value=0.05,
    target_date=date(2026, 6, 30),
    baseline_period=None,
    owner=None,
) -> CharterGoal:
    charter = charter or CharterFactory(organization=organization)
    period = baseline_period or QUARTERS[BASELINE_INDEX]
    snap = api.baseline_snapshot(
        organization, "screen", "race_ethnicity", BLACK, WHITE, period=period
    )
    return CharterGoal.objects.create(
        organization=organization,
        charter=charter,
        title=f"Close the depression screening gap for {BLACK} patients",
        measure="screen",
        dimension="race_ethnicity",
        group=BLACK,
        reference_group=WHITE,
        measure_name="Depression screening",
        dimension_label="Race and ethnicity",
        direction="higher",
        aim=aim,
        target_value=target_value,
        target_date=target_date,
        granularity="quarter",
        owner=owner,
        baseline=snap.as_dict(),
        baseline_period_start=snap.period_start,
        baseline_period_label=snap.period_label,
        baseline_extract_id=snap.extract_id,
        baseline_numerator=snap.numerator,
        baseline_denominator=snap.denominator,
        baseline_rate=snap.rate,
        baseline_rate_lower=snap.rate_lower,
        baseline_rate_upper=snap.rate_upper,
        baseline_reference_rate=snap.reference_rate,
        baseline_difference=snap.difference,
        baseline_difference_lower=snap.difference_lower,
        baseline_difference_upper=snap.difference_upper,
        baseline_ratio=snap.ratio,
        baseline_ratio_lower=snap.ratio_lower,
        baseline_ratio_upper=snap.ratio_upper,
    )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Screening campaign {n}")
    owner = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    start_date = date(2024, 6, 1)
    status = Campaign.Status.ACTIVE
    change_ideas = "Screen at every visit\nSpanish-language questionnaire"


class PDSACycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PDSACycle

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.LazyAttribute(lambda o: o.campaign.organization)
    number = factory.Sequence(lambda n: n + 1)
    change_idea = "Screen at every visit"
    question = "Will screening at check-in reach more patients?"
    start_date = date(2024, 8, 1)
