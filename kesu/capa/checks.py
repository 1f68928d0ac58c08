"""The rule CAPA adds to complaint closing (issue 4: "cannot close before its action is at least approved")."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from .choices import APPROVED_STATUSES
from .models import ActionLink


def complaint_action_approved(complaint, ctx):
    if not complaint.needs_corrective_action:
        return None
    ct = ContentType.objects.get_for_model(type(complaint))
    if ActionLink.objects.filter(content_type=ct, object_id=complaint.pk,
                                 action__status__in=APPROVED_STATUSES).exists():
        return None
    return "needs_corrective_action", _(
        "This complaint needs corrective action: raise it and have QA approve its plan before the complaint closes.")
