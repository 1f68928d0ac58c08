"""Intake as a salesperson does it (issue 17 §1, "Done when"), in zh-Hans at 1440×900 and 390×844: the customer
found by a fragment of its name, the part by its pinyin initials, both chosen from the list, two photos attached
on the form itself; the complaint is saved with them and the photos show as thumbnails on the record."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.browser


def _photo(tmp_path, name: str, colour: tuple[int, int, int]):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _choose(page: Page, field: str, typed: str, option_text: str) -> None:
    search = page.locator(f"#complaint-form input[name={field}][data-lookup-search]")
    search.click()
    search.press_sequentially(typed, delay=40)
    option = page.locator(f"#id_{field}_options [data-lookup-choice]", has_text=option_text)
    expect(option).to_have_count(1)
    option.click()
    expect(search).not_to_have_value(typed)  # the record's name and code replace what was typed


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_complaint_is_recorded_by_name_and_initials_with_two_photos(page, live_server, company_a, tmp_path, size):
    from django.utils import translation

    translation.activate("zh-hans")
    width, height = size
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    tydl = CustomerFactory(company=company_a, code=f"K-TY{width}", name="泰越动力机械有限公司", short_name="泰越动力",
                           owner=sales)
    CustomerFactory(company=company_a, code=f"K-HX{width}", name="华星泵业有限公司", owner=sales)
    seal = PartFactory(company=company_a, part_no=f"P-MFQ{width}", name="密封圈", customer=tydl)
    PartFactory(company=company_a, part_no=f"P-CL{width}", name="齿轮", customer=tydl)
    log_in(page, live_server.url, sales.username)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/complaints/new/")

    page.select_option("#complaint-form select[name=channel]", "phone")
    _choose(page, "customer", "泰越", "泰越动力")
    _choose(page, "part", "mfq", "密封圈")
    page.fill("#complaint-form [name=quantity_shipped]", "500")
    page.fill("#complaint-form [name=quantity_defective]", "2")
    page.fill("#complaint-form [name=defect_location]", "密封圈唇口")
    page.fill("#complaint-form [name=defect_nature]", "渗油")
    page.fill("#complaint-form [name=description]", "客户来电：装机后密封圈渗油，共 2 件，附照片。")
    page.set_input_files("#complaint-form input[type=file][name=files]",
                         [_photo(tmp_path, "渗油-1.png", (200, 40, 40)), _photo(tmp_path, "渗油-2.png", (40, 40, 200))])
    expect(page.locator("[data-dropzone-files]")).to_contain_text("渗油-2.png")
    with page.expect_navigation():
        page.click("#save")

    number = page.locator("#complaint-number").inner_text()
    made = Complaint.objects.get(number=number)
    assert (made.customer, made.part) == (tydl, seal)
    assert sorted(made.attachments.values_list("name", flat=True)) == ["渗油-1.png", "渗油-2.png"]
    expect(page.locator("img.img-thumbnail[alt='渗油-1.png']").first).to_be_attached()
    expect(page.locator("img.img-thumbnail[alt='渗油-2.png']").first).to_be_attached()
