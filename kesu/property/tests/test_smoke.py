import datetime

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.property import services
from kesu.property.tests.factories import new_item, new_loan

pytestmark = pytest.mark.django_db


def test_smoke(company_a):
    people = People(company_a)
    item = new_item(people)
    assert item.keeper_department.kind == "production"
    loan = new_loan(people, item)
    loan = services.loan_transition(actor=people[Role.SALESPERSON], loan=loan, name="approve")
    loan = services.loan_transition(actor=people[Role.PRODUCTION], loan=loan, name="issue")
    item.refresh_from_db()
    assert item.status == "on_loan"
    loan = services.loan_transition(actor=people[Role.PRODUCTION], loan=loan, name="return",
                                    return_condition="damaged", return_note="分型面崩角")
    item.refresh_from_db()
    assert item.status == "damaged"
    report = loan.damage_reports.get()
    for name, actor, inputs in [("record_remedy", Role.PRODUCTION, {"remedial_action": "补焊修模"}),
                                ("notify_customer", Role.SALESPERSON, {"communication": "邮件+PDF"}),
                                ("record_answer", Role.SALESPERSON, {"customer_answer": "同意修复，费用我司承担"}),
                                ("book_cost", Role.FINANCE, {"bearer": "department", "cost_amount": "1200"})]:
        report = services.damage_transition(actor=people[actor], report=report, name=name, **inputs)
    assert report.status == "closed" and report.cost_entry.amount == 1200
    assert datetime.date
