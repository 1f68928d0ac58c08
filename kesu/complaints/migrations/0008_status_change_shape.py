"""The complaint's status change takes the one shape of every workflow's history (core.StatusChangeBase):
the step is called ``name`` (the column is renamed, no row is lost) and moves across a company are indexed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0007_open_deadline_index"),
    ]

    operations = [
        migrations.RenameField(model_name="statuschange", old_name="action", new_name="name"),
        migrations.AlterField(
            model_name="statuschange", name="name", field=models.CharField(max_length=40, verbose_name="step"),
        ),
        migrations.AddIndex(
            model_name="statuschange",
            index=models.Index(fields=["company", "at"], name="statuschange_co_at"),
        ),
    ]
