"""The audit trail: append-only, who/when/which fields old → new, in the caller's transaction."""

import pytest
from django.db import transaction

from kesu.accounts.models import Department
from kesu.core.context import acting_as
from kesu.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return AuditEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk)).order_by("id")


def test_a_create_records_the_actor_source_and_values(company_a, salesperson):
    with acting_as(salesperson, "command"):
        dept = Department.objects.create(company=company_a, code="QA2", name="品保二部", kind="qa")
    entry = entries_for(dept).get()
    assert entry.action == "create"
    assert entry.actor_id == salesperson.pk
    assert entry.actor_name == "sales1"
    assert entry.source == "command"
    assert entry.company_id == company_a.pk
    assert entry.changes["name"] == [None, "品保二部"]
    assert entry.changes["kind"] == [None, "qa"]


def test_a_change_records_only_the_changed_fields_old_and_new(company_a):
    dept = Department.objects.create(company=company_a, code="ENG", name="技术部", kind="engineering")
    dept = Department.objects.get(pk=dept.pk)
    dept.name = "工程技术部"
    dept.save()
    entry = entries_for(dept).last()
    assert entry.action == "update"
    assert entry.changes == {"name": ["技术部", "工程技术部"]}


def test_saving_without_a_change_records_nothing(company_a):
    dept = Department.objects.create(company=company_a, code="PRD", name="生产部")
    dept = Department.objects.get(pk=dept.pk)
    dept.save()
    assert entries_for(dept).count() == 1


def test_a_foreign_key_change_shows_readable_names(company_a, salesperson, qa_engineer):
    dept = Department.objects.get(pk=qa_engineer.department_id)
    dept.head = qa_engineer
    dept.save()
    change = entries_for(dept).last().changes["head"]
    assert change[0] is None
    assert "李品保" in change[1]


def test_a_delete_is_recorded_with_the_last_values(company_a):
    dept = Department.objects.create(company=company_a, code="TMP", name="临时部门")
    pk = dept.pk
    dept.delete()
    entry = AuditEntry.objects.filter(content_type__model="department", object_id=str(pk)).order_by("id").last()
    assert entry.action == "delete"
    assert entry.changes["name"] == ["临时部门", None]


def test_a_rolled_back_change_leaves_no_entry(company_a):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Department.objects.create(company=company_a, code="GONE", name="不存在")
        raise RuntimeError("rollback")
    assert AuditEntry.objects.count() == before


def test_entries_cannot_be_changed_or_deleted(company_a):
    dept = Department.objects.create(company=company_a, code="X", name="X")
    entry = entries_for(dept).get()
    entry.actor_name = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_passwords_never_reach_the_trail(salesperson):
    salesperson.set_password("another-secret-9")
    salesperson.save()
    for entry in entries_for(salesperson):
        assert "password" not in entry.changes
        assert "another-secret-9" not in str(entry.changes)


def test_the_audit_page_shows_only_visible_companies(login, qa_engineer, outsider, company_b):
    Department.objects.create(company=company_b, code="SECRET", name="乙公司机密部门")
    body = login(qa_engineer).get("/audit/").content.decode()
    assert "乙公司机密部门" not in body


def test_the_audit_page_and_api_need_the_permission(login, salesperson, api):
    assert login(salesperson).get("/audit/").status_code == 403
    assert api(salesperson).get("/api/v1/audit").status_code == 403


def test_the_audit_api_filters_by_record(api, qa_engineer, company_a):
    dept = Department.objects.create(company=company_a, code="API", name="接口部")
    response = api(qa_engineer).get("/api/v1/audit", model="accounts.department", object_id=str(dept.pk))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["action"] for i in items] == ["create"]
    assert items[0]["changes"]["name"] == [None, "接口部"]


def test_the_acting_users_company_is_named_without_reading_it_again(company_a, salesperson,
                                                                     django_assert_num_queries):
    from kesu.accounts.models import User

    actor = User.objects.select_related("company").get(pk=salesperson.pk)  # as sign-in and API tokens load it
    with acting_as(actor, "web"):
        with django_assert_num_queries(2):  # the department's insert and the audit entry's, nothing read
            dept = Department.objects.create(company_id=company_a.pk, code="QC", name="质检部", head_id=actor.pk)
    changes = entries_for(dept).get().changes
    assert changes["company"] == [None, f"{company_a} (#{company_a.pk})"]
    assert changes["head"] == [None, f"{actor} (#{actor.pk})"]


def test_another_companys_name_is_still_read_for_the_trail(company_a, company_b, salesperson):
    from kesu.accounts.models import User

    actor = User.objects.select_related("company").get(pk=salesperson.pk)
    with acting_as(actor, "web"):
        dept = Department.objects.create(company_id=company_b.pk, code="QC", name="质检部")
    assert entries_for(dept).get().changes["company"] == [None, f"{company_b} (#{company_b.pk})"]
