"""core: migrations 0001 to 0010_pending_events in one, for new installations.

Written from the models (makemigrations; every field, index and constraint inside its CreateModel, the models
created in one CreateModels) rather than by squashmigrations: a first migrate renders the models once per app
instead of once per old operation (docs/testing.md). Databases that applied the old migrations keep them (``replaces``); the old files go once every
installation has passed them. Their data steps only change rows already there, except the statutory calendar, loaded here too.
"""


import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from kesu.core.migration_operations import CreateModels


def load_statutory_calendar(apps, schema_editor):
    # what 0002_load_statutory_calendar does
    from kesu.core.calendar import load_statutory_rows

    load_statutory_rows(apps.get_model("core", "StatutoryDay"), apps.get_model("core", "CalendarYear"))


class Migration(migrations.Migration):

    replaces = [('core', '0001_initial'), ('core', '0002_load_statutory_calendar'), ('core', '0003_number_counter'), ('core', '0004_import_job_worker_and_report_file'), ('core', '0005_retention_and_personal_data'), ('core', '0006_saved_filter'), ('core', '0007_saved_filter_shared'), ('core', '0008_job_lease'), ('core', '0009_cache_table'), ('core', '0010_pending_events')]

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('accounts', '0002_apitoken_updated_at'),
        ('accounts', '0003_user_digest_email'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='CacheEntry',
                fields=[
                    ('cache_key', models.CharField(max_length=255, primary_key=True, serialize=False)),
                    ('value', models.TextField()),
                    ('expires', models.DateTimeField(db_index=True)),
                ],
                options={
                    'verbose_name': 'cache entry',
                    'verbose_name_plural': 'cache entries',
                    'db_table': 'kesu_cache',
                    'default_permissions': (),
                },
            ),
            migrations.CreateModel(
                name='CalendarYear',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                    ('source', models.CharField(max_length=200, verbose_name='source')),
                    ('loaded_at', models.DateTimeField(auto_now=True, verbose_name='loaded at')),
                ],
                options={
                    'verbose_name': 'statutory calendar year',
                    'verbose_name_plural': 'statutory calendar years',
                    'ordering': ['year'],
                },
            ),
            migrations.CreateModel(
                name='JobLease',
                fields=[
                    ('name', models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name='job')),
                    ('holder', models.CharField(blank=True, max_length=200, verbose_name='held by')),
                    ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='lease expires at')),
                    ('last_started_at', models.DateTimeField(blank=True, null=True, verbose_name='last started at')),
                    ('last_finished_at', models.DateTimeField(blank=True, null=True, verbose_name='last finished at')),
                    ('runs', models.PositiveBigIntegerField(default=0, verbose_name='runs')),
                ],
                options={
                    'verbose_name': 'job lease',
                    'verbose_name_plural': 'job leases',
                },
            ),
            migrations.CreateModel(
                name='PendingEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='event')),
                    ('record_type', models.CharField(max_length=100, verbose_name='record type')),
                    ('record_id', models.BigIntegerField(verbose_name='record')),
                    ('actor_id', models.BigIntegerField(blank=True, null=True, verbose_name='actor')),
                    ('source', models.CharField(blank=True, max_length=20, verbose_name='source')),
                    ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                    ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ],
                options={
                    'verbose_name': 'pending event',
                    'verbose_name_plural': 'pending events',
                },
            ),
            migrations.CreateModel(
                name='StatutoryDay',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(unique=True, verbose_name='date')),
                    ('is_working', models.BooleanField(verbose_name='working day')),
                    ('kind', models.CharField(choices=[('holiday', 'statutory holiday'), ('makeup', 'make-up working day'), ('shutdown', 'company shutdown'), ('extra_shift', 'extra working day')], max_length=20, verbose_name='kind')),
                    ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                ],
                options={
                    'verbose_name': 'statutory calendar day',
                    'verbose_name_plural': 'statutory calendar days',
                    'ordering': ['date'],
                },
            ),
            migrations.CreateModel(
                name='ImportJob',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('resource', models.CharField(max_length=50, verbose_name='data')),
                    ('file_name', models.CharField(max_length=255, verbose_name='file')),
                    ('file_sha256', models.CharField(max_length=64)),
                    ('status', models.CharField(choices=[('queued', 'queued'), ('running', 'running'), ('done', 'imported'), ('rejected', 'rejected'), ('failed', 'failed')], max_length=20, verbose_name='status')),
                    ('rows_total', models.PositiveIntegerField(default=0, verbose_name='rows')),
                    ('rows_created', models.PositiveIntegerField(default=0, verbose_name='created')),
                    ('rows_updated', models.PositiveIntegerField(default=0, verbose_name='updated')),
                    ('rows_unchanged', models.PositiveIntegerField(default=0, verbose_name='unchanged')),
                    ('rows_rejected', models.PositiveIntegerField(default=0, verbose_name='rejected')),
                    ('errors', models.JSONField(blank=True, default=list, verbose_name='errors')),
                    ('upload', models.FileField(blank=True, upload_to='imports/queued/', verbose_name='uploaded file')),
                    ('report', models.FileField(blank=True, upload_to='imports/reports/%Y/%m/', verbose_name='error report')),
                    ('message', models.TextField(blank=True, verbose_name='message')),
                    ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ],
                options={
                    'verbose_name': 'import',
                    'verbose_name_plural': 'imports',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='Anonymisation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('object_id', models.CharField(max_length=64)),
                    ('record', models.CharField(max_length=200, verbose_name='record')),
                    ('kind', models.CharField(choices=[('retention', 'Retention period over'), ('request', 'On request')], max_length=20, verbose_name='why')),
                    ('reason', models.TextField(blank=True, max_length=2000, verbose_name='reason')),
                    ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                ],
                options={
                    'verbose_name': 'anonymisation',
                    'verbose_name_plural': 'anonymisations',
                    'ordering': ['-at', '-id'],
                    'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id'), name='anonymisation_once')],
                },
            ),
            migrations.CreateModel(
                name='AuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='at')),
                    ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='user name')),
                    ('source', models.CharField(max_length=20, verbose_name='source')),
                    ('action', models.CharField(choices=[('create', 'created'), ('update', 'changed'), ('delete', 'deleted'), ('bulk_create', 'bulk created'), ('view', 'personal data viewed'), ('anonymise', 'anonymised')], max_length=20, verbose_name='action')),
                    ('object_id', models.CharField(blank=True, max_length=64)),
                    ('object_repr', models.CharField(blank=True, max_length=200, verbose_name='record')),
                    ('company_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                    ('changes', models.JSONField(blank=True, default=dict, verbose_name='changes')),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                ],
                options={
                    'verbose_name': 'audit entry',
                    'verbose_name_plural': 'audit trail',
                    'ordering': ['-at', '-id'],
                    'indexes': [models.Index(fields=['content_type', 'object_id', 'at'], name='audit_object_idx')],
                },
            ),
            migrations.CreateModel(
                name='CompanyCalendarDay',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('date', models.DateField(verbose_name='date')),
                    ('is_working', models.BooleanField(verbose_name='working day')),
                    ('kind', models.CharField(choices=[('holiday', 'statutory holiday'), ('makeup', 'make-up working day'), ('shutdown', 'company shutdown'), ('extra_shift', 'extra working day')], max_length=20, verbose_name='kind')),
                    ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'company calendar day',
                    'verbose_name_plural': 'company calendar days',
                    'ordering': ['date'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'date'), name='company_calendar_day_unique')],
                },
            ),
            migrations.CreateModel(
                name='NumberCounter',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('key', models.CharField(max_length=30, verbose_name='kind of record')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('last_value', models.PositiveIntegerField(default=0, verbose_name='last number')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'number counter',
                    'verbose_name_plural': 'number counters',
                    'constraints': [models.UniqueConstraint(fields=('company', 'key', 'year'), name='number_counter_unique')],
                },
            ),
            migrations.CreateModel(
                name='RetentionPolicy',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('record_type', models.CharField(max_length=30, verbose_name='record type')),
                    ('years', models.PositiveSmallIntegerField(default=3, verbose_name='years kept after closure')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'retention period',
                    'verbose_name_plural': 'retention periods',
                    'ordering': ['company', 'record_type'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'record_type'), name='retention_policy_unique'), models.CheckConstraint(condition=models.Q(('years__gte', 1)), name='retention_years_positive')],
                },
            ),
            migrations.CreateModel(
                name='RetentionReview',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('prepared_at', models.DateTimeField(verbose_name='prepared at')),
                    ('due_count', models.PositiveIntegerField(default=0, verbose_name='records due')),
                    ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                    ('anonymised_count', models.PositiveIntegerField(default=0, verbose_name='records anonymised')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                ],
                options={
                    'verbose_name': 'retention review',
                    'verbose_name_plural': 'retention reviews',
                    'ordering': ['-year', 'company'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'year'), name='retention_review_unique')],
                },
            ),
            migrations.CreateModel(
                name='SavedFilter',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('list_path', models.CharField(max_length=200, verbose_name='list')),
                    ('name', models.CharField(max_length=80, verbose_name='name')),
                    ('query', models.TextField(blank=True, verbose_name='filters')),
                    ('shared', models.BooleanField(default=False, verbose_name='shared with my department')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_filters', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'verbose_name': 'saved filter',
                    'verbose_name_plural': 'saved filters',
                    'ordering': ['name', 'id'],
                    'constraints': [models.UniqueConstraint(fields=('user', 'list_path', 'name'), name='saved_filter_unique')],
                },
            ),
        ]),
        migrations.RunPython(load_statutory_calendar, migrations.RunPython.noop),
    ]
