"""The default policy, as the (any kind, any channel) rule managers then edit: agents draft
and submit, managers approve, one approval. Managers may edit the policy."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

POLICY_PERMISSIONS = ["view_broadcastpolicy", "add_broadcastpolicy", "change_broadcastpolicy", "delete_broadcastpolicy"]


def seed(apps, schema_editor):
    BroadcastPolicy = apps.get_model("broadcasts", "BroadcastPolicy")
    BroadcastPolicy.objects.get_or_create(
        kind="",
        channel="",
        defaults={
            "drafter_roles": ["agent", "manager"],
            "approver_roles": ["manager"],
            "approval_mode": "count",
            "approvals_needed": 1,
        },
    )
    app_config = apps.get_app_config("broadcasts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager, _ = Group.objects.get_or_create(name="manager")
    manager.permissions.add(
        *Permission.objects.filter(content_type__app_label="broadcasts", codename__in=POLICY_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("broadcasts", "0001_initial"),
        ("tickets", "0002_reference_data_and_roles"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
