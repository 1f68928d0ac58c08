"""Organization data, roles and company scope."""

import pytest
from django.urls import reverse

from kesu.accounts.models import Position
from kesu.accounts.roles import Role, group_name

pytestmark = pytest.mark.django_db


def test_every_default_role_has_a_group():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {group_name(role) for role in Role} <= names


def test_a_position_role_grants_its_permissions(salesperson, qa_engineer):
    assert salesperson.has_perm("customers.add_customer")
    assert qa_engineer.has_perm("customers.view_customer")
    assert not qa_engineer.has_perm("customers.add_customer")
    assert not salesperson.has_perm("customers.delete_customer")


def test_a_user_sees_only_their_own_company(salesperson, outsider, company_a, company_b):
    assert salesperson.visible_company_ids() == {company_a.pk}
    assert outsider.visible_company_ids() == {company_b.pk}


def test_a_group_scope_position_sees_the_subsidiaries(make_user, company_a, company_b):
    company_b.parent = company_a
    company_b.save()
    user = make_user(Role.GENERAL_OFFICE)
    Position.objects.filter(pk=user.position_id).update(scope=Position.Scope.GROUP)
    user.refresh_from_db()
    assert user.visible_company_ids() == {company_a.pk, company_b.pk}


def test_a_company_cannot_be_its_own_ancestor(company_a, company_b):
    from django.core.exceptions import ValidationError

    company_b.parent = company_a
    company_b.save()
    company_a.parent = company_b
    with pytest.raises(ValidationError) as error:
        company_a.full_clean()
    assert "parent" in error.value.message_dict


def test_a_user_department_must_belong_to_their_company(salesperson, outsider):
    from django.core.exceptions import ValidationError

    salesperson.department = outsider.department
    with pytest.raises(ValidationError) as error:
        salesperson.full_clean()
    assert "department" in error.value.message_dict


def test_the_organization_page_shows_only_visible_companies(login, salesperson, outsider):
    body = login(salesperson).get(reverse("accounts:organization")).content.decode()
    assert salesperson.username in body
    assert outsider.username not in body
    assert "乙电子" not in body


def test_the_organization_api_shows_only_visible_records(api, salesperson, outsider):
    caller = api(salesperson)
    assert {c["code"] for c in caller.get("/api/v1/companies").json()} == {"A"}
    assert outsider.username not in {u["username"] for u in caller.get("/api/v1/users").json()}
    assert all(d["company_id"] == salesperson.company_id for d in caller.get("/api/v1/departments").json())
    assert all(p["company_id"] == salesperson.company_id for p in caller.get("/api/v1/positions").json())


def test_the_admin_is_for_staff_only(login, salesperson, admin_user):
    assert login(salesperson).get("/admin/").status_code == 302
    assert login(admin_user).get("/admin/accounts/user/").status_code == 200


def test_a_new_company_gets_default_departments_and_one_position_per_role(company_b):
    from kesu.accounts.models import Department
    from kesu.accounts.services import company_create_defaults

    company_create_defaults(actor=None, company=company_b)
    company_create_defaults(actor=None, company=company_b)  # idempotent
    assert set(Department.objects.filter(company=company_b).values_list("code", flat=True)) == {
        "MGMT", "GO", "SALES", "QA", "ENG", "PROD", "PUR", "FIN", "AS",
    }
    positions = Position.objects.filter(company=company_b)
    assert {p.role for p in positions} == {r.value for r in Role}
    assert positions.get(role="qa").name == "品保"
    assert positions.get(role="general_office").scope == Position.Scope.GROUP


def test_a_users_permissions_are_their_own_their_groups_and_their_roles_read_in_one_query(
        make_user, qa_engineer, django_assert_num_queries):
    from django.contrib.auth.models import Group, Permission

    extra = Group.objects.create(name="索赔查看")
    extra.permissions.add(Permission.objects.get(codename="delete_customer"))
    qa_engineer.user_permissions.add(Permission.objects.get(codename="add_customer"))
    qa_engineer.groups.add(extra)
    fresh = type(qa_engineer).objects.select_related("position").get(pk=qa_engineer.pk)  # as a request reads it
    with django_assert_num_queries(1):
        assert fresh.has_perm("customers.add_customer")  # their own
        assert fresh.has_perm("customers.delete_customer")  # their group's
        assert fresh.has_perm("customers.view_customer")  # their role's (QA)
        assert not fresh.has_perm("customers.change_customer")  # neither
    other = make_user(Role.QA, username="qa2")  # the same role, without the grants
    assert other.has_perm("customers.view_customer")
    assert not other.has_perm("customers.add_customer") and not other.has_perm("customers.delete_customer")
    other.is_active = False
    assert other.get_all_permissions() == set()  # an inactive user has none


def test_the_signed_in_user_is_read_with_the_same_permissions_in_the_same_query(
        make_user, qa_engineer, salesperson, django_assert_num_queries):
    # Session and token both read the user with their permissions alongside (kesu.accounts.backends
    # with_permissions): they must be exactly what the query of their own gives, for every kind of grant.
    from django.contrib.auth.models import Group, Permission

    from kesu.accounts.backends import PositionRoleBackend
    from kesu.accounts.models import ApiToken
    from kesu.accounts.services import api_token_create
    from kesu.api.auth import TokenAuth
    from kesu.core.context import acting_as

    extra = Group.objects.create(name="索赔查看")
    extra.permissions.add(Permission.objects.get(codename="delete_customer"))
    qa_engineer.user_permissions.add(Permission.objects.get(codename="add_customer"))
    qa_engineer.groups.add(extra)
    no_position = make_user(username="no-position", position=None, department=None)
    no_position.user_permissions.add(Permission.objects.get(codename="view_part"))
    backend = PositionRoleBackend()
    for user in (qa_engineer, salesperson, no_position, make_user(username="nothing", position=None, department=None)):
        expected = backend.get_all_permissions(type(user).objects.get(pk=user.pk))
        with django_assert_num_queries(1):
            signed_in = backend.get_user(user.pk)
            assert signed_in.get_all_permissions() == expected
        assert signed_in.has_perm("customers.view_customer") == ("customers.view_customer" in expected)
    assert "customers.delete_customer" in backend.get_user(qa_engineer.pk).get_all_permissions()
    assert backend.get_user(no_position.pk).get_all_permissions() == {"customers.view_part"}
    assert backend.get_user(type(qa_engineer).objects.get(username="nothing").pk).get_all_permissions() == set()

    _token, raw = api_token_create(actor=qa_engineer, name="ERP")
    request = type("Request", (), {"META": {"REMOTE_ADDR": "127.0.0.1"}})()
    expected = backend.get_all_permissions(type(qa_engineer).objects.get(pk=qa_engineer.pk))
    # acting_as: TokenAuth sets the acting user for the rest of its context (a request's); put back afterwards.
    with acting_as(None, "system"), django_assert_num_queries(3):  # throttle's counter, token and user, usage stamp
        user = TokenAuth().authenticate(request, raw)
        assert user.get_all_permissions() == expected
    assert ApiToken.objects.filter(user=qa_engineer).count() == 1
