"""The customer property workflows through their services, and every refusal the same on the page and in the API.

Seed 000 §4.4: sales registers what the customer hands over, the keeping department follows the type, loans are
approved by sales (or need the customer's consent), damage is reported, remedied, told to the customer and costed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.accounts.roles import Role
from kesu.claims.models import CostEntry
from kesu.complaints.tests.factories import People
from kesu.core.workflow import OWN_PROPOSAL
from kesu.property import services
from kesu.property.choices import ItemStatus
from kesu.property.models import ControlledCopy, DamageReport, Loan, PropertyItem, PropertyItemChange
from kesu.property.tests.factories import new_item, new_loan

pytestmark = pytest.mark.django_db
R = Role


@pytest.fixture
def people(company_a):
    return People(company_a)


def test_the_keeping_department_follows_the_type_of_item(people):
    # Seed 000 §4.4.1: samples to production, drawings to engineering, documents and measuring equipment to QA.
    kinds = {t: new_item(people, item_type=t, description=t, calibration_due_on=(
        datetime.date(2027, 1, 4) if t == "gauge" else None)).keeper_department.kind
        for t in ("sample", "drawing", "document", "gauge")}
    assert kinds == {"sample": "production", "drawing": "engineering", "document": "qa", "gauge": "qa"}


def test_numbers_follow_the_company_pattern_and_year(people):
    first, second = new_item(people), new_item(people)
    assert (first.number, second.number) == ("CP-2026-0001", "CP-2026-0002") or first.number.endswith("-0001")
    assert second.number[-4:] == "0002"


def test_a_mould_lent_returned_damaged_is_reported_costed_and_follows_in_the_ledger(people):
    item = new_item(people)
    loan = new_loan(people, item)
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=loan, name="approve")
    loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="issue")
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="return", return_condition="damaged",
                                    return_note="分型面崩角 2 mm")
    item.refresh_from_db()
    assert (loan.status, item.status) == ("returned", "damaged")
    report = DamageReport.objects.get(loan=loan)
    assert (report.kind, report.description, report.status) == ("damaged", "分型面崩角 2 mm", "reported")
    steps = [("record_remedy", R.PRODUCTION, {"remedial_action": "补焊修模并试模 50 模次"}),
             ("notify_customer", R.SALESPERSON, {"communication": "12 月 3 日邮件发出书面通知"}),
             ("record_answer", R.SALESPERSON, {"customer_answer": "同意修复，费用由责任部门承担"}),
             ("book_cost", R.FINANCE, {"bearer": "department", "cost_amount": Decimal("1200.00")})]
    for name, role, inputs in steps:
        report = services.damage_transition(actor=people[role], report=report, name=name, **inputs)
    entry = CostEntry.objects.get(pk=report.cost_entry_id)
    assert (report.status, entry.amount, entry.bearer, entry.department_id) == (
        "closed", Decimal("1200.00"), "department", people[R.PRODUCTION].department_id)
    assert list(PropertyItemChange.objects.filter(item=item).values_list("name", flat=True)) == [
        "create", "lend", "take_back", "mark_damaged"]


def test_a_loss_report_marks_the_item_lost(people):
    item = new_item(people)
    services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "lost", "description": "搬迁后找不到", "happened_on": datetime.date(2026, 12, 1)})
    item.refresh_from_db()
    assert item.status == ItemStatus.LOST


def test_superseding_a_revision_recalls_every_copy_and_each_holder_confirms(people):
    customer = new_item(people).customer
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company,
        data={"number": "DWG-GP20-001", "kind": "drawing", "customer": customer, "title": "前盖"},
        revision="B", received_on=datetime.date(2026, 11, 2))
    revision_b = document.revisions.get()
    copies = services.copies_issue(actor=people[R.ENGINEERING], revision=revision_b,
                                   departments=[people[R.PRODUCTION].department, people[R.QA].department])
    services.revision_add(actor=people[R.ENGINEERING], document=document, revision="C",
                          received_on=datetime.date(2026, 12, 1))
    assert sorted(ControlledCopy.objects.filter(revision=revision_b).values_list("status", flat=True)) == [
        "recalling", "recalling"]
    for copy in copies:
        copy.refresh_from_db()
    services.copy_transition(actor=people[R.PRODUCTION], copy=copies[0], name="confirm_returned")
    services.copy_transition(actor=people[R.QA], copy=copies[1], name="confirm_destroyed")
    assert sorted(ControlledCopy.objects.filter(revision=revision_b).values_list("status", flat=True)) == [
        "destroyed", "returned"]
    assert list(document.revisions.values_list("revision", "status")) in (
        [("C", "current"), ("B", "superseded")], [("B", "superseded"), ("C", "current")])


def test_inventory_differences_become_damage_and_loss_reports(people):
    kept, missing = new_item(people), new_item(people, description="检具")
    check = services.inventory_start(actor=people[R.SALESPERSON], company=people.company, year=2026)
    for line in check.lines.all():
        result = "missing" if line.item_id == missing.pk else "present"
        services.inventory_confirm(actor=people[R.PRODUCTION], line=line, result=result,
                                   condition_note="盘点未找到" if result == "missing" else "")
    services.inventory_close(actor=people[R.SALESPERSON], check=check)
    missing.refresh_from_db()
    kept.refresh_from_db()
    assert (missing.status, kept.status) == ("lost", "received")
    assert DamageReport.objects.get(item=missing).kind == "lost"


def test_an_inventory_check_moves_through_its_table_with_status_change_rows(people):
    from kesu.core import work
    from kesu.core.services import TransitionRefused
    from kesu.property.models import InventoryCheckChange

    new_item(people)
    starter = people[R.QA]
    check = services.inventory_start(actor=starter, company=people.company, year=2026)
    with translation.override("zh-hans"), pytest.raises(TransitionRefused) as refused:
        services.inventory_close(actor=people[R.SALESPERSON], check=check)
    with translation.override("zh-hans"):
        assert refused.value.message == _("%(count)s items are not confirmed yet.") % {"count": 1}
    assert not [i for i in work.waiting_for(check) if i.action == "close_inventory"]
    for line in check.lines.all():
        services.inventory_confirm(actor=people[R.PRODUCTION], line=line, result="present")
    # Every line confirmed: the check now waits for whoever started it to close it.
    [waiting] = [i for i in work.waiting_for(check) if i.action == "close_inventory"]
    assert waiting.assignee == starter
    with pytest.raises(TransitionRefused):
        services.inventory_close(actor=people[R.PRODUCTION], check=check)  # production does not close it
    check = services.inventory_close(actor=people[R.SALESPERSON], check=check, note="全部在库")
    assert (check.status, check.version) == ("closed", 2) and check.closed_at is not None
    assert list(InventoryCheckChange.objects.filter(check_run=check).values_list("name", "old_status", "new_status",
                                                                                  "note")) == [
        ("start", "", "open", ""), ("close", "open", "closed", "全部在库")]
    with pytest.raises(TransitionRefused):
        services.inventory_close(actor=people[R.SALESPERSON], check=check)


# -- every refusal: the page and the API say the same ---------------------------------------------------------------


def _page_message(client, user, url, data) -> str:
    from kesu.core.tests.panels import said

    client.force_login(user)
    # A refused step comes back on its page as it was filled (422), or, when the page offers it no form (a step
    # of another state or role), as a message on the redirected page.
    response = client.post(url, data)
    if response.status_code == 302:
        page = client.get(response["Location"])
        errors = [str(m) for m in page.context["messages"] if m.level_tag == "error"]
    else:
        errors = said(response)
    assert len(errors) == 1, errors
    return errors[0]


def _api_message(api, user, path, action, inputs) -> tuple[int, str, list]:
    response = api(user).post(path, {"action": action, "inputs": inputs})
    body = response.json()
    return response.status_code, body["detail"][0]["msg"], body["detail"][0]["loc"]


def _refusal(client, api, user, kind, record, action, inputs):
    urls = {"item": ("property:item_step", "items"), "loan": ("property:loan_step", "loans"),
            "damage": ("property:damage_step", "damage-reports"), "copy": ("property:copy_step", "copies")}
    page_url, api_segment = urls[kind]
    page = _page_message(client, user, reverse(page_url, args=[record.pk, action]),
                         {f"{action}-{k}" if kind != "copy" else k: v for k, v in inputs.items()})
    status, message, loc = _api_message(api, user, f"/api/v1/property/{api_segment}/{record.pk}/transitions",
                                        action, inputs)
    assert page == message
    return status, message, loc


def _set(record, **fields):
    type(record).objects.filter(pk=record.pk).update(**fields)
    record.refresh_from_db()
    return record


def _wrong_state(action, record_noun, status):
    return _("“%(action)s” is not possible while the %(record)s is “%(status)s”.") % {
        "action": action, "record": record_noun, "status": status}


def _wrong_role(action):
    return _("Your role may not “%(action)s”.") % {"action": action}


def _required(field, action):
    return _("%(field)s is required to “%(action)s”.") % {"field": field.capitalize(), "action": action}


def test_every_item_refusal_is_the_same_on_page_and_api(people, client, api):
    item = new_item(people)
    with translation.override("zh-hans"):
        _set(item, status="on_loan")
        assert _refusal(client, api, people[R.PRODUCTION], "item", item, "put_in_use", {})[:2] == (
            409, _wrong_state(_("Put into use"), _("customer property item"), _("On loan")))
        _set(item, status="in_use")
        assert _refusal(client, api, people[R.PRODUCTION], "item", item, "return_to_customer",
                        {"disposal_note": "x"})[:2] == (403, _wrong_role(_("Return to the customer")))
        assert _refusal(client, api, people[R.SALESPERSON], "item", item, "scrap", {}) == (
            422, _required(_("return or disposal note"), _("Scrap with the customer's consent")),
            ["body", "disposal_note"])
        assert _refusal(client, api, people[R.SALESPERSON], "item", item, "lend", {})[1] == _(
            "“%(action)s” is done through a loan or a damage report.") % {"action": _("Lend out")}
        _set(item, status="damaged")
        assert _refusal(client, api, people[R.PRODUCTION], "item", item, "repaired", {})[1] == _required(
            _("note"), _("Repaired, back in use"))
        _set(item, status="in_use")
        loan = new_loan(people, item)
        assert _refusal(client, api, people[R.SALESPERSON], "item", item, "return_to_customer",
                        {"disposal_note": "快递退回"})[1] == _(
            "Loan %(number)s of this item is still open; finish or cancel it first.") % {"number": loan.number}


def test_every_loan_refusal_is_the_same_on_page_and_api(people, client, api):
    with translation.override("zh-hans"):
        own = new_loan(people, borrower_role=R.SALESPERSON)
        assert _refusal(client, api, people[R.SALESPERSON], "loan", own, "approve", {})[1] == str(OWN_PROPOSAL)
        consent_item = new_item(people, loan_needs_consent=True)
        loan = new_loan(people, consent_item)
        assert _refusal(client, api, people[R.SALESPERSON], "loan", loan, "approve", {}) == (
            422, _("This item is lent only with the customer's consent: record who agreed, when and how."),
            ["body", "customer_consent"])
        assert _refusal(client, api, people[R.SALESPERSON], "loan", loan, "reject", {})[1] == _required(
            _("reason"), _("Refuse the loan"))
        assert _refusal(client, api, people[R.QA], "loan", loan, "cancel", {"reason": "不需要了"})[1] == _(
            "Only the borrower or sales may cancel a loan.")
        assert _refusal(client, api, people[R.PRODUCTION], "loan", loan, "issue", {})[:2] == (
            409, _wrong_state(_("Issue the item"), _("loan"), _("Requested")))
        _set(loan, status="approved")
        assert _refusal(client, api, people[R.FINANCE], "loan", loan, "issue", {})[:2] == (
            403, _wrong_role(_("Issue the item")))
        _set(consent_item, status="lost")
        assert _refusal(client, api, people[R.PRODUCTION], "loan", loan, "issue", {})[1] == _(
            "The item is “%(status)s” and cannot be issued.") % {"status": _("Lost, not found")}
        _set(consent_item, status="on_loan")
        _set(loan, status="issued")
        assert _refusal(client, api, people[R.PRODUCTION], "loan", loan, "return",
                        {"return_condition": "damaged"}) == (
            422, _("Describe the damage found on return."), ["body", "return_note"])


def test_every_damage_refusal_is_the_same_on_page_and_api(people, client, api):
    item = new_item(people)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "跌落", "happened_on": datetime.date(2026, 12, 1)})
    with translation.override("zh-hans"):
        assert _refusal(client, api, people[R.SALESPERSON], "damage", report, "notify_customer",
                        {"communication": "电话"})[:2] == (
            409, _wrong_state(_("Record that the customer was notified"), _("damage report"), _("Reported")))
        assert _refusal(client, api, people[R.PRODUCTION], "damage", report, "record_remedy", {}) == (
            422, _required(_("remedial action"), _("Record the remedial action")), ["body", "remedial_action"])
        assert _refusal(client, api, people[R.FINANCE], "damage", report, "record_remedy",
                        {"remedial_action": "x"})[:2] == (403, _wrong_role(_("Record the remedial action")))
        _set(report, status="answered")
        assert _refusal(client, api, people[R.FINANCE], "damage", report, "book_cost",
                        {"bearer": "company", "cost_amount": "0"}) == (
            422, _("The amount must be more than 0."), ["body", "cost_amount"])
        assert _refusal(client, api, people[R.QA], "damage", report, "book_cost",
                        {"bearer": "company", "cost_amount": "10"})[:2] == (403, _wrong_role(_("Book the cost and close")))
        assert _refusal(client, api, people[R.SALESPERSON], "damage", report, "close_without_cost", {})[1] == (
            _required(_("reason"), _("Close without a cost")))


def test_every_copy_refusal_is_the_same_on_page_and_api(people, client, api):
    customer = new_item(people).customer
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company,
        data={"number": "DWG-9", "kind": "drawing", "customer": customer, "title": "后盖"},
        revision="A", received_on=datetime.date(2026, 11, 2))
    copy = services.copies_issue(actor=people[R.ENGINEERING], revision=document.revisions.get(),
                                 departments=[people[R.PRODUCTION].department])[0]
    with translation.override("zh-hans"):
        assert _refusal(client, api, people[R.PRODUCTION], "copy", copy, "confirm_returned", {})[:2] == (
            409, _wrong_state(_("Confirm the copy was returned"), _("controlled copy"), _("Issued to the holder")))
        assert _refusal(client, api, people[R.PRODUCTION], "copy", copy, "recall", {})[:2] == (
            403, _wrong_role(_("Recall the copy")))
        _set(copy, status="recalling")
        assert _refusal(client, api, people[R.QA], "copy", copy, "confirm_destroyed", {})[1] == _(
            "Only the holding department (%(department)s) confirms its copy.") % {
            "department": people[R.PRODUCTION].department}


def test_a_second_loan_request_is_refused_with_the_open_loan_named(people, client, api):
    item = new_item(people)
    first = new_loan(people, item)
    response = api(people[R.QA]).post(f"/api/v1/property/items/{item.pk}/loans", {
        "purpose": "检测", "borrow_from": "2026-12-01", "expected_return_on": "2026-12-02"})
    with translation.override("zh-hans"):
        expected = _("This item is already on loan or asked for (loan %(number)s); it cannot be lent twice at once.") % {
            "number": first.number}
    assert (response.status_code, response.json()["detail"][0]["msg"]) == (422, expected)
    client.force_login(people[R.QA])
    page = client.post(reverse("property:loan_request", args=[item.pk]), {
        "loan-purpose": "检测", "loan-borrow_from": "2026-12-01", "loan-expected_return_on": "2026-12-02"},
        follow=True)
    assert any(expected in str(m) for m in page.context["messages"])
    assert Loan.objects.filter(item=item).count() == 1


# -- who sees what ------------------------------------------------------------------------------------------------


def test_outsiders_get_404_from_every_page_and_endpoint(people, client, api, outsider):
    item = new_item(people)
    loan = new_loan(people, item)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "跌落", "happened_on": datetime.date(2026, 12, 1)})
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company,
        data={"number": "DWG-7", "kind": "drawing", "customer": item.customer, "title": "后盖"},
        revision="A", received_on=datetime.date(2026, 11, 2))
    client.force_login(outsider)
    for url in (reverse("property:item_detail", args=[item.pk]), reverse("property:loan_detail", args=[loan.pk]),
                reverse("property:damage_detail", args=[report.pk]), reverse("property:loan_slip", args=[loan.pk]),
                reverse("property:damage_notice", args=[report.pk]),
                reverse("property:document_detail", args=[document.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("property:loan_step", args=[loan.pk, "approve"])).status_code == 404
    for path in (f"/api/v1/property/items/{item.pk}", f"/api/v1/property/loans/{loan.pk}",
                 f"/api/v1/property/damage-reports/{report.pk}", f"/api/v1/property/documents/{document.pk}"):
        assert api(outsider).get(path).status_code == 404, path
    assert api(outsider).post(f"/api/v1/property/loans/{loan.pk}/transitions", {"action": "approve"}).status_code == 404
    assert client.get(reverse("property:index")).context["page"].paginator.count == 0


def test_a_secret_item_is_hidden_from_other_departments_unless_their_role_is_named(people, client, api):
    secret = new_item(people, item_type="document", confidentiality="secret", description="客户工艺秘方")
    assert secret.keeper_department.kind == "qa"
    assert api(people[R.PRODUCTION]).get(f"/api/v1/property/items/{secret.pk}").status_code == 404
    assert api(people[R.QA]).get(f"/api/v1/property/items/{secret.pk}").status_code == 200
    PropertyItem.objects.filter(pk=secret.pk).update(access_roles="engineering,production")
    assert api(people[R.PRODUCTION]).get(f"/api/v1/property/items/{secret.pk}").status_code == 200


def test_a_role_without_the_grant_gets_403_from_the_api(people, api):
    response = api(people[R.PRODUCTION]).post("/api/v1/property/documents", {
        "customer_id": new_item(people).customer_id, "number": "X", "title": "x", "revision": "A",
        "received_on": "2026-12-01"})
    assert response.status_code == 403


def test_a_corrective_action_is_raised_through_the_capa_service_once(people, api):
    from kesu.capa.models import CorrectiveAction

    item = new_item(people)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "叉车撞击模具", "happened_on": datetime.date(2026, 12, 1)})
    response = api(people[R.QA]).post(f"/api/v1/property/damage-reports/{report.pk}/actions")
    assert response.status_code == 201, response.json()
    action = CorrectiveAction.objects.get(pk=response.json()["id"])
    report.refresh_from_db()
    assert (report.capa_id, action.customer_id, action.responsible_department_id) == (
        action.pk, item.customer_id, item.keeper_department_id)
    again = api(people[R.QA]).post(f"/api/v1/property/damage-reports/{report.pk}/actions")
    assert again.status_code == 422


def test_the_waiting_work_reaches_sales_then_the_keeper_then_the_borrower(people):
    from kesu.core import work

    loan = new_loan(people)

    def who():
        return [(i.action, sorted(u.username for u in work.resolve_users(i))) for i in work.waiting_for(loan)]

    assert who() == [("approve", [people[R.SALESPERSON].username])]
    loan = services.loan_transition(actor=people[R.SALES_ASSISTANT], loan=loan, name="approve")
    assert who() == [("issue", [people[R.PRODUCTION].username])]
    loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="issue")
    assert who() == [("return", [loan.requested_by.username])]


def test_the_yearly_inventory_check_opens_in_december_once_per_company(people, company_b):
    item = new_item(people)
    assert services.inventories_start_yearly(datetime.date(2026, 11, 30)) == []
    started = services.inventories_start_yearly(datetime.date(2026, 12, 1))
    assert [(c.company_id, c.year, [line.item_id for line in c.lines.all()]) for c in started] == [
        (people.company.pk, 2026, [item.pk])]
    assert services.inventories_start_yearly(datetime.date(2026, 12, 2)) == []


def test_starting_the_inventory_tells_the_keeping_departments(people, django_capture_on_commit_callbacks):
    from kesu.notifications.models import Notification

    new_item(people)  # kept by production
    people[R.FINANCE]
    with django_capture_on_commit_callbacks(execute=True):
        services.inventory_start(actor=people[R.SALESPERSON], company=people.company, year=2026)
    told = set(Notification.objects.filter(event="property_transitioned").values_list("recipient__username", flat=True))
    assert told == {people[R.PRODUCTION].username}
