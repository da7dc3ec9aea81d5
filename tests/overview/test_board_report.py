"""The board report: a PDF (read back with pypdf) and the same report as a printable page,
built by a job with progress, downloads audited."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from equity_portal.core.models import AuditEvent, Job
from equity_portal.core.roles import Role
from overview.models import BoardReport
from tests.commitments.factories import completed_assessment

from .factories import populate

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Health equity board report",
    "Progress through the five steps",
    "Priority inequities",
    "Charters and campaigns",
    "Data quality",
    "Accreditation evidence",
    "Methods in plain words",
]


def _url(org, name, **kwargs):
    return reverse(f"overview:{name}", kwargs={"org_slug": org.slug, **kwargs})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_holds_the_expected_sections(member_client, org):
    leader = member_client(org, Role.LEADER)
    completed_assessment(org, leader.user, value=3)
    populate(org, leader.membership, 2)
    response = leader.get(_url(org, "report_pdf") + "?period_from=2025-01-01&period_to=2025-12-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for section in SECTIONS:
        assert section in text, section
    assert "Alice Health" in text
    assert "Period: 1 January 2025 to 31 December 2025" in text
    assert "Self-assessment score 75%" in text
    assert "Latest extract q2-quality.csv" in text
    assert "Small numbers" in text and "never shown" in text
    event = AuditEvent.objects.get(organization=org, action="board_report.download")
    assert event.details == {"format": "pdf"}


def test_printable_page_has_the_same_sections(member_client, org):
    client = member_client(org, Role.CHAMPION)
    html = client.get(_url(org, "report")).content.decode()
    for section in SECTIONS:
        assert section in html, section
    assert "Prepare the PDF" in html


def test_the_job_builds_the_pdf_and_the_page_shows_its_progress(
    member_client, org, django_capture_on_commit_callbacks
):
    leader = member_client(org, Role.LEADER)
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            _url(org, "report_prepare"), {"period_from": "2025-01-01", "period_to": "2025-06-30"}
        )
    report = BoardReport.objects.get(organization=org)
    assert response.url == _url(org, "report_status", pk=report.pk)
    assert report.job.kind == "board_report" and report.job.status == Job.Status.SUCCEEDED
    assert report.job.percent == 100
    page = leader.get(response.url).content.decode()
    assert 'data-status="succeeded"' in page
    download = leader.get(_url(org, "report_pdf") + f"?report={report.pk}")
    assert "Period: 1 January 2025 to 30 June 2025" in pdf_text(download.content)
    assert AuditEvent.objects.filter(action="board_report.request").count() == 1
    assert AuditEvent.objects.filter(action="board_report.download").count() == 1


def test_a_report_of_another_organization_is_a_404(member_client, org, other_org):
    other = member_client(other_org, Role.LEADER)
    other.post(_url(other_org, "report_prepare"), {})
    theirs = BoardReport.objects.get(organization=other_org)
    mine = member_client(org, Role.LEADER)
    assert mine.get(_url(org, "report_status", pk=theirs.pk)).status_code == 404
    assert mine.get(_url(org, "report_pdf") + f"?report={theirs.pk}").status_code == 404


def test_reversed_period_is_refused(member_client, org):
    leader = member_client(org, Role.LEADER)
    response = leader.post(
        _url(org, "report_prepare"), {"period_from": "2025-06-30", "period_to": "2025-01-01"}
    )
    assert response.status_code == 302
    assert not BoardReport.objects.filter(organization=org).exists()
