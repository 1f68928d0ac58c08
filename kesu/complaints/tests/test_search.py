"""Full-text search finds Chinese words on SQLite and PostgreSQL alike (issue 3 §7).

CI runs this module on both databases; the first test shows why a word index
is not enough, the rest that the pair index finds what a person types.
"""

from __future__ import annotations

import pytest
from django.db import connection

from kesu.complaints import services
from kesu.complaints.filters import complaints_filtered
from kesu.complaints.models import Complaint
from kesu.complaints.search import (
    PG_INDEX,
    ensure_search_index,
    index_terms,
    match_subquery,
    search_complaints,
)
from kesu.complaints.tests.factories import create_complaint

pytestmark = pytest.mark.django_db(transaction=False)


def _found(user, term: str) -> set[str]:
    qs, _ = complaints_filtered(user, {"q": term})
    return set(qs.values_list("number", flat=True))


def test_a_word_based_index_finds_no_chinese_word():
    sentence = "客户反映外壳划伤严重"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_tsvector('simple', %s) @@ plainto_tsquery('simple', %s), "
                           "to_tsvector('simple', %s) @@ to_tsquery('simple', %s)",
                           [sentence, "划伤", index_terms(sentence), "'划伤'"])
            word_index, pair_index = cursor.fetchone()
        else:
            cursor.execute("CREATE VIRTUAL TABLE temp.words USING fts5(text)")
            cursor.execute("INSERT INTO temp.words(text) VALUES (%s), (%s)", [sentence, index_terms(sentence)])
            cursor.execute("SELECT text FROM temp.words WHERE words MATCH %s", ['"划伤"'])
            rows = [r[0] for r in cursor.fetchall()]
            cursor.execute("DROP TABLE temp.words")
            word_index, pair_index = sentence in rows, index_terms(sentence) in rows
    assert not word_index
    assert pair_index


def test_it_finds_a_chinese_word_inside_a_sentence(salesperson):
    hit = create_complaint(salesperson, description="客户反映齿轮泵外壳划伤严重，共 3 台。")
    noise = create_complaint(salesperson, description="电机异响，噪音超标。", defect_location="电机",
                             defect_nature="异响")
    assert _found(salesperson, "划伤") == {hit.number}
    assert _found(salesperson, "异响") == {noise.number}


def test_a_phrase_must_appear_in_order(salesperson):
    hit = create_complaint(salesperson, description="阀体渗油", defect_location="", defect_nature="")
    assert _found(salesperson, "阀体渗油") == {hit.number}
    assert _found(salesperson, "渗油阀体") == set()


def test_one_character_finds_it_at_the_end_of_a_word(salesperson):
    hit = create_complaint(salesperson, description="外壳有裂纹", defect_location="", defect_nature="")
    assert _found(salesperson, "纹") == {hit.number}
    assert _found(salesperson, "裂") == {hit.number}


def test_all_words_of_a_query_must_match_and_latin_words_by_prefix(salesperson):
    hit = create_complaint(salesperson, description="PCB 板 U12 焊点虚焊", defect_location="", defect_nature="")
    create_complaint(salesperson, description="PCB 板包装破损", defect_location="", defect_nature="")
    assert _found(salesperson, "pcb 虚焊") == {hit.number}
    assert _found(salesperson, "U1") == {hit.number}
    assert len(_found(salesperson, "PCB")) == 2


def test_it_finds_the_complaint_number(salesperson):
    complaint = create_complaint(salesperson)
    assert _found(salesperson, complaint.number) == {complaint.number}


def test_it_finds_words_of_later_timeline_entries(salesperson):
    complaint = create_complaint(salesperson, description="外观不良")
    assert _found(salesperson, "返工") == set()
    services.communication_log(actor=salesperson, complaint=complaint, direction="in", channel="phone",
                               summary="客户要求我方派人现场返工")
    services.note_add(actor=salesperson, complaint=complaint, text="怀疑模具磨损")
    assert _found(salesperson, "返工") == {complaint.number}
    assert _found(salesperson, "模具磨损") == {complaint.number}


def test_an_edited_description_is_found_by_its_new_words(salesperson):
    complaint = create_complaint(salesperson, description="尺寸超差", defect_location="", defect_nature="")
    services.complaint_update(actor=salesperson, complaint=complaint, data={"description": "螺纹滑牙"})
    assert _found(salesperson, "滑牙") == {complaint.number}
    # The first description stays on the timeline as the customer's words, so it is still found.
    assert _found(salesperson, "超差") == {complaint.number}


def test_search_keeps_company_scope(salesperson, outsider):
    create_complaint(salesperson, description="外壳划伤")
    assert _found(outsider, "划伤") == set()


def test_punctuation_and_quotes_in_a_query_do_no_harm(salesperson):
    hit = create_complaint(salesperson, description="外壳划伤")
    assert _found(salesperson, '"划伤" OR 1=1; --') == set()
    assert _found(salesperson, "“划伤”！") == {hit.number}
    assert search_complaints(Complaint.objects.all(), "  ，。 ").count() == 1


def test_the_search_uses_the_index_not_a_table_scan(salesperson):
    """The matching part of the query is answered from the index.

    On a table this small the planner may well join from the complaint side
    first, so the plan of the matching subquery itself is checked, with
    table scans switched off: it must then read the index (which exists and
    fits the expression), not fall back to filtering rows one by one.
    """
    create_complaint(salesperson, description="外壳划伤")
    sql, params = match_subquery("划伤")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(r[0] for r in cursor.fetchall())
            assert f"Bitmap Index Scan on {PG_INDEX}" in plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(r[-1]) for r in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector column is PostgreSQL's")
def test_an_older_database_gets_the_stored_vector_and_loses_the_expression_index(salesperson):
    """A database indexed the old way (a GIN index over to_tsvector(text)) is brought up to date in place."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE complaints_complaintsearchdocument DROP COLUMN vector")
        cursor.execute("CREATE INDEX complaints_search_gin ON complaints_complaintsearchdocument "
                       "USING gin ((to_tsvector('simple'::regconfig, text)))")
        ensure_search_index()
        ensure_search_index()  # a second run changes nothing
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints_complaintsearchdocument'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert PG_INDEX in indexes and "complaints_search_gin" not in indexes
    create_complaint(salesperson, description="外壳划伤")
    assert _found(salesperson, "划伤") != set()
