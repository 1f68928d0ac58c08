"""The salesperson's after-sales assessment (seed 004 §6) against a hand-worked month, and who sees it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.claims.services import cost_book
from kesu.complaints import services as complaint_services
from kesu.complaints.models import Complaint, Deadline, DispositionLine
from kesu.complaints.tests.factories import create_complaint
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory
from kesu.prevention import services
from kesu.prevention.models import RepeatFlag

pytestmark = pytest.mark.django_db
R = Role
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)
NOV_1, NOV_30 = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)


def at(y, m, d, h, mi):
    return datetime.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


@pytest.fixture
def month(people):
    """November 2026 of salesperson S (A-salesperson):

    K1 received 11-03 10:00, passed on an hour late (6.1), a mis-ordered return failed incoming inspection (6.2),
       a cost of 300.00 borne by S for it (6.6, not an explanation fault: it is the mis-order);
    K2 received 11-10 09:00, passed on in time, QA corrected its defect nature (6.2), a repeat whose responsibility
       is the customer's (6.4), a cost of 150.50 borne by S (6.5 explanation fault, 6.6);
    outside: K3 received 10-31 23:30, K4 received 12-01 00:10 Shanghai time (11-30 16:10 UTC), K5 of another
       salesperson; a cost of 99.00 borne by S booked in December, one of 80.00 borne by the company.
    Hand-worked: complaints [K1, K2]; late [K1]; corrected [K2]; mis-order failed [K1]; repeats [K2], not ours [K2];
    explanation faults [K2]; costs [E1, E2], total 300.00 + 150.50 = 450.50.
    """
    s = people[R.SALESPERSON]
    customer = CustomerFactory(company=people.company, code="C9")
    k1 = create_complaint(s, received_at=at(2026, 11, 3, 10, 0), customer=customer)
    k2 = create_complaint(s, received_at=at(2026, 11, 10, 9, 0), customer=customer)
    create_complaint(s, received_at=at(2026, 10, 31, 23, 30), customer=customer)
    create_complaint(s, received_at=at(2026, 12, 1, 0, 10), customer=customer)
    create_complaint(people.other(R.SALESPERSON), received_at=at(2026, 11, 12, 9, 0), customer=customer)
    Deadline.objects.filter(complaint=k1, kind="pass_on").update(met_at=F("due_at") + HOUR)
    Deadline.objects.filter(complaint=k2, kind="pass_on").update(met_at=F("due_at") - HOUR)
    complaint_services.complaint_update(actor=people[R.QA], complaint=k2, data={"defect_nature": "裂纹，非划伤"})
    DispositionLine.objects.create(company=people.company, complaint=k1, kind="return", quantity=2, mis_order=True,
                                   incoming_inspection_result="fail")
    flag = RepeatFlag.objects.create(company=people.company, complaint=k2, rule="same_customer", window_days=180,
                                     flagged_at=k2.received_at)
    flag.earlier.set([k1])
    Complaint.objects.filter(pk=k2.pk).update(responsibility="customer")
    finance = people[R.FINANCE]

    def book(complaint, day, amount, bearer="salesperson"):
        data = {"complaint": complaint, "booked_on": day, "category": "return", "amount": Decimal(amount),
                "bearer": bearer, "exchange_rate": Decimal("1")}
        if bearer == "salesperson":
            data["salesperson"] = s
        return cost_book(actor=finance, company=people.company, data=data)

    e1 = book(k1, datetime.date(2026, 11, 20), "300.00")
    e2 = book(k2, datetime.date(2026, 11, 25), "150.50")
    book(k2, datetime.date(2026, 12, 2), "99.00")
    book(k1, datetime.date(2026, 11, 26), "80.00", bearer="company")
    return {"s": s, "k1": k1, "k2": k2, "e1": e1, "e2": e2}


def test_every_figure_against_the_hand_worked_month(people, month):
    a = services.assessment_compute(actor=people[R.SALES_DIRECTOR], company=people.company, salesperson=month["s"],
                                    period_start=NOV_1, period_end=NOV_30)
    k1, k2 = month["k1"].pk, month["k2"].pk
    assert a.figures == {
        "complaints": [k1, k2], "late_pass_on": [k1], "facts_corrected": [k2], "mis_order_failed": [k1],
        "repeats": [k2], "repeats_not_ours": [k2], "explanation_faults": [k2],
        "costs": [month["e1"].pk, month["e2"].pk], "cost_total": "450.50",
    }


def test_the_page_drills_down_the_director_confirms_and_it_prints(people, month, client):
    director = people[R.SALES_DIRECTOR]
    a = services.assessment_compute(actor=director, company=people.company, salesperson=month["s"],
                                    period_start=NOV_1, period_end=NOV_30)
    client.force_login(month["s"])
    page = client.get(reverse("prevention:assessment", args=[a.pk])).content.decode()
    assert month["k1"].number in page and month["k2"].number in page and "450.50" in page
    # The salesperson may not confirm their own assessment (the table allows the sales director only).
    with pytest.raises(TransitionRefused):
        services.assessment_transition(actor=month["s"], assessment=a, name="confirm", director_comment="好")
    client.force_login(director)
    client.post(reverse("prevention:assessment_transition", args=[a.pk, "confirm"]),
                {"confirm-director_comment": "及时性需改进", "version": a.version})
    a.refresh_from_db()
    assert (a.status, a.director_comment, a.confirmed_by) == ("confirmed", "及时性需改进", director)
    pdf = client.get(reverse("prevention:assessment_pdf", args=[a.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("prevention:assessments") + "?format=xlsx")
    assert xlsx.status_code == 200


def test_a_salesperson_cannot_see_another_salespersons_assessment(people, month, client):
    a = services.assessment_compute(actor=people[R.SALES_DIRECTOR], company=people.company, salesperson=month["s"],
                                    period_start=NOV_1, period_end=NOV_30)
    other = UserFactory(role=R.SALESPERSON, company=people.company, username="A-other-sales")
    client.force_login(other)
    assert client.get(reverse("prevention:assessment", args=[a.pk])).status_code == 404
    assert client.get(f"/api/v1/prevention/assessments/{a.pk}").status_code == 404
    assert client.get("/api/v1/prevention/assessments").json() == []
    assert client.get(reverse("prevention:assessment_pdf", args=[a.pk])).status_code == 404
    client.force_login(month["s"])
    assert [row["id"] for row in client.get("/api/v1/prevention/assessments").json()] == [a.pk]
    client.force_login(people.others[R.SALES_DIRECTOR])
    assert client.get(f"/api/v1/prevention/assessments/{a.pk}").status_code == 404
