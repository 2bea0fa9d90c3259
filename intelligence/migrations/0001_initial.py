# The app's first migration, empty, so that its parts (spikes, similarity) each add their own
# tables in a migration of their own that depends on this one.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = []
