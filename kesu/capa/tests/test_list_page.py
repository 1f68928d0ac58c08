"""The corrective-action list through the shared list helper (issue 17 §7): sorting both ways, a refused
column, numbered pages, row click and cards, a fixed number of queries whatever the sort."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.capa.tests.factories import raise_action

pytestmark = pytest.mark.django_db

URL = "capa:list"


def _numbers(response) -> list[str]:
    return [a.number for a in response.context["page"].object_list]


def test_actions_sort_by_title_both_ways_and_by_number(login, people):
    made = {title: raise_action(people, title=title) for title in ("B 划伤", "A 漏油", "C 异响")}
    client = login(people[Role.QA])
    assert _numbers(client.get(reverse(URL), {"sort": "title"})) == [made[t].number for t in ("A 漏油", "B 划伤", "C 异响")]
    assert _numbers(client.get(reverse(URL), {"sort": "-title"})) == [made[t].number for t in ("C 异响", "B 划伤", "A 漏油")]
    assert _numbers(client.get(reverse(URL), {"sort": "number"})) == sorted(a.number for a in made.values())
    # Unknown: refused, newest raised first (the last one raised, C, then A, then B).
    response = client.get(reverse(URL), {"sort": "problem"})
    assert 'id="sort-refused"' in response.content.decode()
    assert _numbers(response) == [made[t].number for t in ("C 异响", "A 漏油", "B 划伤")]


def test_the_action_list_rows_open_the_action_and_fold_into_cards(login, people):
    action = raise_action(people)
    page = login(people[Role.QA]).get(reverse(URL)).content.decode()
    assert f'data-href="{reverse("capa:detail", args=[action.pk])}"' in page
    assert 'list-cards' in page and 'id="filter-panel"' in page and 'id="page-size"' in page
    empty = login(people[Role.QA]).get(reverse(URL), {"customer_code": "K-NONE"}).content.decode()
    assert 'id="empty-state"' in empty and 'id="empty-clear-filters"' in empty


def test_a_sorted_action_list_runs_a_fixed_number_of_queries(login, people):
    client = login(people[Role.QA])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(URL), {"sort": "-department"}).status_code == 200
        return len(queries)

    raise_action(people)
    few = count()
    for _n in range(3):
        raise_action(people)
    assert count() == few
