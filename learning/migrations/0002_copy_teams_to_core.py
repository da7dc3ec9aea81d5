# Teams move from Learn to the core (issue 12: one team model serves learning plans and charters).
# Copy every learning team, with the same primary key and members, into core.Team; the next
# migration points LearningPlan.team at core.Team and drops the old table.

from django.core.management.color import no_style
from django.db import migrations


def copy_teams(apps, schema_editor):
    OldTeam = apps.get_model("learning", "Team")
    NewTeam = apps.get_model("core", "Team")
    db = schema_editor.connection.alias
    for old in OldTeam._base_manager.using(db).all().iterator():
        new = NewTeam._base_manager.using(db).create(
            pk=old.pk,
            organization_id=old.organization_id,
            name=old.name,
            submission_id=old.submission_id,
        )
        # auto_now_add set created_at on create: keep the original date.
        NewTeam._base_manager.using(db).filter(pk=new.pk).update(created_at=old.created_at)
        new.members.set(old.members.all())
    # Rows were inserted with explicit ids: move the id sequence past them (PostgreSQL).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [NewTeam]):
            cursor.execute(sql)


def copy_teams_back(apps, schema_editor):
    OldTeam = apps.get_model("learning", "Team")
    NewTeam = apps.get_model("core", "Team")
    db = schema_editor.connection.alias
    for new in NewTeam._base_manager.using(db).all().iterator():
        old = OldTeam._base_manager.using(db).create(
            pk=new.pk,
            organization_id=new.organization_id,
            name=new.name,
            submission_id=new.submission_id,
        )
        old.members.set(new.members.all())
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [OldTeam]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("core", "0003_team"),
    ]

    operations = [migrations.RunPython(copy_teams, copy_teams_back)]
