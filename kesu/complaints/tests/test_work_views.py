"""My work in the API, the defect history, deadline states in lists and Excel exports (issue 3 §4, §7, §8)."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.tests.factories import People, at, bring_to, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.django_db


def _xlsx_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


# The "my work" page moved to the work queue of every module: kesu/core/tests/test_work_pages.py.


def test_my_work_api_lists_rows_with_deadline_state(api, salesperson):
    complaint = create_complaint(salesperson)
    response = api(salesperson).get("/api/v1/complaints/my-work")
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert row["number"] == complaint.number and row["deadline_state"] in ("due", "at_risk")
    assert api(salesperson).get("/api/v1/complaints/my-work", scope="everyone").status_code == 422


def test_the_filtered_list_exports_to_excel_with_only_the_filtered_rows(login, api, salesperson, company_a):
    hit = create_complaint(salesperson, customer=CustomerFactory(company=company_a, code="K-EXP"),
                           description="=HYPERLINK(\"http://evil\")")
    create_complaint(salesperson)
    client = login(salesperson)
    response = client.get(reverse("complaints:list"), {"customer_code": "K-EXP", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx_rows(response)
    assert len(rows) == 2 and hit.number in rows[1]
    # A description that looks like a formula stays text.
    assert '=HYPERLINK("http://evil")' in rows[1]
    api_rows = _xlsx_rows(api(salesperson).get("/api/v1/complaints/export.xlsx", customer_code="K-EXP"))
    assert api_rows == rows


def test_defect_history_per_customer_and_part_with_remedy_and_disposition(login, api, company_a):
    people = People(company_a)
    customer = CustomerFactory(company=company_a, code="K-HIST")
    part = PartFactory(company=company_a, part_no="P-100")
    other_part = PartFactory(company=company_a, part_no="P-200")
    done = bring_to("remedy_done", people, customer=customer, part=part, quantity_shipped=100,
                    quantity_defective=3)
    services.disposition_add(actor=people[Role.SALESPERSON], complaint=done, kind="exchange", quantity=3)
    bring_to("received", people, customer=customer, part=other_part)
    bring_to("received", people, part=part)  # another customer, same part
    client = login(people[Role.QA])
    by_customer = client.get(reverse("complaints:history"), {"customer": "K-HIST"})
    assert by_customer.context["summary"]["complaints"] == 2
    by_both = client.get(reverse("complaints:history"), {"customer": "K-HIST", "part": "P-100"})
    text = by_both.content.decode()
    assert done.number in text and "免费更换 3 台" in text
    assert by_both.context["summary"] == {"complaints": 1, "defective": 3,
                                          "by_category": [{"category__name": "外观", "n": 1}]}
    assert client.get(reverse("complaints:history"), {"part": "P-100"}).context["summary"]["complaints"] == 2
    rows = _xlsx_rows(client.get(reverse("complaints:history"), {"customer": "K-HIST", "format": "xlsx"}))
    assert len(rows) == 3
    api_rows = api(people[Role.QA]).get("/api/v1/complaints/defect-history", customer_code="K-HIST",
                                         part_no="P-100").json()["items"]
    assert api_rows[0]["accepted_remedies"] == ["免费更换 3 台"]
    assert api_rows[0]["dispositions"] == [{"kind": "exchange", "quantity": 3}]


def test_defect_history_needs_a_customer_or_part_and_keeps_scope(login, api, salesperson, outsider, company_a):
    CustomerFactory(company=company_a, code="K-MINE")
    response = login(salesperson).get(reverse("complaints:history"), {"customer": "", "part": ""})
    assert response.context["summary"] is None
    refused = login(outsider).get(reverse("complaints:history"), {"customer": "K-MINE"})
    assert refused.context["summary"] is None and "K-MINE" in refused.content.decode()
    assert api(outsider).get("/api/v1/complaints/defect-history", customer_code="K-MINE").status_code == 422


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_work_views_and_history_run_a_fixed_number_of_queries(login, company_a):
    people = People(company_a)
    customer = CustomerFactory(company=company_a, code="K-QC")
    sales = people[Role.SALESPERSON]
    for _ in range(2):
        bring_to("remedy_done", people, customer=customer)
    client = login(sales)
    counts = [_count(client, reverse("complaints:history"), {"customer": "K-QC"}),
              _count(client, reverse("complaints:list"))]
    for _ in range(4):
        bring_to("remedy_done", people, customer=customer)
    assert counts == [_count(client, reverse("complaints:history"), {"customer": "K-QC"}),
                      _count(client, reverse("complaints:list"))]


def test_list_shows_at_risk_before_the_deadline_passes(login, salesperson):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        create_complaint(salesperson)
    # The reply deadline is 24 h; at 80 % of it the row is at risk.
    with time_machine.travel(at(2026, 3, 2, 9) + datetime.timedelta(hours=20), tick=False):
        rows = login(salesperson).get(reverse("complaints:list")).context["rows"]
    assert rows[0][1] == "at_risk"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_export_rows_give_every_column_what_the_complaint_itself_gives(salesperson, company_a, language):
    """The export reads light rows (no model per row, related rows shared); each cell must equal the cell
    computed from the full complaint, in the user's language — choices, relations, deadline state."""
    from django.utils import translation

    from kesu.complaints import exports
    from kesu.complaints.models import Complaint
    from kesu.complaints.selectors import with_deadline_state
    from kesu.core.importexport import export_rows

    customer = CustomerFactory(company=company_a, code="K-ROWS")
    with_part = create_complaint(salesperson, customer=customer, part=PartFactory(company=company_a))
    create_complaint(salesperson, customer=customer)  # no part
    qs = with_deadline_state(Complaint.objects.filter(customer=customer)).order_by("pk")
    with translation.override(language):
        getters = [getattr(get, "for_export", lambda get=get: get)() for _label, get in exports.LIST_COLUMNS]
        light = list(exports.list_rows(qs))
        expected = [[get(c) for _label, get in exports.LIST_COLUMNS] for c in qs]
        assert [[get(row) for get in getters] for row in light] == expected
        status_at = [str(label) for label, _get in exports.LIST_COLUMNS].index(
            str(Complaint._meta.get_field("status").verbose_name))
        assert expected[0][status_at] == with_part.get_status_display() != with_part.status
    assert light[0].customer is light[1].customer  # built once, shared
    assert light[0].part.pk == with_part.part_id and light[1].part is None and light[1].part_id is None
    shared = list(export_rows(qs, ["number", "owner__username"]))
    assert [row.owner.username for row in shared] == [salesperson.username] * 2
