"""The outbox's Message-ID, filled in by 0006, becomes required and unique; the index the send rate counts on."""

from django.db import migrations, models

import kesu.notifications.models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0006_outbox_retries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxmail",
            name="message_id",
            field=models.CharField(default=kesu.notifications.models.new_message_id, editable=False, max_length=255,
                                   unique=True, verbose_name="Message-ID"),
        ),
        migrations.AddIndex(
            model_name="outboxmail",
            index=models.Index(fields=["claimed_at"], name="outbox_claimed_idx"),
        ),
    ]
