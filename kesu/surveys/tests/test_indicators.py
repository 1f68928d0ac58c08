"""Customer indicators beside satisfaction surveys (issue 6 §5): small fixed data, numbers worked out by hand.

The period is April 2026; the previous period (for churn) is March 2026. Complaints are registered through the
intake service; their responsibility, defective quantity and status are set on the row afterwards, since the
workflow is not what is under test here.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from kesu.complaints.choices import DispositionKind, Responsibility, Status
from kesu.complaints.models import Complaint, DispositionLine
from kesu.complaints.tests.factories import create_complaint
from kesu.customers.models import Shipment
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory
from kesu.surveys.indicators import (
    customer_indicators,
    percent_of,
    ppm_of,
    previous_period,
)

pytestmark = pytest.mark.django_db

D = datetime.date
APRIL = (D(2026, 4, 1), D(2026, 4, 30))
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    """An instant in Shanghai time (company A's time zone)."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def part(company_a):
    return PartFactory(company=company_a)


def ship(customer, count: int = 1, **fields) -> list[Shipment]:
    """``count`` shipment lines for the customer; shipped 10 April unless told otherwise."""
    fields.setdefault("ship_date", D(2026, 4, 10))
    part = fields.pop("part", None) or PartFactory(company=customer.company)
    lines = ShipmentFactory.build_batch(count, customer=customer, company=customer.company, part=part, **fields)
    return Shipment.objects.bulk_create(lines)


def complain(actor, customer, received_at, *, responsibility: str = "", defective: int | None = None,
             status: str | None = None) -> Complaint:
    complaint = create_complaint(actor, customer=customer, received_at=received_at)
    changes: dict = {"responsibility": responsibility, "quantity_defective": defective}
    if status:
        changes["status"] = status
    Complaint.objects.filter(pk=complaint.pk).update(**changes)
    return complaint


def dispose(complaint: Complaint, kind: str, quantity: int) -> DispositionLine:
    return DispositionLine.objects.create(company_id=complaint.company_id, complaint=complaint, kind=kind,
                                          quantity=quantity)


def indicators(company, period=APRIL, customer_ids=None):
    return customer_indicators([company.pk], *period, customer_ids=customer_ids)


# -- delivered PPM ----------------------------------------------------------------------------------------------


def test_delivered_ppm_is_our_defective_quantity_per_million_pieces_shipped(salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    ship(customer, 3, quantity=50_000)  # 150,000 pieces in April
    complain(salesperson, customer, at(2026, 4, 8, 10), responsibility=Responsibility.OURS, defective=150)
    # Not counted: customer-caused, supplier-caused, undetermined, received in March, cancelled.
    complain(salesperson, customer, at(2026, 4, 9, 10), responsibility=Responsibility.CUSTOMER, defective=500)
    complain(salesperson, customer, at(2026, 4, 9, 11), responsibility=Responsibility.SUPPLIER, defective=40)
    complain(salesperson, customer, at(2026, 4, 9, 12), responsibility="", defective=60)
    complain(salesperson, customer, at(2026, 3, 28, 10), responsibility=Responsibility.OURS, defective=70)
    complain(salesperson, customer, at(2026, 4, 20, 10), responsibility=Responsibility.OURS, defective=90,
             status=Status.CANCELLED)

    result = indicators(company_a).by_customer[customer.pk]

    assert result.shipped_quantity == 150_000
    assert result.shipment_lines == 3
    assert result.defective_quantity == 150
    assert result.ppm == 1000
    # Every complaint received in April counts, whoever caused it; the cancelled one does not.
    assert result.complaints == 4


def test_a_customer_caused_complaint_leaves_ppm_at_zero_when_goods_were_shipped(salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    ship(customer, quantity=20_000)
    complain(salesperson, customer, at(2026, 4, 8, 10), responsibility=Responsibility.CUSTOMER, defective=300)

    result = indicators(company_a).by_customer[customer.pk]

    assert result.defective_quantity == 0
    assert result.ppm == 0
    assert result.complaints == 1


def test_without_shipments_ppm_return_rate_and_on_time_are_not_available_never_zero(salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    complaint = complain(salesperson, customer, at(2026, 4, 8, 10), responsibility=Responsibility.OURS,
                         defective=10)
    dispose(complaint, DispositionKind.RETURN, 10)

    result = indicators(company_a).by_customer[customer.pk]

    assert result.shipped_quantity == 0
    assert result.defective_quantity == 10 and result.returned_quantity == 10
    assert result.ppm is None
    assert result.return_rate_percent is None
    assert result.on_time_percent is None
    assert result.complaints == 1


# -- on-time delivery -------------------------------------------------------------------------------------------


def test_on_time_delivery_counts_230_of_250_lines_due_as_92_percent(company_a):
    customer = CustomerFactory(company=company_a)
    part = PartFactory(company=company_a)
    due = D(2026, 4, 15)
    # On time: 230 lines.
    ship(customer, 200, part=part, due_date=due, ship_date=D(2026, 4, 10), receipt_date=D(2026, 4, 14))  # early
    ship(customer, 20, part=part, due_date=due, ship_date=D(2026, 4, 12), receipt_date=due)  # on the day
    ship(customer, 10, part=part, due_date=due, ship_date=due)  # receipt unknown: shipped on the day
    # Late: 20 lines.
    ship(customer, 12, part=part, due_date=due, ship_date=D(2026, 4, 13), receipt_date=D(2026, 4, 17))
    ship(customer, 7, part=part, due_date=D(2026, 4, 20), ship_date=D(2026, 4, 21))  # receipt unknown
    ship(customer, 1, part=part, due_date=D(2026, 4, 30), ship_date=D(2026, 5, 3), receipt_date=D(2026, 5, 5))
    # Not due in April, so neither on time nor late in April.
    ship(customer, 5, part=part, due_date=D(2026, 5, 5), ship_date=D(2026, 4, 28))
    ship(customer, 3, part=part, due_date=D(2026, 3, 30), ship_date=D(2026, 4, 2), receipt_date=D(2026, 4, 5))
    ship(customer, 2, part=part, ship_date=D(2026, 4, 6))  # no due date at all

    result = indicators(company_a).by_customer[customer.pk]

    assert result.lines_due == 250
    assert result.lines_on_time == 230
    assert result.on_time_percent == Decimal("92.0")
    assert str(result.on_time_percent) == "92.0"
    # Lines shipped in April: all but the one shipped in May.
    assert result.shipment_lines == 249 + 5 + 3 + 2


# -- return rate, extra freight ---------------------------------------------------------------------------------


def test_return_rate_is_quantity_returned_over_quantity_shipped(salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    ship(customer, 2, quantity=1000)
    april = complain(salesperson, customer, at(2026, 4, 3, 9), responsibility=Responsibility.CUSTOMER)
    dispose(april, DispositionKind.RETURN, 20)
    dispose(april, DispositionKind.RETURN, 10)
    dispose(april, DispositionKind.EXCHANGE, 50)  # exchanged, not returned
    march = complain(salesperson, customer, at(2026, 3, 20, 9))
    dispose(march, DispositionKind.RETURN, 100)  # received before the period

    result = indicators(company_a).by_customer[customer.pk]

    assert result.returned_quantity == 30
    assert result.return_rate_percent == Decimal("1.5")  # 30 ÷ 2,000 × 100


def test_extra_freight_counts_lines_with_a_cost_and_sums_it_per_currency(company_a):
    customer = CustomerFactory(company=company_a)
    ship(customer, extra_freight_cost=Decimal("120.50"))
    ship(customer, extra_freight_cost=Decimal("79.50"), is_split=True)
    ship(customer)  # no extra freight
    ship(customer, extra_freight_cost=Decimal("35.00"), currency="USD")
    ship(customer, extra_freight_cost=Decimal("500.00"), ship_date=D(2026, 3, 31))  # March

    report = indicators(company_a)
    result = report.by_customer[customer.pk]

    assert result.extra_freight_lines == 3
    assert result.extra_freight_cost == {"CNY": Decimal("200.00"), "USD": Decimal("35.00")}
    assert all(isinstance(cost, Decimal) for cost in result.extra_freight_cost.values())
    assert report.total.extra_freight_cost == {"CNY": Decimal("200.00"), "USD": Decimal("35.00")}


# -- churn ------------------------------------------------------------------------------------------------------


def test_churn_is_one_lost_of_four_customers_shipped_to_before_25_percent(company_a):
    kept = [CustomerFactory(company=company_a) for _ in range(3)]
    lost = CustomerFactory(company=company_a)
    new = CustomerFactory(company=company_a)
    for customer in [*kept, lost]:
        ship(customer, ship_date=D(2026, 3, 15))
    for customer in [*kept, new]:
        ship(customer, ship_date=D(2026, 4, 15))
    ship(lost, ship_date=D(2026, 2, 27))  # before the previous period: changes nothing

    report = indicators(company_a)

    assert (report.previous_from, report.previous_to) == (D(2026, 3, 1), D(2026, 3, 31))
    assert report.customers_before == 4
    assert report.customers_lost == 1
    assert report.churn_percent == Decimal("25.0")
    assert report.by_customer[lost.pk].lost is True
    assert report.by_customer[lost.pk].shipped_quantity == 0
    assert [report.by_customer[c.pk].lost for c in [*kept, new]] == [False, False, False, False]
    assert report.total.lost is None


def test_churn_is_not_available_when_nobody_was_shipped_to_before(company_a):
    ship(CustomerFactory(company=company_a))

    report = indicators(company_a)

    assert report.customers_before == 0
    assert report.churn_percent is None


# -- totals, scope, time zone, queries --------------------------------------------------------------------------


def test_the_total_is_computed_from_summed_counts_not_an_average_of_rates(salesperson, company_a):
    big, small = CustomerFactory(company=company_a), CustomerFactory(company=company_a)
    ship(big, quantity=900_000, due_date=D(2026, 4, 8), ship_date=D(2026, 4, 9))  # late
    ship(big, 2, quantity=1, due_date=D(2026, 4, 8), ship_date=D(2026, 4, 7))
    ship(small, quantity=100_000, due_date=D(2026, 4, 8), ship_date=D(2026, 4, 8))
    complain(salesperson, small, at(2026, 4, 20, 9), responsibility=Responsibility.OURS, defective=100)

    report = indicators(company_a)

    assert report.by_customer[small.pk].ppm == 1000
    assert report.by_customer[big.pk].ppm == 0
    assert report.total.shipped_quantity == 1_000_002
    assert report.total.ppm == 100  # 100 ÷ 1,000,002 × 10⁶ = 99.9998 → 100; the mean of rates would be 500
    assert report.by_customer[big.pk].on_time_percent == Decimal("66.7")  # 2 of 3
    assert report.by_customer[small.pk].on_time_percent == Decimal("100.0")
    assert report.total.on_time_percent == Decimal("75.0")  # 3 of 4
    assert report.total.complaints == 1


def test_a_complaint_belongs_to_the_day_it_was_received_in_the_company_time_zone(salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    ship(customer, quantity=1000)
    # 17:30 UTC on 31 March is 01:30 on 1 April in Shanghai: April.
    complain(salesperson, customer, datetime.datetime(2026, 3, 31, 17, 30, tzinfo=datetime.UTC),
             responsibility=Responsibility.OURS, defective=1)
    # 16:30 UTC on 30 April is 00:30 on 1 May in Shanghai: not April.
    complain(salesperson, customer, datetime.datetime(2026, 4, 30, 16, 30, tzinfo=datetime.UTC),
             responsibility=Responsibility.OURS, defective=2)

    april = indicators(company_a).by_customer[customer.pk]
    march = indicators(company_a, period=(D(2026, 3, 1), D(2026, 3, 31))).by_customer.get(customer.pk)

    assert (april.complaints, april.defective_quantity) == (1, 1)
    assert march is None


def test_only_the_given_companies_and_customers_are_counted(salesperson, outsider, company_a, company_b):
    mine, other_mine = CustomerFactory(company=company_a), CustomerFactory(company=company_a)
    quiet = CustomerFactory(company=company_a)
    theirs = CustomerFactory(company=company_b)
    ship(mine, quantity=1000)
    ship(other_mine, quantity=4000)
    ship(theirs, quantity=9000)
    complain(outsider, theirs, at(2026, 4, 8, 10), responsibility=Responsibility.OURS, defective=9)

    whole = indicators(company_a)
    some = indicators(company_a, customer_ids=[mine.pk, quiet.pk, theirs.pk])

    assert set(whole.by_customer) == {mine.pk, other_mine.pk}
    assert whole.total.shipped_quantity == 5000
    assert whole.total.complaints == 0
    assert set(some.by_customer) == {mine.pk, quiet.pk, theirs.pk}
    assert some.total.shipped_quantity == 1000
    assert some.by_customer[theirs.pk].shipped_quantity == 0  # another company's: outside the scope
    assert some.by_customer[theirs.pk].complaints == 0
    assert some.by_customer[quiet.pk].ppm is None
    assert some.by_customer[quiet.pk].lost is False


def test_the_number_of_queries_does_not_grow_with_the_number_of_customers(
        salesperson, company_a, django_assert_num_queries):
    def add_customer():
        customer = CustomerFactory(company=company_a)
        ship(customer, quantity=500, due_date=D(2026, 4, 12), extra_freight_cost=Decimal("10.00"))
        ship(customer, ship_date=D(2026, 3, 5))
        complaint = complain(salesperson, customer, at(2026, 4, 15, 9), responsibility=Responsibility.OURS,
                             defective=5)
        dispose(complaint, DispositionKind.RETURN, 5)

    add_customer()
    # Time zones, complaints, returns; the period's shipments and the previous period's, each asking first which
    # months the rollup holds (none here: shipped and due lines of the period, shipped lines before it, live).
    with django_assert_num_queries(8):
        one = indicators(company_a)
    for _ in range(4):
        add_customer()
    with django_assert_num_queries(8):
        five = indicators(company_a)

    assert len(one.by_customer) == 1 and len(five.by_customer) == 5
    assert five.total.ppm == 10_000  # 25 ÷ 2,500 × 10⁶
    assert five.total.return_rate_percent == Decimal("1.0")


# -- rounding and periods ---------------------------------------------------------------------------------------


def test_rates_are_rounded_half_up_exactly():
    assert str(percent_of(230, 250)) == "92.0"
    assert percent_of(1, 16) == Decimal("6.3")  # 6.25: half up, not to even
    assert percent_of(1, 2000) == Decimal("0.1")  # 0.05
    assert percent_of(1, 3) == Decimal("33.3")
    assert percent_of(2, 3) == Decimal("66.7")
    assert percent_of(0, 7) == Decimal("0.0")
    assert percent_of(3, 0) is None
    assert ppm_of(150, 150_000) == 1000
    assert ppm_of(1, 2_000_000) == 1  # 0.5
    assert ppm_of(1, 3) == 333_333
    assert ppm_of(0, 0) is None
    assert ppm_of(7, 10**15) == 0


@pytest.mark.parametrize(("period", "previous"), [
    ((D(2026, 4, 1), D(2026, 4, 30)), (D(2026, 3, 1), D(2026, 3, 31))),
    ((D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 2, 1), D(2026, 2, 28))),
    ((D(2026, 7, 1), D(2026, 12, 31)), (D(2026, 1, 1), D(2026, 6, 30))),  # half-years, not 184 days
    ((D(2026, 1, 1), D(2026, 12, 31)), (D(2025, 1, 1), D(2025, 12, 31))),
    ((D(2026, 4, 10), D(2026, 4, 19)), (D(2026, 3, 31), D(2026, 4, 9))),  # ten days before
    ((D(2026, 4, 10), D(2026, 4, 10)), (D(2026, 4, 9), D(2026, 4, 9))),
])
def test_the_previous_period_has_the_same_length(period, previous):
    assert previous_period(*period) == previous


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        previous_period(D(2026, 4, 30), D(2026, 4, 1))
