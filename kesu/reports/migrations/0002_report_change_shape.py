"""The report's history takes the one shape of every workflow's history (core.StatusChangeBase): each row
names its step, read back from the statuses it joined (the table in reports/workflow.py allows no other)."""

from django.db import migrations, models

# (old, new) → step; a row with no old status is the draft being made.
STEPS = {
    ("", "draft"): "draft",
    ("draft", "submitted"): "submit",
    ("returned", "submitted"): "submit",
    ("submitted", "approved"): "approve",
    ("submitted", "returned"): "return",
}


def name_steps(apps, schema_editor):
    ReportChange = apps.get_model("reports", "ReportChange")
    for (old, new), name in STEPS.items():
        ReportChange.objects.filter(old_status=old, new_status=new).update(name=name)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportchange", name="name",
            field=models.CharField(default="", max_length=40, verbose_name="step"), preserve_default=False,
        ),
        migrations.RunPython(name_steps, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="reportchange", name="note",
            field=models.TextField(blank=True, max_length=5000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="reportchange", name="old_status",
            field=models.CharField(blank=True, choices=[("draft", "Draft"), ("submitted", "Submitted"),
                                                        ("approved", "Approved"), ("returned", "Returned for rework")],
                                   max_length=20, verbose_name="from"),
        ),
        migrations.AddIndex(
            model_name="reportchange",
            index=models.Index(fields=["company", "at"], name="reportchange_co_at"),
        ),
    ]
