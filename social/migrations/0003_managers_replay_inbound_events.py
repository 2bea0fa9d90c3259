"""Managers may replay inbound events that failed processing (`social.access`): the
manager group gets `social.change_inboundevent`."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now.
    app_config = apps.get_app_config("social")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager, _ = Group.objects.get_or_create(name="manager")
    manager.permissions.add(Permission.objects.get(content_type__app_label="social", codename="change_inboundevent"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="social", codename="change_inboundevent").first()
    manager = Group.objects.filter(name="manager").first()
    if permission and manager:
        manager.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0002_acknowledgement_templates"),
        ("tickets", "0002_reference_data_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
