"""Customers' personal data shown by need (issue 18 §13): one rule, masked in pages, exports, PDFs and the API."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People, create_complaint
from kesu.core import privacy
from kesu.core.models import AuditEntry
from kesu.customers.models import Contact
from kesu.customers.tests.factories import ContactFactory, CustomerFactory, ShipmentFactory

PHONE, MOBILE, EMAIL = "021-58881234", "13912345678", "zhou.unique@buyer-example.cn"


def test_masks_keep_just_enough_to_recognise():
    assert privacy.mask_phone("13912345678") == "139****5678"
    assert privacy.mask_phone("+86 139 1234 5678") == "139****5678"
    assert privacy.mask_phone("021-58881234") == "021****1234"
    assert privacy.mask_phone("58881234") == "58****34"
    assert privacy.mask_email("zhang@example.cn") == "z***@example.cn"
    assert privacy.mask_name("张三丰") == "张**"
    assert privacy.mask("", privacy.PHONE) == "" and privacy.mask(None, privacy.EMAIL) is None


@pytest.mark.parametrize(("role", "sees"), [
    (Role.SALESPERSON, True), (Role.SALES_ASSISTANT, True), (Role.REGIONAL_MANAGER, True),
    (Role.SALES_DIRECTOR, True), (Role.AFTER_SALES, True), (Role.GM, True),
    (Role.FINANCE, False), (Role.PRODUCTION, False), (Role.ENGINEERING, False), (Role.PURCHASING, False),
    (Role.QA, False), (Role.VICE_GM, False), (Role.GENERAL_OFFICE, False), (Role.ADMIN, False),
])
def test_only_roles_that_deal_with_the_customer_see_personal_data(make_user, role, sees):
    assert privacy.sees_personal_data(make_user(role)) is sees


def test_qa_sees_a_complaints_contact_only_on_the_complaints_they_handle(company_a):
    people = People(company_a)
    contact = ContactFactory(customer__company=company_a, name="周采购", mobile=MOBILE)
    complaint = create_complaint(people[Role.SALESPERSON], customer=contact.customer, contact=contact)
    qa = people[Role.QA]
    assert not privacy.sees_personal_data(qa, complaint)
    complaint.owner = qa
    assert privacy.sees_personal_data(qa, complaint)
    assert not privacy.sees_personal_data(people.other(Role.QA), complaint)


@pytest.fixture
def contact(company_a):
    customer = CustomerFactory(company=company_a)
    return ContactFactory(customer=customer, name="周采购", phone=PHONE, mobile=MOBILE, email=EMAIL)


def test_sales_sees_the_contact_in_full_and_the_view_is_in_the_audit_trail(login, salesperson, contact):
    body = login(salesperson).get(reverse("customers:contact_detail", args=[contact.pk])).content.decode()
    assert MOBILE in body and EMAIL in body and "周采购" in body
    viewed = AuditEntry.objects.get(action=AuditEntry.Action.VIEW, object_id=str(contact.pk))
    assert viewed.actor == salesperson and set(viewed.changes["viewed"][1]) == {"name", "phone", "mobile", "email"}
    assert "周采购" not in viewed.object_repr  # the entry names no one


def test_finance_sees_the_contact_masked_in_page_list_export_and_api_and_leaves_no_view_entry(
        login, make_user, contact, api):
    finance = make_user(Role.FINANCE)
    client = login(finance)
    detail = client.get(reverse("customers:contact_detail", args=[contact.pk])).content.decode()
    assert "139****5678" in detail and "z***@buyer-example.cn" in detail and "周**" in detail
    assert MOBILE not in detail and EMAIL not in detail and "周采购" not in detail
    listing = client.get(reverse("customers:contact_list")).content.decode()
    assert "139****5678" in listing and MOBILE not in listing
    export = _text(client.get(reverse("customers:contact_export")))
    assert "139****5678" in export and MOBILE not in export and EMAIL not in export
    assert client.get(reverse("customers:contact_edit", args=[contact.pk])).status_code == 403
    got = api(finance).get(f"/api/v1/contacts/{contact.pk}").json()
    assert (got["mobile"], got["email"], got["name"]) == ("139****5678", "z***@buyer-example.cn", "周**")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


def test_the_api_shows_sales_the_contact_and_records_the_view(salesperson, contact, api):
    got = api(salesperson).get(f"/api/v1/contacts/{contact.pk}").json()
    assert (got["mobile"], got["email"]) == (MOBILE, EMAIL)
    assert AuditEntry.objects.get(action=AuditEntry.Action.VIEW).source == "api"


def test_the_audit_trail_masks_a_contacts_values_for_qa(login, qa_engineer, contact):
    body = login(qa_engineer).get(reverse("audit:list")).content.decode()
    assert "customers" in body or "联系人" in body
    assert MOBILE not in body and EMAIL not in body and "周采购" not in body


# -- the walk: every page, export, PDF and GET endpoint as finance and production ------------------------------

def _text(response) -> str:
    """Everything a response shows: its body, or every part of an xlsx."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return raw.decode("utf-8", "replace")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), getattr(pattern.pattern, "converters", {})


