"""Complaint numbers move to the shared counters of kesu.core (key "complaint"); the old table goes."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    old = apps.get_model("complaints", "NumberSequence")
    new = apps.get_model("core", "NumberCounter")
    new.objects.bulk_create([
        new(company_id=row.company_id, key="complaint", year=row.year, last_value=row.last_value)
        for row in old.objects.all()
    ])


def copy_back(apps, schema_editor):
    old = apps.get_model("complaints", "NumberSequence")
    new = apps.get_model("core", "NumberCounter")
    old.objects.bulk_create([
        old(company_id=row.company_id, year=row.year, last_value=row.last_value)
        for row in new.objects.filter(key="complaint")
    ])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_attachments_search"),
        ("core", "0003_number_counter"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="NumberSequence"),
    ]
