"""The triage rank puts open incidents whose SLA is breached first (0), then the untriaged (1),
then the rest (2). PostgreSQL 15 cannot change a generated column's expression, so the column
and the three indexes that lead with it are dropped and made again (one table rewrite)."""

from django.conf import settings
from django.db import migrations, models

OPEN = ["new", "in_progress", "on_hold"]


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_incident_duplicate_of"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="incident", name="incident_triage_keyset_idx"),
        migrations.RemoveIndex(model_name="incident", name="incident_open_assignee_idx"),
        migrations.RemoveIndex(model_name="incident", name="incident_open_unassigned_idx"),
        migrations.RemoveField(model_name="incident", name="triage_rank"),
        migrations.AddField(
            model_name="incident",
            name="triage_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        models.Q(("status__in", OPEN))
                        & (
                            models.Q(("first_response_at__isnull", True), ("response_breached", True))
                            | models.Q(("resolution_breached", True))
                        ),
                        then=models.Value(0),
                    ),
                    models.When(models.Q(("assignee__isnull", True), ("status", "new")), then=models.Value(1)),
                    default=models.Value(2),
                ),
                output_field=models.SmallIntegerField(),
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["triage_rank", "priority", "created_at", "id"], name="incident_triage_keyset_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["assignee", "triage_rank", "priority", "created_at", "id"],
                name="incident_open_assignee_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True), ("status__in", OPEN)),
                fields=["triage_rank", "priority", "created_at", "id"],
                name="incident_open_unassigned_idx",
            ),
        ),
    ]
