"""The lean API (issue 24 §4): ``fields=`` selection, keyset (cursor) pages and conditional GET on detail.

A list endpoint plugs in with :class:`LeanList`::

    ROWS = LeanList(ComplaintRowOut)

    @router.get("/complaints", response=ROWS.response, exclude_unset=True, ...)
    @ROWS.paginate
    def list_complaints(request, ...): return queryset

``?fields=id,number,status`` answers only those keys (an unknown one is a 422 naming it) and reads only their
columns; without it every key of the item schema is answered, as before. The documented item schema is the
full one with every key optional, so a selected subset matches it too. Pages are by ``limit``/``offset`` (with a
count: exact up to 20,000 rows, PostgreSQL's estimate beyond, ``count_approximate`` saying which) or by
``cursor``: ``next_cursor`` of one page fetches the next, found by the last row's position in the list's order
(ordering columns plus the id), so a deep page costs what the first does and rows added meanwhile neither repeat
nor shift a row out of the walk.

A detail endpoint plugs in with :func:`conditional`: a strong ``ETag`` from the row's version and change time,
the reader's language, role and whether personal data are masked for them; a matching ``If-None-Match`` is a
304 without a body, decided from one narrow query before the record and its relations are read.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Header, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from ninja.schema import DjangoGetter
from ninja.utils import contribute_operation_args, contribute_operation_callback
from pydantic import BaseModel, create_model

from kesu.core.paging import IdFirstPaginator

from .paging import BoundedPagination

FIELDS_MAX_LENGTH = 2000
CURSOR_MAX_LENGTH = 1000


def _query_error(name: str, message: str) -> ValidationError:
    """A 422 naming the query parameter, in the API's error body."""
    return ValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}])


# -- fields= ----------------------------------------------------------------------------------------------


def json_key(name: str, info) -> str:
    return info.alias or name


def partial_schema(item: type[Schema]) -> type[BaseModel]:
    """``item`` with every key optional and no resolvers: what a page answers when ``fields=`` picks some keys.

    A plain pydantic model: its items arrive as dicts (:func:`_rows`), which pydantic validates in its core
    rather than attribute by attribute through ninja's getter (a page of 500 rows costs a third less)."""
    fields = {name: (info.annotation | None, Field(None, alias=info.alias, title=info.title,
                                                  description=info.description))
              for name, info in item.model_fields.items()}
    name = f"{item.__name__.removesuffix('Out')}Fields"
    schema = create_model(name, __doc__=f"{item.__name__} (only the keys asked for by `fields`).",
                          **fields)
    return schema


def selected_keys(item: type[Schema], raw: str | None) -> list[str]:
    """The JSON keys asked for (in the schema's order), every key without ``fields``; unknown keys refused."""
    keys = [json_key(name, info) for name, info in item.model_fields.items()]
    if not raw or not raw.strip():
        return keys
    asked = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [key for key in asked if key not in keys]
    if unknown:
        raise _query_error("fields", _("Unknown field(s): %(unknown)s. Known fields: %(known)s.") % {
            "unknown": ", ".join(unknown), "known": ", ".join(keys)})
    wanted = set(asked)
    return [key for key in keys if key in wanted]


def _columns(model: type[models.Model], item: type[Schema], keys: list[str]) -> list[str] | None:
    """The model columns behind ``keys`` (for ``.only()``); None when a key is no column of the row (a many-to-many
    or reverse relation), so the row is read whole rather than once per deferred column. A resolver of a model
    field reads that field (the masking of personal data does)."""
    by_key = {json_key(name, info): name for name, info in item.model_fields.items()}
    columns = []
    for key in keys:
        name = by_key[key]
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            # An annotation of the queryset, or computed from annotations (a row's deadline state): annotations
            # are selected whatever .only() says.
            continue
        if not field.concrete or field.many_to_many:
            return None
        columns.append(field.name)
    return columns


# Values a row's attribute gives that the schema's getter passes on unchanged (checked by type, not isinstance: a
# subclass of str could be a lazy translation or a file name with behaviour of its own).
_AS_READ = frozenset({str, int, float, bool, type(None), Decimal, datetime.datetime, datetime.date, datetime.time})


def _rows(objects, item: type[Schema], keys: list[str], request) -> list[dict[str, Any]]:
    """The asked keys of each row, each read as the item schema reads it: its resolver, else the attribute."""
    context = {"request": request}
    wanted = set(keys)
    resolvers = item._ninja_resolvers
    plain = [key for name, info in item.model_fields.items()
             if (key := json_key(name, info)) in wanted and key not in resolvers]
    resolved = [(key, resolvers[key]) for key in keys if key in resolvers]
    convert = DjangoGetter._convert_result
    rows = []
    for obj in objects:
        getter = DjangoGetter(obj, item, context)
        row = {key: getattr(obj, key, None) for key in plain}
        for key, value in row.items():
            if type(value) not in _AS_READ:  # a manager, a callable, a file: as the schema's getter turns it
                row[key] = convert(getter, value)
        for key, resolver in resolved:
            row[key] = convert(getter, resolver(getter=getter))
        rows.append(row)
    return rows


