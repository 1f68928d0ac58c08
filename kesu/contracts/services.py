"""Every write of contract review: creating, editing and moving reviews and change notices (pages, API, import and
demo all call these; none of them saves a model itself)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.claims.money import money, to_base
from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import actor_or_none, require_role
from kesu.core.workflow import run_transition

from . import signals
from .choices import (
    ITEM_FIELDS,
    PLAN_CHECKS,
    PLAN_RECEIVERS,
    SALES_ROLES,
    Answer,
    ChangeStatus,
    Dept,
    PlanStatus,
    ReviewMode,
    ReviewStatus,
    ReviewType,
)
from .models import (
    ChangeNotice,
    ContractReview,
    DeliveryPlan,
    DeliveryPlanChange,
    NoticeChange,
    Receipt,
    ReviewChange,
    Revision,
    Signoff,
)
from .rules import base_currency, review_mode, rules_for
from .workflow import CHANGE_TABLE, INPUT_LABELS, PLAN_TABLE, REVIEW_TABLE, signer_dept

COUNTER_KEY = "contract_review"
CREATE_FIELDS = ("review_type", "customer", "contract", "title", "customer_reference", "received_on", "owner",
                 "currency", "exchange_rate", *ITEM_FIELDS)
EDIT_FIELDS = tuple(f for f in CREATE_FIELDS if f != "review_type") + ("review_type",)
ALL_DEPTS = tuple(Dept.values)


def _check_fields(data: dict[str, Any], allowed) -> None:
    unknown = sorted(set(data) - set(allowed) - {f"{n}_id" for n in allowed})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})


def _full_clean(obj, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def _price(review: ContractReview, rate_given: bool) -> None:
    """Rate (1 for the base currency, else the one given or the one finance recorded for the day), base amount
    and the review mode by the company's rules."""
    from kesu.claims.selectors import rate_for

    if review.currency == base_currency(review.company):
        review.exchange_rate = Decimal("1")
    elif not rate_given:
        rate = rate_for(review.company, review.currency, review.received_on or timezone.localdate())
        if rate is None:
            raise ValidationError({"exchange_rate": _(
                "No exchange rate of %(currency)s is recorded for that day: give the rate to the base currency.")
                % {"currency": review.currency}})
        review.exchange_rate = rate
    review.amount = money(review.amount or 0)
    review.amount_base = to_base(review.amount, review.exchange_rate)
    review.mode = review_mode(rules_for(review.company), review.review_type, review.amount, review.exchange_rate)


def items_of(review: ContractReview) -> dict[str, Any]:
    """The review items as plain JSON values (a version's snapshot)."""
    out = {}
    for name in ITEM_FIELDS:
        value = getattr(review, name)
        out[name] = value.isoformat() if isinstance(value, datetime.date) else (
            str(value) if isinstance(value, Decimal) else value)
    return out


def review_create(*, actor, company, data: dict[str, Any], source: str = "web") -> ContractReview:
    """Record a contract, order, tender, agreement or informal order for review, numbered ``YY-N`` (seed 002)."""
    require_role(actor, SALES_ROLES, company.pk)
    _check_fields(data, CREATE_FIELDS)
    data = dict(data)
    rate_given = data.get("exchange_rate") not in (None, "")
    if not rate_given:
        data.pop("exchange_rate", None)
    review = ContractReview(company=company, created_by=actor_or_none(actor), **data)
    if not review.owner_id and actor_or_none(actor) is not None:
        review.owner = actor
    if review.customer_id and review.customer.company_id != company.pk:
        raise ValidationError({"customer": _("It must belong to the same company.")})
    if review.contract_id and review.contract.company_id != company.pk:
        raise ValidationError({"contract": _("It must belong to the same company.")})
    if not review.review_type:
        raise ValidationError({"review_type": _("This field cannot be blank.")})
    _price(review, rate_given)
    _full_clean(review, exclude=["number", "mode"])
    rules = rules_for(company)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        yy = now.astimezone(company.tz).year % 100
        pattern = rules.number_pattern.replace("{year2}", f"{yy:02d}")
        review.number = next_number(company, COUNTER_KEY, pattern, now, taken=lambda n: (
            ContractReview.objects.filter(company=company, number=n).exists()))
        review.save()
        Revision.objects.create(company=company, review=review, number=1, items=items_of(review), at=now)
        ReviewChange.write(review, name="create", old="", new=review.status, actor=actor_or_none(actor), at=now)
        transaction.on_commit(lambda: signals.review_created.send(ContractReview, review=review, actor=actor))
    return review


