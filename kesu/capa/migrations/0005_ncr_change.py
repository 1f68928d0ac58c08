"""The nonconforming report's history (issue 16 §0: the NCR moves onto the core runner with one status-change row
per step, of the one shape). Reports that exist get the rows their recorded facts show: issued, and the last
answer, verification or cancellation (earlier rounds of a returned answer were never kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Ncr = apps.get_model("capa", "NonconformingReport")
    Change = apps.get_model("capa", "NcrChange")
    rows = []

    def add(ncr, name, old, new, actor_id, at, note=""):
        rows.append(Change(company_id=ncr.company_id, ncr_id=ncr.pk, name=name, old_status=old, new_status=new,
                           actor_id=actor_id, at=at, note=note))

    for ncr in Ncr.objects.all().iterator(chunk_size=2000):
        add(ncr, "issue", "", "issued", ncr.issued_by_id, ncr.issued_at)
        # A returned answer sends the report back to "issued": only an answer standing now is shown.
        answered = ncr.answered_at is not None and ncr.status in ("answered", "verified", "cancelled")
        if answered:
            add(ncr, "answer", "issued", "answered", ncr.answered_by_id, ncr.answered_at)
        if ncr.status == "verified" and ncr.verified_at is not None:
            add(ncr, "verify", "answered", "verified", ncr.verified_by_id, ncr.verified_at, ncr.verification_note)
        elif ncr.status == "cancelled":
            add(ncr, "cancel", "answered" if answered else "issued", "cancelled", None, ncr.updated_at,
                ncr.verification_note)
        if len(rows) >= 2000:
            Change.objects.bulk_create(rows)
            rows.clear()
    Change.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_digest_email'),
        ('capa', '0004_escalation_reassign'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NcrChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('name', models.CharField(max_length=40, verbose_name='step')),
                ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('old_status', models.CharField(blank=True, choices=[('issued', 'Issued to the department'), ('answered', 'Answered'), ('verified', 'Verified'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='from')),
                ('new_status', models.CharField(choices=[('issued', 'Issued to the department'), ('answered', 'Answered'), ('verified', 'Verified'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='to')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('ncr', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='capa.nonconformingreport', verbose_name='nonconforming product report')),
            ],
            options={
                'verbose_name': 'nonconforming report history entry',
                'verbose_name_plural': 'nonconforming report history',
                'ordering': ['ncr', 'at', 'id'],
                'abstract': False,
                'indexes': [models.Index(fields=['company', 'at'], name='ncrchange_co_at')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
