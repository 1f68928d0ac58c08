"""mailin: migrations 0001 to 0002_mailbox_read_existing in one, for new installations.

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

    replaces = [('mailin', '0001_mailboxes_and_received_mails'), ('mailin', '0002_mailbox_read_existing')]

    initial = True

    dependencies = [
        ('accounts', '0004_search_initials'),
        ('complaints', '0014_customer_messages'),
        ('customers', '0005_contact_job_title'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='Mailbox',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('host', models.CharField(max_length=200, verbose_name='IMAP server')),
                    ('port', models.PositiveIntegerField(default=993, verbose_name='port')),
                    ('security', models.CharField(choices=[('ssl', 'TLS (IMAPS, usually port 993)'), ('starttls', 'STARTTLS (usually port 143)'), ('plain', 'Plain text (local servers only)')], default='ssl', max_length=10, verbose_name='connection security')),
                    ('username', models.CharField(max_length=200, verbose_name='user name')),
                    ('password', models.CharField(max_length=500, verbose_name='password')),
                    ('folder', models.CharField(default='INBOX', max_length=200, verbose_name='folder')),
                    ('max_bytes', models.PositiveIntegerField(default=10485760, help_text='A larger mail goes to triage with its headers; the whole mail stays on the mail server.', verbose_name='largest mail accepted (bytes)')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('read_existing', models.BooleanField(default=False, help_text='Otherwise only mails arriving after the first reading are taken in.', verbose_name='take in the mails already there')),
                    ('uidvalidity', models.BigIntegerField(blank=True, null=True, verbose_name='UIDVALIDITY')),
                    ('last_uid', models.BigIntegerField(default=0, verbose_name='last UID read')),
                    ('last_checked_at', models.DateTimeField(blank=True, null=True, verbose_name='last checked')),
                    ('last_error', models.TextField(blank=True, max_length=2000, verbose_name='last error')),
                    ('failing_since', models.DateTimeField(blank=True, null=True, verbose_name='failing since')),
                    ('failures', models.PositiveIntegerField(default=0, verbose_name='failed attempts in a row')),
                    ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                    ('error_reported_at', models.DateTimeField(blank=True, null=True, verbose_name='error reported at')),
                    ('leased_until', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'mailbox',
                    'verbose_name_plural': 'mailboxes',
                    'ordering': ['company', 'name'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'name'), name='mailin_mailbox_name_unique')],
                },
            ),
            migrations.CreateModel(
                name='InboundMail',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('uidvalidity', models.BigIntegerField(verbose_name='UIDVALIDITY')),
                    ('uid', models.BigIntegerField(verbose_name='UID')),
                    ('message_id', models.CharField(blank=True, max_length=300, verbose_name='Message-ID')),
                    ('sender', models.CharField(blank=True, max_length=300, verbose_name='sender')),
                    ('sender_name', models.CharField(blank=True, max_length=200, verbose_name="sender's name")),
                    ('subject', models.CharField(blank=True, max_length=500, verbose_name='subject')),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                    ('fetched_at', models.DateTimeField(verbose_name='fetched at')),
                    ('size', models.PositiveIntegerField(default=0, verbose_name='size (bytes)')),
                    ('body', models.TextField(blank=True, verbose_name='text')),
                    ('attachment_names', models.JSONField(blank=True, default=list, verbose_name='attachments')),
                    ('raw', models.FileField(blank=True, upload_to='mailin/%Y/%m/', verbose_name='original mail')),
                    ('outcome', models.CharField(choices=[('complaint', 'New complaint'), ('reply', 'Added to a complaint'), ('triage', 'Waiting in triage'), ('made', 'Complaint made from triage'), ('attached', 'Attached to a complaint from triage'), ('discarded', 'Discarded')], max_length=20, verbose_name='outcome')),
                    ('reason', models.CharField(blank=True, choices=[('unknown_sender', 'Unknown sender'), ('ambiguous_sender', 'Sender matches several customers'), ('malformed', 'Malformed mail'), ('oversized', "Larger than the mailbox's limit"), ('refused_attachment', 'Attachment refused'), ('not_registered', 'Could not be registered'), ('foreign_reply', 'Quotes a complaint of another customer')], max_length=30, verbose_name='reason')),
                    ('reason_detail', models.TextField(blank=True, max_length=2000, verbose_name='details')),
                    ('handled_at', models.DateTimeField(blank=True, null=True, verbose_name='handled at')),
                    ('discard_reason', models.TextField(blank=True, max_length=2000, verbose_name='why discarded')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('complaint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='complaints.complaint', verbose_name='complaint')),
                    ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='customers.contact', verbose_name='contact')),
                    ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='customers.customer', verbose_name='customer')),
                    ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handled by')),
                    ('mailbox', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mails', to='mailin.mailbox', verbose_name='mailbox')),
                ],
                options={
                    'verbose_name': 'received mail',
                    'verbose_name_plural': 'received mails',
                    'ordering': ['-fetched_at', '-id'],
                    'indexes': [models.Index(fields=['company', 'outcome', '-fetched_at'], name='mailin_mail_outcome_idx')],
                    'constraints': [models.UniqueConstraint(fields=('mailbox', 'uidvalidity', 'uid'), name='mailin_mail_once')],
                },
            ),
        ]),
    ]
