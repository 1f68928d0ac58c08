"""KPI targets and analysis settings: who may set them, validation naming the field, pages and API."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core.models import AuditEntry
from kesu.reports.choices import Kpi
from kesu.reports.models import KpiTarget, ReportSettings
from kesu.reports.services.targets import (
    kpi_target_delete,
    kpi_target_set,
    kpi_targets_import,
    report_settings_update,
)

pytestmark = pytest.mark.django_db


def test_qa_sets_a_target_and_setting_it_again_changes_the_same_row(qa_engineer, company_a):
    row = kpi_target_set(actor=qa_engineer, company=company_a, year=2026, kpi=Kpi.PPM, target="500")
    again = kpi_target_set(actor=qa_engineer, company=company_a, year=2026, kpi=Kpi.PPM, target=Decimal("450.5"),
                           note="收紧")
    assert again.pk == row.pk
    assert KpiTarget.objects.get().target == Decimal("450.50")
    assert KpiTarget.objects.get().note == "收紧"
    assert AuditEntry.objects.filter(object_id=str(row.pk)).exists()


def test_a_salesperson_may_not_set_a_target(salesperson, company_a):
    with pytest.raises(PermissionDenied):
        kpi_target_set(actor=salesperson, company=company_a, year=2026, kpi=Kpi.PPM, target="500")
    assert not KpiTarget.objects.exists()


def test_nobody_sets_a_target_of_a_company_they_cannot_see(gm, company_b):
    with pytest.raises(PermissionDenied):
        kpi_target_set(actor=gm, company=company_b, year=2026, kpi=Kpi.PPM, target="500")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"target": "abc"}, "target"),
    ({"target": "-1"}, "target"),
    ({"kpi": "nonsense"}, "kpi"),
    ({"year": 1999}, "year"),
    ({"year": "x"}, "year"),
    ({"note": "x" * 301}, "note"),
])
def test_invalid_targets_are_refused_naming_the_field(qa_engineer, company_a, kwargs, field):
    data = {"year": 2026, "kpi": Kpi.PPM, "target": "500", **kwargs}
    with pytest.raises(ValidationError) as caught:
        kpi_target_set(actor=qa_engineer, company=company_a, **data)
    assert field in caught.value.message_dict


def test_a_target_is_removed_by_a_target_role_only(qa_engineer, salesperson, company_a):
    row = kpi_target_set(actor=qa_engineer, company=company_a, year=2026, kpi=Kpi.ON_TIME, target="95")
    with pytest.raises(PermissionDenied):
        kpi_target_delete(actor=salesperson, target=row)
    kpi_target_delete(actor=qa_engineer, target=row)
    assert not KpiTarget.objects.exists()


def test_settings_are_created_on_first_change_and_validated(gm, company_a):
    row = report_settings_update(actor=gm, company=company_a, data={"closure_target_working_days": 7})
    assert row.pk and row.closure_target_working_days == 7 and row.alert_min_count == 3
    with pytest.raises(ValidationError) as caught:
        report_settings_update(actor=gm, company=company_a, data={"report_due_day": 31})
    assert "report_due_day" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        report_settings_update(actor=gm, company=company_a, data={"colour": 1})
    assert "colour" in caught.value.message_dict
    assert ReportSettings.objects.get().report_due_day == 8


def test_settings_are_changed_by_target_roles_only(salesperson, company_a):
    with pytest.raises(PermissionDenied):
        report_settings_update(actor=salesperson, company=company_a, data={"alert_min_count": 5})


# -- pages ------------------------------------------------------------------------------------------------------


def test_qa_sets_a_target_on_the_page(login, qa_engineer, company_a):
    client = login(qa_engineer)
    url = reverse("reports:targets")
    response = client.post(url, {"company": company_a.pk, "year": 2026, "kpi": "ppm", "target": "800"})
    assert response.status_code == 302
    assert KpiTarget.objects.get(company=company_a, year=2026, kpi="ppm").target == Decimal("800")
    page = client.get(url, {"company": company_a.pk, "year": 2026})
    assert page.status_code == 200
    assert 'id="set-ppm"' in page.content.decode()
    target = KpiTarget.objects.get()
    response = client.post(url, {"company": company_a.pk, "year": 2026, "action": "delete", "target": target.pk})
    assert response.status_code == 302
    assert not KpiTarget.objects.exists()


def test_the_analysis_menu_leads_to_targets_and_settings(login, qa_engineer, company_a):
    client = login(qa_engineer)
    menu = client.get(reverse("reports:dashboard"), {"company": company_a.pk}).content.decode()
    assert f'href="{reverse("reports:targets")}" id="nav-targets"' in menu
    assert f'href="{reverse("reports:settings")}" id="nav-analysis-settings"' in menu
    assert client.get(reverse("reports:targets")).status_code == 200
    assert client.get(reverse("reports:settings")).status_code == 200


def test_an_invalid_target_on_the_page_is_a_message_not_a_save(login, qa_engineer, company_a):
    client = login(qa_engineer)
    response = client.post(reverse("reports:targets"),
                           {"company": company_a.pk, "year": 2026, "kpi": "ppm", "target": "-5"}, follow=True)
    assert response.status_code == 200
    assert not KpiTarget.objects.exists()
    assert list(response.context["messages"])


def test_a_salesperson_reads_targets_but_cannot_post_them(login, salesperson, company_a):
    client = login(salesperson)
    page = client.get(reverse("reports:targets"), {"company": company_a.pk})
    assert page.status_code == 200
    assert 'id="targets-read-only"' in page.content.decode()
    response = client.post(reverse("reports:targets"),
                           {"company": company_a.pk, "year": 2026, "kpi": "ppm", "target": "800"})
    assert response.status_code == 403
    assert not KpiTarget.objects.exists()


def test_another_companys_targets_page_is_not_found(login, qa_engineer, company_b):
    client = login(qa_engineer)
    assert client.get(reverse("reports:targets"), {"company": company_b.pk}).status_code == 404
    response = client.post(reverse("reports:targets"),
                           {"company": company_b.pk, "year": 2026, "kpi": "ppm", "target": "1"})
    assert response.status_code == 404


def test_settings_page_saves_for_qa_and_is_read_only_for_sales(login, qa_engineer, make_user, company_a):
    client = login(qa_engineer)
    url = reverse("reports:settings")
    data = {"company": company_a.pk, "closure_target_working_days": 5, "alert_history_months": 12,
            "alert_min_count": 4, "report_due_day": 8, "report_remind_days": 3}
    assert client.post(url, data).status_code == 302
    assert ReportSettings.objects.get(company=company_a).alert_min_count == 4
    bad = client.post(url, {**data, "alert_history_months": 2})
    assert bad.status_code == 200 and bad.context["form"].errors
    client = login(make_user(Role.SALESPERSON, username="s2"))
    page = client.get(url)
    assert page.status_code == 200 and 'id="settings-read-only"' in page.content.decode()
    assert client.post(url, data).status_code == 403


# -- API --------------------------------------------------------------------------------------------------------


def test_api_puts_lists_and_deletes_targets(api, qa_engineer, company_a):
    caller = api(qa_engineer)
    response = caller.put("/api/v1/reports/targets",
                          {"company_id": company_a.pk, "year": 2026, "kpi": "on_time", "target": "96.5"})
    assert response.status_code == 200, response.content
    assert response.json()["target"] == "96.50"
    listed = caller.get("/api/v1/reports/targets", company=company_a.pk, year=2026).json()
    assert [row["kpi"] for row in listed] == ["on_time"]
    assert caller.delete(f"/api/v1/reports/targets/{listed[0]['id']}").status_code == 204
    assert not KpiTarget.objects.exists()


def test_api_refuses_a_salesperson_extra_keys_and_bad_values(api, qa_engineer, salesperson, company_a):
    body = {"company_id": company_a.pk, "year": 2026, "kpi": "ppm", "target": "100"}
    assert api(salesperson).put("/api/v1/reports/targets", body).status_code == 403
    assert api(qa_engineer).put("/api/v1/reports/targets", {**body, "extra": 1}).status_code == 422
    response = api(qa_engineer).put("/api/v1/reports/targets", {**body, "target": "-1"})
    assert response.status_code == 422
    assert not KpiTarget.objects.exists()


def test_api_settings_round_trip_and_other_company(api, gm, salesperson, company_a, company_b):
    caller = api(gm)
    assert caller.get(f"/api/v1/reports/settings/{company_a.pk}").json()["report_due_day"] == 8
    response = caller.put(f"/api/v1/reports/settings/{company_a.pk}", {"report_due_day": 6})
    assert response.status_code == 200 and response.json()["report_due_day"] == 6
    assert caller.get(f"/api/v1/reports/settings/{company_b.pk}").status_code == 404
    assert api(salesperson).put(f"/api/v1/reports/settings/{company_a.pk}", {"report_due_day": 5}).status_code == 403


# -- import -----------------------------------------------------------------------------------------------------


def _sheet(rows) -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    for row in [["company code", "year", "indicator", "target", "note"], *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("targets.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_import_sets_every_row_or_none_reporting_the_rejected(qa_engineer, company_a, company_b):
    result = kpi_targets_import(actor=qa_engineer, upload=_sheet([
        ["A", 2026, "ppm", 500, ""], ["a", 2026, "On-time delivery (percent)", 95, "by label"]]))
    assert result == {"rows": 2, "saved": 2, "rejected": []}
    assert KpiTarget.objects.get(kpi="on_time").target == Decimal("95.00")
    result = kpi_targets_import(actor=qa_engineer, upload=_sheet([
        ["A", 2026, "ppm", 400, ""], ["B", 2026, "ppm", 1, ""], ["A", 2026, "nonsense", 1, ""],
        ["A", 2026, "churn", -3, ""]]))
    assert result["saved"] == 0
    assert [row["row"] for row in result["rejected"]] == [3, 4, 5]
    assert KpiTarget.objects.get(kpi="ppm").target == Decimal("500.00")  # nothing saved


def test_import_is_refused_to_a_salesperson(salesperson):
    with pytest.raises(PermissionDenied):
        kpi_targets_import(actor=salesperson, upload=_sheet([["A", 2026, "ppm", 500, ""]]))


def test_import_on_the_page_and_through_the_api(login, api, qa_engineer, company_a):
    client = login(qa_engineer)
    response = client.post(reverse("reports:targets"), {"company": company_a.pk, "year": 2026, "action": "import",
                                                         "file": _sheet([["A", 2026, "ppm", 700, ""]])})
    assert response.status_code == 302
    assert KpiTarget.objects.get().target == Decimal("700.00")
    response = api(qa_engineer).upload("/api/v1/reports/targets/import",
                                       {"file": _sheet([["A", 2027, "complaints", 10, ""]])})
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == 1
    response = api(qa_engineer).upload("/api/v1/reports/targets/import",
                                       {"file": SimpleUploadedFile("x.csv", b"a,b")})
    assert response.status_code == 422
