"""A customer contact uses the portal in a real browser (issue 23 "Done when", first part).

The contact, whose language is Traditional Chinese, signs in on the portal's own page, files a complaint on the
short feedback form with a photo, and sees it listed with its number and its status in plain words — all in
Traditional Chinese. Staff pages stay out of reach (404) for the portal session.
"""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from kesu.complaints.choices import Channel, Status
from kesu.complaints.models import Complaint
from kesu.customers.tests.factories import ContactFactory, CustomerFactory, PartFactory
from kesu.portal.models import PortalAccount
from kesu.portal.selectors import plain_status

pytestmark = pytest.mark.browser

PASSWORD = "Kesu-portal-2026!"


def taichung_contact(company, suffix: str):
    """A Taichung customer with a gear pump part and its quality contact, who reads Traditional Chinese and has a
    portal account; shared by the portal browser tests."""
    customer = CustomerFactory(company=company, code=f"K-{suffix}", name="臺中精密機械股份有限公司")
    part = PartFactory(company=company, customer=customer, part_no=f"GP-{suffix}", name="齒輪泵")
    contact = ContactFactory(customer=customer, name="陳品管", email="chen@taichung.example", language="zh-hant")
    account = PortalAccount(company=company, contact=contact, email=contact.email)
    account.set_password(PASSWORD)
    account.save()
    return customer, part, contact


def portal_sign_in(page, base: str, contact) -> None:
    """Sign in on the portal's own page and land in the contact's language."""
    page.goto(base + "/portal/login/")
    page.fill("#portal-login-form input[name=email]", contact.email)
    page.fill("#portal-login-form input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("#portal-login")
    expect(page.locator("html")).to_have_attribute("lang", contact.language)


def _photo(tmp_path, name: str):
    path = tmp_path / name
    Image.new("RGB", (320, 200), (180, 30, 30)).save(path, "PNG")
    return str(path)


def test_a_contact_signs_in_in_traditional_chinese_files_a_complaint_with_a_photo_and_sees_it_listed(
        page, live_server, company_a, tmp_path):
    from django.utils import translation

    base = live_server.url
    customer, part, contact = taichung_contact(company_a, "PORTAL")
    portal_sign_in(page, base, contact)
    with translation.override("zh-hant"):
        new_label, file_label = translation.gettext("File a complaint"), translation.gettext("Send the complaint")
        received = plain_status(Status.RECEIVED)
    expect(page.locator("#portal-new")).to_have_text(new_label)

    page.click("#portal-new")
    expect(page.locator("#portal-file")).to_have_text(file_label)
    form = page.locator("#portal-complaint-form")
    form.locator("select[name=part]").select_option(str(part.pk))
    form.locator("input[name=quantity_defective]").fill("4")
    form.locator("input[name=lot_number]").fill("L2026-12-01")
    form.locator("textarea[name=description]").fill("收貨檢驗發現泵體外殼有劃傷，共 4 台，附照片。")
    form.locator("input[type=file][name=files]").set_input_files(_photo(tmp_path, "劃傷.png"))
    with page.expect_navigation():
        page.click("#portal-file")

    complaint = Complaint.objects.get(customer=customer)
    assert complaint.channel == Channel.PORTAL and complaint.contact == contact
    expect(page.locator("h1")).to_contain_text(complaint.number)
    expect(page.locator("#portal-status")).to_have_text(received)
    expect(page.locator("#portal-timeline img.portal-thumb")).to_have_count(1)

    page.click("#portal-nav-list")
    row = page.locator("#portal-complaints tbody tr", has_text=complaint.number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(received)
    expect(row).to_contain_text("GP-PORTAL")

    # The portal session is confined: a staff page is simply not there.
    response = page.goto(base + "/complaints/")
    assert response.status == 404