# -- keyset cursors -----------------------------------------------------------------------------------------


def _ordering(qs: QuerySet) -> list[str]:
    """The list's order as field names, ending with the primary key so that every row has one place."""
    order = list(qs.query.order_by) or (list(qs.model._meta.ordering) if qs.query.default_ordering else [])
    names = [o for o in order if isinstance(o, str)]
    if len(names) != len(order):
        return []  # expressions: no keyset (and no tie-breaker added to an order we cannot read)
    if not any(n.lstrip("-") in ("pk", "id") for n in names):
        names.append("-pk" if names and all(n.startswith("-") for n in names) else "pk")
    return names


def _keyset_fields(model: type[models.Model], ordering: list[str]) -> list[models.Field] | None:
    """The model fields of an order a cursor can continue: own, non-null columns only (None otherwise)."""
    found = []
    for name in ordering:
        bare = name.lstrip("-")
        if "__" in bare:
            return None
        try:
            field = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        except FieldDoesNotExist:
            return None  # an annotation
        if not field.concrete or field.null or (field.is_relation and bare != field.attname):
            return None  # a relation by name orders by the related model's order
        found.append(field)
    return found


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(ordering: list[str], values: list[Any]) -> str:
    raw = json.dumps({"o": ordering, "v": [_encode_value(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: list[str], fields: list[models.Field]) -> list[Any]:
    """The position a cursor names, checked against the list's current order; a 422 naming ``cursor`` else."""
    refused = _query_error("cursor", _("This cursor is not one this list gave, or the list's order has changed; "
                                       "start again without a cursor."))
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or data.get("o") != ordering or len(data.get("v", ())) != len(fields):
            raise refused
        return [field.to_python(value) for field, value in zip(fields, data["v"], strict=True)]
    except (ValueError, TypeError, binascii.Error, DjangoValidationError, OverflowError) as error:
        raise refused from error


def after(ordering: list[str], values: list[Any]) -> Q:
    """Rows after the position ``values`` in ``ordering``: (a, b, c) > (x, y, z) spelled out column by column,
    with the first column's bound on its own so an index on it serves the range."""
    ops = [("lt" if name.startswith("-") else "gt") for name in ordering]
    names = [name.lstrip("-") for name in ordering]
    condition = Q()
    for i in range(len(names)):
        step = Q(**{f"{names[j]}": values[j] for j in range(i)}) & Q(**{f"{names[i]}__{ops[i]}": values[i]})
        condition |= step
    first = Q(**{f"{names[0]}__{'lte' if ops[0] == 'lt' else 'gte'}": values[0]})
    return first & condition


# -- the pagination ----------------------------------------------------------------------------------------


class LeanPageInput(BoundedPagination.Input):
    """limit and offset, or a cursor; the keys to answer."""

    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH,
                               description="The `next_cursor` of the previous page: the rows after it in the "
                                           "list's order (offset is then ignored and no count is made).")
    fields: str | None = Field(None, max_length=FIELDS_MAX_LENGTH,
                               description="Comma-separated keys to answer for each item (default: all).")


class LeanPagination(BoundedPagination):
    """``limit``/``offset`` with a count, or ``cursor`` without one; ``fields`` picks the keys of each item."""

    Input = LeanPageInput

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(None, description="Rows in the whole list (null on a page fetched by cursor).")
        count_approximate: bool = Field(False, description="True when `count` is PostgreSQL's estimate of a list "
                                                           "of over 20,000 rows, as the list pages show it "
                                                           "(\"about …\"), instead of an exact count.")
        next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last "
                                                          "page or where the list's order cannot be continued.")

    def __init__(self, *, item: type[Schema], **kwargs) -> None:
        super().__init__(**kwargs)
        self.item = item

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params) -> Any:
        keys = selected_keys(self.item, pagination.fields)
        if not isinstance(queryset, QuerySet):  # a list built by the endpoint
            page = list(queryset[pagination.offset:pagination.offset + pagination.limit])
            return {"items": _rows(page, self.item, keys, request), "count": len(queryset), "next_cursor": None}
        ordering = _ordering(queryset)
        keyset = _keyset_fields(queryset.model, ordering) if ordering else None
        # Items are read from the row's own columns and annotations: no related row is needed.
        qs = queryset.select_related(None).order_by(*ordering) if ordering else queryset.select_related(None)
        columns = _columns(queryset.model, self.item, keys) if pagination.fields else None
        if columns is not None:
            qs = qs.only(*{*columns, *(f.name for f in keyset or ()), "pk"})
        if pagination.cursor:
            if keyset is None:
                raise _query_error("cursor", _("This list's order cannot be paged by cursor; use offset."))
            qs = qs.filter(after(ordering, decode_cursor(pagination.cursor, ordering, keyset)))
            count, approximate, offset = None, False, 0
        else:
            # Counted as the list pages count (kesu.core.paging): exactly up to 20,000 rows, estimated beyond, on
            # the replica when there is one. An exact count of a company's 300,000 complaints costs 20 ms a page.
            counter = IdFirstPaginator(queryset, pagination.limit)
            count, approximate, offset = counter.count, counter.approximate, pagination.offset
        page = list(qs[offset:offset + pagination.limit + 1])
        more, page = len(page) > pagination.limit, page[:pagination.limit]
        next_cursor = None
        if more and keyset is not None:
            last = page[-1]
            next_cursor = encode_cursor(ordering, [getattr(last, f.attname) for f in keyset])
        return {"items": _rows(page, self.item, keys, request), "count": count, "count_approximate": approximate,
                "next_cursor": next_cursor}


