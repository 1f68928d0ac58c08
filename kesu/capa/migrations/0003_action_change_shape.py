"""The action's history takes the one shape of every workflow's history (core.StatusChangeBase)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("capa", "0002_ncr_disposition_label"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actionchange",
            index=models.Index(fields=["company", "at"], name="actionchange_co_at"),
        ),
    ]
