from django.db import migrations

from overview.requirements import DEFAULT_REQUIREMENTS


def seed(apps, schema_editor):
    Organization = apps.get_model("core", "Organization")
    Requirement = apps.get_model("overview", "EvidenceRequirement")
    for organization in Organization.objects.all():
        existing = set(
            Requirement.objects.filter(organization=organization).values_list("code", flat=True)
        )
        Requirement.objects.bulk_create(
            Requirement(organization=organization, position=position, **spec)
            for position, spec in enumerate(DEFAULT_REQUIREMENTS)
            if spec["code"] not in existing
        )


class Migration(migrations.Migration):
    dependencies = [("overview", "0001_evidence_requirements_and_board_reports")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