SLUGS = ["feedback", "explanation", "8d", "d1", "questionnaire"]


def _fill(route: str, converters, ids) -> list[str]:
    """The route with each parameter filled in: ids for numbers, known kinds for names."""
    import itertools
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    choices = []
    for name in names:
        kind = type(converters.get(name)).__name__
        if name == "year":
            choices.append([2026])
        elif name == "month":
            choices.append([6])
        elif kind == "IntConverter":
            choices.append(ids)
        else:
            choices.append(SLUGS)
    urls = []
    for values in itertools.product(*choices):
        url = route
        for name, value in zip(names, values, strict=True):
            url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url, count=1)
        urls.append("/" + url)
    return urls


@pytest.fixture
def demo_like(company_a):
    """A contact attached as the demo attaches them: a complaint's contact, a claim's customer, a survey's
    recipient with an invitation mailed to them and an answer by them."""
    from kesu.claims.tests.factories import new_claim
    from kesu.surveys import services as surveys
    from kesu.surveys.tests.factories import campaign

    people = People(company_a)
    customer = CustomerFactory(company=company_a, name="上海周氏机电有限公司")
    person = ContactFactory(customer=customer, name="周采购", phone=PHONE, mobile=MOBILE, email=EMAIL,
                            is_primary=True)
    ShipmentFactory(customer=customer, quantity=100, ship_date=datetime.date(2026, 6, 1))
    complaint = create_complaint(people[Role.SALESPERSON], customer=customer, contact=person,
                                 description="周采购来电反映外壳划伤")
    claim = new_claim(people, customer=customer, documents=False)
    survey = campaign(people, customers=0)
    surveys.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=survey)
    ids = sorted({person.pk, customer.pk, complaint.pk, claim.pk, survey.pk,
                  *survey.recipients.values_list("pk", flat=True),
                  *survey.recipients.values_list("invitations__pk", flat=True)} - {None})
    return people, person, ids


@pytest.mark.parametrize("role", [Role.FINANCE, Role.PRODUCTION])
def test_no_page_export_pdf_or_endpoint_shows_finance_or_production_a_contacts_phone_or_email(
        client, demo_like, role, monkeypatch):
    from kesu.api.main import api as ninja_api
    from kesu.core import printing

    people, person, ids = demo_like
    printed: list[str] = []
    original = printing.text
    monkeypatch.setattr(printing, "text", lambda value: printed.append(str(value)) or original(value))
    secrets = (MOBILE, EMAIL, "58881234")
    client.force_login(people[role])
    client.raise_request_exception = False  # a page that fails shows nothing; the walk looks for leaks
    seen, failed = 0, []
    for route, converters in _routes(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "s/<", "accounts/password/reset/<")) or "logout" in route:
            continue
        for url in _fill(route, converters, ids):
            response = client.get(url)
            seen += response.status_code == 200
            failed += [url] if response.status_code >= 500 else []
            body = _text(response)
            leaked = [s for s in secrets if s in body or any(s in p for p in printed)]
            assert not leaked, f"{url} shows {leaked} to {role}"
            printed.clear()
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        for url in _fill(path.replace("{", "<").replace("}", ">").lstrip("/"), {}, ids):
            url = "/api/v1/" + url.lstrip("/").removeprefix("api/v1/")
            response = client.get(url)
            seen += response.status_code == 200
            failed += [url] if response.status_code >= 500 else []
            body = _text(response)
            leaked = [s for s in secrets if s in body or any(s in p for p in printed)]
            assert not leaked, f"{url} shows {leaked} to {role}"
            printed.clear()
    assert not failed, f"server errors for {role}: {failed}"  # a failing page would hide what it shows
    assert seen > 90  # the walk really reached the pages

    # The same walk would catch a leak: sales sees the contact's page in full.
    client.force_login(people[Role.SALESPERSON])
    body = _text(client.get(reverse("customers:contact_detail", args=[person.pk])))
    assert MOBILE in body and EMAIL in body
    assert Contact.objects.get(pk=person.pk).email == EMAIL
