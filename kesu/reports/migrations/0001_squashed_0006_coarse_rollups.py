"""reports: migrations 0001 to 0006_coarse_rollups in one, for new installations.

Written from the models (makemigrations; every field, index and constraint inside its CreateModel, the models
created in one CreateModels) rather than by squashmigrations: a first migrate renders the models once per app
instead of once per old operation (docs/testing.md). Databases that applied the old migrations keep them (``replaces``); the old files go once every
installation has passed them. Their data steps only change rows already there.
"""


import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kesu.core.migration_operations import CreateModels


class Migration(migrations.Migration):

    replaces = [('reports', '0001_initial'), ('reports', '0002_report_change_shape'), ('reports', '0003_complaint_satisfaction_kpi'), ('reports', '0004_rollupchange_complaintrollup_rollupmonth'), ('reports', '0005_shipment_closure_response_rollups'), ('reports', '0006_coarse_rollups')]

    initial = True

    dependencies = [
        ('accounts', '0002_apitoken_updated_at'),
        ('accounts', '0004_search_initials'),
        ('capa', '0002_ncr_disposition_label'),
        ('complaints', '0014_customer_messages'),
        ('complaints', '0015_open_received_index'),
        ('customers', '0005_contact_job_title'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='DepartmentReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('kind', models.CharField(choices=[('marketing', 'Marketing management analysis'), ('after_sales', 'After-sales feedback analysis')], max_length=20, verbose_name='report')),
                    ('month', models.DateField(verbose_name='month')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned for rework')], default='draft', max_length=20, verbose_name='status')),
                    ('due_on', models.DateField(verbose_name='due on')),
                    ('figures', models.JSONField(default=dict, verbose_name='figures')),
                    ('drafted_at', models.DateTimeField(verbose_name='drafted at')),
                    ('analysis', models.TextField(blank=True, max_length=20000, verbose_name='analysis')),
                    ('proposals', models.TextField(blank=True, max_length=20000, verbose_name='improvement proposals')),
                    ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='reminded at')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                    ('return_reason', models.TextField(blank=True, max_length=2000, verbose_name='reason for returning')),
                    ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                    ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.department', verbose_name='department')),
                    ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                ],
                options={
                    'verbose_name': 'departmental monthly report',
                    'verbose_name_plural': 'departmental monthly reports',
                    'ordering': ['-month', 'kind'],
                    'indexes': [models.Index(fields=['status', 'due_on'], name='department_report_due_idx')],
                    'constraints': [models.UniqueConstraint(fields=('company', 'kind', 'month'), name='department_report_unique')],
                },
            ),
            migrations.CreateModel(
                name='KpiTarget',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                    ('kpi', models.CharField(choices=[('ppm', 'Delivered PPM'), ('on_time', 'On-time delivery (percent)'), ('extra_freight_lines', 'Shipments with extra freight'), ('extra_freight_cost', 'Extra freight cost'), ('return_rate', 'Return rate (percent)'), ('churn', 'Customer churn (percent)'), ('complaints', 'Complaints'), ('complaints_per_million', 'Complaints per million parts shipped'), ('claims_amount', 'Claims'), ('quality_cost', 'Quality cost'), ('satisfaction', 'Satisfaction score'), ('complaint_satisfaction', 'Complaint handling satisfaction'), ('open_actions', 'Open corrective actions'), ('overdue_actions', 'Overdue corrective actions')], max_length=30, verbose_name='indicator')),
                    ('target', models.DecimalField(decimal_places=2, max_digits=16, validators=[django.core.validators.MinValueValidator(0)], verbose_name='target')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'KPI target',
                    'verbose_name_plural': 'KPI targets',
                    'ordering': ['company', '-year', 'kpi'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'year', 'kpi'), name='kpi_target_unique')],
                },
            ),
            migrations.CreateModel(
                name='MonthlySnapshot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('month', models.DateField(verbose_name='month')),
                    ('values', models.JSONField(default=dict, verbose_name='indicators')),
                    ('counts', models.JSONField(default=dict, verbose_name='counts')),
                    ('taken_at', models.DateTimeField(verbose_name='taken at')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'monthly snapshot',
                    'verbose_name_plural': 'monthly snapshots',
                    'ordering': ['company', '-month'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'month'), name='monthly_snapshot_unique')],
                },
            ),
            migrations.CreateModel(
                name='PartRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('responsibility', models.CharField(blank=True, max_length=20, verbose_name='responsibility')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('quantity_defective', models.PositiveBigIntegerField(verbose_name='quantity defective')),
                    ('repeats', models.PositiveIntegerField(verbose_name='repeats')),
                    ('closed', models.PositiveIntegerField(verbose_name='closed')),
                    ('reopened', models.PositiveIntegerField(verbose_name='reopened')),
                    ('reopenings', models.PositiveIntegerField(verbose_name='reopenings')),
                    ('returned', models.PositiveBigIntegerField(verbose_name='quantity returned')),
                    ('month', models.DateField(verbose_name='month')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                    ('part', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.part', verbose_name='part')),
                ],
                options={
                    'verbose_name': 'complaint rollup by part',
                    'verbose_name_plural': 'complaint rollups by part',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='partrollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='ReportChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=40, verbose_name='step')),
                    ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                    ('at', models.DateTimeField(verbose_name='at')),
                    ('old_status', models.CharField(blank=True, choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned for rework')], max_length=20, verbose_name='from')),
                    ('new_status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned for rework')], max_length=20, verbose_name='to')),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='reports.departmentreport', verbose_name='report')),
                ],
                options={
                    'verbose_name': 'report status change',
                    'verbose_name_plural': 'report status changes',
                    'ordering': ['at', 'id'],
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'at'], name='reportchange_co_at')],
                },
            ),
            migrations.CreateModel(
                name='ReportSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('closure_target_working_days', models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MinValueValidator(1)], verbose_name='close complaints within (working days)')),
                    ('alert_history_months', models.PositiveSmallIntegerField(default=12, validators=[django.core.validators.MinValueValidator(3), django.core.validators.MaxValueValidator(60)], verbose_name='trend alerts: months of history')),
                    ('alert_min_count', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1)], verbose_name='trend alerts: least complaints in a month')),
                    ('report_due_day', models.PositiveSmallIntegerField(default=8, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(28)], verbose_name='monthly reports due on day')),
                    ('report_remind_days', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MaxValueValidator(27)], verbose_name='remind this many days before')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'analysis settings',
                    'verbose_name_plural': 'analysis settings',
                    'constraints': [models.UniqueConstraint(fields=('company',), name='report_settings_one_per_company')],
                },
            ),
            migrations.CreateModel(
                name='ResponseRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(verbose_name='month')),
                    ('hours', models.IntegerField(null=True, verbose_name='hours to the first response')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'first-response rollup',
                    'verbose_name_plural': 'first-response rollups',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='responserollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='RollupChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('company_id', models.BigIntegerField(verbose_name='company')),
                    ('month', models.DateField(verbose_name='month')),
                ],
                options={
                    'verbose_name': 'rollup change',
                    'verbose_name_plural': 'rollup changes',
                    'indexes': [models.Index(fields=['company_id', 'month'], name='rollup_change_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='RollupMonth',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(verbose_name='month')),
                    ('built_at', models.DateTimeField(verbose_name='built at')),
                    ('rows', models.PositiveIntegerField(default=0, verbose_name='rows')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'rolled-up month',
                    'verbose_name_plural': 'rolled-up months',
                    'constraints': [models.UniqueConstraint(fields=('company', 'month'), name='rollup_month_unique')],
                },
            ),
            migrations.CreateModel(
                name='ShipmentRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(verbose_name='month')),
                    ('currency', models.CharField(max_length=3, verbose_name='currency')),
                    ('quantity', models.PositiveBigIntegerField(verbose_name='quantity shipped')),
                    ('lines', models.PositiveIntegerField(verbose_name='lines shipped')),
                    ('freight_lines', models.PositiveIntegerField(verbose_name='lines with extra freight')),
                    ('freight', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='extra freight cost')),
                    ('due', models.PositiveIntegerField(verbose_name='lines due')),
                    ('on_time', models.PositiveIntegerField(verbose_name='lines on time')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
                ],
                options={
                    'verbose_name': 'shipment rollup',
                    'verbose_name_plural': 'shipment rollups',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='shipmentrollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='TrendAlert',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('month', models.DateField(verbose_name='month')),
                    ('dimension', models.CharField(choices=[('customer', 'Customer'), ('part', 'Part'), ('category', 'Category')], max_length=20, verbose_name='watched')),
                    ('object_id', models.PositiveBigIntegerField(verbose_name='record')),
                    ('label', models.CharField(max_length=300, verbose_name='name')),
                    ('count', models.PositiveIntegerField(verbose_name='complaints in the month')),
                    ('mean', models.DecimalField(decimal_places=3, max_digits=12, verbose_name='monthly mean of the history')),
                    ('upper_limit', models.DecimalField(decimal_places=3, max_digits=12, verbose_name='upper control limit')),
                    ('history_months', models.PositiveSmallIntegerField(verbose_name='months of history')),
                    ('raised_at', models.DateTimeField(verbose_name='raised at')),
                    ('action', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='capa.correctiveaction', verbose_name='corrective action')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.department', verbose_name='responsible department')),
                ],
                options={
                    'verbose_name': 'trend alert',
                    'verbose_name_plural': 'trend alerts',
                    'ordering': ['-month', '-raised_at', '-id'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'month', 'dimension', 'object_id'), name='trend_alert_once')],
                },
            ),
            migrations.CreateModel(
                name='CategoryRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('responsibility', models.CharField(blank=True, max_length=20, verbose_name='responsibility')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('quantity_defective', models.PositiveBigIntegerField(verbose_name='quantity defective')),
                    ('repeats', models.PositiveIntegerField(verbose_name='repeats')),
                    ('closed', models.PositiveIntegerField(verbose_name='closed')),
                    ('reopened', models.PositiveIntegerField(verbose_name='reopened')),
                    ('reopenings', models.PositiveIntegerField(verbose_name='reopenings')),
                    ('returned', models.PositiveBigIntegerField(verbose_name='quantity returned')),
                    ('month', models.DateField(verbose_name='month')),
                    ('category', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.complaintcategory', verbose_name='category')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'complaint rollup by category',
                    'verbose_name_plural': 'complaint rollups by category',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='categoryrollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='ClosureRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(verbose_name='month')),
                    ('received_day', models.DateField(verbose_name='day received')),
                    ('closed_day', models.DateField(null=True, verbose_name='day closed')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'closure rollup',
                    'verbose_name_plural': 'closure rollups',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='closurerollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='ComplaintRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('responsibility', models.CharField(blank=True, max_length=20, verbose_name='responsibility')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('quantity_defective', models.PositiveBigIntegerField(verbose_name='quantity defective')),
                    ('repeats', models.PositiveIntegerField(verbose_name='repeats')),
                    ('closed', models.PositiveIntegerField(verbose_name='closed')),
                    ('reopened', models.PositiveIntegerField(verbose_name='reopened')),
                    ('reopenings', models.PositiveIntegerField(verbose_name='reopenings')),
                    ('returned', models.PositiveBigIntegerField(verbose_name='quantity returned')),
                    ('month', models.DateField(verbose_name='month')),
                    ('category', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.complaintcategory', verbose_name='category')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
                    ('part', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.part', verbose_name='part')),
                ],
                options={
                    'verbose_name': 'complaint rollup',
                    'verbose_name_plural': 'complaint rollups',
                    'indexes': [models.Index(fields=['company', 'month'], name='complaint_rollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='CustomerRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('responsibility', models.CharField(blank=True, max_length=20, verbose_name='responsibility')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('quantity_defective', models.PositiveBigIntegerField(verbose_name='quantity defective')),
                    ('repeats', models.PositiveIntegerField(verbose_name='repeats')),
                    ('closed', models.PositiveIntegerField(verbose_name='closed')),
                    ('reopened', models.PositiveIntegerField(verbose_name='reopened')),
                    ('reopenings', models.PositiveIntegerField(verbose_name='reopenings')),
                    ('returned', models.PositiveBigIntegerField(verbose_name='quantity returned')),
                    ('month', models.DateField(verbose_name='month')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
                ],
                options={
                    'verbose_name': 'complaint rollup by customer',
                    'verbose_name_plural': 'complaint rollups by customer',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='customerrollup_month_idx')],
                },
            ),
            migrations.CreateModel(
                name='DefectRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('responsibility', models.CharField(blank=True, max_length=20, verbose_name='responsibility')),
                    ('complaints', models.PositiveIntegerField(verbose_name='complaints')),
                    ('quantity_defective', models.PositiveBigIntegerField(verbose_name='quantity defective')),
                    ('repeats', models.PositiveIntegerField(verbose_name='repeats')),
                    ('closed', models.PositiveIntegerField(verbose_name='closed')),
                    ('reopened', models.PositiveIntegerField(verbose_name='reopened')),
                    ('reopenings', models.PositiveIntegerField(verbose_name='reopenings')),
                    ('returned', models.PositiveBigIntegerField(verbose_name='quantity returned')),
                    ('month', models.DateField(verbose_name='month')),
                    ('defect_nature', models.CharField(blank=True, max_length=200, verbose_name='defect nature')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'complaint rollup by defect',
                    'verbose_name_plural': 'complaint rollups by defect',
                    'abstract': False,
                    'indexes': [models.Index(fields=['company', 'month'], name='defectrollup_month_idx')],
                },
            ),
        ]),
    ]
