"""Full-text search over complaints that finds Chinese words (issue 3 §7).

Chinese is written without spaces, so a word-based index (PostgreSQL's
``to_tsvector``, SQLite's FTS5 ``unicode61``) sees "外壳划伤严重" as one single
word and a search for "划伤" finds nothing. We index overlapping character
pairs instead (the bigram method of CJK search engines): "外壳划伤" is stored
as "外壳 壳划 划伤 伤", and a query "划伤" becomes the phrase "划伤"; a longer
query is the phrase of its pairs, so "壳划伤" must appear in that order.
Each run of Chinese also ends with its last character alone, so a one-
character query (a prefix search) finds characters at the end of a run too.
Latin words and numbers are kept whole and searched by prefix.

The searchable text of a complaint (its number, the feedback form's text
fields and every timeline entry) lives in ``ComplaintSearchDocument``, one
row per complaint, written only through the functions below. The index
on it is database specific and created after every migration
(``ensure_search_index``): an FTS5 table kept current by triggers on SQLite; on
PostgreSQL a stored generated ``tsvector`` column with a GIN index, so that a
match checks the stored vector instead of parsing the text again for each row.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat

from .models import Complaint, ComplaintSearchDocument

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_RUNS = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
FTS_TABLE = "complaints_search_fts"
PG_INDEX = "complaints_search_vector_gin"
PG_COLUMN = "vector"
_PG_OLD_INDEX = "complaints_search_gin"  # the expression index before the stored column (dropped)


def _runs(text: str) -> list[tuple[str, bool]]:
    """The text's runs of Chinese (True) and of other letters/digits (False), normalised."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return [(m.group(1) or m.group(2), bool(m.group(1))) for m in _RUNS.finditer(text)]


def _pairs(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_terms(*texts: str) -> str:
    """The indexed form of ``texts``: space-separated pairs and words."""
    terms: list[str] = []
    for text in texts:
        for run, is_han in _runs(text):
            terms.extend(_pairs(run) if is_han else [run])
    return " ".join(terms)


def document_text(complaint: Complaint, timeline_summaries, lots=None) -> str:
    """What a complaint is found by: number, lot / batch / serial numbers (its own and its dispositions'), the
    form's free text and every timeline entry.

    ``lots`` gives the dispositions' numbers when the caller has them (the demo's bulk history: no query per
    complaint); otherwise they are read."""
    if lots is None:
        lots = (complaint.dispositions.exclude(lot_number="").values_list("lot_number", flat=True)
                if complaint.pk else ())
    return index_terms(
        complaint.number, complaint.lot_number, *lots, complaint.defect_location, complaint.defect_nature, complaint.customer_request,
        complaint.description, *timeline_summaries,
    )


def search_document_rebuild(complaint: Complaint) -> None:
    """Write the complaint's search document afresh (after the form's text changed)."""
    summaries = complaint.timeline.values_list("summary", flat=True)
    ComplaintSearchDocument.objects.update_or_create(
        complaint=complaint, defaults={"text": document_text(complaint, summaries)}
    )


def search_document_create(complaint: Complaint, timeline_summaries) -> None:
    """Write the first search document of a complaint created in this transaction (one INSERT, nothing read):
    ``timeline_summaries`` are the texts of its timeline entries, in order; it has no dispositions yet."""
    ComplaintSearchDocument.objects.create(complaint=complaint,
                                           text=document_text(complaint, timeline_summaries, lots=()))


def search_document_append(complaint: Complaint, text: str) -> None:
    """Add a new timeline entry's text in place (one UPDATE; no read-modify-write race)."""
    terms = index_terms(text)
    if terms:
        ComplaintSearchDocument.objects.filter(complaint_id=complaint.pk).update(
            text=Concat(F("text"), Value(" " + terms))
        )


# -- querying ---------------------------------------------------------------------------


def _query_parts(term: str) -> list[tuple[list[str], bool]]:
    """Each query run as (terms, is_prefix): a phrase of pairs, or one prefix term."""
    parts = []
    for run, is_han in _runs(term):
        if is_han and len(run) > 1:
            parts.append(([run[i:i + 2] for i in range(len(run) - 1)], False))
        else:
            parts.append(([run], True))
    return parts


def _fts5_query(parts) -> str:
    clauses = []
    for terms, prefix in parts:
        phrase = '"' + " ".join(terms) + '"'
        clauses.append(phrase + ("*" if prefix else ""))
    return " AND ".join(clauses)


def _tsquery(parts) -> str:
    clauses = []
    for terms, prefix in parts:
        if prefix:
            clauses.append(f"'{terms[0]}':*")
        else:
            clauses.append("(" + " <-> ".join(f"'{t}'" for t in terms) + ")")
    return " & ".join(clauses)


def searches(term: str) -> bool:
    """Whether ``term`` holds anything to search for (a word, a number, a Chinese character)."""
    return bool(_query_parts(term))


def match_subquery(term: str) -> tuple[str, list[str]] | None:
    """SQL selecting the ids of complaints whose document matches ``term`` (None: nothing to search)."""
    parts = _query_parts(term)
    if not parts:
        return None
    doc = ComplaintSearchDocument._meta.db_table
    if connection.vendor == "postgresql":
        return (f"SELECT complaint_id FROM {doc} WHERE {doc}.{PG_COLUMN} @@ to_tsquery('simple'::regconfig, %s)",
                [_tsquery(parts)])
    return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_fts5_query(parts)]


def search_complaints(qs: QuerySet, term: str) -> QuerySet:
    """Complaints of ``qs`` whose number, form text or timeline contains ``term`` (all its words)."""
    match = match_subquery(term)
    if match is None:
        return qs
    sql, params = match
    return qs.extra(where=[f"{Complaint._meta.db_table}.id IN ({sql})"], params=params)


# -- the index ------------------------------------------------------------------------


def ensure_search_index(using: str = "default", **kwargs) -> None:
    """Create the database's search index if it is missing (run after every migration).

    On SQLite a migration that rebuilds the document table drops its
    triggers; finding them gone, this puts them back and re-reads the table.
    On PostgreSQL the vector column is not in the model: Django never names
    it, and the database keeps it current on every write of ``text``.
    """
    from django.db import connections

    conn = connections[using]
    doc = ComplaintSearchDocument._meta.db_table
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {doc} ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector GENERATED ALWAYS AS "
                           f"(to_tsvector('simple'::regconfig, text)) STORED")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {doc} USING gin ({PG_COLUMN})")
            cursor.execute(f"DROP INDEX IF EXISTS {_PG_OLD_INDEX}")
            return
        if conn.vendor != "sqlite":
            return
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE %s",
                       [f"{FTS_TABLE}_%"])
        if cursor.fetchone()[0] == 3:
            return
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        cursor.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='{doc}', "
                       f"content_rowid='complaint_id')")
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {doc} BEGIN "
                       f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.complaint_id, new.text); END")
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {doc} BEGIN "
                       f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
                       f"VALUES ('delete', old.complaint_id, old.text); END")
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {doc} BEGIN "
                       f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
                       f"VALUES ('delete', old.complaint_id, old.text); "
                       f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.complaint_id, new.text); END")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
