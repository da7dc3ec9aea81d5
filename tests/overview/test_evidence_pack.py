"""The accreditation evidence pack: requirements seeded as editable data, each with met /
partly / no evidence from the registered providers, an XLSX with a sheet per requirement and
a PDF summary, edited by administrators only, exports audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from overview import selectors
from overview.models import EvidenceRequirement
from overview.requirements import DEFAULT_REQUIREMENTS
from tests.commitments.factories import ChampionFactory

from .factories import populate

pytestmark = pytest.mark.django_db


def _url(org, name, **kwargs):
    return reverse(f"overview:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_every_new_organization_gets_todays_requirements(org, other_org):
    codes = set(EvidenceRequirement.objects.filter(organization=org).values_list("code", flat=True))
    assert codes == {r["code"] for r in DEFAULT_REQUIREMENTS}
    assert EvidenceRequirement.objects.filter(organization=other_org).count() == len(codes)
    frameworks = set(
        EvidenceRequirement.objects.filter(organization=org).values_list("framework", flat=True)
    )
    assert frameworks == {"tjc", "cms"}


def test_status_follows_the_records(org, make_member):
    by_code = {e.requirement.code: e for e in selectors.evidence_pack(org)}
    assert by_code["TJC-HE-1"].status == "none"
    ChampionFactory(organization=org)
    by_code = {e.requirement.code: e for e in selectors.evidence_pack(org)}
    assert by_code["TJC-HE-1"].status == "met"
    champion = by_code["TJC-HE-1"].kinds[0]
    assert champion.items and champion.items[0].url.endswith("/commit/champions/")
    # Stratified data: a processed extract meets one kind; completeness below target is partly.
    populate(org, make_member(org, Role.ANALYST), 1)
    by_code = {e.requirement.code: e for e in selectors.evidence_pack(org)}
    kinds = {k.key: k.status for k in by_code["TJC-HE-3"].kinds}
    assert kinds == {"stratified_extract": "met", "real_completeness": "partly"}
    assert by_code["TJC-HE-3"].status == "partly"
    assert by_code["CMS-HCHE-3"].status == "met"


def test_board_report_download_is_evidence_of_reporting_to_leaders(member_client, org):
    leader = member_client(org, Role.LEADER)
    by_code = {e.requirement.code: e for e in selectors.evidence_pack(org)}
    assert by_code["TJC-HE-6"].status == "none"
    assert leader.get(_url(org, "report_pdf")).status_code == 200
    by_code = {e.requirement.code: e for e in selectors.evidence_pack(org)}
    assert by_code["TJC-HE-6"].status == "met"


def test_xlsx_has_a_sheet_per_requirement(member_client, org):
    ChampionFactory(organization=org)
    client = member_client(org, Role.CHAMPION)
    response = client.get(_url(org, "evidence_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    active = EvidenceRequirement.objects.filter(organization=org, is_active=True)
    assert workbook.sheetnames == ["Summary", *[r.code for r in active.order_by(
        "framework", "position", "code")]]  # fmt: skip
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[0] == ("Code", "Framework", "Requirement", "Status", "Sheet")
    assert {row[0]: row[3] for row in summary[1:]}["TJC-HE-1"] == "Met"
    sheet = list(workbook["TJC-HE-1"].iter_rows(values_only=True))
    assert sheet[3][:2] == ("Status", "Met")
    assert sheet[6][0] == "Equity champion named" and sheet[6][6].startswith("http://testserver/")
    event = AuditEvent.objects.get(organization=org, action="evidence_pack.export")
    assert event.details == {"format": "xlsx", "requirements": active.count()}


def test_pdf_summary_lists_every_requirement(member_client, org):
    client = member_client(org, Role.LEADER)
    response = client.get(_url(org, "evidence_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for spec in DEFAULT_REQUIREMENTS:
        assert spec["code"] in text
    assert AuditEvent.objects.filter(organization=org, action="evidence_pack.export").exists()


def test_admin_edits_a_requirement_and_its_mapping(member_client, org):
    admin = member_client(org, Role.ADMIN)
    requirement = EvidenceRequirement.objects.get(organization=org, code="TJC-HE-1")
    response = admin.post(
        _url(org, "requirement_edit", pk=requirement.pk),
        {
            "framework": "tjc",
            "code": "TJC-HE-1",
            "title": "A named equity leader",
            "description": "",
            "evidence_kinds": ["champion_named", "self_assessment_completed"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.title == "A named equity leader"
    assert requirement.evidence_kinds == ["champion_named", "self_assessment_completed"]
    assert AuditEvent.objects.filter(action="evidence_requirement.update").count() == 1
    # A new requirement; an unknown kind is refused.
    response = admin.post(
        _url(org, "requirement_create"),
        {"framework": "other", "code": "STATE-1", "title": "State report", "evidence_kinds":
         ["nonsense"], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not EvidenceRequirement.objects.filter(organization=org, code="STATE-1").exists()


def test_a_retired_requirement_leaves_the_pack(member_client, org):
    admin = member_client(org, Role.ADMIN)
    requirement = EvidenceRequirement.objects.get(organization=org, code="CMS-HCHE-5")
    admin.post(
        _url(org, "requirement_edit", pk=requirement.pk),
        {"framework": "cms", "code": "CMS-HCHE-5", "title": requirement.title,
         "evidence_kinds": ["board_report_downloaded"]},
    )  # fmt: skip
    codes = [e.requirement.code for e in selectors.evidence_pack(org)]
    assert "CMS-HCHE-5" not in codes and "CMS-HCHE-4" in codes


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.ANALYST, Role.LEADER])
def test_only_admins_edit_requirements(member_client, org, role):
    client = member_client(org, role)
    requirement = EvidenceRequirement.objects.filter(organization=org).first()
    assert client.get(_url(org, "requirement_list")).status_code == 403
    assert client.get(_url(org, "requirement_edit", pk=requirement.pk)).status_code == 403
    assert client.get(_url(org, "evidence")).status_code == 200


def test_another_organizations_requirement_is_a_404(member_client, org, other_org):
    admin = member_client(org, Role.ADMIN)
    theirs = EvidenceRequirement.objects.filter(organization=other_org).first()
    assert admin.get(_url(org, "requirement_edit", pk=theirs.pk)).status_code == 404


def test_evidence_page_links_records(member_client, org):
    ChampionFactory(organization=org)
    html = member_client(org, Role.CHAMPION).get(_url(org, "evidence")).content.decode()
    assert 'data-status="met"' in html and "TJC-HE-1" in html
    assert "/o/alice/commit/champions/" in html
