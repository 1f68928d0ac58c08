"""Who takes which step on customer property and what each step needs (seed 000 §4.4; issue 19), stated at the
service level: the keeping departments and sales keep items, every staff role reports damage, sales or finance
books its cost (more than 0), a loan is approved with the customer's consent where the item requires it, cancelled
by the borrower or sales, returned with its condition; the holder confirms its recalled copy; sales or QA closes
the inventory check."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.complaints.tests.factories import People
from kesu.core.services import TransitionRefused
from kesu.property import services
from kesu.property.choices import ItemStatus
from kesu.property.tests.factories import new_item, new_loan
from kesu.property.workflow import KEEPERS, STAFF

pytestmark = pytest.mark.django_db
R = Role


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture(autouse=True)
def _english_messages(english):
    yield


def _root(people):
    return UserFactory(role=R.ADMIN, company=people.company, username="A-root", is_superuser=True, is_staff=True)


def refusal(run, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        run(**kwargs)
    return refused.value


def test_the_keeping_departments_are_production_engineering_qa_and_sales():
    assert KEEPERS == {R.PRODUCTION, R.ENGINEERING, R.QA, R.SALESPERSON, R.SALES_ASSISTANT, R.REGIONAL_MANAGER,
                       R.SALES_DIRECTOR}


def test_staff_is_every_role_but_the_administrator():
    assert STAFF == set(Role.values) - {R.ADMIN}
    assert R.FINANCE in STAFF and R.GENERAL_OFFICE in STAFF and R.ADMIN not in STAFF


def test_sales_keeps_items_too_it_puts_one_into_use(people):
    item = services.item_transition(actor=people[R.SALES_ASSISTANT], item=new_item(people), name="put_in_use")
    assert item.status == ItemStatus.IN_USE


def test_an_administrator_who_is_not_a_superuser_takes_no_step(people):
    admin = UserFactory(role=R.ADMIN, company=people.company, username="A-admin", is_superuser=False)
    loan = new_loan(people)
    assert refusal(services.loan_transition, actor=admin, loan=loan, name="cancel",
                   reason="不需要了").code == TransitionRefused.WRONG_ROLE


# -- returning and scrapping an item ------------------------------------------------------------------------------


def test_an_item_goes_back_to_the_customer_once_its_loan_is_finished_not_while_it_is_open(people):
    sales = people[R.SALESPERSON]
    item = new_item(people)
    loan = new_loan(people, item)
    refused = refusal(services.item_transition, actor=sales, item=item, name="scrap", disposal_note="客户同意报废")
    assert (refused.field, str(refused)) == (
        "status", f"Loan {loan.number} of this item is still open; finish or cancel it first.")
    services.loan_transition(actor=sales, loan=loan, name="cancel", reason="客户收回")
    item = services.item_transition(actor=sales, item=item, name="return_to_customer", disposal_note="快递退回")
    assert item.status == ItemStatus.RETURNED


# -- loans --------------------------------------------------------------------------------------------------------


def test_a_loan_of_an_item_that_needs_consent_is_approved_once_the_consent_is_recorded(people):
    loan = new_loan(people, new_item(people, loan_needs_consent=True))
    refused = refusal(services.loan_transition, actor=people[R.SALESPERSON], loan=loan, name="approve",
                      customer_consent="   ")
    assert refused.field == "customer_consent"
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=loan, name="approve",
                                    customer_consent="12 月 1 日客户王经理电话同意")
    assert loan.status == "approved"


def test_a_loan_of_an_item_without_that_term_needs_no_consent(people):
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=new_loan(people), name="approve")
    assert loan.status == "approved" and not loan.customer_consent


@pytest.mark.parametrize("who", ["borrower", "sales", "superuser"])
def test_the_borrower_sales_or_a_superuser_cancels_a_loan(people, who):
    loan = new_loan(people, borrower_role=R.QA)
    actor = {"borrower": people[R.QA], "sales": people[R.REGIONAL_MANAGER], "superuser": _root(people)}[who]
    assert services.loan_transition(actor=actor, loan=loan, name="cancel", reason="不需要了").status == "cancelled"


def test_someone_else_does_not_cancel_a_loan(people):
    loan = new_loan(people, borrower_role=R.QA)
    refused = refusal(services.loan_transition, actor=people[R.PRODUCTION], loan=loan, name="cancel", reason="x")
    assert str(refused) == "Only the borrower or sales may cancel a loan."


def _issued(people):
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=new_loan(people), name="approve")
    return services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="issue")


def test_a_loan_comes_back_in_a_known_condition_and_good_needs_no_note(people):
    loan = _issued(people)
    refused = refusal(services.loan_transition, actor=people[R.PRODUCTION], loan=loan, name="return",
                      return_condition="scratched")
    assert (refused.field, str(refused)) == ("return_condition", "Choose the condition the item came back in.")
    refused = refusal(services.loan_transition, actor=people[R.PRODUCTION], loan=loan, name="return",
                      return_condition="damaged", return_note=" ")
    assert refused.field == "return_note"
    loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="return", return_condition="good")
    loan.item.refresh_from_db()
    assert (loan.status, loan.item.status) == ("returned", ItemStatus.IN_USE)


# -- the cost of damage -------------------------------------------------------------------------------------------


def _answered(people):
    report = services.damage_report(actor=people[R.GENERAL_OFFICE], item=new_item(people), data={
        "kind": "damaged", "description": "搬运跌落", "happened_on": datetime.date(2026, 12, 1)})
    for name, role, inputs in (("record_remedy", R.PRODUCTION, {"remedial_action": "修复"}),
                               ("notify_customer", R.SALESPERSON, {"communication": "邮件书面通知"}),
                               ("record_answer", R.SALESPERSON, {"customer_answer": "同意修复"})):
        report = services.damage_transition(actor=people[role], report=report, name=name, **inputs)
    return report


def test_the_cost_is_more_than_0_one_cent_is_enough_and_needs_a_known_bearer(people):
    report = _answered(people)
    sales = people[R.SALESPERSON]
    for amount in ("0", "0.00", "-5.00"):
        refused = refusal(services.damage_transition, actor=sales, report=report, name="book_cost",
                          bearer="company", cost_amount=amount)
        assert (refused.field, str(refused)) == ("cost_amount", "The amount must be more than 0.")
    refused = refusal(services.damage_transition, actor=sales, report=report, name="book_cost",
                      bearer="nobody", cost_amount="10.00")
    assert (refused.field, str(refused)) == ("bearer", "Choose who bears the cost.")
    report = services.damage_transition(actor=sales, report=report, name="book_cost", bearer="company",
                                        cost_amount="0.01")
    assert (report.status, report.cost_entry.amount) == ("closed", Decimal("0.01"))


def test_sales_closes_a_damage_report_without_a_cost(people):
    report = services.damage_transition(actor=people[R.SALES_DIRECTOR], report=_answered(people),
                                        name="close_without_cost", reason="客户放弃索赔")
    assert report.status == "closed" and report.cost_entry_id is None


# -- controlled copies and the inventory check --------------------------------------------------------------------


def test_a_superuser_confirms_any_recalled_copy(people):
    customer = new_item(people).customer
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company,
        data={"number": "DWG-5", "kind": "drawing", "customer": customer, "title": "泵体"},
        revision="A", received_on=datetime.date(2026, 11, 2))
    [copy] = services.copies_issue(actor=people[R.ENGINEERING], revision=document.revisions.get(),
                                   departments=[people[R.PRODUCTION].department])
    copy = services.copy_transition(actor=people[R.ENGINEERING], copy=copy, name="recall")
    copy = services.copy_transition(actor=_root(people), copy=copy, name="confirm_destroyed")
    assert copy.status == "destroyed"


def test_qa_closes_a_confirmed_inventory_check_but_finance_does_not(people):
    new_item(people)
    check = services.inventory_start(actor=people[R.SALESPERSON], company=people.company, year=2026)
    for line in check.lines.all():
        services.inventory_confirm(actor=people[R.PRODUCTION], line=line, result="present")
    assert refusal(services.inventory_close, actor=people[R.FINANCE],
                   check=check).code == TransitionRefused.WRONG_ROLE
    check = services.inventory_close(actor=people[R.QA], check=check)
    assert check.status == "closed"


def test_only_staff_report_damage(people):
    admin = UserFactory(role=R.ADMIN, company=people.company, username="A-admin", is_superuser=False)
    with pytest.raises(PermissionDenied):
        services.damage_report(actor=admin, item=new_item(people), data={
            "kind": "lost", "description": "找不到", "happened_on": datetime.date(2026, 12, 1)})


def test_the_borrower_is_told_apart_by_who_they_are_not_by_their_number(people):
    # Staff recorded before and after the borrower, and ids beyond the small numbers of a fresh database.
    item = new_item(people)
    before = people[R.GENERAL_OFFICE]
    borrower = UserFactory(id=7000, role=R.QA, company=people.company, username="A-qa-borrower")
    after = UserFactory(id=7001, role=R.QA, company=people.company, username="A-qa-3")
    loan = services.loan_request(actor=borrower, item=item, data={
        "purpose": "检测", "borrow_from": datetime.date(2026, 12, 1), "expected_return_on": datetime.date(2026, 12, 3)})
    for other in (before, after):
        assert str(refusal(services.loan_transition, actor=other, loan=loan, name="cancel", reason="x")) == (
            "Only the borrower or sales may cancel a loan.")
    assert services.loan_transition(actor=borrower, loan=loan, name="cancel", reason="不需要了").status == "cancelled"


def test_the_holding_department_is_told_apart_by_which_it_is_not_by_its_number(people):
    from kesu.accounts.tests.factories import DepartmentFactory

    customer = new_item(people).customer
    workshop = DepartmentFactory(id=8000, company=people.company, code="WS2", name="二车间", kind="production")
    later = DepartmentFactory(id=8001, company=people.company, code="WS3", name="三车间", kind="production")
    holder = UserFactory(role=R.PRODUCTION, company=people.company, username="A-ws2", department=workshop)
    after = UserFactory(role=R.PRODUCTION, company=people.company, username="A-ws3", department=later)
    before = people[R.QA]  # QA's department was made before the workshop's
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company,
        data={"number": "DWG-6", "kind": "drawing", "customer": customer, "title": "端盖"},
        revision="A", received_on=datetime.date(2026, 11, 2))
    [copy] = services.copies_issue(actor=people[R.ENGINEERING], revision=document.revisions.get(),
                                   departments=[workshop])
    copy = services.copy_transition(actor=people[R.ENGINEERING], copy=copy, name="recall")
    for other in (before, after):
        assert str(refusal(services.copy_transition, actor=other, copy=copy, name="confirm_returned")) == (
            "Only the holding department (二车间) confirms its copy.")
    assert services.copy_transition(actor=holder, copy=copy, name="confirm_returned").status == "returned"