class LeanList:
    """A list endpoint's response type and paginator for one item schema (see the module's docstring)."""

    def __init__(self, item: type[Schema]) -> None:
        self.item = item
        self.schema = partial_schema(item)
        self.response = list[self.schema]  # type: ignore[name-defined]

    def paginate(self, view: Callable) -> Callable:
        return paginate(LeanPagination, item=self.item)(view)


# -- conditional GET on detail -----------------------------------------------------------------------------


class _Conditional(Schema):
    if_none_match: str | None = Field(None, alias="If-None-Match", max_length=2000,
                                      description="An ETag of this record as this user read it: 304 if unchanged.")


def reader_state(request: HttpRequest) -> list[str]:
    """What besides the row changes the body a user reads: the language, the role and the personal-data masking
    (issue 18 §13) — a masked and an unmasked reader never share a cached body."""
    from kesu.core import privacy

    user = request.user
    return [get_language() or "", str(getattr(user, "role", "") or ""), "su" if user.is_superuser else "",
            "full" if privacy.sees_personal_data(user) else "masked"]


def make_etag(label: str, pk: Any, version: list[Any], request: HttpRequest) -> str:
    parts = [label, str(pk), *(_encode_value(v) if v is not None else "" for v in version), *reader_state(request)]
    return '"' + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32] + '"'


def _matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return tag in {part.strip().removeprefix("W/") for part in header.split(",")}


def _document_304(op) -> None:
    """The 304 answer in the operation's OpenAPI responses (the fuzzer's status-code check reads them)."""
    op.response_models.setdefault(304, None)


def conditional(version: Callable[[HttpRequest, Any], list[Any] | None], *, label: str):
    """ETag / If-None-Match for a detail endpoint whose path has ``pk``.

    ``version(request, pk)`` reads, in one narrow query of the records the user may see, what changes whenever
    the answer does (e.g. the row's ``version`` and ``updated_at``), or None when there is no such record (the
    endpoint then answers its 404 itself).
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            headers = kwargs.pop("ninja_conditional", None)
            pk = kwargs.get("pk")
            state = version(request, pk)
            if state is None:
                return view(request, *args, **kwargs)
            tag = make_etag(label, pk, list(state), request)
            if _matches(headers.if_none_match if headers else request.headers.get("If-None-Match"), tag):
                response = HttpResponseNotModified()
                response["ETag"] = tag
                return response
            result = view(request, *args, **kwargs)
            if isinstance(result, HttpResponse):
                result["ETag"] = tag
            elif getattr(request, "kesu_api_response", None) is not None:
                request.kesu_api_response["ETag"] = tag  # ninja copies its headers to the answer
            return result

        contribute_operation_args(wrapper, "ninja_conditional", _Conditional, Header(...))
        contribute_operation_callback(wrapper, _document_304)
        return wrapper

    return decorate


def row_version(visible: Callable[[HttpRequest], QuerySet], *columns: str):
    """A ``version`` callable for :func:`conditional`: ``columns`` of the row with primary key ``pk`` among those
    ``visible(request)`` gives (which checks the user's right to read, as the endpoint does)."""

    def read(request: HttpRequest, pk: Any) -> list[Any] | None:
        try:
            found = visible(request).filter(pk=pk).values_list(*columns)[:1]
            return list(found[0]) if found else None
        except (ValueError, TypeError, OverflowError):
            return None

    return read
