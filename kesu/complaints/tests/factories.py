"""Factories and helpers for complaint tests: complaints are made through the services, never by hand.

``bring_to(status, ...)`` walks a new complaint along the workflow table to
any status, acting each step as a user whose role the table allows.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import CompanyFactory, UserFactory
from kesu.complaints import services
from kesu.complaints.choices import Channel, Status, WindowKind
from kesu.complaints.models import Complaint, ComplaintCategory
from kesu.complaints.workflow import TRANSITIONS, preferred_role
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory  # noqa: F401


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory
        django_get_or_create = ("company", "code")

    company = factory.SubFactory(CompanyFactory)
    code = "appearance"
    name = "外观"
    window_kind = WindowKind.WORKING_DAYS
    window_value = 3


class People:
    """One user per role in a company, made on first use."""

    def __init__(self, company) -> None:
        self.company = company
        self._users: dict[str, Any] = {}

    def __getitem__(self, role: str):
        if role not in self._users:
            self._users[role] = UserFactory(role=role, company=self.company, username=f"{self.company.code}-{role}")
        return self._users[role]

    def other(self, role: str):
        """A second user with ``role`` (a proposer never approves their own proposal: design §11)."""
        key = f"{role}-2"
        if key not in self._users:
            self._users[key] = UserFactory(role=role, company=self.company, username=f"{self.company.code}-{key}")
        return self._users[key]

    def allowed(self, row, complaint):
        return self[preferred_role(row, complaint)]

    def not_allowed(self, row, complaint):
        roles = row.allowed_roles(complaint)
        for role in [Role.FINANCE, Role.PURCHASING, Role.GENERAL_OFFICE]:
            if role not in roles:
                return self[role]
        raise AssertionError("every role allowed")


def complaint_data(company, **overrides) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": Channel.PHONE,
        "description": "客户反映齿轮泵外壳有明显划伤，共 3 台。",
        "defect_location": "外壳",
        "defect_nature": "划伤",
    }
    if "customer" not in overrides and "customer_id" not in overrides:
        data["customer"] = CustomerFactory(company=company)
    data.update(overrides)
    return data


def create_complaint(actor, company=None, **overrides) -> Complaint:
    company = company or actor.company
    return services.complaint_create(actor=actor, company=company, data=complaint_data(company, **overrides))


def category(company, code: str = "appearance") -> ComplaintCategory:
    services.complaint_categories_ensure_defaults(company=company)
    return ComplaintCategory.objects.get(company=company, code=code)


def default_inputs(action: str, complaint: Complaint, people: People) -> dict[str, Any]:
    """Inputs that satisfy the table's required fields for an action."""
    company = complaint.company
    return {
        "acknowledge": {"channel": Channel.PHONE},
        "assess": {"category": category(company), "severity": "general", "warning_class": "c"},
        "record_qa_opinion": {"note": "初步判断为装配划伤"},
        "instruct_department": {"responsible_department": people[Role.PRODUCTION].department,
                                "note": "请生产部两日内书面答复"},
        "record_department_answer": {"note": "已调整包装方式"},
        "submit_initial_report": {"initial_report": "原因尚不明确，先行换货"},
        "propose_remedy": {"remedy_text": "免费更换 3 台"},
        "customer_rejects": {"reason": "客户要求退货"},
        "prepare_explanation": {"responsibility": "customer", "explanation": "经检测为客户安装不当所致",
                                "explanation_evidence": "检测报告 QA-2026-017"},
        "customer_disputes": {"reason": "客户不认可检测结论"},
        "record_recurrence": {"reason": "后续第二批交货再次出现划伤"},
        "customer_acknowledges": {"note": "客户电话确认"},
        "close": {"responsibility": "ours", "responsible_department": people[Role.PRODUCTION].department},
        "reject_at_intake": {"note": "非我司产品"},
        "cancel": {"note": "客户撤回投诉"},
        "reopen": {"note": "同一问题再次发生"},
    }.get(action, {})


def act(complaint: Complaint, action: str, people: People, actor=None, **inputs) -> Complaint:
    row = TRANSITIONS[(complaint.status, action)]
    if actor is None:
        actor = people.allowed(row, complaint)
        if action == "approve_remedy" and complaint.remedies.order_by("-round").values_list(
                "proposed_by_id", flat=True).first() == actor.pk:
            actor = people.other(preferred_role(row, complaint))
        if action == "approve_explanation" and complaint.explanation_prepared_by_id == actor.pk:
            actor = people.other(preferred_role(row, complaint))
    merged = default_inputs(action, complaint, people)
    merged.update(inputs)
    return services.complaint_transition(actor=actor, complaint=complaint, action=action, **merged)


# target status → (action, previous status); "handling" is sales_handling or qa_investigation.
PATH: dict[str, tuple[str, str]] = {
    Status.ACKNOWLEDGED: ("acknowledge", Status.RECEIVED),
    Status.ASSESSED: ("assess", Status.ACKNOWLEDGED),
    Status.SALES_HANDLING: ("start_sales_handling", Status.ASSESSED),
    Status.QA_INVESTIGATION: ("escalate_to_qa", Status.ASSESSED),
    Status.REMEDY_PROPOSED: ("propose_remedy", "handling"),
    Status.REMEDY_APPROVED: ("approve_remedy", Status.REMEDY_PROPOSED),
    Status.CUSTOMER_REJECTED: ("customer_rejects", Status.REMEDY_APPROVED),
    Status.REMEDY_ACCEPTED: ("customer_accepts", Status.REMEDY_APPROVED),
    Status.REMEDY_DONE: ("complete_remedy", Status.REMEDY_ACCEPTED),
    Status.VERIFICATION: ("start_verification", Status.REMEDY_DONE),
    Status.CLOSED: ("close", Status.REMEDY_DONE),
    Status.EXPLANATION_SENT: ("send_explanation", Status.ASSESSED),
    Status.REJECTED_AT_INTAKE: ("reject_at_intake", Status.RECEIVED),
    Status.CANCELLED: ("cancel", Status.RECEIVED),
}


def bring_to(status: str, people: People, *, escalated: bool = False, complaint: Complaint | None = None,
             assess: dict[str, Any] | None = None, **create) -> Complaint:
    """A complaint in ``status``, walked there through the services."""
    if complaint is None:
        complaint = create_complaint(people[Role.SALESPERSON], **create)
    if status == Status.RECEIVED or complaint.status == status:
        return complaint
    action, previous = PATH[status]
    if previous == "handling":
        previous = Status.QA_INVESTIGATION if escalated else Status.SALES_HANDLING
    complaint = bring_to(previous, people, escalated=escalated, complaint=complaint, assess=assess)
    extra = dict(assess or {}) if action == "assess" else {}
    if action == "send_explanation":
        # 003 §5.4.2: QA prepares it, another person approves it, sales sends it.
        complaint = act(complaint, "prepare_explanation", people)
        complaint = act(complaint, "approve_explanation", people)
    return act(complaint, action, people, **extra)


def at(*args: int) -> datetime.datetime:
    """An aware instant in Shanghai time."""
    import zoneinfo

    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
