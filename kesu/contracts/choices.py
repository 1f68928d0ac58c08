"""Choices of contract review (seed 002: 客户要求识别与评价程序, 顾客需求管理程序): stable lowercase values, translated labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role


class ReviewType(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    ORDER = "order", _("Order")
    TENDER = "tender", _("Tender")
    AGREEMENT = "agreement", _("Technical / quality agreement")
    FOREIGN_TRADE = "foreign_trade", _("Foreign-trade contract")
    INFORMAL = "informal", _("Informal order (phone, note, fax)")


class ReviewMode(models.TextChoices):
    # Seed 002 §6.3–6.5.
    DEPARTMENT = "department", _("Department sign-off")
    BRANCH = "branch", _("Department-level review concluded by the branch factory head")
    CENTRAL = "central", _("Central review")
    SELF = "self", _("Self review with the customer's confirmation")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWING = "reviewing", _("Departments reviewing")
    GM_DECISION = "gm_decision", _("Waiting for the GM's decision")
    APPROVAL = "approval", _("Waiting for approval")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.REVIEWING, ReviewStatus.GM_DECISION, ReviewStatus.APPROVAL)


class Dept(models.TextChoices):
    """The departments asked (seed 002 §3.2; the review form's 工程/采购/生产/PMC/品质/财务)."""

    ENGINEERING = "engineering", _("Engineering (technical content)")
    PURCHASING = "purchasing", _("Purchasing (material supply)")
    PRODUCTION = "production", _("Production / PMC (delivery date)")
    QA = "qa", _("Quality (quality requirements and acceptance)")
    FINANCE = "finance", _("Finance (price and payment)")
    SALES = "sales", _("Sales (correctness and completeness)")


SALES_ROLES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
DEPT_ROLES: dict[str, frozenset[str]] = {
    Dept.ENGINEERING: frozenset({Role.ENGINEERING}),
    Dept.PURCHASING: frozenset({Role.PURCHASING}),
    Dept.PRODUCTION: frozenset({Role.PRODUCTION}),
    Dept.QA: frozenset({Role.QA}),
    Dept.FINANCE: frozenset({Role.FINANCE}),
    Dept.SALES: SALES_ROLES,
}


def dept_of(user) -> str | None:
    """The department a user answers for, read from their role."""
    role = getattr(user, "role", None)
    return next((dept for dept, roles in DEPT_ROLES.items() if role in roles), None)


class Answer(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    CAN = "can", _("Can meet")
    CANNOT = "cannot", _("Cannot meet")


class Confirmation(models.TextChoices):
    READ_BACK = "read_back", _("Read back by phone")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    SIGNED = "signed", _("Signed by the customer")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWING = "reviewing", _("Departments re-reviewing")
    NOTIFIED = "notified", _("Notice sent, receipts pending")
    CLOSED = "closed", _("All departments confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CHANGE_OPEN = (ChangeStatus.DRAFT, ChangeStatus.REVIEWING, ChangeStatus.NOTIFIED)

# The review items of the seed's form (002 §6: 产品名称、规格、型号、交货数量、交货方式、交付日期、产品质量要求、技术要求、验收规范、
# 接收准则、价格、付款方式、产品包装方式与要求; the 合同评审单: 生产工艺要求、测试要求、物料需求) — a change notice may change any of them.
ITEM_FIELDS = ("product_name", "specification", "model", "quantity", "delivery_method", "delivery_date",
               "quality_requirements", "technical_requirements", "acceptance_criteria", "price_terms",
               "payment_terms", "packaging", "special_requirements", "process_requirements", "test_requirements",
               "material_needs", "amount")


class PlanStatus(models.TextChoices):
    """Customer demand to delivery plan (顾客需求管理程序 §5)."""

    DRAFT = "draft", _("Order received")
    CHECKING = "checking", _("Production notice: checks running")
    APPROVAL = "approval", _("Delivery plan waiting for the vice GM")
    CUSTOMER = "customer", _("Waiting for the customer's confirmation")
    DISTRIBUTED = "distributed", _("Distributed, departments signing")
    CLOSED = "closed", _("Signed by every department")
    CANCELLED = "cancelled", _("Cancelled")


PLAN_OPEN = (PlanStatus.DRAFT, PlanStatus.CHECKING, PlanStatus.APPROVAL, PlanStatus.CUSTOMER, PlanStatus.DISTRIBUTED)
# 顾客需求管理程序 §3: engineering checks the capability, the warehouse (purchasing here) the materials, production the
# capacity; the plan goes to these departments, who sign for it.
PLAN_CHECKS = ("engineering", "purchasing", "production")
PLAN_RECEIVERS = ("engineering", "purchasing", "production", "qa")
