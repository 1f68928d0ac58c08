"""prevention: migrations 0001 to 0002_negative_visit_cause in one, for new installations.

Written from the models (makemigrations; every field, index and constraint inside its CreateModel, the models
created in one CreateModels) rather than by squashmigrations: a first migrate renders the models once per app
instead of once per old operation (docs/testing.md). Databases that applied the old migrations keep them (``replaces``); the old files go once every
installation has passed them. Their data steps only change rows already there.
"""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kesu.core.migration_operations import CreateModels


class Migration(migrations.Migration):

    replaces = [('prevention', '0001_initial'), ('prevention', '0002_negative_visit_cause')]

    initial = True

    dependencies = [
        ('accounts', '0004_search_initials'),
        ('complaints', '0013_complaint_open_idx'),
        ('customers', '0005_contact_job_title'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='Assessment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('period_start', models.DateField(verbose_name='from')),
                    ('period_end', models.DateField(verbose_name='to')),
                    ('figures', models.JSONField(default=dict, verbose_name='figures')),
                    ('computed_at', models.DateTimeField(verbose_name='computed at')),
                    ('director_comment', models.TextField(blank=True, max_length=5000, verbose_name="sales director's comments")),
                    ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                    ('status', models.CharField(choices=[('draft', 'To be confirmed'), ('confirmed', 'Confirmed')], default='draft', max_length=20, verbose_name='status')),
                    ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                    ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                ],
                options={
                    'verbose_name': 'after-sales assessment',
                    'verbose_name_plural': 'after-sales assessments',
                    'ordering': ['-period_start', 'salesperson'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'salesperson', 'period_start', 'period_end'), name='prevention_assessment_unique')],
                },
            ),
            migrations.CreateModel(
                name='AssessmentChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=40, verbose_name='step')),
                    ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                    ('at', models.DateTimeField(verbose_name='at')),
                    ('old_status', models.CharField(blank=True, choices=[('draft', 'To be confirmed'), ('confirmed', 'Confirmed')], max_length=20, verbose_name='from')),
                    ('new_status', models.CharField(choices=[('draft', 'To be confirmed'), ('confirmed', 'Confirmed')], max_length=20, verbose_name='to')),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='prevention.assessment', verbose_name='assessment')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'assessment status change',
                    'verbose_name_plural': 'assessment status changes',
                    'ordering': ['assessment', 'at', 'id'],
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'at'], name='assessmentchange_co_at')],
                },
            ),
            migrations.CreateModel(
                name='PreventionGroup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('kind', models.CharField(choices=[('leadership', 'Prevention leadership group'), ('working', 'Prevention working group'), ('office', 'Prevention office')], max_length=20, verbose_name='group')),
                    ('duties', models.TextField(blank=True, max_length=5000, verbose_name='duties')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'prevention group',
                    'verbose_name_plural': 'prevention groups',
                    'ordering': ['company', 'kind'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'kind'), name='prevention_group_unique')],
                },
            ),
            migrations.CreateModel(
                name='GroupMember',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.CharField(choices=[('leader', 'Leader'), ('deputy', 'Deputy'), ('member', 'Member')], default='member', max_length=10, verbose_name='position in the group')),
                    ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='prevention.preventiongroup', verbose_name='group')),
                ],
                options={
                    'verbose_name': 'group member',
                    'verbose_name_plural': 'group members',
                    'ordering': ['group', 'position', 'id'],
                    'constraints': [models.UniqueConstraint(fields=('group', 'user'), name='prevention_member_unique')],
                },
            ),
            migrations.CreateModel(
                name='RepeatFlag',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('rule', models.CharField(choices=[('same_customer', 'Same customer, same category and defect'), ('same_part', 'Same part at any customer, same category and defect')], max_length=20, verbose_name='rule')),
                    ('window_days', models.PositiveSmallIntegerField(verbose_name='within days')),
                    ('flagged_at', models.DateTimeField(verbose_name='flagged at')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('complaint', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='repeat_flag', to='complaints.complaint', verbose_name='complaint')),
                    ('earlier', models.ManyToManyField(related_name='+', to='complaints.complaint', verbose_name='earlier complaints')),
                ],
                options={
                    'verbose_name': 'repeat complaint',
                    'verbose_name_plural': 'repeat complaints',
                },
            ),
            migrations.CreateModel(
                name='RepeatSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('window_days', models.PositiveSmallIntegerField(default=180, verbose_name='within days')),
                    ('same_customer', models.BooleanField(default=True, verbose_name='same customer')),
                    ('same_part', models.BooleanField(default=True, verbose_name='same part at any customer')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'repeat complaint settings',
                    'verbose_name_plural': 'repeat complaint settings',
                    'constraints': [models.UniqueConstraint(fields=('company',), name='prevention_repeat_settings_unique')],
                },
            ),
            migrations.CreateModel(
                name='WarningSignal',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('number', models.CharField(max_length=40, verbose_name='signal number')),
                    ('source', models.CharField(choices=[('sales', 'Sales'), ('call_centre', 'Call centre'), ('service_engineer', 'Service engineer'), ('visit', 'Customer visit'), ('market', 'Market information'), ('media', 'Media'), ('monitoring', 'Automatic monitoring')], max_length=20, verbose_name='source')),
                    ('observed', models.TextField(max_length=5000, verbose_name='what was seen or heard')),
                    ('warning_class', models.CharField(choices=[('a', 'A'), ('b', 'B'), ('c', 'C')], max_length=1, verbose_name='class')),
                    ('raised_at', models.DateTimeField(verbose_name='recorded at')),
                    ('identification', models.TextField(blank=True, max_length=5000, verbose_name='identification: what is really the case')),
                    ('causes', models.TextField(blank=True, max_length=5000, verbose_name='causes')),
                    ('development', models.TextField(blank=True, max_length=5000, verbose_name='likely development')),
                    ('outcome', models.CharField(blank=True, choices=[('resolved', 'Resolved'), ('complaint', 'Became a complaint'), ('no_risk', 'No further risk')], max_length=20, verbose_name='outcome')),
                    ('closing_note', models.TextField(blank=True, max_length=5000, verbose_name='closing note')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                    ('auto_cause', models.CharField(blank=True, choices=[('complaint_rate', "Complaints above the customer's own norm"), ('overdue_deadline', 'Overdue complaint deadline'), ('low_survey', 'Survey answer below threshold'), ('late_deliveries', 'Late delivery streak'), ('negative_visit', 'Visit finding marked negative')], max_length=30, verbose_name='automatic cause')),
                    ('cause_key', models.CharField(blank=True, max_length=120, verbose_name='cause key')),
                    ('why', models.TextField(blank=True, max_length=2000, verbose_name='why this signal')),
                    ('status', models.CharField(choices=[('identifying', 'To be identified'), ('diagnosing', 'Diagnosing'), ('preventing', 'Preventing'), ('closed', 'Closed')], default='identifying', max_length=20, verbose_name='status')),
                    ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('complaint', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='warning_signal', to='complaints.complaint', verbose_name='complaint')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.customer', verbose_name='customer')),
                    ('decider', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                    ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='followed by')),
                    ('part', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.part', verbose_name='part')),
                    ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ],
                options={
                    'verbose_name': 'early-warning signal',
                    'verbose_name_plural': 'early-warning signals',
                    'ordering': ['-raised_at', '-id'],
                    'indexes': [models.Index(fields=['company', 'status', 'raised_at'], name='prevention_signal_open_idx')],
                    'constraints': [models.UniqueConstraint(fields=('company', 'number'), name='prevention_signal_number_unique'), models.UniqueConstraint(condition=models.Q(('cause_key', ''), _negated=True), fields=('company', 'cause_key'), name='prevention_signal_cause_once')],
                },
            ),
            migrations.CreateModel(
                name='SpecialMeeting',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('held_at', models.DateTimeField(verbose_name='held at')),
                    ('topic', models.CharField(max_length=200, verbose_name='topic')),
                    ('decisions', models.TextField(max_length=5000, verbose_name='decisions')),
                    ('attendees', models.ManyToManyField(related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='attendees')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='prevention.preventiongroup', verbose_name='group')),
                    ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                    ('signal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='meetings', to='prevention.warningsignal', verbose_name='signal')),
                ],
                options={
                    'verbose_name': 'special meeting',
                    'verbose_name_plural': 'special meetings',
                    'ordering': ['-held_at'],
                },
            ),
            migrations.CreateModel(
                name='SignalChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=40, verbose_name='step')),
                    ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                    ('at', models.DateTimeField(verbose_name='at')),
                    ('old_status', models.CharField(blank=True, choices=[('identifying', 'To be identified'), ('diagnosing', 'Diagnosing'), ('preventing', 'Preventing'), ('closed', 'Closed')], max_length=20, verbose_name='from')),
                    ('new_status', models.CharField(choices=[('identifying', 'To be identified'), ('diagnosing', 'Diagnosing'), ('preventing', 'Preventing'), ('closed', 'Closed')], max_length=20, verbose_name='to')),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('signal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='prevention.warningsignal', verbose_name='signal')),
                ],
                options={
                    'verbose_name': 'signal status change',
                    'verbose_name_plural': 'signal status changes',
                    'ordering': ['signal', 'at', 'id'],
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'at'], name='signalchange_co_at')],
                },
            ),
            migrations.CreateModel(
                name='PreventiveAction',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('description', models.TextField(max_length=2000, verbose_name='action')),
                    ('working_days', models.PositiveSmallIntegerField(default=1, verbose_name='working days')),
                    ('due_at', models.DateTimeField(verbose_name='due at')),
                    ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                    ('result', models.TextField(blank=True, max_length=2000, verbose_name='result')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                    ('signal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='prevention.warningsignal', verbose_name='signal')),
                ],
                options={
                    'verbose_name': 'preventive action',
                    'verbose_name_plural': 'preventive actions',
                    'ordering': ['signal', 'due_at', 'id'],
                },
            ),
        ]),
    ]
