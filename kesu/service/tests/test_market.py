"""Customer and market information: entries, Chinese search across words and tags, the monthly summary, API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.service import selectors, services
from kesu.service.models import MarketEntry

pytestmark = pytest.mark.django_db


def entry(people, **data):
    values = {"kind": "competitor", "title": "恒力精密降价", "text": "恒力精密齿轮泵报价下调 5%，主攻华东主机厂",
              "competitor": "常州恒力精密机械有限公司", "tags": "价格 齿轮泵", "reported_on": datetime.date(2026, 11, 3)}
    values.update(data)
    return services.market_entry_create(actor=people[Role.SALESPERSON], company=people.company, data=values)


def test_entries_are_searchable_in_chinese_and_summarised_by_month(people):
    price = entry(people)
    need = entry(people, kind="need", title="客户新机型需求", text="明年导入电动泵", competitor="", tags="新产品，电动",
                 reported_on=datetime.date(2026, 11, 20))
    entry(people, kind="regional", title="华南市场容量", text="华南主机厂产能扩张", competitor="", tags="",
          reported_on=datetime.date(2026, 10, 30))
    qs = MarketEntry.objects.filter(company=people.company)
    assert list(selectors.market_search(qs, "齿轮泵 华东")) == [price]
    assert list(selectors.market_search(qs, "电动")) == [need]
    assert need.tag_list() == ["新产品", "电动"]
    summary = selectors.market_month_summary(qs, 2026, 11)
    assert summary["total"] == 2
    assert {k["kind"]: len(k["entries"]) for k in summary["kinds"]} == {
        "need": 1, "competitor": 1, "regional": 0, "feedback": 0}


def test_a_competitor_entry_names_the_competitor_and_only_sales_record(people):
    with pytest.raises(ValidationError) as refused:
        entry(people, competitor="")
    assert "competitor" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.market_entry_create(actor=people[Role.PRODUCTION], company=people.company, data={
            "kind": "need", "title": "x", "text": "x", "reported_on": datetime.date(2026, 11, 3)})


def test_page_and_api_and_outsiders(people, people_b, client, api):
    entry(people)
    client.force_login(people[Role.SALESPERSON])
    page = client.get(reverse("service:market_list") + "?q=恒力&month=2026-11").content.decode()
    assert "恒力精密降价" in page and 'id="market-summary"' in page
    created = api(people[Role.SALESPERSON]).post("/api/v1/service/market", {
        "kind": "feedback", "title": "包装建议", "text": "客户建议改用可回收周转箱", "reported_on": "2026-11-05"})
    assert created.status_code == 201
    assert [e["title"] for e in api(people[Role.SALESPERSON]).get("/api/v1/service/market", q="周转箱").json()] == [
        "包装建议"]
    assert api(people_b[Role.SALESPERSON]).get("/api/v1/service/market").json() == []


def test_an_entry_is_edited_through_its_page_and_the_list_exports_to_excel(people, people_b, client):
    import io

    from openpyxl import load_workbook

    first = entry(people)
    entry(people, kind="need", title="主机厂扩产", text="华东主机厂明年扩产 30%", competitor="", tags="需求")
    client.force_login(people[Role.SALESPERSON])
    refused = client.post(reverse("service:market_edit", args=[first.pk]), {
        "kind": "competitor", "title": "恒力精密再降价", "text": "报价再降 3%", "competitor": "",
        "reported_on": "2026-11-03"})
    assert refused.status_code == 200 and "恒力精密再降价" in refused.content.decode()
    first.refresh_from_db()
    assert first.title == "恒力精密降价"
    saved = client.post(reverse("service:market_edit", args=[first.pk]), {
        "kind": "competitor", "title": "恒力精密再降价", "text": "报价再降 3%", "competitor": "恒力精密",
        "tags": "价格", "reported_on": "2026-11-04"})
    assert saved.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.competitor, first.reported_on) == ("恒力精密再降价", "恒力精密", datetime.date(2026, 11, 4))
    export = client.get(reverse("service:market_list") + "?kind=competitor&format=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)
                          ).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["恒力精密再降价"]
    client.force_login(people_b[Role.SALESPERSON])
    assert client.get(reverse("service:market_edit", args=[first.pk])).status_code == 404
    client.force_login(people[Role.FINANCE])
    assert client.get(reverse("service:market_edit", args=[first.pk])).status_code == 403
