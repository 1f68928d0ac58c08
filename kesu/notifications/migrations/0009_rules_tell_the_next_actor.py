"""Existing companies' rules tell the next actor of every hand-off (issue 16 §3).

A rule still as it shipped becomes the new default (the next actor first, e-mail on where the new default has it);
a rule a company changed keeps its choices and only gains the next actor.
"""

from django.db import migrations

# The defaults as they shipped before issue 16 and as they ship now (audience, e-mail); copied here, not imported,
# so the migration means the same thing whatever the code says later.
OLD = {
    "complaint_created": (["owner"], True),
    "complaint_transitioned": (["owner", "creator"], False),
    "action_raised": (["owner"], True),
    "action_transitioned": (["owner", "creator"], False),
    "ncr_changed": (["department_head", "creator"], True),
    "claim_created": (["owner"], False),
    "claim_transitioned": (["owner", "next_step"], True),
    "supplier_claim_transitioned": (["owner", "next_step"], True),
    "report_due": (["next_step", "department_head"], True),
    "report_submitted": (["next_step"], True),
    "report_decided": (["creator", "next_step"], True),
}
NEW = {
    "complaint_created": (["owner", "next_actor"], True),
    "complaint_transitioned": (["next_actor", "owner", "creator"], True),
    "action_raised": (["owner", "next_actor"], True),
    "action_transitioned": (["next_actor", "owner", "creator"], True),
    "ncr_changed": (["next_actor", "department_head", "creator"], True),
    "claim_created": (["owner", "next_actor"], False),
    "claim_transitioned": (["next_actor", "owner"], True),
    "supplier_claim_transitioned": (["next_actor", "owner"], True),
    "report_due": (["next_actor", "department_head"], True),
    "report_submitted": (["next_actor"], True),
    "report_decided": (["creator", "next_actor"], True),
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("notifications", "NotificationRule")
    for rule in Rule.objects.filter(event__in=list(NEW)):
        old_audience, old_email = OLD[rule.event]
        new_audience, new_email = NEW[rule.event]
        if list(rule.audience or []) == old_audience and rule.send_email == old_email:
            rule.audience, rule.send_email = list(new_audience), new_email
        elif "next_actor" not in (rule.audience or []):
            rule.audience = [*list(rule.audience or []), "next_actor"]
        else:
            continue
        rule.save(update_fields=["audience", "send_email"])


def backwards(apps, schema_editor):
    Rule = apps.get_model("notifications", "NotificationRule")
    for rule in Rule.objects.filter(event__in=list(NEW)):
        if "next_actor" in (rule.audience or []):
            rule.audience = [name for name in rule.audience if name != "next_actor"]
            rule.save(update_fields=["audience"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_digest")]
    operations = [migrations.RunPython(forwards, backwards)]
