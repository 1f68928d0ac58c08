"""The GM approves claims; the vice GM only under a delegation (issue 18 §1, seed 000 §4.2.2), and a settled claim
raises its corrective action or records why none is needed (issue 18 §2, §4.2.6).

Existing settings: a limit left at the old default (20,000) or at 0 was no decision to delegate, so the delegation
is off; a company that set another limit chose to let its vice GM approve up to it, so the delegation is on with
that limit."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_DEFAULT = Decimal("20000.00")


def delegation_where_chosen(apps, schema_editor):
    ClaimSettings = apps.get_model("claims", "ClaimSettings")
    (ClaimSettings.objects.exclude(vice_gm_limit__in=[OLD_DEFAULT, Decimal("0")])
     .update(vice_gm_delegation=True))


class Migration(migrations.Migration):

    dependencies = [
        ('capa', '0005_ncr_change'),
        ('claims', '0002_change_shape'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='approved_by_delegation',
            field=models.BooleanField(default=False, verbose_name='approved by delegation'),
        ),
        migrations.AddField(
            model_name='claim',
            name='capa',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='capa.correctiveaction', verbose_name='corrective action'),
        ),
        migrations.AddField(
            model_name='claim',
            name='no_capa_accepted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reason accepted at'),
        ),
        migrations.AddField(
            model_name='claim',
            name='no_capa_accepted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reason accepted by'),
        ),
        migrations.AddField(
            model_name='claim',
            name='no_capa_reason',
            field=models.TextField(blank=True, max_length=5000, verbose_name='why no corrective action is needed'),
        ),
        migrations.AddField(
            model_name='claimsettings',
            name='vice_gm_delegation',
            field=models.BooleanField(default=False, help_text='Off: the general manager approves every proposed settlement (seed 000 §4.2.2).', verbose_name='delegate claim approvals to the vice GM'),
        ),
        migrations.AlterField(
            model_name='claimsettings',
            name='vice_gm_limit',
            field=models.DecimalField(decimal_places=2, default=Decimal('20000.00'), help_text='Under the delegation: proposed settlements up to this amount in the base currency, a “not ours” proposal of 0 included; above it, the general manager. A limit of 0 delegates nothing.', max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='vice GM may approve up to'),
        ),
        migrations.RunPython(delegation_where_chosen, migrations.RunPython.noop),
    ]
