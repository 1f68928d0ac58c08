"""Claim and supplier-claim status changes take the one shape of every workflow's history
(core.StatusChangeBase): each row gets its record's company (filled from the record before the column
becomes required, so no row is lost) and the timestamps every company record has (filled from ``at``)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill(apps, schema_editor):
    for change, parent, fk in (("ClaimChange", "Claim", "claim"),
                               ("SupplierClaimChange", "SupplierClaim", "supplier_claim")):
        model = apps.get_model("claims", change)
        record = apps.get_model("claims", parent)
        model.objects.update(
            company_id=Subquery(record.objects.filter(pk=OuterRef(f"{fk}_id")).values("company_id")[:1]),
            created_at=F("at"), updated_at=F("at"))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_apitoken_updated_at"),
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claimchange", name="company",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.company", verbose_name="company"),
        ),
        migrations.AddField(
            model_name="claimchange", name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now,
                                       verbose_name="created at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimchange", name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AddField(
            model_name="supplierclaimchange", name="company",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.company", verbose_name="company"),
        ),
        migrations.AddField(
            model_name="supplierclaimchange", name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now,
                                       verbose_name="created at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supplierclaimchange", name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="claimchange", name="company",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.company", verbose_name="company"),
        ),
        migrations.AlterField(
            model_name="supplierclaimchange", name="company",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.company", verbose_name="company"),
        ),
        migrations.AddIndex(
            model_name="claimchange",
            index=models.Index(fields=["company", "at"], name="claimchange_co_at"),
        ),
        migrations.AddIndex(
            model_name="supplierclaimchange",
            index=models.Index(fields=["company", "at"], name="supplierclaimchange_co_at"),
        ),
    ]
