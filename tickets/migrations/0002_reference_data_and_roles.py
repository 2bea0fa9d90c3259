"""Reference data every desk starts with, and the three roles.

The priority matrix and the SLA targets are data: admins change them in the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# ITIL impact × urgency → priority (1 critical … 5 planning).
PRIORITY_MATRIX = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}  # fmt: skip

# priority: (respond within, resolve within), in minutes, on a 24×7 clock.
SLA_TARGETS = {
    1: (15, 4 * 60),
    2: (30, 8 * 60),
    3: (2 * 60, 3 * 24 * 60),
    4: (8 * 60, 5 * 24 * 60),
    5: (24 * 60, 10 * 24 * 60),
}

AGENT_PERMISSIONS = [
    ("tickets", "work_incidents"),
    ("tickets", "view_incident"),
    ("tickets", "change_incident"),
    ("tickets", "view_problem"),
    ("tickets", "change_problem"),
    ("tickets", "view_comment"),
    ("tickets", "view_contact"),
    ("tickets", "view_service"),
]
ROLES = {
    "agent": AGENT_PERMISSIONS,
    "manager": AGENT_PERMISSIONS,  # the feedback app adds its dashboards permission
    "customer": [("tickets", "raise_incidents")],
}


def seed(apps, schema_editor):
    PriorityRule = apps.get_model("tickets", "PriorityRule")
    SlaTarget = apps.get_model("tickets", "SlaTarget")
    NumberSequence = apps.get_model("tickets", "NumberSequence")
    for (impact, urgency), priority in PRIORITY_MATRIX.items():
        PriorityRule.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})
    for priority, (response, resolution) in SLA_TARGETS.items():
        SlaTarget.objects.get_or_create(
            priority=priority,
            defaults={"response_minutes": response, "resolution_minutes": resolution},
        )
    for prefix in ("INC", "PRB"):
        NumberSequence.objects.get_or_create(prefix=prefix)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in permissions:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
