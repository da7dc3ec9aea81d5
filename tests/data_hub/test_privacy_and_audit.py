"""No raw identifier in the database or the Parquet file; every step is audited."""

import duckdb
import pytest
from django.apps import apps
from django.db import connection, models

from data_hub import services, storage
from equity_portal.core.models import AuditEvent
from equity_portal.core.pseudonymize import organization_key, pseudonymize
from tests.data_hub.factories import ingest, row, write_csv

SECRET_IDS = ["ZZQ-SECRET-4711", "ZZQ-SECRET-0815", "ZZQ-SECRET-9999"]


def _all_text_in_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            text_columns = [
                f.column
                for f in model._meta.local_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            if not text_columns:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(c) for c in text_columns)
            cursor.execute(f"SELECT {columns} FROM {table}")
            chunks.extend(str(value) for record in cursor.fetchall() for value in record)
    return "\n".join(chunks)


@pytest.mark.django_db
def test_no_raw_identifier_in_any_table_or_the_parquet_file(org, measures, tmp_path, analyst):
    org.reject_tolerance_percent = 50
    org.save()
    rows = [
        row(SECRET_IDS[0]),
        row(SECRET_IDS[1], num="x"),  # rejected row: its identifier is not in the report
        row(SECRET_IDS[2], measure="BP"),
        row(SECRET_IDS[2], measure="BP"),  # duplicate
    ]
    extract = ingest(org, write_csv(tmp_path / "secret.csv", rows), actor=analyst)
    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)
    extract.refresh_from_db()
    assert extract.rows_rejected == 2

    database_text = _all_text_in_database()
    assert "SECRET" not in database_text
    parquet = storage.absolute(extract.parquet_path)
    assert b"SECRET" not in parquet.read_bytes()
    rejects = storage.absolute(extract.rejects_path).read_text()
    assert "SECRET" not in rejects

    key = organization_key(org)
    pids = {r[0] for r in duckdb.sql(f"SELECT pid FROM read_parquet('{parquet}')").fetchall()}
    assert pids == {pseudonymize(SECRET_IDS[0], key), pseudonymize(SECRET_IDS[2], key)}
    birth_or_age = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{parquet}')").fetchall()
    assert {"birth_date", "age", "patient_id"}.isdisjoint({c[0] for c in birth_or_age})


@pytest.mark.django_db
def test_upload_mapping_processing_and_restratify_are_audited(org, measures, tmp_path, analyst):
    extract = ingest(org, write_csv(tmp_path / "e.csv", [row("TEST-1")]), actor=analyst)
    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)

    events = list(
        AuditEvent.objects.filter(organization=org, object_id=str(extract.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert [a for a, _ in events] == [
        "extract.upload",
        "extract.inspect",
        "extract.map",
        "extract.process",
        "extract.restratify_requested",
        "extract.restratify",
    ]
    assert all(actor == analyst.pk for _, actor in events)
