"""What corrective actions, their 8D steps and nonconforming reports wait for (issue 16 §1; capa/workflow.py).

The responsible department plans and implements (the action's owner first), QA approves, verifies and judges
effectiveness (the action's QA engineer, else QA of the company) — seed 000 §3.2–3.3. A discipline given to
someone other than the action's owner is that person's own item, due on the step's date. A nonconforming report
waits for the responsible department's answer by its due time, then for QA's verification (its issuer).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import OPEN_STATUSES, ActionStatus, NcrStatus
from .models import ActionStep, CorrectiveAction, NonconformingReport
from .workflow import DEPARTMENT, QA

S = ActionStatus


def _earliest_open_step():
    return Subquery(ActionStep.objects.filter(action=OuterRef("pk"), done_at__isnull=True)
                    .order_by("due_at").values("due_at")[:1])


def _action_url(row) -> str:
    return reverse("capa:detail", args=[row.pk])


def _action_about(row) -> str:
    return row.title


work.register(work.Source(
    module="capa", label=_("Corrective actions"), model=CorrectiveAction, open=Q(status__in=OPEN_STATUSES),
    url=_action_url, describe=_action_about,
    steps=(
        work.Step("submit_plan", _("Plan the action and submit it to QA"), DEPARTMENT, Q(status=S.PLANNING),
                  assignee="owner", department="responsible_department", due=_earliest_open_step()),
        work.Step("approve_plan", _("Approve the plan"), QA, Q(status=S.PLAN_SUBMITTED), assignee="qa_owner",
                  due=_earliest_open_step()),
        work.Step("report_implemented", _("Implement the action"), DEPARTMENT, Q(status=S.IMPLEMENTING),
                  assignee="owner", department="responsible_department", due=_earliest_open_step()),
        work.Step("verify", _("Verify the implementation"), QA, Q(status=S.IMPLEMENTED), assignee="qa_owner",
                  due=_earliest_open_step()),
        work.Step("close", _("Check effectiveness and close"), QA, Q(status=S.EFFECTIVENESS), assignee="qa_owner",
                  due=_earliest_open_step()),
    ),
))


def _step_url(row) -> str:
    return reverse("capa:detail", args=[row.action_id]) + f"#step-{row.step}"


def _step_about(row) -> str:
    return f"{row.get_step_display()} · {row.action.title}"


work.register(work.Source(
    module="capa", label=_("Corrective actions"), model=ActionStep,
    # The action's owner sees the action itself; only disciplines given to someone else are items of their own.
    open=Q(done_at__isnull=True, action__status__in=OPEN_STATUSES) & ~Q(owner=F("action__owner")),
    url=_step_url, number="action__number", customer="action__customer", related=("action",),
    describe=_step_about,
    steps=(
        work.Step("complete_step", _("Complete the step"), DEPARTMENT | QA, Q(), assignee="owner", due="due_at"),
    ),
))


def _ncr_url(row) -> str:
    return reverse("capa:ncr_detail", args=[row.pk])


def _ncr_about(row) -> str:
    return row.description[:80]


work.register(work.Source(
    module="ncr", label=_("Nonconforming reports"), model=NonconformingReport,
    open=Q(status__in=(NcrStatus.ISSUED, NcrStatus.ANSWERED)), url=_ncr_url, customer="complaint__customer",
    describe=_ncr_about,
    steps=(
        work.Step("answer", _("Answer with the cause and measures"), DEPARTMENT, Q(status=NcrStatus.ISSUED),
                  department="responsible_department", due="answer_due_at"),
        work.Step("verify", _("Verify the answer"), QA, Q(status=NcrStatus.ANSWERED), assignee="issued_by"),
    ),
))
