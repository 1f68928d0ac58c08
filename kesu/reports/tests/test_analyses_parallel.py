"""The analyses of one page computed side by side on PostgreSQL (kesu/core/parallel.py) are the analyses computed
one after another: same figures, same page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from kesu.core.parallel import may_run_apart
from kesu.reports import analyses

from .test_analyses_pages import PERIOD, data  # noqa: F401 — the pages' data set, as a fixture here too

pytestmark = [pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs the analyses in turn"),
              pytest.mark.django_db(transaction=True)]


def test_the_analyses_side_by_side_are_the_analyses_in_turn(settings, qa_engineer, data):  # noqa: F811
    scope = analyses.scope_for(qa_engineer, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 6, 30))
    settings.KESU_REPORT_THREADS = 1
    in_turn = analyses.run_many(scope, analyses.ANALYSES)
    settings.KESU_REPORT_THREADS = 3
    assert may_run_apart()  # committed data, no transaction open: the threads are used
    apart = analyses.run_many(scope, analyses.ANALYSES)
    assert list(apart) == list(analyses.ANALYSES)
    assert apart == in_turn
    assert in_turn["customer"].rows and in_turn["trend"]  # figures, not two empty answers


def test_the_page_side_by_side_is_the_page_in_turn(client, settings, qa_engineer, data):  # noqa: F811
    client.force_login(qa_engineer)
    pages = []
    for threads in (1, 2):
        settings.KESU_REPORT_THREADS = threads
        response = client.get(reverse("reports:analyses"), PERIOD)
        assert response.status_code == 200
        pages.append(response.context["sections"])
    assert pages[0] == pages[1]
    assert f"customer={data.cu1.pk}" in str(pages[1])


def test_the_review_packs_complaint_figures_side_by_side_are_those_in_turn(settings, qa_engineer, data):  # noqa: F811
    from kesu.reports.review import review_pack

    scope = analyses.scope_for(qa_engineer, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 6, 30))
    packs = []
    for threads in (1, 2):
        settings.KESU_REPORT_THREADS = threads
        packs.append(review_pack(qa_engineer, scope)["complaints"])
    assert packs[0] == packs[1]
    assert packs[1]["total"] == 4 and packs[1]["top_customers"]