def review_update(*, actor, review: ContractReview, data: dict[str, Any], expected_version: int | None = None,
                  source: str = "web") -> ContractReview:
    """Change a draft review (its mode follows the type and amount again)."""
    require_role(actor, SALES_ROLES, review.company_id)
    _check_fields(data, EDIT_FIELDS)
    with acting_as(actor, source), transaction.atomic():
        locked = ContractReview.objects.select_for_update().select_related("company").get(pk=review.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError({"version": _("Someone else changed this record meanwhile; reload it and try "
                                                "again.")})
        if locked.status != ReviewStatus.DRAFT:
            raise ValidationError({"status": _("This cannot be changed while the record is “%(status)s”.") % {
                "status": locked.get_status_display()}})
        rate_given = data.get("exchange_rate") not in (None, "")
        for key, value in data.items():
            if key == "exchange_rate" and not rate_given:
                continue
            setattr(locked, key, value)
        _price(locked, rate_given)
        _full_clean(locked)
        locked.version += 1
        locked.save()
        Revision.objects.filter(review=locked, number=locked.revision).update(items=items_of(locked))
    return locked


def _label(name: str) -> str:
    return str(INPUT_LABELS.get(name, name))


def _due(company, now, days: int) -> datetime.datetime:
    return WorkingCalendar(company).add_working_days(now, days).at


def _waiting(depts) -> str:
    return "," + ",".join(depts) + "," if depts else ""


KIND_OF_TYPE = {ReviewType.AGREEMENT: "technical"}  # the review's type as the master contract's kind


def _master_contract(review: ContractReview, now) -> None:
    """An accepted review creates or updates the master-data contract (``customers.Contract``) the other modules
    (shipments, complaints, claims) point at (issue 20): the one linked, else the customer's contract numbered as
    the customer's reference, else a new one numbered by it (or by the review's number). Runs inside the step's
    transaction, so the audit trail records it as the same actor's."""
    from kesu.customers.choices import ContractStatus
    from kesu.customers.models import Contract

    number = (review.customer_reference or review.number)[:50]
    contract = review.contract
    if contract is None:
        contract = (Contract.objects.select_for_update().filter(company_id=review.company_id, number=number).first()
                    or Contract(company_id=review.company_id, number=number))
        if contract.pk and contract.customer_id != review.customer_id:
            # The number is taken by another customer's contract: keep the review's own number instead.
            contract = (Contract.objects.filter(company_id=review.company_id, number=review.number).first()
                        or Contract(company_id=review.company_id, number=review.number))
    contract.customer_id = review.customer_id
    contract.kind = KIND_OF_TYPE.get(review.review_type, str(review.review_type))
    contract.status = ContractStatus.ACTIVE
    contract.signed_on = contract.signed_on or timezone.localdate(now)
    contract.currency = review.currency
    contract.owner_id = contract.owner_id or review.owner_id
    if review.customer_reference and not contract.customer_po:
        contract.customer_po = review.customer_reference[:50]
    contract.save()
    review.contract = contract


def _review_effects(actor):
    def effects(review: ContractReview, row, inputs: dict[str, Any], now) -> None:
        name = row.name
        rules = rules_for(review.company)
        if row.target == ReviewStatus.ACCEPTED:
            _master_contract(review, now)
        if name == "submit":
            due = _due(review.company, now, rules.signoff_days)
            review.signoffs.filter(change__isnull=True).update(current=False)
            Signoff.objects.bulk_create([Signoff(company=review.company, review=review, dept=d, due_at=due)
                                         for d in ALL_DEPTS])
            review.waiting_on, review.signoff_due_at = _waiting(ALL_DEPTS), due
        elif name == "self_review":
            review.confirmation_method = inputs["confirmation_method"]
            review.confirmation_note = inputs["confirmation_note"]
            review.concluded_by, review.concluded_at, review.conclusion = actor_or_none(actor), now, "self"
            review.closed_at = now
        elif name == "sign_off":
            dept = signer_dept(actor, inputs)
            signoff = review.signoffs.get(change__isnull=True, current=True, dept=dept)
            signoff.answer, signoff.comment = inputs["answer"], (inputs.get("comment") or "").strip()
            signoff.answered_by, signoff.answered_at = actor_or_none(actor), now
            signoff.save()
            review.waiting_on = _waiting([d for d in review.waiting_depts() if d != dept])
            if not review.waiting_on:
                review.signoff_due_at = None
        elif name == "agree_change":
            # Seed 002 §3.1.3: sales settles it with the customer; the departments that could not meet answer again.
            due = _due(review.company, now, rules.signoff_days)
            cannot = list(review.signoffs.filter(change__isnull=True, current=True, answer=Answer.CANNOT))
            for old in cannot:
                old.current = False
                old.save(update_fields=["current"])
                Signoff.objects.create(company=review.company, review=review, dept=old.dept, round=old.round + 1,
                                       due_at=due)
            stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
            review.change_note = "\n".join(p for p in (review.change_note, f"[{stamp}] {inputs['change_note']}") if p)
            review.waiting_on = _waiting(sorted(set(review.waiting_depts()) | {s.dept for s in cannot}))
            review.signoff_due_at = due
        elif name in ("accept", "accept_with_changes", "refer_to_gm"):
            review.conclusion = name
            review.concluded_by, review.concluded_at = actor_or_none(actor), now
            if name == "accept_with_changes":
                stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
                review.change_note = "\n".join(
                    p for p in (review.change_note, f"[{stamp}] {inputs['change_note']}") if p)
            review.approver = rules.branch_head if review.mode == ReviewMode.BRANCH else None
        elif name == "decline":
            review.conclusion, review.concluded_by, review.concluded_at = name, actor_or_none(actor), now
            review.closed_at = now
        elif name in ("gm_accept", "gm_decline"):
            review.gm_decision = inputs["decision"]
            review.closed_at = now
            if name == "gm_accept":
                review.approved_by, review.approved_at = actor_or_none(actor), now
        elif name == "approve":
            review.approved_by, review.approved_at = actor_or_none(actor), now
            from kesu.accounts.roles import Role

            review.approved_as_proxy = bool(actor is not None and review.mode != ReviewMode.BRANCH
                                            and not actor.is_superuser and not actor.has_role(Role.GM))
            review.closed_at = now
        elif name == "return":
            review.conclusion, review.concluded_by, review.concluded_at = "", None, None
        elif name == "cancel":
            review.closed_at = now
            review.waiting_on = ""
    return effects


def _review_announce(actor):
    def announce(review, row, old, note, now) -> None:
        transaction.on_commit(lambda: signals.review_transitioned.send(
            ContractReview, review=review, name=row.name, old_status=old, new_status=review.status, actor=actor,
            note=note))
    return announce


def review_transition(*, actor, review: ContractReview, name: str, expected_version: int | None = None,
                      source: str = "web", **inputs: Any) -> ContractReview:
    """Move a review one step through ``workflow.ROWS``; the only way its status and sign-offs change."""
    if name == "approve" and actor is not None and not getattr(actor, "is_superuser", False):
        from kesu.accounts.roles import Role

        if review.mode != ReviewMode.BRANCH and not actor.has_role(Role.GM):
            note = (inputs.get("note") or "").strip()
            inputs["note"] = _("As the general manager's authorised proxy.") + (f" {note}" if note else "")
    return run_transition(table=REVIEW_TABLE, obj=review, name=name, actor=actor, inputs=inputs,
                          noun=ContractReview._meta.verbose_name, label_of=_label, effects=_review_effects(actor),
                          changes=ReviewChange, announce=_review_announce(actor), expected_version=expected_version,
                          source=source)


# -- change notices ------------------------------------------------------------------------------------------


def _depts(values, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    bad = [v for v in values if v not in Dept.values]
    if bad:
        raise ValidationError({field: _("Unknown department “%(dept)s”.") % {"dept": bad[0]}})
    return values


def notice_create(*, actor, review: ContractReview, description: str, new_values: dict[str, Any] | None = None,
                  affected=(), concerned=(), source: str = "web") -> ChangeNotice:
    """Draft a change notice of an accepted contract or order: what changes, the departments it affects (they
    re-review it) and those concerned (they get the notice and confirm receipt)."""
    require_role(actor, SALES_ROLES, review.company_id)
    if review.status != ReviewStatus.ACCEPTED:
        raise ValidationError({"review": _("Only an accepted contract or order can be changed.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Say what changes.")})
    new_values = dict(new_values or {})
    unknown = sorted(set(new_values) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationError({"new_values": _("“%(field)s” is not a review item.") % {"field": unknown[0]}})
    affected, concerned = _depts(affected, "affected"), _depts(concerned, "concerned")
    if not affected:
        raise ValidationError({"affected": _("Name at least one department that reviews the change.")})
    if not concerned:
        raise ValidationError({"concerned": _("Name at least one department that gets the notice.")})
    # Validate the new values on a copy of the review, so a wrong date is refused now, not at issue.
    probe = ContractReview.objects.get(pk=review.pk)
    for key, value in new_values.items():
        setattr(probe, key, value)
    _full_clean(probe)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        count = ChangeNotice.objects.filter(review=review).count()
        notice = ChangeNotice.objects.create(
            company=review.company, review=review, number=f"{review.number}-B{count + 1}", description=description,
            new_values={k: (v.isoformat() if isinstance(v, datetime.date) else str(v) if isinstance(v, Decimal)
                            else v) for k, v in new_values.items()},
            affected=affected, concerned=concerned, owner=review.owner, created_by=actor_or_none(actor))
        NoticeChange.write(notice, name="create", old="", new=notice.status, actor=actor_or_none(actor), at=now)
    return notice


def _apply_change(notice: ChangeNotice, now) -> None:
    """Issuing the notice makes the next version of the contract (the previous ones are kept)."""
    review = ContractReview.objects.select_for_update().get(pk=notice.review_id)
    for key, value in notice.new_values.items():
        setattr(review, key, value)
    if "amount" in notice.new_values:
        review.amount = money(review.amount)
        review.amount_base = to_base(review.amount, review.exchange_rate)
    _full_clean(review)
    review.revision += 1
    review.version += 1
    review.save()
    Revision.objects.create(company=review.company, review=review, number=review.revision, items=items_of(review),
                            at=now, change=notice)


def _notice_effects(actor):
    def effects(notice: ChangeNotice, row, inputs: dict[str, Any], now) -> None:
        rules = rules_for(notice.company)
        if row.name == "submit":
            due = _due(notice.company, now, rules.signoff_days)
            Signoff.objects.bulk_create([Signoff(company=notice.company, review_id=notice.review_id, change=notice,
                                                 dept=d, due_at=due) for d in notice.affected])
            notice.waiting_on, notice.due_at = _waiting(notice.affected), due
        elif row.name == "sign_off":
            dept = signer_dept(actor, inputs)
            signoff = notice.signoffs.get(dept=dept, answer=Answer.PENDING)
            signoff.answer, signoff.comment = inputs["answer"], (inputs.get("comment") or "").strip()
            signoff.answered_by, signoff.answered_at = actor_or_none(actor), now
            signoff.save()
            notice.waiting_on = _waiting([d for d in notice.waiting_depts() if d != dept])
        elif row.name == "issue":
            _apply_change(notice, now)
            due = _due(notice.company, now, rules.receipt_days)
            Receipt.objects.bulk_create([Receipt(company=notice.company, notice=notice, dept=d)
                                         for d in notice.concerned])
            notice.waiting_on, notice.due_at, notice.issued_at = _waiting(notice.concerned), due, now
        elif row.name == "confirm":
            dept = signer_dept(actor, inputs)
            Receipt.objects.filter(notice=notice, dept=dept).update(confirmed_by=actor_or_none(actor),
                                                                    confirmed_at=now)
            notice.waiting_on = _waiting([d for d in notice.waiting_depts() if d != dept])
        elif row.name == "withdraw":
            notice.waiting_on = ""
    return effects


def _notice_announce(actor):
    def announce(notice, row, old, note, now) -> None:
        transaction.on_commit(lambda: signals.notice_transitioned.send(
            ChangeNotice, notice=notice, name=row.name, old_status=old, new_status=notice.status, actor=actor,
            note=note))
    return announce


def notice_transition(*, actor, notice: ChangeNotice, name: str, expected_version: int | None = None,
                      source: str = "web", **inputs: Any) -> ChangeNotice:
    """Move a change notice one step; the last department's confirmation closes it (a step of the system)."""
    with transaction.atomic():
        notice = run_transition(table=CHANGE_TABLE, obj=notice, name=name, actor=actor, inputs=inputs,
                                noun=ChangeNotice._meta.verbose_name, label_of=_label, effects=_notice_effects(actor),
                                changes=NoticeChange, announce=_notice_announce(actor),
                                expected_version=expected_version, source=source)
        if name == "confirm" and notice.status == ChangeStatus.NOTIFIED and not notice.waiting_on:
            notice = run_transition(table=CHANGE_TABLE, obj=notice, name="close", actor=None, inputs={},
                                    noun=ChangeNotice._meta.verbose_name, label_of=_label,
                                    effects=_notice_effects(None), changes=NoticeChange,
                                    announce=_notice_announce(None), source=source)
    return notice




def rules_save(*, actor, form, source: str = "web"):
    """Save the company's review rules from a valid form (audited as the actor)."""
    from kesu.core.services import record_update

    return record_update(actor=actor, form=form, source=source)


# -- customer demand to delivery plan ------------------------------------------------------------------------


PLAN_FIELDS = ("review", "customer", "order_reference", "order_text", "clarification", "quantity", "due_on", "owner")


def plan_create(*, actor, company, data: dict[str, Any], source: str = "web") -> DeliveryPlan:
    """Record a customer's order (formal or a note) for its delivery plan; ``clarification`` logs what was
    clarified with the customer when the order was unclear (顾客需求管理程序 §5.2)."""
    require_role(actor, SALES_ROLES, company.pk)
    _check_fields(data, PLAN_FIELDS)
    plan = DeliveryPlan(company=company, **data)
    if not plan.owner_id and actor_or_none(actor) is not None:
        plan.owner = actor
    if plan.review_id and not plan.customer_id:
        plan.customer = plan.review.customer
    for field in ("review", "customer"):
        related = getattr(plan, field, None) if getattr(plan, f"{field}_id") else None
        if related is not None and related.company_id != company.pk:
            raise ValidationError({field: _("It must belong to the same company.")})
    _full_clean(plan, exclude=["number"])
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        yy = now.astimezone(company.tz).year % 100
        plan.number = next_number(company, "delivery_plan", f"JH{yy:02d}-{{seq:03d}}", now, taken=lambda n: (
            DeliveryPlan.objects.filter(company=company, number=n).exists()))
        plan.save()
        DeliveryPlanChange.write(plan, name="create", old="", new=plan.status, actor=actor_or_none(actor), at=now)
    return plan


def _plan_effects(actor):
    def effects(plan: DeliveryPlan, row, inputs: dict[str, Any], now) -> None:
        rules = rules_for(plan.company)
        name = row.name
        if name == "issue_notice" or name == "return":
            plan.checks = {}
            plan.waiting_on = _waiting(PLAN_CHECKS)
            plan.due_at = _due(plan.company, now, rules.signoff_days)
        elif name == "check":
            dept = signer_dept(actor, inputs)
            plan.checks = {**plan.checks, dept: {
                "answer": inputs["answer"], "comment": (inputs.get("comment") or "").strip(),
                "by": str(actor) if actor is not None else "", "by_id": getattr(actor, "pk", None),
                "at": now.isoformat()}}
            plan.waiting_on = _waiting([d for d in plan.waiting_depts() if d != dept])
        elif name == "propose":
            plan.plan = inputs["plan_text"]
            for key in ("outsourcer", "outsource_date", "first_delivery", "last_delivery"):
                if key in inputs:
                    setattr(plan, key, inputs[key])
            plan.proposed_by = actor_or_none(actor)
            plan.due_at = None
        elif name == "approve":
            plan.approved_by, plan.approved_at = actor_or_none(actor), now
        elif name == "customer_confirms":
            plan.customer_confirmation, plan.confirmed_at = inputs["confirmation_note"], now
            plan.receipts = {}
            plan.waiting_on = _waiting(PLAN_RECEIVERS)
            plan.due_at = _due(plan.company, now, rules.receipt_days)
        elif name == "sign_for":
            dept = signer_dept(actor, inputs)
            plan.receipts = {**plan.receipts, dept: {"by": str(actor) if actor is not None else "",
                                                     "by_id": getattr(actor, "pk", None), "at": now.isoformat()}}
            plan.waiting_on = _waiting([d for d in plan.waiting_depts() if d != dept])
        elif name == "cancel":
            plan.waiting_on = ""
    return effects


def _plan_announce(actor):
    def announce(plan, row, old, note, now) -> None:
        transaction.on_commit(lambda: signals.plan_transitioned.send(
            DeliveryPlan, plan=plan, name=row.name, old_status=old, new_status=plan.status, actor=actor, note=note))
    return announce


def plan_transition(*, actor, plan: DeliveryPlan, name: str, expected_version: int | None = None,
                    source: str = "web", **inputs: Any) -> DeliveryPlan:
    """Move a delivery plan one step; the last department's signature closes it (a step of the system)."""
    kwargs = dict(table=PLAN_TABLE, noun=DeliveryPlan._meta.verbose_name, label_of=_label,
                  changes=DeliveryPlanChange)
    with transaction.atomic():
        plan = run_transition(obj=plan, name=name, actor=actor, inputs=inputs, effects=_plan_effects(actor),
                              announce=_plan_announce(actor), expected_version=expected_version, source=source,
                              **kwargs)
        if name == "sign_for" and plan.status == PlanStatus.DISTRIBUTED and not plan.waiting_on:
            plan = run_transition(obj=plan, name="close", actor=None, inputs={}, effects=_plan_effects(None),
                                  announce=_plan_announce(None), source=source, **kwargs)
    return plan


def signoffs_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell the departments still waiting on a review whose sign-off deadline has passed (event CONTRACT_DUE), once
    per deadline: the row is claimed by a compare-and-set update, so two workers never remind twice."""
    from django.db.models import F, Q
    from django.urls import reverse

    from kesu.notifications.choices import Event
    from kesu.notifications.services import notify

    now = now or timezone.now()
    due = (ContractReview.objects.filter(status=ReviewStatus.REVIEWING, signoff_due_at__lte=now)
           .exclude(waiting_on="").filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("signoff_due_at")))
           .select_related("company"))
    told = 0
    for review in due:
        claimed = ContractReview.objects.filter(pk=review.pk).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("signoff_due_at"))).update(reminded_at=now)
        if not claimed:
            continue
        told += 1
        notify(event=Event.CONTRACT_DUE, company=review.company,
               context={"owner": review.owner, "creator": review.created_by, "record": review, "members": []},
               link=reverse("contracts:detail", args=[review.pk]),
               message=lambda review=review: (
                   _("Overdue sign-off: contract review %(number)s") % {"number": review.number},
                   _("The department sign-off was due %(due)s.") % {
                       "due": timezone.localtime(review.signoff_due_at, review.company.tz).strftime("%Y-%m-%d %H:%M")}))
    return told


# -- the approved-outsourcer list (《外包加工商清单》, 顾客需求管理程序 §5.4.2) ------------------------------------------

OUTSOURCER_KEEPERS = frozenset({"purchasing", "qa", "vice_gm", "gm"})


def outsourcer_approve(*, actor, company, supplier, approved_on: datetime.date, scope: str = "",
                       valid_until: datetime.date | None = None, source: str = "web"):
    """Put a supplier on the company's approved-outsourcer list (or renew it: a withdrawn or expired line is
    approved again with the new scope and period)."""
    from .models import ApprovedOutsourcer

    require_role(actor, OUTSOURCER_KEEPERS, company.pk)
    if supplier is None or supplier.company_id != company.pk:
        raise ValidationError({"supplier": _("It must belong to the same company.")})
    if not supplier.is_active:
        raise ValidationError({"supplier": _("The supplier is inactive.")})
    if valid_until is not None and valid_until < approved_on:
        raise ValidationError({"valid_until": _("The approval cannot end before it starts.")})
    with acting_as(actor, source), transaction.atomic():
        entry = (ApprovedOutsourcer.objects.select_for_update().filter(company=company, supplier=supplier).first()
                 or ApprovedOutsourcer(company=company, supplier=supplier))
        entry.scope, entry.approved_on, entry.valid_until = (scope or "").strip()[:200], approved_on, valid_until
        entry.approved_by = actor_or_none(actor)
        entry.withdrawn_on, entry.withdrawn_reason = None, ""
        entry.save()
    return entry


def outsourcer_withdraw(*, actor, entry, reason: str, on: datetime.date | None = None, source: str = "web"):
    """Take a supplier off the list from ``on`` (today by default), with the reason; plans already confirmed stay."""
    require_role(actor, OUTSOURCER_KEEPERS, entry.company_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with acting_as(actor, source), transaction.atomic():
        locked = type(entry).objects.select_for_update().get(pk=entry.pk)
        if locked.withdrawn_on is not None:
            raise ValidationError({"reason": _("This outsourcer is already withdrawn from the list.")})
        locked.withdrawn_on = on or timezone.localdate()
        locked.withdrawn_reason = reason.strip()
        locked.save()
    return locked


# -- the central review meeting (集中评审) -------------------------------------------------------------------------

MEETING_FIELDS = ("held_at", "place", "chaired_by", "other_attendees", "decisions", "actions")
MEETING_RECORDERS = SALES_ROLES | frozenset({"gm", "vice_gm"})


def meeting_record(*, actor, review: ContractReview, data: dict[str, Any], attendees=(), source: str = "web"):
    """Record the central review meeting of a review reviewed centrally (seed 002 §6: tenders at or above the
    threshold, foreign-trade contracts): attendees, decisions and actions, linked to the review."""
    from kesu.accounts.models import User

    from .models import ReviewMeeting

    require_role(actor, MEETING_RECORDERS, review.company_id)
    _check_fields(data, MEETING_FIELDS)
    if review.mode != ReviewMode.CENTRAL:
        raise ValidationError({"review": _("Only a centrally reviewed contract has a review meeting.")})
    if review.status in (ReviewStatus.DRAFT, ReviewStatus.CANCELLED):
        raise ValidationError({"review": _("This cannot be changed while the record is “%(status)s”.") % {
            "status": review.get_status_display()}})
    attendees = list(attendees or ())
    if not attendees:
        raise ValidationError({"attendees": _("Name who attended.")})
    people = [a for a in attendees if isinstance(a, User)]
    if len(people) != len(attendees) or any(a.company_id != review.company_id for a in people):
        raise ValidationError({"attendees": _("Choose people of this company.")})
    meeting = ReviewMeeting(company_id=review.company_id, review=review, recorded_by=actor_or_none(actor), **data)
    if meeting.chaired_by_id and meeting.chaired_by.company_id != review.company_id:
        raise ValidationError({"chaired_by": _("Choose people of this company.")})
    _full_clean(meeting, exclude=["review"])
    with acting_as(actor, source), transaction.atomic():
        meeting.save()
        meeting.attendees.set(people)
    return meeting
