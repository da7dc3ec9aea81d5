"""The factory registry the core's URL sweeps use (tests/core/test_cross_org_sweep.py,
tests/core/test_get_never_writes.py): for every organization URL with parameters, how to make
an object of a given organization and fill the URL's parameters with its ids.

An app that adds a URL with an object id adds a line here; the sweep fails for a URL it cannot
fill (test_every_url_with_parameters_is_registered)."""

from collections.abc import Callable
from datetime import date

from data_hub.models import ColumnMapping, ValueMapEntry
from equity_portal.core.jobs import job_create
from equity_portal.core.roles import Role
from improvement.models import Campaign
from overview.models import BoardReport, EvidenceRequirement
from tests.commitments.factories import (
    ChampionFactory,
    CommitmentFactory,
    ListeningSessionFactory,
    ListeningThemeFactory,
    completed_assessment,
)
from tests.data_hub_results.factories import (
    CommunityIndicatorFactory,
    ExtractFactory,
    MeasureFactory,
    fixture_extract,
)
from tests.factories import InvitationFactory, MembershipFactory
from tests.improvement.factories import CampaignFactory, PDSACycleFactory
from tests.learning.factories import (
    GlossaryTermFactory,
    LearningSessionFactory,
    PlanItemFactory,
    TeamFactory,
)
from tests.vision.factories import (
    BLACK,
    PartnerFactory,
    VisionStatementFactory,
    make_goal,
    make_priority,
)
from tests.vision.factories import CharterFactory as VisionCharterFactory
from vision.models import CharterMeasure, CharterMilestone, CharterPartner, ReviewStatus


class Objects:
    """One object of each kind in one organization, made on first use."""

    def __init__(self, organization):
        self.organization = organization
        self._made: dict[str, object] = {}

    def get(self, kind: str):
        if kind not in self._made:
            self._made[kind] = MAKERS[kind](self)
        return self._made[kind]

    @property
    def admin(self):
        return self.get("membership")


def _member(objects):
    return MembershipFactory(organization=objects.organization, role=Role.ANALYST)


def _invitation(objects):
    return InvitationFactory(organization=objects.organization)


def _extract(objects):
    return ExtractFactory(organization=objects.organization, raw_path="")


def _priority(objects):
    objects.get("results")  # a vision priority is chosen from published results
    return make_priority(objects.organization, BLACK)


def _board_report(objects):
    job = job_create(
        organization=objects.organization, kind="overview.board_report", created_by=None
    )
    return BoardReport.objects.create(organization=objects.organization, job=job)


MAKERS: dict[str, Callable] = {
    "membership": _member,
    "invitation": _invitation,
    "job": lambda o: job_create(organization=o.organization, kind="sweep", created_by=None),
    "assessment": lambda o: completed_assessment(o.organization, o.admin.user),
    "commitment": lambda o: CommitmentFactory(organization=o.organization, owner=o.admin),
    "champion": lambda o: ChampionFactory(organization=o.organization, membership=o.admin),
    "listening": lambda o: ListeningSessionFactory(organization=o.organization),
    "theme": lambda o: ListeningThemeFactory(session=o.get("listening")),
    "plan_item": lambda o: PlanItemFactory(plan__organization=o.organization),
    "team": lambda o: TeamFactory(organization=o.organization),
    "session": lambda o: LearningSessionFactory(organization=o.organization),
    "term": lambda o: GlossaryTermFactory(
        organization=o.organization, term=f"Sweep term {o.organization.slug}"
    ),
    "indicator": lambda o: CommunityIndicatorFactory(organization=o.organization),
    "extract": _extract,
    "measure": lambda o: MeasureFactory(organization=o.organization),
    "mapping": lambda o: ColumnMapping.objects.create(
        organization=o.organization, name="sweep", header_signature="x", config={}
    ),
    "value_map": lambda o: ValueMapEntry.objects.create(
        organization=o.organization, family="race", source_value="sweep", target="White"
    ),
    "results": lambda o: fixture_extract(o.organization),
    "statement": lambda o: VisionStatementFactory(
        organization=o.organization, status=ReviewStatus.SUBMITTED
    ),
    "priority": _priority,
    "charter": lambda o: VisionCharterFactory(organization=o.organization),
    "goal": lambda o: make_goal(o.get("charter"), o.get("priority")),
    "partner": lambda o: PartnerFactory(organization=o.organization),
    "charter_measure": lambda o: CharterMeasure.objects.create(
        organization=o.organization, charter=o.get("charter"), kind="process", name="m"
    ),
    "charter_milestone": lambda o: CharterMilestone.objects.create(
        organization=o.organization, charter=o.get("charter"), title="t", due_date=PERIOD
    ),
    "charter_partner": lambda o: CharterPartner.objects.create(
        organization=o.organization, charter=o.get("charter"), partner=o.get("partner")
    ),
    "campaign": lambda o: CampaignFactory(
        organization=o.organization, owner=o.admin, status=Campaign.Status.ACTIVE
    ),
    "cycle": lambda o: PDSACycleFactory(campaign=o.get("campaign")),
    "requirement": lambda o: EvidenceRequirement.objects.create(
        organization=o.organization, framework="tjc", code="SWEEP-1", title="Sweep"
    ),
    "board_report": _board_report,
}


def _charter_child(kind: str) -> Callable:
    return lambda o: {"charter_pk": o.get("charter").pk, "pk": o.get(kind).pk}


def _pk(kind: str) -> Callable:
    return lambda objects: {"pk": objects.get(kind).pk}


