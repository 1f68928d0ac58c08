"""Demo customer service (issue 21 "Done when"): a year's plan per company with visits and return visits (☆ from
them), next year's plan awaiting approval, service jobs."""

from __future__ import annotations

import datetime
import re

import pytest

from kesu.service import selectors
from kesu.service.models import MarketEntry, QualityReport, ServiceJob, ServicePlan, Visit

CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


def test_every_company_has_plans_visits_and_jobs(demo_data):
    companies = set(ServicePlan.objects.values_list("company__code", flat=True))
    assert len(companies) >= 3
    for code in companies:
        plans = dict(ServicePlan.objects.filter(company__code=code).values_list("year", "status"))
        assert plans == {2026: "approved", 2027: "submitted"}, code
        visits = Visit.objects.filter(company__code=code)
        assert {"onsite", "phone"} <= set(visits.values_list("kind", flat=True)), code
        assert visits.filter(purpose="after_closure").exclude(confirmation="").exists(), code
        assert all(CJK.search(v.view_quality) for v in visits if v.view_quality), code
        assert ServiceJob.objects.filter(company__code=code).count() >= 4, code
        reports = dict(QualityReport.objects.filter(company__code=code).values_list("period_start", "status"))
        assert reports == {datetime.date(2026, 4, 1): "closed", datetime.date(2026, 5, 1): "sent"}, code
        kinds = set(MarketEntry.objects.filter(company__code=code).values_list("kind", flat=True))
        assert kinds == {"competitor", "need", "regional", "feedback"}, code
        plan = ServicePlan.objects.get(company__code=code, year=2026)
        assert sum(row["actual"] for row in selectors.plan_grid(plan)) > 0, code
