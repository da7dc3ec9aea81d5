"""Factories and small generated extracts for the data hub tests (made-up identifiers only)."""

import csv
from pathlib import Path

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from data_hub import services
from data_hub.mapping import suggest
from data_hub.models import Measure
from tests.factories import OrganizationFactory

HEADERS = [
    "MRN",
    "Measure",
    "Period",
    "Numerator",
    "Denominator",
    "PATIENT_RACE",
    "ETHNIC_GROUP",
    "Preferred Language",
    "Sex",
    "Age",
    "Payer",
    "Site",
]


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ("organization", "code")

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    name = factory.LazyAttribute(lambda m: f"Measure {m.code}")
    direction = Measure.Direction.HIGHER
    category = Measure.Category.QUALITY


def row(
    pid="TEST-0001",
    measure="A1C",
    period="2025-Q1",
    num="1",
    den="1",
    race="White",
    eth="Not Hispanic or Latino",
    lang="English",
    sex="F",
    age="50",
    payer="Medicare",
    site="North",
):
    return [pid, measure, period, num, den, race, eth, lang, sex, age, payer, site]


def write_csv(path: Path, rows, headers=HEADERS, encoding="utf-8", delimiter=",") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def upload_file(organization, path: Path, actor=None, name=None):
    uploaded = SimpleUploadedFile(name or path.name, path.read_bytes())
    return services.extract_upload(organization=organization, uploaded_file=uploaded, actor=actor)


def ingest(organization, path: Path, actor=None, config=None, name=None):
    """Upload, map (suggested, or `config`) and process eagerly; returns the refreshed extract."""
    extract = upload_file(organization, path, actor=actor, name=name)
    if config is None:
        config = {"format": "long", "columns": suggest(extract.headers), "date_period": "month"}
    with transaction.atomic():
        services.extract_map_columns(extract=extract, config=config, actor=actor, enqueue=False)
    extract.refresh_from_db()
    services.extract_process(job_id=extract.job_id)
    extract.refresh_from_db()
    return extract


def counts(extract, dimension="race"):
    """{(measure code, period label, group): (numerator, denominator)}"""
    return {
        (c.measure.code, c.period_label, c.group): (c.numerator, c.denominator)
        for c in extract.counts.select_related("measure").filter(dimension=dimension)
    }
