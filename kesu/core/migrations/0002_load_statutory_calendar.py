"""Load the statutory calendar years the chinese-calendar package covers (2004 to its last year)."""

from django.db import migrations


def load(apps, schema_editor):
    from kesu.core.calendar import load_statutory_rows

    load_statutory_rows(apps.get_model("core", "StatutoryDay"), apps.get_model("core", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
