"""Issues 16 and 18 for surveys: campaigns, improvements and the yearly report on the workflow runner; grade
tables per template (the company's threshold moves into its templates); competitor ratings per dimension.

Data: each template gets a grade table. The seed forms get the seed's rule (CS-001: below 80 → action; CS-002:
below 85 → improvement meeting) when the company kept the old default threshold of 80; a company that changed its
threshold keeps that value on every template, and other templates take the company's threshold and grades. An old
single competitor score is copied to the four dimensions (the note says so). Existing improvement lines keep their
status (they were being carried out without an approval step) and take their campaign's company.
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


OLD_DEFAULT = Decimal("80")
SEED_BANDS = {
    # Seed 001 §4.5.1 2): below 80 → corrective and preventive action.
    "CS-001": [("100", "best", "none"), ("80", "good", "none"), ("60", "pass", "action"), ("0", "fail", "action")],
    # Seed 002 §5.2.3.3.3: below 85 → a meeting of quality, engineering and production.
    "CS-002": [("100", "best", "none"), ("85", "good", "none"), ("80", "good", "meeting"), ("60", "pass", "meeting"),
               ("0", "fail", "meeting")],
}


def company_bands(cfg):
    """The grade table the company's settings described: grades at its percentages, an action below its
    threshold."""
    threshold = cfg.threshold if cfg else OLD_DEFAULT
    grades = ([(cfg.grade_best, "best"), (cfg.grade_good, "good"), (cfg.grade_pass, "pass")] if cfg else
              [(Decimal("100"), "best"), (Decimal("80"), "good"), (Decimal("60"), "pass")])
    lowers = sorted({Decimal(g[0]) for g in grades} | {Decimal(threshold), Decimal("0")}, reverse=True)
    rows = []
    for lower in lowers:
        grade = next((name for bound, name in grades if lower >= bound), "fail")
        rows.append((lower, grade, "action" if lower < threshold else "none"))
    return rows


def forwards(apps, schema_editor):
    SurveySettings = apps.get_model("surveys", "SurveySettings")
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    GradeBand = apps.get_model("surveys", "GradeBand")
    Improvement = apps.get_model("surveys", "Improvement")
    CompetitorRating = apps.get_model("surveys", "CompetitorRating")
    settings_of = {cfg.company_id: cfg for cfg in SurveySettings.objects.all()}
    bands = []
    for template in SurveyTemplate.objects.all():
        cfg = settings_of.get(template.company_id)
        kept_default = cfg is None or cfg.threshold == OLD_DEFAULT
        rows = (SEED_BANDS[template.code] if template.code in SEED_BANDS and kept_default
                else company_bands(cfg))
        bands += [GradeBand(template=template, lower=Decimal(lower), grade=grade, trigger=trigger)
                  for lower, grade, trigger in rows]
    GradeBand.objects.bulk_create(bands)
    for row in Improvement.objects.select_related("campaign"):
        row.company_id = row.campaign.company_id
        row.save(update_fields=["company"])
    for rating in CompetitorRating.objects.all():
        rating.cost = rating.quality = rating.delivery = rating.technology = rating.score
        rating.note = (rating.note + " · " if rating.note else "") + "一个总分迁移到四个维度"
        rating.note = rating.note[:300]
        rating.save(update_fields=["cost", "quality", "delivery", "technology", "note"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_digest_email'),
        ('capa', '0003_action_change_shape'),
        ('customers', '0002_shipment_due_index'),
        ('surveys', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='ranking_basis',
            field=models.CharField(choices=[('amount', 'Sales amount in the base currency at the recorded exchange rates'), ('recorded', "The customers' recorded sales rank (shipment prices or rates missing)"), ('partial', 'Sales amount of the priced shipment lines only (prices missing, no recorded rank)')], default='amount', max_length=10, verbose_name='ranking by sales'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='ranking_currency',
            field=models.CharField(blank=True, max_length=3, verbose_name='ranking currency'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='unpriced_lines',
            field=models.PositiveIntegerField(default=0, verbose_name='shipment lines without a price or rate'),
        ),
        migrations.AddField(
            model_name='competitorrating',
            name='cost',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='cost (0–100)'),
        ),
        migrations.AddField(
            model_name='competitorrating',
            name='delivery',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='delivery (0–100)'),
        ),
        migrations.AddField(
            model_name='competitorrating',
            name='quality',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='quality (0–100)'),
        ),
        migrations.AddField(
            model_name='competitorrating',
            name='technology',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='technology (0–100)'),
        ),
        migrations.AddField(
            model_name='improvement',
            name='approved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='approved at'),
        ),
        migrations.AddField(
            model_name='improvement',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AddField(
            model_name='improvement',
            name='company',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company'),
        ),
        migrations.AddField(
            model_name='improvement',
            name='version',
            field=models.PositiveIntegerField(default=0, verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='improvement',
            name='status',
            field=models.CharField(choices=[('proposed', 'Proposed: awaiting approval'), ('open', 'Open'), ('done', 'Done'), ('verified', 'Verified'), ('reported', 'Result reported to the customer')], default='proposed', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='surveysettings',
            name='grade_best',
            field=models.DecimalField(decimal_places=2, default=Decimal('100'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='new templates: best from (per cent of the maximum)'),
        ),
        migrations.AlterField(
            model_name='surveysettings',
            name='grade_good',
            field=models.DecimalField(decimal_places=2, default=Decimal('80'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='new templates: good from (per cent of the maximum)'),
        ),
        migrations.AlterField(
            model_name='surveysettings',
            name='grade_pass',
            field=models.DecimalField(decimal_places=2, default=Decimal('60'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='new templates: pass from (per cent of the maximum)'),
        ),
        migrations.CreateModel(
            name='CustomerReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('channel', models.CharField(choices=[('email', 'E-mail'), ('phone', 'Phone call'), ('written', 'Letter or written report'), ('visit', 'Visit')], max_length=10, verbose_name='channel')),
                ('told', models.CharField(blank=True, max_length=100, verbose_name='told to')),
                ('summary', models.TextField(max_length=5000, verbose_name='what the customer was told')),
                ('reported_at', models.DateTimeField(verbose_name='reported at')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.customer', verbose_name='customer')),
                ('improvement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='customer_reports', to='surveys.improvement', verbose_name='improvement')),
                ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by')),
            ],
            options={
                'verbose_name': 'report to the customer',
                'verbose_name_plural': 'reports to the customer',
                'ordering': ['improvement', 'reported_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ImprovementMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('called_at', models.DateTimeField(verbose_name='called at')),
                ('held_on', models.DateField(blank=True, null=True, verbose_name='held on')),
                ('attendees', models.TextField(blank=True, max_length=2000, verbose_name='attendees')),
                ('analysis', models.TextField(blank=True, max_length=5000, verbose_name='analysis')),
                ('decisions', models.TextField(blank=True, max_length=5000, verbose_name='decisions')),
                ('action', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='capa.correctiveaction', verbose_name='corrective action')),
                ('answer', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='meeting', to='surveys.answer', verbose_name='answer')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='surveys.campaign', verbose_name='campaign')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'improvement meeting',
                'verbose_name_plural': 'improvement meetings',
                'ordering': ['campaign', 'called_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SatisfactionReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted to the sales head'), ('approved', 'Approved by the sales head: awaiting countersignatures'), ('distributed', 'Distributed to the departments')], default='draft', max_length=15, verbose_name='status')),
                ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                ('conclusions', models.TextField(blank=True, max_length=10000, verbose_name='conclusions and main areas of dissatisfaction')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                ('engineering_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='countersigned for engineering at')),
                ('qa_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='countersigned for QA at')),
                ('distributed_at', models.DateTimeField(blank=True, null=True, verbose_name='distributed at')),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('engineering_department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='engineering department')),
                ('engineering_signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='countersigned for engineering by')),
                ('qa_department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='QA department')),
                ('qa_signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='countersigned for QA by')),
                ('written_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
            ],
            options={
                'verbose_name': 'satisfaction analysis report',
                'verbose_name_plural': 'satisfaction analysis reports',
                'ordering': ['-year', 'company'],
            },
        ),
        migrations.CreateModel(
            name='ReportReceipt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='department')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='receipts', to='surveys.satisfactionreport', verbose_name='report')),
            ],
            options={
                'verbose_name': 'report receipt',
                'verbose_name_plural': 'report receipts',
                'ordering': ['report', 'department__code'],
            },
        ),
        migrations.CreateModel(
            name='SatisfactionReportChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('name', models.CharField(max_length=40, verbose_name='step')),
                ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('old_status', models.CharField(blank=True, choices=[('draft', 'Draft'), ('submitted', 'Submitted to the sales head'), ('approved', 'Approved by the sales head: awaiting countersignatures'), ('distributed', 'Distributed to the departments')], max_length=20, verbose_name='from')),
                ('new_status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted to the sales head'), ('approved', 'Approved by the sales head: awaiting countersignatures'), ('distributed', 'Distributed to the departments')], max_length=20, verbose_name='to')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='surveys.satisfactionreport', verbose_name='report')),
            ],
            options={
                'verbose_name': 'satisfaction report status change',
                'verbose_name_plural': 'satisfaction report status changes',
                'ordering': ['report', 'at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='CampaignChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('name', models.CharField(max_length=40, verbose_name='step')),
                ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('old_status', models.CharField(blank=True, choices=[('draft', 'Draft: choosing recipients'), ('open', 'Open: collecting answers'), ('closed', 'Closed')], max_length=20, verbose_name='from')),
                ('new_status', models.CharField(choices=[('draft', 'Draft: choosing recipients'), ('open', 'Open: collecting answers'), ('closed', 'Closed')], max_length=20, verbose_name='to')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='surveys.campaign', verbose_name='campaign')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
            ],
            options={
                'verbose_name': 'campaign status change',
                'verbose_name_plural': 'campaign status changes',
                'ordering': ['campaign', 'at', 'id'],
                'abstract': False,
                'indexes': [models.Index(fields=['company', 'at'], name='campaignchange_co_at')],
            },
        ),
        migrations.CreateModel(
            name='GradeBand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('lower', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='from score')),
                ('grade', models.CharField(choices=[('best', 'Best'), ('good', 'Good'), ('pass', 'Pass'), ('fail', 'Fail')], max_length=10, verbose_name='grade')),
                ('trigger', models.CharField(choices=[('none', 'Nothing'), ('action', 'Analysis and improvement (a corrective action)'), ('meeting', 'An improvement meeting, which then raises the actions')], default='none', max_length=10, verbose_name='raises')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bands', to='surveys.surveytemplate', verbose_name='template')),
            ],
            options={
                'verbose_name': 'grade band',
                'verbose_name_plural': 'grade bands',
                'ordering': ['template', '-lower'],
                'constraints': [models.UniqueConstraint(fields=('template', 'lower'), name='survey_grade_band_unique')],
            },
        ),
        migrations.CreateModel(
            name='ImprovementChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('name', models.CharField(max_length=40, verbose_name='step')),
                ('note', models.TextField(blank=True, max_length=5000, verbose_name='note')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('old_status', models.CharField(blank=True, choices=[('proposed', 'Proposed: awaiting approval'), ('open', 'Open'), ('done', 'Done'), ('verified', 'Verified'), ('reported', 'Result reported to the customer')], max_length=20, verbose_name='from')),
                ('new_status', models.CharField(choices=[('proposed', 'Proposed: awaiting approval'), ('open', 'Open'), ('done', 'Done'), ('verified', 'Verified'), ('reported', 'Result reported to the customer')], max_length=20, verbose_name='to')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company')),
                ('improvement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='surveys.improvement', verbose_name='improvement')),
            ],
            options={
                'verbose_name': 'improvement status change',
                'verbose_name_plural': 'improvement status changes',
                'ordering': ['improvement', 'at', 'id'],
                'abstract': False,
                'indexes': [models.Index(fields=['company', 'at'], name='improvementchange_co_at')],
            },
        ),
        migrations.AddConstraint(
            model_name='satisfactionreport',
            constraint=models.UniqueConstraint(fields=('company', 'year'), name='satisfaction_report_unique'),
        ),
        migrations.AddConstraint(
            model_name='reportreceipt',
            constraint=models.UniqueConstraint(fields=('report', 'department'), name='report_receipt_unique'),
        ),
        migrations.AddIndex(
            model_name='satisfactionreportchange',
            index=models.Index(fields=['company', 'at'], name='satisfactionreportchange_co_at'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='improvement',
            name='company',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.company', verbose_name='company'),
        ),
        migrations.RemoveField(
            model_name='competitorrating',
            name='score',
        ),
        migrations.RemoveField(
            model_name='surveysettings',
            name='threshold',
        ),
    ]
