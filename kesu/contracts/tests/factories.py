"""Helpers for contract review tests: records are made and moved through the services, never by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from kesu.accounts.roles import Role
from kesu.contracts import services
from kesu.contracts.choices import Answer, Dept, ReviewType
from kesu.contracts.models import ContractReview
from kesu.customers.tests.factories import CustomerFactory

DEPT_ROLE = {Dept.ENGINEERING: Role.ENGINEERING, Dept.PURCHASING: Role.PURCHASING, Dept.PRODUCTION: Role.PRODUCTION,
             Dept.QA: Role.QA, Dept.FINANCE: Role.FINANCE}


def review_data(company, **overrides) -> dict[str, Any]:
    data: dict[str, Any] = {
        "review_type": ReviewType.CONTRACT, "title": "齿轮泵年度供货合同", "received_on": datetime.date(2026, 5, 11),
        "product_name": "齿轮泵", "specification": "CB-B25", "model": "CB-B25", "quantity": Decimal("500"),
        "delivery_method": "送货上门", "delivery_date": datetime.date(2026, 7, 1), "amount": Decimal("250000.00"),
        "currency": "CNY", "price_terms": "500 元/台", "payment_terms": "月结 60 天", "packaging": "木箱",
        "quality_requirements": "出厂检验合格率 100%", "acceptance_criteria": "按 GB/T 5837 验收",
    }
    if "customer" not in overrides:
        data["customer"] = CustomerFactory(company=company)
    data.update(overrides)
    return data


def new_review(people, **overrides) -> ContractReview:
    return services.review_create(actor=people[Role.SALESPERSON], company=people.company,
                                  data=review_data(people.company, **overrides))


def act(review, name: str, user, **inputs) -> ContractReview:
    return services.review_transition(actor=user, review=review, name=name, **inputs)


def sign_all(review, people, *, except_=(), answer=Answer.CAN) -> ContractReview:
    """Every department still waiting answers ``answer`` (sales by the review's salesperson)."""
    for dept in review.waiting_depts():
        if dept in except_:
            continue
        user = people[Role.SALESPERSON] if dept == Dept.SALES else people[DEPT_ROLE[dept]]
        review = act(review, "sign_off", user, answer=answer, comment="" if answer == Answer.CAN else "无法满足")
    return review
