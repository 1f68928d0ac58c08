"""Campaigns: recipients by rule with reasons, personal links, reminders in working days, imports."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.roles import Role
from kesu.customers.tests.factories import CustomerFactory, ShipmentFactory
from kesu.notifications.models import OutboxMail
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, InclusionReason
from kesu.surveys.models import Answer

from .factories import campaign, choices_for, customer_with_business

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_recipients_are_every_customer_with_business_and_always_the_top_ones_with_reasons(people):
    big = customer_with_business(people, quantity=900)
    small = [customer_with_business(people, quantity=10 + i) for i in range(3)]
    idle = CustomerFactory(company=people.company)
    ShipmentFactory(customer=idle, ship_date=datetime.date(2025, 6, 1))  # business only last year
    c = campaign(people, customers=0, top_customers=2)
    rows = {r.customer_id: r for r in c.recipients.all()}
    assert rows[big.pk].reasons == [InclusionReason.SHIPPED, InclusionReason.TOP_SALES] and rows[big.pk].included
    assert rows[big.pk].sales_rank == 1
    assert [rows[s.pk].included for s in small] == [True, True, True]
    assert sum(InclusionReason.TOP_SALES in rows[s.pk].reasons for s in small) == 1
    assert rows[idle.pk].reasons == [InclusionReason.NO_BUSINESS] and not rows[idle.pk].included
    services.recipient_set(actor=people[Role.GENERAL_OFFICE], campaign=c, customer=idle, included=True,
                           note="重要潜在客户")
    services.campaign_recompute(actor=people[Role.GENERAL_OFFICE], campaign=c)
    idle_row = c.recipients.get(customer=idle)
    assert idle_row.included and idle_row.reasons[-1] == InclusionReason.ADDED and idle_row.note == "重要潜在客户"
    with pytest.raises(ValidationError) as error:
        services.recipient_set(actor=people[Role.GENERAL_OFFICE], campaign=c, customer=big, included=False, note="")
    assert "note" in error.value.message_dict


def test_opening_mails_each_contact_a_personal_link_in_their_language(people):
    customer_with_business(people, language="zh-hant")
    customer_with_business(people, email=False)
    c = campaign(people, customers=0)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    mail = OutboxMail.objects.get()
    assert c.name in mail.subject
    assert "/s/" in mail.body
    token = mail.body.split("/s/")[1].split("/")[0]
    invitation = services.invitation_from_token(token)
    assert invitation.language == "zh-hant"


def _link(people):
    c = campaign(people, customers=1)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    body = OutboxMail.objects.get().body
    return c, body.split("/s/")[1].split("/")[0]


def test_a_link_answers_once_and_a_reused_altered_or_expired_link_is_refused(people):
    c, token = _link(people)
    invitation = services.invitation_from_token(token)
    services.answer_submit(actor=None, recipient=invitation.recipient, invitation=invitation,
                           choices=choices_for(c.template, [0] * 7))
    with pytest.raises(services.LinkRefused) as refused:
        services.invitation_from_token(token)
    assert refused.value.reason == "used"
    with pytest.raises(ValidationError):  # even past the page's check, the service refuses a second answer
        services.answer_submit(actor=None, recipient=invitation.recipient, invitation=invitation,
                               choices=choices_for(c.template, [1] * 7))
    assert Answer.objects.count() == 1
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(services.LinkRefused) as refused:
        services.invitation_from_token(altered)
    assert refused.value.reason == "invalid"


def test_an_expired_link_is_refused(people):
    c, token = _link(people)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=31)):
        with pytest.raises(services.LinkRefused) as refused:
            services.invitation_from_token(token)
    assert refused.value.reason == "expired"


def test_staff_must_say_the_channel_and_every_item_is_needed(people):
    c = campaign(people, customers=1)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    recipient = c.recipients.get(included=True)
    with pytest.raises(ValidationError) as error:
        services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient,
                               choices=choices_for(c.template, [0] * 7))
    assert "channel" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # the portal is the customer's own channel, as the link is
        services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient, channel=AnswerChannel.PORTAL,
                               choices=choices_for(c.template, [0] * 7))
    assert "channel" in error.value.message_dict
    choices = choices_for(c.template, [0] * 7)
    first = next(iter(choices))
    choices[first] = None
    with pytest.raises(ValidationError) as error:
        services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient, channel=AnswerChannel.PHONE,
                               choices=choices)
    assert f"item_{first}" in error.value.message_dict
    with pytest.raises(PermissionDenied, match="Your role may not do this"):  # production enters no answers
        services.answer_submit(actor=people[Role.PRODUCTION], recipient=recipient, channel=AnswerChannel.PHONE,
                               choices=choices_for(c.template, [0] * 7))


def test_reminders_wait_two_working_days_across_national_day_and_are_sent_once(people):
    # Opened on Monday 28 September 2026 at 10:00; National Day runs 1–7 October, Saturday 10 October is a
    # make-up working day. Two working days after the 28th is the 30th at 10:00.
    with time_machine.travel(datetime.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI), tick=False):
        c, _token = _link(people)
    with time_machine.travel(datetime.datetime(2026, 9, 30, 9, 59, tzinfo=SHANGHAI), tick=False):
        assert services.invitations_remind() == 0
    with time_machine.travel(datetime.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert services.invitations_remind() == 1
        assert services.invitations_remind() == 0  # idempotent
    # The next reminder: two working days after the 30th — 1–7 October are holidays, so the 8th and the 9th.
    with time_machine.travel(datetime.datetime(2026, 10, 9, 9, 59, tzinfo=SHANGHAI), tick=False):
        assert services.invitations_remind() == 0
    with time_machine.travel(datetime.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert services.invitations_remind() == 1
    assert OutboxMail.objects.count() == 3


def test_answers_are_imported_from_excel_all_or_nothing_with_every_bad_row_reported(people):
    c = campaign(people, customers=2)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    sheet = openpyxl.load_workbook(services.answers_template(c)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(codes) == 2

    def upload(rows):
        book = openpyxl.Workbook()
        ws = book.active
        ws.append([cell.value for cell in sheet[1]])
        for row in rows:
            ws.append(row)
        data = io.BytesIO()
        book.save(data)
        return SimpleUploadedFile("answers.xlsx", data.getvalue())

    bad = upload([[codes[0], "王经理", "", 20, 16, 10, 10, 8, 5, 2],
                  [codes[1], "李", "", 20, 17, 10, 10, 8, 5, 2],
                  ["NOPE", "", "", 20, 20, 20, 10, 10, 10, 10]])
    report = services.answers_import(actor=people[Role.SALES_ASSISTANT], campaign=c, upload=bad)
    assert report.imported == 0 and [n for n, _m in report.errors] == [3, 4]
    assert "17" in report.errors[0][1] and Answer.objects.count() == 0
    good = upload([[codes[0], "王经理", "交期需改进", 20, 16, 10, 10, 8, 5, 2],
                   [codes[1], "李", "", "20分（最佳）", 20, 20, 10, 10, 10, 10]])
    report = services.answers_import(actor=people[Role.SALES_ASSISTANT], campaign=c, upload=good)
    assert report.imported == 2 and not report.errors
    scores = sorted(Answer.objects.values_list("score", flat=True))
    assert scores == [Decimal("71.00"), Decimal("100.00")]
