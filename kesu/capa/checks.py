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


def complaint_panel(complaint, user):
    """The complaint page's list of its corrective actions, with raise / issue buttons for those who may."""
    if not user.has_perm("capa.view_correctiveaction"):
        return None
    from .selectors import actions_for_source

    return {
        "actions": list(actions_for_source(complaint, user).order_by("raised_at")),
        "can_raise": user.has_perm("capa.add_correctiveaction"),
        "can_issue_ncr": user.has_perm("capa.add_nonconformingreport"),
    }
