"""customers: migrations 0001 to 0005_contact_job_title in one, for new installations.

Written from the models (makemigrations; every field, index and constraint inside its CreateModel, the models
created in one CreateModels) rather than by squashmigrations: a first migrate renders the models once per app
instead of once per old operation (docs/testing.md). Databases that applied the old migrations keep them (``replaces``); the old files go once every
installation has passed them. Their data steps only change rows already there.
"""


import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from kesu.core.migration_operations import CreateModels


class Migration(migrations.Migration):

    replaces = [('customers', '0001_initial'), ('customers', '0002_shipment_due_index'), ('customers', '0003_part_responsible_engineer'), ('customers', '0004_search_initials'), ('customers', '0005_contact_job_title')]

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('accounts', '0002_apitoken_updated_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='Customer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('code', models.CharField(max_length=30, verbose_name='customer code')),
                    ('name', models.CharField(max_length=200, verbose_name='full name')),
                    ('short_name', models.CharField(blank=True, max_length=50, verbose_name='short name')),
                    ('customer_type', models.CharField(choices=[('oem', 'OEM'), ('aftermarket', 'Aftermarket'), ('distributor', 'Distributor'), ('end_user', 'End user')], default='oem', max_length=20, verbose_name='type')),
                    ('status', models.CharField(choices=[('potential', 'Potential'), ('existing', 'Existing'), ('lost', 'Lost')], default='existing', max_length=20, verbose_name='status')),
                    ('region', models.CharField(blank=True, max_length=100, verbose_name='region')),
                    ('importance', models.CharField(choices=[('a', 'A (key)'), ('b', 'B (important)'), ('c', 'C (general)')], default='b', max_length=1, verbose_name='importance')),
                    ('sales_rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='yearly sales rank')),
                    ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                    ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                    ('notes', models.TextField(blank=True, max_length=5000, verbose_name='notes')),
                    ('search_initials', models.CharField(blank=True, db_index=True, default='', editable=False, max_length=100, verbose_name='search initials')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_customers', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ('sales_region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.salesregion', verbose_name='sales region')),
                ],
                options={
                    'verbose_name': 'customer',
                    'verbose_name_plural': 'customers',
                    'ordering': ['code'],
                    'indexes': [models.Index(fields=['company', 'status'], name='customer_company_status_idx'), models.Index(fields=['company', 'owner'], name='customer_company_owner_idx'), models.Index(fields=['company', 'name'], name='customer_company_name_idx')],
                    'constraints': [models.UniqueConstraint(fields=('company', 'code'), name='customer_code_unique')],
                },
            ),
            migrations.CreateModel(
                name='Contract',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('number', models.CharField(max_length=50, verbose_name='contract number')),
                    ('kind', models.CharField(choices=[('contract', 'Contract'), ('order', 'Order'), ('tender', 'Tender'), ('technical', 'Technical agreement'), ('foreign_trade', 'Foreign-trade contract'), ('informal', 'Informal order')], default='contract', max_length=20, verbose_name='kind')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('active', 'Active'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='active', max_length=20, verbose_name='status')),
                    ('signed_on', models.DateField(blank=True, null=True, verbose_name='signed on')),
                    ('currency', models.CharField(choices=[('CNY', 'CNY (yuan)'), ('USD', 'USD (US dollar)'), ('EUR', 'EUR (euro)'), ('HKD', 'HKD (Hong Kong dollar)'), ('TWD', 'TWD (New Taiwan dollar)'), ('JPY', 'JPY (yen)')], default='CNY', max_length=3, verbose_name='currency')),
                    ('customer_po', models.CharField(blank=True, max_length=50, verbose_name='customer PO number')),
                    ('notes', models.TextField(blank=True, max_length=5000, verbose_name='notes')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contracts', to='customers.customer', verbose_name='customer')),
                ],
                options={
                    'verbose_name': 'contract',
                    'verbose_name_plural': 'contracts',
                    'ordering': ['-signed_on', 'number'],
                    'indexes': [models.Index(fields=['company', 'customer', 'signed_on'], name='contract_customer_idx')],
                    'constraints': [models.UniqueConstraint(fields=('company', 'number'), name='contract_number_unique')],
                },
            ),
            migrations.CreateModel(
                name='Contact',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('title', models.CharField(blank=True, max_length=100, verbose_name='job title')),
                    ('department', models.CharField(blank=True, max_length=100, verbose_name='department')),
                    ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                    ('mobile', models.CharField(blank=True, max_length=50, verbose_name='mobile')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                    ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('zh-hant', '繁體中文'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='language')),
                    ('is_primary', models.BooleanField(default=False, verbose_name='primary contact')),
                    ('notes', models.TextField(blank=True, max_length=2000, verbose_name='notes')),
                    ('search_initials', models.CharField(blank=True, db_index=True, default='', editable=False, max_length=100, verbose_name='search initials')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='customers.customer', verbose_name='customer')),
                ],
                options={
                    'verbose_name': 'contact',
                    'verbose_name_plural': 'contacts',
                    'ordering': ['customer', '-is_primary', 'name'],
                    'constraints': [models.UniqueConstraint(fields=('customer', 'name', 'email'), name='contact_unique_per_customer')],
                },
            ),
            migrations.CreateModel(
                name='Part',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('part_no', models.CharField(max_length=50, verbose_name='part number')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('model', models.CharField(blank=True, max_length=100, verbose_name='model')),
                    ('specification', models.CharField(blank=True, max_length=300, verbose_name='specification')),
                    ('unit', models.CharField(default='PCS', max_length=20, verbose_name='unit')),
                    ('warranty_months', models.PositiveSmallIntegerField(default=12, help_text='Seed 004 §5.1: performance problems are accepted within the warranty.', verbose_name='warranty (months)')),
                    ('customer_part_no', models.CharField(blank=True, max_length=50, verbose_name='customer part number')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('search_initials', models.CharField(blank=True, db_index=True, default='', editable=False, max_length=100, verbose_name='search initials')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('customer', models.ForeignKey(blank=True, help_text='Set when the part is made for one customer.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='parts', to='customers.customer', verbose_name='customer')),
                    ('responsible_engineer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='responsible engineer')),
                ],
                options={
                    'verbose_name': 'part',
                    'verbose_name_plural': 'parts',
                    'ordering': ['part_no'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'part_no'), name='part_no_unique')],
                },
            ),
            migrations.CreateModel(
                name='ContractLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('line_no', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='line')),
                    ('quantity', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='quantity')),
                    ('unit_price', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='unit price')),
                    ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='customers.contract', verbose_name='contract')),
                    ('part', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contract_lines', to='customers.part', verbose_name='part')),
                ],
                options={
                    'verbose_name': 'contract line',
                    'verbose_name_plural': 'contract lines',
                    'ordering': ['contract', 'line_no'],
                    'constraints': [models.UniqueConstraint(fields=('contract', 'line_no'), name='contract_line_unique'), models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='contract_line_quantity_positive')],
                },
            ),
            migrations.CreateModel(
                name='Shipment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('delivery_no', models.CharField(max_length=50, verbose_name='delivery number')),
                    ('line_no', models.PositiveIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name='line')),
                    ('quantity', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='quantity')),
                    ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                    ('ship_date', models.DateField(verbose_name='ship date')),
                    ('receipt_date', models.DateField(blank=True, null=True, verbose_name='customer receipt date')),
                    ('is_split', models.BooleanField(default=False, verbose_name='split delivery')),
                    ('extra_freight_cost', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='extra freight cost')),
                    ('currency', models.CharField(choices=[('CNY', 'CNY (yuan)'), ('USD', 'USD (US dollar)'), ('EUR', 'EUR (euro)'), ('HKD', 'HKD (Hong Kong dollar)'), ('TWD', 'TWD (New Taiwan dollar)'), ('JPY', 'JPY (yen)')], default='CNY', max_length=3, verbose_name='currency')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                    ('contract_line', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='shipments', to='customers.contractline', verbose_name='contract line')),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shipments', to='customers.customer', verbose_name='customer')),
                    ('part', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shipments', to='customers.part', verbose_name='part')),
                ],
                options={
                    'verbose_name': 'shipment',
                    'verbose_name_plural': 'shipments',
                    'ordering': ['-ship_date', 'delivery_no', 'line_no'],
                    'indexes': [models.Index(fields=['company', 'ship_date'], name='shipment_company_date_idx'), models.Index(fields=['customer', 'ship_date'], name='shipment_customer_date_idx'), models.Index(fields=['part', 'ship_date'], name='shipment_part_date_idx'), models.Index(fields=['company', 'due_date'], name='shipment_company_due_idx')],
                    'constraints': [models.UniqueConstraint(fields=('company', 'delivery_no', 'line_no'), name='shipment_line_unique'), models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='shipment_quantity_positive'), models.CheckConstraint(condition=models.Q(('extra_freight_cost__gte', 0)), name='shipment_freight_not_negative')],
                },
            ),
            migrations.CreateModel(
                name='Supplier',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('code', models.CharField(max_length=30, verbose_name='supplier code')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('short_name', models.CharField(blank=True, max_length=50, verbose_name='short name')),
                    ('contact_name', models.CharField(blank=True, max_length=100, verbose_name='contact person')),
                    ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                    ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('search_initials', models.CharField(blank=True, db_index=True, default='', editable=False, max_length=100, verbose_name='search initials')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ],
                options={
                    'verbose_name': 'supplier',
                    'verbose_name_plural': 'suppliers',
                    'ordering': ['code'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'code'), name='supplier_code_unique')],
                },
            ),
        ]),
    ]
