"""Outbox retries without end: "sending" and "given up" states, a Message-ID per row (made unique in 0007).

Rows the old code marked "failed" (after six attempts) become "given up", so an
administrator can resend them. Existing rows get a Message-ID of their own.
The unique constraint comes in the next migration: PostgreSQL refuses to alter
a table in the transaction that updated its rows ("pending trigger events").
"""

import django.db.models.deletion
from django.db import migrations, models

import kesu.notifications.models


def forwards(apps, schema_editor):
    OutboxMail = apps.get_model("notifications", "OutboxMail")
    OutboxMail.objects.filter(status="failed").update(status="given_up")
    for pk in OutboxMail.objects.filter(message_id__isnull=True).values_list("pk", flat=True).iterator():
        OutboxMail.objects.filter(pk=pk).update(message_id=kesu.notifications.models.new_message_id())


def backwards(apps, schema_editor):
    OutboxMail = apps.get_model("notifications", "OutboxMail")
    OutboxMail.objects.filter(status="given_up").update(status="failed")
    OutboxMail.objects.filter(status="sending").update(status="pending")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0005_alter_notification_event_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmail",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last attempt at"),
        ),
        migrations.AddField(
            model_name="outboxmail",
            name="failures",
            field=models.PositiveIntegerField(default=0, verbose_name="failures in a row"),
        ),
        migrations.AddField(
            model_name="outboxmail",
            name="message_id",
            field=models.CharField(editable=False, max_length=255, null=True, verbose_name="Message-ID"),
        ),
        migrations.AlterField(
            model_name="outboxmail",
            name="attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AlterField(
            model_name="outboxmail",
            name="company",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="accounts.company", verbose_name="company"),
        ),
        migrations.AlterField(
            model_name="outboxmail",
            name="status",
            field=models.CharField(choices=[("pending", "waiting"), ("sending", "being sent"), ("sent", "sent"),
                                            ("given_up", "given up")],
                                   default="pending", max_length=10, verbose_name="status"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
