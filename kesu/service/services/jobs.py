"""After-sales service jobs (issue 21 §4; seed 001 §5.1.2 b)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role

from .. import permissions
from ..models import ServiceJob
from .common import assign, full_clean

JOB_FIELDS = ("kind", "customer", "part", "serial_or_lot", "quantity", "complaint", "fault", "work_done",
              "first_time_fixed", "parts_used", "engineer", "done_on", "hours")
RELATIONS = ("customer", "part", "complaint", "engineer")


def _check(job: ServiceJob) -> None:
    company_id = job.company_id
    if job.customer.company_id != company_id:
        raise ValidationError({"customer": _("Choose a customer of the job's company.")})
    if job.part_id and job.part.company_id != company_id:
        raise ValidationError({"part": _("Choose a part of the job's company.")})
    if job.complaint_id and (job.complaint.company_id != company_id or job.complaint.customer_id != job.customer_id):
        raise ValidationError({"complaint": _("Choose a complaint of this customer.")})
    if job.engineer.company_id != company_id and not job.engineer.is_superuser:
        raise ValidationError({"engineer": _("Choose people of the job's company.")})


def job_create(*, actor, company, data: dict[str, Any], source: str = "web") -> ServiceJob:
    require_role(actor, permissions.JOB_WRITERS, company.pk)
    job = ServiceJob(company=company)
    assign(job, data, JOB_FIELDS, RELATIONS)
    if job.engineer_id is None and actor_or_none(actor) is not None:
        job.engineer = actor
    job.recorded_by = actor_or_none(actor)
    full_clean(job)
    _check(job)
    with acting_as(actor, source), transaction.atomic():
        job.save()
    return job


def job_update(*, actor, job: ServiceJob, data: dict[str, Any], source: str = "web") -> ServiceJob:
    require_role(actor, permissions.JOB_WRITERS, job.company_id)
    assign(job, data, tuple(f for f in JOB_FIELDS if f != "customer"), tuple(r for r in RELATIONS if r != "customer"))
    full_clean(job)
    _check(job)
    with acting_as(actor, source), transaction.atomic():
        job.save()
    return job
