"""notifications: migrations 0001 to 0017_mailbox_down_event in one, for new installations.

Written from the models (makemigrations; every field, index and constraint inside its CreateModel, the models
created in one CreateModels) rather than by squashmigrations: a first migrate renders the models once per app
instead of once per old operation (docs/testing.md). Databases that applied the old migrations keep them (``replaces``); the old files go once every
installation has passed them. Their data steps only change rows already there.
"""


import django.db.models.deletion
import kesu.notifications.models
from django.conf import settings
from django.db import migrations, models

from kesu.core.migration_operations import CreateModels


class Migration(migrations.Migration):

    replaces = [('notifications', '0001_initial'), ('notifications', '0002_capa_events'), ('notifications', '0003_alter_notification_event_and_more'), ('notifications', '0004_alter_notification_event_and_more'), ('notifications', '0005_alter_notification_event_and_more'), ('notifications', '0006_outbox_retries'), ('notifications', '0007_outbox_message_id_unique'), ('notifications', '0008_digest'), ('notifications', '0009_rules_tell_the_next_actor'), ('notifications', '0010_announced_work'), ('notifications', '0011_rule_audience_help'), ('notifications', '0012_pass_on_audience'), ('notifications', '0013_safety_flagged'), ('notifications', '0014_survey_events'), ('notifications', '0015_module_events'), ('notifications', '0016_webhook_disabled_event'), ('notifications', '0017_mailbox_down_event')]

    initial = True

    dependencies = [
        ('accounts', '0002_apitoken_updated_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='AnnouncedWork',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('record', models.CharField(max_length=100, unique=True, verbose_name='record')),
                    ('waiting', models.JSONField(default=list, verbose_name='waiting')),
                    ('updated_at', models.DateTimeField(verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'announced work',
                    'verbose_name_plural': 'announced work',
                },
            ),
            migrations.CreateModel(
                name='OutboxMail',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('to', models.EmailField(max_length=254, verbose_name='to')),
                    ('subject', models.CharField(max_length=300, verbose_name='subject')),
                    ('body', models.TextField(verbose_name='message')),
                    ('message_id', models.CharField(default=kesu.notifications.models.new_message_id, editable=False, max_length=255, unique=True, verbose_name='Message-ID')),
                    ('status', models.CharField(choices=[('pending', 'waiting'), ('sending', 'being sent'), ('sent', 'sent'), ('given_up', 'given up')], default='pending', max_length=10, verbose_name='status')),
                    ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                    ('failures', models.PositiveIntegerField(default=0, verbose_name='failures in a row')),
                    ('next_attempt_at', models.DateTimeField(verbose_name='next attempt at')),
                    ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt at')),
                    ('last_error', models.TextField(blank=True, verbose_name='last error')),
                    ('created_at', models.DateTimeField(verbose_name='created at')),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                    ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                    ('recipient', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                ],
                options={
                    'verbose_name': 'outgoing e-mail',
                    'verbose_name_plural': 'outbox',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outbox_due_idx'), models.Index(fields=['claimed_at'], name='outbox_claimed_idx')],
                },
            ),
            migrations.CreateModel(
                name='Digest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(verbose_name='day')),
                    ('items', models.PositiveIntegerField(default=0, verbose_name='items waiting')),
                    ('overdue', models.PositiveIntegerField(default=0, verbose_name='items overdue')),
                    ('created_at', models.DateTimeField(verbose_name='created at')),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ('mail', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='notifications.outboxmail', verbose_name='e-mail')),
                ],
                options={
                    'verbose_name': 'daily digest',
                    'verbose_name_plural': 'daily digests',
                    'ordering': ['-day', 'recipient'],
                    'constraints': [models.UniqueConstraint(fields=('recipient', 'day'), name='digest_once_a_day')],
                },
            ),
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('event', models.CharField(choices=[('complaint_created', 'Complaint recorded'), ('complaint_assigned', 'Complaint assigned'), ('complaint_transitioned', 'Complaint moved on'), ('complaint_escalated', 'Overdue complaint escalated'), ('early_warning', 'Early warning A or B'), ('safety_flagged', 'Complaint with a safety or regulatory impact'), ('action_raised', 'Corrective action raised'), ('action_transitioned', 'Corrective action moved on'), ('action_escalated', 'Overdue corrective action step escalated'), ('ncr_changed', 'Nonconforming product report issued, answered or verified'), ('claim_created', 'Claim recorded'), ('claim_transitioned', 'Claim moved on'), ('supplier_claim_transitioned', 'Supplier claim moved on'), ('survey_answered', "Satisfaction survey answered (with the customer's remarks)"), ('campaign_transitioned', 'Satisfaction survey campaign opened or closed'), ('improvement_transitioned', 'Satisfaction improvement proposed, approved, carried out, verified or reported to the customer'), ('survey_meeting_called', 'Improvement meeting called by a survey answer'), ('satisfaction_report_transitioned', 'Yearly satisfaction report submitted, approved, countersigned, distributed or returned'), ('report_due', 'Departmental monthly report due'), ('report_submitted', 'Departmental monthly report submitted for approval'), ('report_decided', 'Departmental monthly report approved or returned'), ('property_transitioned', 'Customer property: loan, damage report, drawing copy or inventory check moved on'), ('property_due', 'Customer property: a loan return or a calibration is due or overdue'), ('contract_transitioned', 'Contract review, change notice or delivery plan moved on'), ('contract_due', 'Contract review: a sign-off or confirmation is due or overdue'), ('service_transitioned', 'Service plan, visit or product quality report moved on'), ('service_due', 'Customer service: a planned visit or a report is due'), ('signal_raised', 'Early-warning signal recorded (A and B to the leadership group at once)'), ('prevention_transitioned', 'Early-warning signal or salesperson assessment moved on'), ('repeat_complaint', 'Repeat complaint flagged'), ('webhook_disabled', 'Webhook subscription disabled after repeated failures'), ('mailbox_down', 'Mailbox of the complaint intake cannot be read')], max_length=40, verbose_name='event')),
                    ('title', models.CharField(max_length=300, verbose_name='title')),
                    ('body', models.TextField(blank=True, verbose_name='message')),
                    ('link', models.CharField(blank=True, max_length=300, verbose_name='link')),
                    ('created_at', models.DateTimeField(verbose_name='created at')),
                    ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                ],
                options={
                    'verbose_name': 'notification',
                    'verbose_name_plural': 'notifications',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['recipient', 'read_at', '-created_at'], name='notification_inbox_idx')],
                },
            ),
            migrations.CreateModel(
                name='NotificationRule',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('event', models.CharField(choices=[('complaint_created', 'Complaint recorded'), ('complaint_assigned', 'Complaint assigned'), ('complaint_transitioned', 'Complaint moved on'), ('complaint_escalated', 'Overdue complaint escalated'), ('early_warning', 'Early warning A or B'), ('safety_flagged', 'Complaint with a safety or regulatory impact'), ('action_raised', 'Corrective action raised'), ('action_transitioned', 'Corrective action moved on'), ('action_escalated', 'Overdue corrective action step escalated'), ('ncr_changed', 'Nonconforming product report issued, answered or verified'), ('claim_created', 'Claim recorded'), ('claim_transitioned', 'Claim moved on'), ('supplier_claim_transitioned', 'Supplier claim moved on'), ('survey_answered', "Satisfaction survey answered (with the customer's remarks)"), ('campaign_transitioned', 'Satisfaction survey campaign opened or closed'), ('improvement_transitioned', 'Satisfaction improvement proposed, approved, carried out, verified or reported to the customer'), ('survey_meeting_called', 'Improvement meeting called by a survey answer'), ('satisfaction_report_transitioned', 'Yearly satisfaction report submitted, approved, countersigned, distributed or returned'), ('report_due', 'Departmental monthly report due'), ('report_submitted', 'Departmental monthly report submitted for approval'), ('report_decided', 'Departmental monthly report approved or returned'), ('property_transitioned', 'Customer property: loan, damage report, drawing copy or inventory check moved on'), ('property_due', 'Customer property: a loan return or a calibration is due or overdue'), ('contract_transitioned', 'Contract review, change notice or delivery plan moved on'), ('contract_due', 'Contract review: a sign-off or confirmation is due or overdue'), ('service_transitioned', 'Service plan, visit or product quality report moved on'), ('service_due', 'Customer service: a planned visit or a report is due'), ('signal_raised', 'Early-warning signal recorded (A and B to the leadership group at once)'), ('prevention_transitioned', 'Early-warning signal or salesperson assessment moved on'), ('repeat_complaint', 'Repeat complaint flagged'), ('webhook_disabled', 'Webhook subscription disabled after repeated failures'), ('mailbox_down', 'Mailbox of the complaint intake cannot be read')], max_length=40, verbose_name='event')),
                    ('audience', models.JSONField(default=list, help_text='Any of: owner, creator, department_head, escalation, leadership, next_step, next_actor, pass_on, qa_head, gm, members.', verbose_name='who is told')),
                    ('send_inbox', models.BooleanField(default=True, verbose_name='in-app inbox')),
                    ('send_email', models.BooleanField(default=True, verbose_name='e-mail')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'notification rule',
                    'verbose_name_plural': 'notification rules',
                    'ordering': ['company', 'event'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'event'), name='notification_rule_unique')],
                },
            ),
        ]),
    ]
