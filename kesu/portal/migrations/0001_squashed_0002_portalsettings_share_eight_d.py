"""portal: migrations 0001 to 0002_portalsettings_share_eight_d in one, for new installations.

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

    replaces = [('portal', '0001_portal_accounts_tokens_settings'), ('portal', '0002_portalsettings_share_eight_d')]

    initial = True

    dependencies = [
        ('accounts', '0004_search_initials'),
        ('customers', '0005_contact_job_title'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='PortalAccount',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('email', models.EmailField(max_length=254, unique=True, verbose_name='e-mail')),
                    ('password', models.CharField(blank=True, max_length=128, verbose_name='password')),
                    ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last sign-in')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('invited_at', models.DateTimeField(blank=True, null=True, verbose_name='invited at')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('contact', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='portal_account', to='customers.contact', verbose_name='contact')),
                    ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                ],
                options={
                    'verbose_name': 'portal account',
                    'verbose_name_plural': 'portal accounts',
                    'ordering': ['email'],
                },
            ),
            migrations.CreateModel(
                name='PortalSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('two_factor_email', models.BooleanField(default=False, help_text='Contacts confirm each sign-in with a one-time code sent to their e-mail address.', verbose_name='sign-in code by e-mail')),
                    ('share_eight_d', models.BooleanField(default=False, help_text="Contacts download the customer's copy of the 8D report of an action raised from their complaint.", verbose_name='share 8D reports with customers')),
                    ('company', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='portal_settings', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'portal settings',
                    'verbose_name_plural': 'portal settings',
                },
            ),
            migrations.CreateModel(
                name='PortalToken',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('key_prefix', models.CharField(max_length=16, verbose_name='starts with')),
                    ('token_hash', models.CharField(max_length=64, unique=True)),
                    ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                    ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                    ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='portal.portalaccount', verbose_name='portal account')),
                ],
                options={
                    'verbose_name': 'portal API token',
                    'verbose_name_plural': 'portal API tokens',
                    'ordering': ['-created_at'],
                },
            ),
        ]),
    ]
