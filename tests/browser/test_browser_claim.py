"""A customer claim from intake to payment in a real browser, in Simplified Chinese (issue 5, "done when").

A salesperson records the claim from the complaint page, lists the items,
uploads the claim letter, the invoices and the photos and submits it; the
vice GM proposes a settlement, the GM approves, the customer rejects it; a
higher second offer is approved and accepted; the vice GM records the
responsibility meeting (a supplier bears 60 %); finance computes the
settlement item by item and records the payment; purchasing sends the
supplier's charge-back, the vice GM records the agreement and purchasing the
recovery; the quality cost ledger shows gross 4,000, recovered 2,400, net 1,600.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, reveal, show_related
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.claims.choices import ClaimStatus, SupplierClaimStatus
from kesu.claims.models import Claim
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, bring_to, category
from kesu.customers.tests.factories import CustomerFactory, PartFactory, SupplierFactory

pytestmark = pytest.mark.browser


def step(page: Page, name: str, fields: dict | None = None, *, selects: dict | None = None) -> None:
    reveal(page, f"transition-{name}")
    form = page.locator(f"#transition-{name}")
    for field, value in (fields or {}).items():
        form.locator(f"[name='{name}-{field}']").fill(value)
    for field, value in (selects or {}).items():
        form.locator(f"select[name='{name}-{field}']").select_option(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator("[role=alert].alert-success")).to_be_visible()


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"#{form} button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator("[role=alert].alert-success")).to_be_visible()


def status_is(page: Page, selector: str, status) -> None:
    expect(page.locator(selector)).to_have_text(str(status.label))


def test_a_claim_walks_from_the_complaint_to_payment_and_recovery(page, live_server, company_a, tmp_path):
    from django.utils import translation

    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    sales, vice_gm, gm = people[Role.SALESPERSON], people[Role.VICE_GM], people[Role.GM]
    finance, purchasing, qa = people[Role.FINANCE], people[Role.PURCHASING], people[Role.QA]
    customer = CustomerFactory(company=company_a, code="K-CLM", name="无锡索赔机械有限公司", owner=sales)
    part = PartFactory(company=company_a, part_no="KT-CLM", name="泵体")
    supplier = SupplierFactory(company=company_a, code="S-CAST", name="常州精密铸造有限公司")
    complaint = bring_to(Status.ASSESSED, people, customer=customer, part=part, category=category(company_a),
                         defect_location="泵体", defect_nature="砂眼渗漏")
    today = timezone.localdate().isoformat()

    # -- the salesperson records the claim from the complaint ------------------------------------
    log_in(page, base, sales.username)
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    show_related(page)
    with page.expect_navigation():
        page.click("#record-claim")
    form = page.locator("#claim-form")
    expect(form.locator("[name=complaint]")).to_have_value(complaint.number)
    expect(form.locator("[name=customer]")).to_have_value("K-CLM")
    form.locator("[name=description]").fill("客户来函：泵体砂眼渗漏，要求赔偿更换泵体费用和工时。")
    form.locator("[name=customer_reference]").fill("WX-2026-031")
    form.locator("select[name='items-0-kind']").select_option("replacement_parts")
    form.locator("[name='items-0-description']").fill("更换泵体")
    form.locator("[name='items-0-quantity']").fill("3")
    form.locator("[name='items-0-unit_price']").fill("1000")
    form.locator("select[name='items-1-kind']").select_option("labour")
    form.locator("[name='items-1-description']").fill("拆装工时")
    form.locator("[name='items-1-quantity']").fill("10")
    form.locator("[name='items-1-unit_price']").fill("150")
    with page.expect_navigation():
        page.click("#save")
    expect(page.locator(".alert-danger")).to_have_count(0)
    claim = Claim.objects.get(number=page.locator("#claim-number").inner_text())
    assert claim.complaint == complaint and claim.customer == customer and claim.part == part
    detail = base + reverse("claims:detail", args=[claim.pk])
    status_is(page, "#claim-status", ClaimStatus.COLLECTING)
    expect(page.locator("#claimed-amount")).to_contain_text("4500.00")
    expect(page.locator("#missing-documents")).to_be_visible()

    for kind, name in (("claim_letter", "索赔函.pdf"), ("invoice", "发票.pdf"), ("photos", "照片.pdf")):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4\n% " + kind.encode() + b"\n%%EOF\n")
        page.select_option("#document-form select[name=kind]", kind)
        page.set_input_files("#document-form input[name=file]", str(path))
        submit(page, "document-form")
        expect(page.locator("#documents")).to_contain_text(name)
    expect(page.locator("#missing-documents")).to_have_count(0)
    step(page, "submit", {"note": "资料齐全，请分析"})
    status_is(page, "#claim-status", ClaimStatus.ANALYSING)
    log_out(page, base)

    # -- two rounds: proposed by the vice GM, approved by the GM, answered by the customer ---------
    for amount, answer in (("3000", "customer_rejects"), ("4000", "customer_accepts")):
        log_in(page, base, vice_gm.username)
        page.goto(detail)
        step(page, "propose", {"analysis": "泵体铸件砂眼，供应商铸造缺陷，我司进货检验漏检。",
                               "proposed_amount": amount}, selects={"proposed_outcome": "ours"})
        status_is(page, "#claim-status", ClaimStatus.AWAITING_APPROVAL)
        log_out(page, base)

        log_in(page, base, gm.username)
        page.goto(detail)
        step(page, "approve", {"note": "同意"})
        status_is(page, "#claim-status", ClaimStatus.NEGOTIATING)
        log_out(page, base)

        log_in(page, base, sales.username)
        page.goto(detail)
        if answer == "customer_rejects":
            step(page, answer, {"reason": "客户认为应赔偿全部工时"})
            status_is(page, "#claim-status", ClaimStatus.ANALYSING)
        else:
            step(page, answer, {"note": "客户邮件确认接受 4000 元"})
            status_is(page, "#claim-status", ClaimStatus.RESPONSIBILITY)
            expect(page.locator("#agreed-amount")).to_contain_text("4000.00")
        log_out(page, base)

    # -- the responsibility meeting, held by the GM (seed 000 §4.2.4): the supplier bears 60 % -----------
    log_in(page, base, gm.username)
    page.goto(detail)
    page.locator("#transition-fix_responsibility select[name='fix_responsibility-meeting_attendees']").select_option(
        [str(vice_gm.pk), str(qa.pk), str(purchasing.pk)])
    step(page, "fix_responsibility", {"supplier": "S-CAST", "supplier_share": "60",
                                      "meeting_conclusion": "铸件砂眼为供应商责任，承担 60%；我司加强进货检验。"},
         selects={"responsible_party": "supplier"})
    status_is(page, "#claim-status", ClaimStatus.SETTLING)
    expect(page.locator("#responsibility")).to_contain_text("S-CAST")
    log_out(page, base)

    # -- finance computes the settlement item by item and records the payment ----------------------
    log_in(page, base, finance.username)
    page.goto(detail)
    expect(page.locator("#rounds tbody tr")).to_have_count(2)
    replacement, labour = claim.items.order_by("pk")
    page.fill(f"#settlement-form [name=item_{replacement.pk}]", "3000")
    page.fill(f"#settlement-form [name=item_{labour.pk}]", "1000")
    submit(page, "settlement-form")
    expect(page.locator("#compensation-amount")).to_contain_text("4000.00")
    step(page, "settle", {"settled_on": today, "settlement_reference": "FK-2026-0088"},
         selects={"settlement_method": "payment"})
    status_is(page, "#claim-status", ClaimStatus.SETTLED)
    log_out(page, base)

    # -- purchasing sends the charge-back, the vice GM agrees it, purchasing recovers it -----------
    log_in(page, base, purchasing.username)
    page.goto(detail)
    link = page.locator("#supplier-claims a")
    expect(link).to_have_count(1)
    with page.expect_navigation():
        link.click()
    supplier_detail = page.url
    expect(page.locator("#supplier-amount")).to_contain_text("2400.00")
    step(page, "send", {"note": "索赔函已邮寄供应商"})
    status_is(page, "#supplier-claim-status", SupplierClaimStatus.SENT)
    log_out(page, base)

    log_in(page, base, vice_gm.username)
    page.goto(supplier_detail)
    step(page, "agree", {"agreed_amount": "2400", "note": "供应商同意全额承担"})
    status_is(page, "#supplier-claim-status", SupplierClaimStatus.AGREED)
    log_out(page, base)

    log_in(page, base, purchasing.username)
    page.goto(supplier_detail)
    step(page, "recover", {"recovered_amount": "2400", "recovered_on": today, "recovery_reference": "KK-2026-015"})
    status_is(page, "#supplier-claim-status", SupplierClaimStatus.RECOVERED)
    expect(page.locator("#recovered-amount")).to_contain_text("2400.00")
    log_out(page, base)

    # -- the quality cost ledger ---------------------------------------------------------------------
    log_in(page, base, finance.username)
    page.goto(base + reverse("claims:ledger"))
    expect(page.locator("#total-gross")).to_have_text("4000.00")
    expect(page.locator("#total-recovered")).to_have_text("2400.00")
    expect(page.locator("#total-net")).to_have_text("1600.00")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLED and claim.supplier == supplier
    assert claim.approved_by == gm
    assert [r.answer for r in claim.rounds.order_by("round_no")] == ["rejected", "accepted"]
