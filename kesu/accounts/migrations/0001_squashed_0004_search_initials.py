"""accounts: migrations 0001 to 0004_search_initials in one, for new installations.

Written from the models (makemigrations; every field, index and constraint inside its CreateModel, the models
created in one CreateModels) rather than by squashmigrations: a first migrate renders the models once per app
instead of once per old operation (docs/testing.md). Databases that applied the old migrations keep them (``replaces``); the old files go once every
installation has passed them. Their data steps only change rows already there.
"""


import datetime
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import kesu.accounts.models
from django.conf import settings
from django.db import migrations, models

from kesu.core.migration_operations import CreateModels


class Migration(migrations.Migration):

    replaces = [('accounts', '0001_initial'), ('accounts', '0002_apitoken_updated_at'), ('accounts', '0003_user_digest_email'), ('accounts', '0004_search_initials')]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='User',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('password', models.CharField(max_length=128, verbose_name='password')),
                    ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                    ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                    ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                    ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                    ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                    ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                    ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                    ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('display_name', models.CharField(blank=True, max_length=100, verbose_name='display name')),
                    ('search_initials', models.CharField(blank=True, db_index=True, default='', editable=False, max_length=100, verbose_name='search initials')),
                    ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                    ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                    ('digest_email', models.BooleanField(default=True, help_text='Each working morning, an e-mail listing the work waiting for you and what is overdue (only when something waits).', verbose_name='daily digest e-mail')),
                    ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                    ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                    ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='accounts.company', verbose_name='company')),
                    ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='accounts.department', verbose_name='department')),
                    ('position', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='holders', to='accounts.position', verbose_name='position')),
                    ('sales_region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.salesregion', verbose_name='sales region')),
                ],
                options={
                    'verbose_name': 'user',
                    'verbose_name_plural': 'users',
                    'abstract': False,
                },
                managers=[
                    ('objects', kesu.accounts.models.KesuUserManager()),
                ],
            ),
            migrations.CreateModel(
                name='ApiToken',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('key_prefix', models.CharField(max_length=16, verbose_name='starts with')),
                    ('token_hash', models.CharField(max_length=64, unique=True)),
                    ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                    ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'verbose_name': 'API token',
                    'verbose_name_plural': 'API tokens',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='Company',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('code', models.CharField(max_length=20, unique=True, verbose_name='company code')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('short_name', models.CharField(blank=True, max_length=50, verbose_name='short name')),
                    ('time_zone', models.CharField(default='Asia/Shanghai', max_length=50, validators=[kesu.accounts.models.validate_time_zone], verbose_name='time zone')),
                    ('work_start', models.TimeField(default=datetime.time(8, 30), verbose_name='working hours start')),
                    ('work_end', models.TimeField(default=datetime.time(17, 30), verbose_name='working hours end')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='subsidiaries', to='accounts.company', verbose_name='parent company')),
                ],
                options={
                    'verbose_name': 'company',
                    'verbose_name_plural': 'companies',
                    'ordering': ['code'],
                },
            ),
            migrations.CreateModel(
                name='Department',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('code', models.CharField(max_length=20, verbose_name='department code')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('kind', models.CharField(choices=[('sales', 'Sales'), ('qa', 'Quality'), ('engineering', 'Engineering'), ('production', 'Production'), ('purchasing', 'Purchasing'), ('finance', 'Finance'), ('management', 'Management'), ('general_office', 'General office'), ('after_sales', 'After-sales service'), ('other', 'Other')], default='other', max_length=20, verbose_name='kind')),
                    ('search_initials', models.CharField(blank=True, db_index=True, default='', editable=False, max_length=100, verbose_name='search initials')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('head', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='headed_departments', to=settings.AUTH_USER_MODEL, verbose_name='head')),
                    ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='accounts.department', verbose_name='parent department')),
                ],
                options={
                    'verbose_name': 'department',
                    'verbose_name_plural': 'departments',
                    'ordering': ['company', 'code'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'code'), name='department_code_unique')],
                },
            ),
            migrations.CreateModel(
                name='Position',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('role', models.CharField(choices=[('admin', 'Administrator'), ('salesperson', 'Salesperson'), ('sales_assistant', 'Sales assistant'), ('regional_manager', 'Regional manager'), ('sales_director', 'Sales director'), ('qa', 'Quality assurance'), ('engineering', 'Engineering'), ('production', 'Production'), ('purchasing', 'Purchasing'), ('finance', 'Finance'), ('vice_gm', 'Vice general manager'), ('gm', 'General manager'), ('general_office', 'General office'), ('after_sales', 'After-sales service')], max_length=30, verbose_name='role')),
                    ('scope', models.CharField(choices=[('company', 'Own company'), ('group', 'Own company and its subsidiaries')], default='company', max_length=20, verbose_name='data scope')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'position',
                    'verbose_name_plural': 'positions',
                    'ordering': ['company', 'name'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'name'), name='position_name_unique')],
                },
            ),
            migrations.CreateModel(
                name='SalesRegion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('code', models.CharField(max_length=20, verbose_name='region code')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('manager', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='managed_regions', to=settings.AUTH_USER_MODEL, verbose_name='regional manager')),
                ],
                options={
                    'verbose_name': 'sales region',
                    'verbose_name_plural': 'sales regions',
                    'ordering': ['company', 'code'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'code'), name='sales_region_code_unique')],
                },
            ),
        ]),
    ]
