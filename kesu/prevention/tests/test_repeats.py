"""Repeat complaints (ISO 10002 §8.5, design §11, issue 22 §4): both rules, the 180-day window counted on the
company's calendar dates (Asia/Shanghai, UTC+8), the page, the list filter and the API."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import ComplaintCategoryFactory, create_complaint
from kesu.core.tests.panels import later_part
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.notifications.models import Notification
from kesu.prevention.choices import RepeatRule
from kesu.prevention.models import RepeatFlag, RepeatSettings
from kesu.prevention.repeats import flag_repeat

pytestmark = pytest.mark.django_db
R = Role
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def setup(people):
    appearance = ComplaintCategoryFactory(company=people.company, code="appearance", name="外观")
    customer = CustomerFactory(company=people.company, code="C1")
    part = PartFactory(company=people.company)
    return people, appearance, customer, part


def complaint(people, received_at, category, customer, part=None):
    c = create_complaint(people[R.SALESPERSON], received_at=received_at, customer=customer, part=part)
    type(c).objects.filter(pk=c.pk).update(category=category)
    c.refresh_from_db()
    return c


# Hand-worked: 2026-03-02 + 179 days = 2026-08-28, + 180 = 08-29, + 181 = 08-30 (Mar 29 days left + Apr 30 + May 31
# + Jun 30 + Jul 31 = 151 → Jul 31; + 28 → Aug 28 is day 179).
EARLIER_DAY = datetime.date(2026, 3, 2)
DAYS = {179: datetime.date(2026, 8, 28), 180: datetime.date(2026, 8, 29), 181: datetime.date(2026, 8, 30)}


@pytest.mark.parametrize("days, repeat", [(179, True), (180, True), (181, False)])
@pytest.mark.parametrize("earlier_time, later_time", [
    # 00:30 in Shanghai is 16:30 UTC the day before: in UTC the gap is one day longer (180 would look like 181).
    ((0, 30), (12, 0)),
    # and the other way round: in UTC the gap is one day shorter (181 would look like 180).
    ((12, 0), (0, 30)),
])
def test_the_window_counts_company_calendar_days(setup, days, repeat, earlier_time, later_time):
    people, category, customer, part = setup
    first = complaint(people, at(EARLIER_DAY, *earlier_time), category, customer)
    second = complaint(people, at(DAYS[days], *later_time), category, customer)
    flag = flag_repeat(second)
    assert (flag is not None) is repeat
    if repeat:
        assert flag.rule == RepeatRule.SAME_CUSTOMER and flag.window_days == 180
        assert list(flag.earlier.all()) == [first]


def test_the_same_part_at_another_customer_is_a_repeat_unless_the_company_switched_the_rule_off(setup):
    people, category, customer, part = setup
    other = CustomerFactory(company=people.company, code="C2")
    complaint(people, at(datetime.date(2026, 10, 1), 9, 0), category, customer, part)
    second = complaint(people, at(datetime.date(2026, 11, 1), 9, 0), category, other, part)
    assert flag_repeat(second).rule == RepeatRule.SAME_PART
    RepeatSettings.objects.create(company=people.company, same_part=False)
    assert flag_repeat(second) is None
    assert not RepeatFlag.objects.exists()


def test_another_category_is_no_repeat(setup):
    people, category, customer, part = setup
    function = ComplaintCategoryFactory(company=people.company, code="performance", name="性能")
    complaint(people, at(datetime.date(2026, 10, 1), 9, 0), function, customer, part)
    second = complaint(people, at(datetime.date(2026, 11, 1), 9, 0), category, customer, part)
    assert flag_repeat(second) is None


def test_a_company_window_of_30_days(setup):
    people, category, customer, part = setup
    RepeatSettings.objects.create(company=people.company, window_days=30)
    complaint(people, at(datetime.date(2026, 10, 1), 9, 0), category, customer)
    second = complaint(people, at(datetime.date(2026, 11, 1), 9, 0), category, customer)  # 31 days
    assert flag_repeat(second) is None


def test_the_complaint_page_list_filter_and_api_show_the_flag(setup, client, django_capture_on_commit_callbacks):
    people, category, customer, part = setup
    first = complaint(people, at(datetime.date(2026, 10, 1), 9, 0), category, customer, part)
    with django_capture_on_commit_callbacks(execute=True):
        second = create_complaint(people[R.SALESPERSON], received_at=at(datetime.date(2026, 11, 2), 9, 0),
                                  customer=customer, part=part, category=category)
    assert RepeatFlag.objects.get(complaint=second).rule == RepeatRule.SAME_CUSTOMER  # flagged by the hook
    client.force_login(people[R.SALESPERSON])
    response = later_part(client, reverse("complaints:detail", args=[second.pk]))  # the panels' part
    page = response.content.decode()
    assert response.status_code == 200, page[-3000:]
    assert 'id="repeat-flag"' in page and first.number in page
    listed = client.get(reverse("complaints:list") + "?repeat=true&open=").content.decode()
    assert second.number in listed and f">{first.number}<" not in listed
    api = client.get(f"/api/v1/complaints/{second.pk}").json()
    assert api["repeat"]["rule"] == "same_customer" and api["repeat"]["earlier"] == [
        {"id": first.pk, "number": first.number}]
    assert client.get(f"/api/v1/complaints/{first.pk}").json()["repeat"] is None
    rows = client.get("/api/v1/complaints?repeat=true").json()["items"]
    assert [r["id"] for r in rows] == [second.pk]
    assert client.get(f"/api/v1/prevention/repeats/{second.pk}").json()["is_repeat"] is True


def test_a_repeat_under_an_effective_corrective_action_tells_its_owner(setup, django_capture_on_commit_callbacks):
    from kesu.capa.choices import ActionStatus, SourceKind
    from kesu.capa.models import CorrectiveAction
    from kesu.capa.tests.factories import raise_action

    people, category, customer, part = setup
    first = complaint(people, at(datetime.date(2026, 10, 1), 9, 0), category, customer, part)
    action = raise_action(people, sources=[(SourceKind.COMPLAINT, first)])
    CorrectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.CLOSED, verified_at=timezone.now())
    Notification.objects.all().delete()
    second = complaint(people, at(datetime.date(2026, 11, 2), 9, 0), category, customer, part)
    with django_capture_on_commit_callbacks(execute=True):
        flag_repeat(second)
    told = set(Notification.objects.filter(event="repeat_complaint").values_list("recipient__username", flat=True))
    assert told == {"A-production", "A-salesperson"}  # the action's owner and the complaint's owner


def test_history_is_flagged_without_telling_anyone_when_not_announced(setup, django_capture_on_commit_callbacks):
    people, category, customer, part = setup
    complaint(people, at(datetime.date(2026, 10, 1), 9, 0), category, customer, part)
    second = complaint(people, at(datetime.date(2026, 11, 2), 9, 0), category, customer, part)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        assert flag_repeat(second, announce=False).rule == RepeatRule.SAME_CUSTOMER
    assert not hooks and not Notification.objects.filter(event="repeat_complaint").exists()
    with django_capture_on_commit_callbacks(execute=True):
        flag_repeat(second)  # already flagged: nothing new to announce either
    assert not Notification.objects.filter(event="repeat_complaint").exists()


@pytest.mark.parametrize("seed, same_customer, same_part, window_days", [
    (1, True, True, 180), (2, True, True, 30), (3, False, True, 60), (4, True, False, 90)])
def test_history_flagged_in_one_pass_equals_flagging_each_complaint(people, seed, same_customer, same_part,
                                                                    window_days, django_capture_on_commit_callbacks):
    # flag_history (the demo's past year) applies flag_repeat's rule to complaints read once in order: on random
    # complaints — two categories, defect types or none, three customers, three parts or none, times that fall
    # on and around local midnight — both must flag the same complaints by the same rule with the same earlier ones.
    import random

    from kesu.complaints.models import Complaint, DefectType
    from kesu.prevention.repeats import flag_history

    rng = random.Random(seed)
    company = people.company
    RepeatSettings.objects.create(company=company, same_customer=same_customer, same_part=same_part,
                                  window_days=window_days)
    categories = [ComplaintCategoryFactory(company=company, code=f"k{i}", name=f"类{i}") for i in range(2)]
    defects = [DefectType.objects.create(company=company, category=categories[i % 2], code=f"d{i}", name=f"缺{i}")
               for i in range(3)]
    customers = [CustomerFactory(company=company, code=f"R{i}") for i in range(3)]
    parts = [PartFactory(company=company) for _ in range(3)] + [None]
    start = at(datetime.date(2026, 1, 1), 0, 0)
    made = [create_complaint(people[R.SALESPERSON], customer=customers[0]) for _ in range(36)]
    for c in made:
        defect = rng.choice(defects + [None, None])
        c.category = defect.category if defect else rng.choice(categories + [None])
        c.defect_type, c.customer, c.part = defect, rng.choice(customers), rng.choice(parts)
        # whole days and the minutes either side of local midnight; now and then the same instant as another
        c.received_at = start + datetime.timedelta(days=rng.randrange(400), minutes=rng.choice([-1, 0, 1, 600]))
    Complaint.objects.bulk_update(made, ["category", "defect_type", "customer", "part", "received_at"])
    RepeatFlag.objects.all().delete()

    def flags():
        return {(f.complaint_id, f.rule, frozenset(f.earlier.values_list("pk", flat=True)))
                for f in RepeatFlag.objects.all()}

    since = start + datetime.timedelta(days=100)
    with django_capture_on_commit_callbacks(execute=False):
        written = flag_history(company, since)
    in_one_pass = flags()
    RepeatFlag.objects.all().delete()
    for c in Complaint.objects.filter(received_at__gte=since).select_related("company"):
        flag_repeat(c, announce=False)
    one_by_one = flags()
    assert in_one_pass == one_by_one and written == len(one_by_one)
    assert len(one_by_one) >= 3, "the random data should hold some repeats"
    assert flag_history(company, since) == 0  # flagged already: nothing is written twice


def test_history_announces_only_the_repeats_from_the_given_day(setup, django_capture_on_commit_callbacks):
    from kesu.prevention.repeats import flag_history

    people, category, customer, part = setup
    complaint(people, at(datetime.date(2026, 9, 1), 9, 0), category, customer, part)
    old = complaint(people, at(datetime.date(2026, 10, 1), 9, 0), category, customer, part)
    new = complaint(people, at(datetime.date(2026, 11, 2), 9, 0), category, customer, part)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_history(people.company, at(datetime.date(2026, 9, 15), 0, 0),
                            announce_from=at(datetime.date(2026, 11, 1), 0, 0)) == 2
    assert set(RepeatFlag.objects.values_list("complaint_id", flat=True)) == {old.pk, new.pk}
    told = Notification.objects.filter(event="repeat_complaint")
    assert told.exists() and {n.link for n in told} == {reverse("complaints:detail", args=[new.pk])}
