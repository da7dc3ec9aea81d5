"""Audit gaps closed by issue 15, item 8: the rejected-rows CSV, the mapping export, the extract
detail and mapping pages (they show raw preview rows), and the audit log's own views."""

import pytest
from django.urls import reverse

from data_hub.models import ColumnMapping
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from tests.data_hub.factories import MeasureFactory, ingest, row, upload_file, write_csv

pytestmark = pytest.mark.django_db


def _last(org, action):
    return AuditEvent.objects.filter(organization=org, action=action).order_by("-id").first()


def test_extract_detail_and_mapping_views_are_audited(org, member_client, tmp_path):
    client = member_client(org, Role.ANALYST)
    MeasureFactory(organization=org, code="A1C")
    extract = upload_file(org, write_csv(tmp_path / "e.csv", [row("TEST-1")]))

    mapping_url = reverse("data_hub:extract_mapping", args=[org.slug, extract.pk])
    assert client.get(mapping_url).status_code == 200
    detail_url = reverse("data_hub:extract_detail", args=[org.slug, extract.pk])
    assert client.get(detail_url).status_code == 200

    for action in ("extract.view_mapping", "extract.view_detail"):
        event = _last(org, action)
        assert event is not None, action
        assert event.actor == client.user and event.object_id == str(extract.pk)


def test_mapping_export_is_audited(org, member_client):
    client = member_client(org, Role.ANALYST)
    saved = ColumnMapping.objects.create(
        organization=org, name="Epic", header_signature="x", config={"columns": {}}
    )
    response = client.get(reverse("data_hub:mapping_export", args=[org.slug, saved.pk]))
    assert response.status_code == 200
    event = _last(org, "column_mapping.export")
    assert event.actor == client.user and event.object_id == str(saved.pk)


def test_audit_log_views_are_audited(org, member_client):
    client = member_client(org, Role.ADMIN)
    client.get(reverse("core:audit_log", args=[org.slug]), {"action": "auth.login"})
    event = _last(org, "audit_log.view")
    assert event.actor == client.user
    assert event.details == {"filters": {"action": "auth.login"}, "page": 1}


def test_rejected_rows_csv_is_audited_and_formula_safe(org, member_client, tmp_path):
    org.reject_tolerance_percent = 50
    org.save()
    MeasureFactory(organization=org, code="A1C")
    rows = [row(f"TEST-{i}") for i in range(10)] + [row("TEST-99", num="=1+2")]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))
    client = member_client(org, Role.ANALYST)

    response = client.get(reverse("data_hub:extract_rejects_csv", args=[org.slug, extract.pk]))

    text = response.content.decode()
    assert "'=1+2" in text and ",=1+2" not in text
    event = _last(org, "extract_rejects.export")
    assert event.actor == client.user and event.details["rows"] == 1
