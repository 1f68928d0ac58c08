"""A customer contact's whole journey through the portal, in a real browser (issue 23 "Done when", first item).

The contact, whose language is Traditional Chinese, signs in on the portal and files a complaint with a photo; the
acknowledgement goes out by itself (the company's customer-message templates) and is read back, with the complaint
number, from a real SMTP server in the test process, delivered by the outbox job the worker runs. Staff act through
the services their pages use, and after each step the portal page shows the new status in plain words and the
milestone. The contact rejects the first remedy with a reason and accepts the second on the portal page; after the
closure the survey link arrives by e-mail and the contact answers it. Last, QA opens the complaint on the staff
side: every step is on the timeline, the contact's own ones with the portal as channel.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect
from smtp_sink import SmtpSink  # tests/browser is on sys.path (pytest rootdir mode)
from test_browser_portal import portal_sign_in, taichung_contact
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.choices import Channel, Status, TimelineKind
from kesu.complaints.models import Complaint, TimelineEntry
from kesu.complaints.tests.factories import People, act
from kesu.portal.selectors import plain_status
from kesu.surveys.choices import AnswerChannel
from kesu.surveys.models import Answer
from kesu.surveys.tests.factories import ask_after_closure

pytestmark = pytest.mark.browser

DESCRIPTION = "收貨檢驗發現泵體外殼有劃傷，共 4 台，附照片。"
FIRST_REMEDY = "補發 4 台新泵，劃傷件由貴司自行處理。"
REJECTION = "劃傷件需由貴司收回並出具分析報告。"
SECOND_REMEDY = "免費更換 4 台並收回劃傷件，兩周內提交 8D 報告。"


def _photo(tmp_path) -> str:
    path = tmp_path / "劃傷.png"
    Image.new("RGB", (320, 200), (180, 30, 30)).save(path, "PNG")
    return str(path)


def _deliver() -> None:
    """What ``kesu worker`` does every half minute: the outbox job sends the due mail over SMTP."""
    from kesu.core.jobs import REGISTRY, autodiscover

    autodiscover()
    REGISTRY["notifications.send_outbox"].func()


def _portal_shows(page: Page, status: str) -> None:
    """The portal page, reloaded, says where the complaint is in plain words and lists it as a milestone."""
    from django.utils import translation

    page.reload()
    with translation.override("zh-hant"):
        words = plain_status(status)
    expect(page.locator("#portal-status")).to_have_text(words)
    expect(page.locator("#portal-milestones li").last).to_contain_text(words)


def _staff(complaint: Complaint, action: str, people: People, **inputs) -> Complaint:
    """A staff step through the same service the complaint page calls, on the complaint as it is now."""
    return act(Complaint.objects.get(pk=complaint.pk), action, people, **inputs)


def _decide(page: Page, decision: str, reason: str = "") -> None:
    form = page.locator("#portal-decision")
    expect(form).to_be_visible()
    form.locator("select[name=decision]").select_option(decision)
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    with page.expect_navigation():
        page.click("#portal-decide")
    expect(page.locator("#portal-decision")).to_have_count(0)


def test_a_contact_files_follows_decides_and_answers_the_survey_and_staff_see_every_step(
        page, browser, live_server, company_a, tmp_path, settings):
    from django.utils import translation

    base = live_server.url
    people = People(company_a)
    qa = people[Role.QA]  # also who owns the post-closure survey
    customer, part, contact = taichung_contact(company_a, "JOURNEY")
    template = ask_after_closure(company_a, threshold=None)

    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with sink:
        # -- the contact signs in and files a complaint with a photo ---------------------------------
        portal_sign_in(page, base, contact)
        page.click("#portal-new")
        form = page.locator("#portal-complaint-form")
        form.locator("select[name=part]").select_option(str(part.pk))
        form.locator("input[name=quantity_defective]").fill("4")
        form.locator("input[name=lot_number]").fill("L2026-12-05")
        form.locator("textarea[name=description]").fill(DESCRIPTION)
        form.locator("input[type=file][name=files]").set_input_files(_photo(tmp_path))
        with page.expect_navigation():
            page.click("#portal-file")
        complaint = Complaint.objects.get(customer=customer)
        assert complaint.channel == Channel.PORTAL
        expect(page.locator("h1")).to_contain_text(complaint.number)
        expect(page.locator("#portal-timeline img.portal-thumb")).to_have_count(1)
        _portal_shows(page, Status.RECEIVED)

        # -- the acknowledgement arrives by itself, quoting the number, in the contact's language -------
        _deliver()
        acks = sink.to(contact.email)
        assert len(acks) == 1
        assert acks[0].subject == f"已收到您的投訴 {complaint.number}"
        assert f"編號 {complaint.number}" in acks[0].body

        # -- staff act; the portal follows in plain words ---------------------------------------------
        for action, status in (("acknowledge", Status.ACKNOWLEDGED), ("assess", Status.ASSESSED),
                               ("start_sales_handling", Status.SALES_HANDLING)):
            complaint = _staff(complaint, action, people, **({"channel": Channel.EMAIL}
                                                              if action == "acknowledge" else {}))
            _portal_shows(page, status)
        complaint = _staff(complaint, "propose_remedy", people, remedy_text=FIRST_REMEDY)
        _portal_shows(page, Status.REMEDY_PROPOSED)
        expect(page.locator("#portal-decision")).to_have_count(0)  # not before it is approved
        complaint = _staff(complaint, "approve_remedy", people)
        _portal_shows(page, Status.REMEDY_APPROVED)

        # -- the contact rejects the first remedy with a reason ---------------------------------------
        expect(page.locator("#portal-decision")).to_contain_text(FIRST_REMEDY)
        _decide(page, "reject", REJECTION)
        _portal_shows(page, Status.CUSTOMER_REJECTED)
        expect(page.locator("#portal-remedies")).to_contain_text(REJECTION)

        # -- a second remedy, accepted -------------------------------------------------------------------
        complaint = _staff(complaint, "propose_remedy", people, remedy_text=SECOND_REMEDY)
        complaint = _staff(complaint, "approve_remedy", people)
        _portal_shows(page, Status.REMEDY_APPROVED)
        expect(page.locator("#portal-decision")).to_contain_text(SECOND_REMEDY)
        _decide(page, "accept")
        _portal_shows(page, Status.REMEDY_ACCEPTED)
        complaint = _staff(complaint, "complete_remedy", people)
        _portal_shows(page, Status.REMEDY_DONE)
        complaint = _staff(complaint, "close", people)
        _portal_shows(page, Status.CLOSED)
        with translation.override("zh-hant"):
            reached = [plain_status(s) for s in (
                Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSED, Status.REMEDY_PROPOSED,
                Status.REMEDY_APPROVED, Status.CUSTOMER_REJECTED, Status.REMEDY_PROPOSED, Status.REMEDY_APPROVED,
                Status.REMEDY_ACCEPTED, Status.REMEDY_DONE, Status.CLOSED)]
        # Assessed and handled in sales read alike to the customer: one milestone.
        expect(page.locator("#portal-milestones li")).to_have_count(len(reached))
        for item, words in zip(page.locator("#portal-milestones li").all(), reached, strict=True):
            expect(item).to_contain_text(words)

        # -- the survey link arrives by e-mail; the contact answers it -----------------------------------
        _deliver()
        with_link = [m for m in sink.to(contact.email) if "/s/" in m.body]
        assert len(with_link) == 1
        token = re.search(r"/s/([^/\s]+)/", with_link[0].body).group(1)
        response = page.goto(base + reverse("survey_link", args=[token]))
        assert response.status == 200
        expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
        answer_form = page.locator("#answer-form")
        for section in template.sections.order_by("position"):
            for item in section.items.order_by("position"):
                answer_form.locator(f"input[name='item_{item.pk}'][value='0']").check()  # the best mark
        with page.expect_navigation():
            page.click("#submit-answer")
        expect(page.locator("#thanks")).to_be_visible()
        answer = Answer.objects.get(campaign__complaint=complaint)
        assert answer.channel == AnswerChannel.LINK and answer.respondent == contact.name
        # Every message reached the sink once (acknowledgement, progress, decisions, closure, survey).
        message_ids = [m.message["Message-ID"] for m in sink.to(contact.email)]
        assert len(message_ids) == len(set(message_ids)) == 6

    # -- QA sees every step on the staff side, the contact's with the portal as channel -------------------
    staff = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    staff.set_default_timeout(15_000)
    try:
        staff_page = staff.new_page()
        log_in(staff_page, base, qa.username)
        staff_page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
        timeline = staff_page.locator("#timeline > li")
        with translation.override("zh-hans"):
            portal, by_mail = str(Channel.PORTAL.label), str(Channel.EMAIL.label)
            step = str(TimelineKind.TRANSITION.label)
        steps = TimelineEntry.objects.filter(complaint=complaint, kind=TimelineKind.TRANSITION).count()
        assert steps == 11  # acknowledge … close, the two decisions included
        expect(timeline.filter(has_text=step)).to_have_count(steps)
        # From the portal: the description as filed, the photo, then the rejection and the acceptance, each as
        # the step itself and as the customer's message.
        from_portal = timeline.filter(has_text=f" · {portal}")
        expect(from_portal).to_have_count(6)
        expect(from_portal.nth(0)).to_contain_text(DESCRIPTION)
        expect(from_portal.nth(1).locator("img")).to_have_count(1)
        expect(from_portal.nth(2)).to_contain_text(REJECTION)
        expect(timeline.filter(has_text=f" · {by_mail}").filter(has_text=acks[0].subject)).to_have_count(1)
        rejected = timeline.filter(has_text=step).filter(has_text=REJECTION)
        expect(rejected).to_have_count(1)
        expect(rejected).to_contain_text(portal)
    finally:
        staff.close()