# URL name -> parameters (of `objects`' organization). Parameters that are not object ids
# (a chart or export name) are fixed values.
REGISTRY: dict[str, Callable] = {
    "core:change_role": _pk("membership"),
    "core:deactivate": _pk("membership"),
    "core:reactivate": _pk("membership"),
    "core:revoke_invitation": _pk("invitation"),
    "core:job_status": _pk("job"),
    "commitments:assessment_detail": _pk("assessment"),
    "commitments:assessment_answers_export": _pk("assessment"),
    "commitments:commitment_detail": _pk("commitment"),
    "commitments:commitment_edit": _pk("commitment"),
    "commitments:commitment_status": _pk("commitment"),
    "commitments:champion_edit": _pk("champion"),
    "commitments:champion_remove": _pk("champion"),
    "commitments:listening_detail": _pk("listening"),
    "commitments:listening_edit": _pk("listening"),
    "commitments:listening_delete": _pk("listening"),
    "commitments:listening_theme_link": lambda o: {
        "pk": o.get("listening").pk,
        "theme_pk": o.get("theme").pk,
    },
    "learning:resource_detail": lambda o: {"pk": o.get("plan_item").resource.pk},
    "learning:resource_edit": lambda o: {"pk": o.get("plan_item").resource.pk},
    "learning:resource_delete": lambda o: {"pk": o.get("plan_item").resource.pk},
    "learning:glossary_term": lambda o: {"slug": o.get("term").slug},
    "learning:glossary_term_edit": lambda o: {"slug": o.get("term").slug},
    "learning:glossary_term_delete": lambda o: {"slug": o.get("term").slug},
    "learning:team_detail": _pk("team"),
    "learning:team_edit": _pk("team"),
    "learning:plan_detail": lambda o: {"pk": o.get("plan_item").plan.pk},
    "learning:plan_edit": lambda o: {"pk": o.get("plan_item").plan.pk},
    "learning:plan_item_add": lambda o: {"pk": o.get("plan_item").plan.pk},
    "learning:plan_item_remove": lambda o: {
        "plan_pk": o.get("plan_item").plan.pk,
        "pk": o.get("plan_item").pk,
    },
    "learning:plan_item_done": lambda o: {
        "plan_pk": o.get("plan_item").plan.pk,
        "pk": o.get("plan_item").pk,
    },
    "learning:plan_item_undone": lambda o: {
        "plan_pk": o.get("plan_item").plan.pk,
        "pk": o.get("plan_item").pk,
    },
    "learning:session_detail": _pk("session"),
    "learning:session_edit": _pk("session"),
    "learning:session_reflect": _pk("session"),
    "community:edit": _pk("indicator"),
    "community:delete": _pk("indicator"),
    "data_hub:extract_detail": _pk("extract"),
    "data_hub:extract_mapping": _pk("extract"),
    "data_hub:extract_rejects_csv": _pk("extract"),
    "data_hub:extract_retry": _pk("extract"),
    "data_hub:extract_accept": _pk("extract"),
    "data_hub:extract_discard": _pk("extract"),
    "data_hub:extract_measures": _pk("extract"),
    "data_hub:extract_restratify": _pk("extract"),
    "data_hub:measure_edit": _pk("measure"),
    "data_hub:value_map_delete": _pk("value_map"),
    "data_hub:mapping_export": _pk("mapping"),
    "data_hub:extract_map_value": _pk("extract"),
    "vision:statement_submit": _pk("statement"),
    "vision:statement_decide": _pk("statement"),
    "vision:priority_detail": _pk("priority"),
    "vision:priority_edit": _pk("priority"),
    "vision:priority_status": _pk("priority"),
    "vision:team_detail": lambda o: {"pk": o.get("charter").team.pk},
    "vision:team_edit": lambda o: {"pk": o.get("charter").team.pk},
    "vision:charter_detail": _pk("charter"),
    "vision:charter_edit": _pk("charter"),
    "vision:charter_submit": _pk("charter"),
    "vision:charter_decide": _pk("charter"),
    "vision:charter_revise": _pk("charter"),
    "vision:charter_measure_add": _pk("charter"),
    "vision:charter_measure_remove": _charter_child("charter_measure"),
    "vision:charter_milestone_add": _pk("charter"),
    "vision:charter_milestone_remove": _charter_child("charter_milestone"),
    "vision:charter_partner_add": _pk("charter"),
    "vision:charter_partner_remove": _charter_child("charter_partner"),
    "vision:goal_create": _pk("charter"),
    "vision:goal_detail": _pk("goal"),
    "vision:goal_edit": _pk("goal"),
    "vision:goal_delete": _pk("goal"),
    "vision:goal_baseline": _pk("goal"),
    "vision:partner_detail": _pk("partner"),
    "vision:partner_edit": _pk("partner"),
    "improvement:campaign_detail": _pk("campaign"),
    "improvement:campaign_edit": _pk("campaign"),
    "improvement:campaign_summary": _pk("campaign"),
    "improvement:campaign_cycles_csv": _pk("campaign"),
    "improvement:cycle_create": _pk("campaign"),
    "improvement:cycle_detail": _pk("cycle"),
    "improvement:cycle_edit": _pk("cycle"),
    "improvement:goal_detail": _pk("goal"),
    "improvement:goal_chart_csv": _pk("goal"),
    "improvement:goal_rebaseline": _pk("goal"),
    "improvement:goal_respond": _pk("goal"),
    "overview:report_status": _pk("board_report"),
    "overview:requirement_edit": _pk("requirement"),
}

# Parameters that name a file or a view, not an object: the same for every organization.
NOT_OBJECTS: dict[str, dict] = {
    "results:chart_csv": {"chart": "gap"},
    "results:export": {"what": "results", "file_format": "csv"},
    "data_hub:extract_format_file": {"kind": "sample", "file_format": "csv"},
}

PERIOD = date(2025, 1, 1)
