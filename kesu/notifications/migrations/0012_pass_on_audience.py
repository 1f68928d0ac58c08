"""Existing companies' rules for a complaint moving on also tell the salesperson's superior and the sales assistant
when the complaint is passed on (issue 18 §6, seed 004 §6.1); a company that removed no one gains the audience."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Rule = apps.get_model("notifications", "NotificationRule")
    for rule in Rule.objects.filter(event="complaint_transitioned"):
        if "pass_on" not in (rule.audience or []):
            rule.audience = [*list(rule.audience or []), "pass_on"]
            rule.save(update_fields=["audience"])


def backwards(apps, schema_editor):
    Rule = apps.get_model("notifications", "NotificationRule")
    for rule in Rule.objects.filter(event="complaint_transitioned"):
        if "pass_on" in (rule.audience or []):
            rule.audience = [name for name in rule.audience if name != "pass_on"]
            rule.save(update_fields=["audience"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0011_rule_audience_help"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notificationrule",
            name="audience",
            field=models.JSONField(default=list, help_text="Any of: owner, creator, department_head, escalation, leadership, next_step, next_actor, pass_on.", verbose_name="who is told"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
