"""Type-ahead lookups wherever a record is chosen (issue 17 §1): one registry, one endpoint, one widget.

A person types part of a code, a name, a short name or the pinyin initials of
a Chinese name ("tydl" finds 泰越动力) and picks from at most twenty records
they may see. Each model that is looked up is registered here once, with the
fields searched and (for records that belong to a customer) the field that
narrows them to the chosen customer.

The initials are stored in an indexed ``search_initials`` column, filled on
save (a ``pre_save`` receiver), before bulk inserts (``fill_initials``) and by
the data migrations, so a lookup is one query on indexed columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_save
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

LIMIT = 20
CHOSEN = "__chosen"  # the hidden input beside a search box holding the value of the record chosen from the list
INITIALS_LENGTH = 100
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def initials(*texts: str) -> str:
    """The pinyin initials of each text, lower case, space separated: ("泰越动力", "泰越") → "tydl ty".

    Letters and digits that are not Chinese are kept as they are (lower case),
    so "ABC密封圈" gives "abcmfq". Texts giving the same initials appear once.
    """
    from pypinyin import Style, lazy_pinyin

    seen: list[str] = []
    for text in texts:
        if not text:
            continue
        letters = "".join(lazy_pinyin(str(text), style=Style.FIRST_LETTER, errors="default"))
        word = _NOT_WORD.sub("", letters.lower())
        if word and word not in seen:
            seen.append(word)
    return " ".join(seen)[:INITIALS_LENGTH]


def initials_field() -> models.CharField:
    """The ``search_initials`` column a looked-up model carries (filled by this module, never typed)."""
    return models.CharField(gettext_lazy("search initials"), max_length=INITIALS_LENGTH, blank=True, default="", editable=False,
                            db_index=True)


@dataclass(frozen=True)
class Lookup:
    """How one model is looked up.

    ``value_field`` is what the chosen record puts into the form (the code a
    person would type, or the id where there is none); ``prefix_fields`` are
    matched from their start, ``contains_fields`` anywhere; ``customer_field``
    narrows to the chosen customer.
    """

    name: str
    model: str
    value_field: str
    prefix_fields: tuple[str, ...]
    contains_fields: tuple[str, ...] = ()
    initials_from: tuple[str, ...] = ()
    customer_field: str | None = None
    label: Callable[[Any], str] = str
    active: dict[str, Any] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    # Personal data (issue 18 §13): who may search by the text at all, and the label as that user may read it.
    may_search_text: Callable[[Any], bool] | None = None
    user_label: Callable[[Any, Any], str] | None = None

    def label_for(self, record: models.Model, user) -> str:
        return self.user_label(record, user) if self.user_label is not None else self.label(record)

    def display_for(self, record: models.Model, user) -> str:
        """What the search box shows for a chosen record: the code people type, or the label where there is none."""
        return self.value_of(record) if self.value_field != "pk" else self.label_for(record, user)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def base_queryset(self, user) -> models.QuerySet:
        return self.model_class.objects.visible_to(user).filter(**self.active).select_related(*self.related)

    def search(self, user, text: str, *, customer=None) -> list[models.Model]:
        """At most ``LIMIT`` visible records matching ``text``, narrowed to ``customer`` when given."""
        qs = self.base_queryset(user)
        if customer is not None and self.customer_field:
            qs = qs.filter(**{self.customer_field: customer})
        text = (text or "").strip()
        if text and self.may_search_text is not None and not self.may_search_text(user):
            # A reader shown masked names cannot probe them by typing: only the customer's list is offered.
            if customer is None:
                return []
            text = ""
        if text:
            match = Q()
            for name in self.prefix_fields:
                match |= Q(**{f"{name}__istartswith": text})
            for name in self.contains_fields:
                match |= Q(**{f"{name}__icontains": text})
            word = _NOT_WORD.sub("", text.lower())
            if self.initials_from and word and word == text.lower():
                # Initials match from the start of any stored word ("tydl" in "tydljx ty").
                match |= Q(search_initials__startswith=word) | Q(search_initials__contains=f" {word}")
            qs = qs.filter(match)
        return list(qs.order_by(*self.model_class._meta.ordering or ["pk"])[:LIMIT])

    def value_of(self, record: models.Model) -> str:
        return str(getattr(record, self.value_field))

    def find(self, user, value) -> models.Model | None:
        """The visible record a form value names (its value field, or its id), for showing its label."""
        if value in (None, ""):
            return None
        if isinstance(value, models.Model):
            return value
        if user is None:  # nobody to decide what may be shown: the value stays as typed
            return None
        qs = self.base_queryset(user)
        found = qs.filter(**{self.value_field: str(value)}).first() if self.value_field != "pk" else None
        if found is None and str(value).isdigit():
            found = qs.filter(pk=int(value)).first()
        return found


_REGISTRY: dict[str, Lookup] = {}


def register(lookup: Lookup) -> Lookup:
    """Add a lookup; a model with ``initials_from`` gets its ``search_initials`` filled on every save."""
    _REGISTRY[lookup.name] = lookup
    if lookup.initials_from:
        pre_save.connect(_fill_on_save, sender=lookup.model_class, dispatch_uid=f"kesu_lookup_initials_{lookup.name}",
                         weak=False)
    return lookup


def get(name: str) -> Lookup:
    return _REGISTRY[name]


def registered() -> dict[str, Lookup]:
    return dict(_REGISTRY)


def _initials_sources(model: type[models.Model]) -> tuple[str, ...]:
    for lookup in _REGISTRY.values():
        if lookup.initials_from and lookup.model_class is model:
            return lookup.initials_from
    return ()


def fill_initials(records: Iterable[models.Model]) -> None:
    """Set ``search_initials`` on unsaved records (bulk inserts send no ``pre_save``)."""
    for record in records:
        sources = _initials_sources(type(record))
        if sources:
            record.search_initials = initials(*(getattr(record, name, "") or "" for name in sources))


def _fill_on_save(sender, instance, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    sources = _initials_sources(sender)
    if update_fields is not None and not (set(update_fields) & set(sources)):
        return
    instance.search_initials = initials(*(getattr(instance, name, "") or "" for name in sources))
    if update_fields is not None and instance.pk is not None:
        # A save of named fields writes only those: the initials follow them in the same transaction.
        sender._default_manager.filter(pk=instance.pk).update(search_initials=instance.search_initials)


def fill_initials_migration(app_label: str, model_name: str, sources: tuple[str, ...]):
    """A RunPython body filling the column on the rows that exist (used by the migrations adding it)."""

    def forwards(migration_apps, schema_editor):
        model = migration_apps.get_model(app_label, model_name)
        batch = []
        for record in model.objects.only("pk", *sources).iterator(chunk_size=2000):
            record.search_initials = initials(*(getattr(record, name, "") or "" for name in sources))
            batch.append(record)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, ["search_initials"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["search_initials"])

    return forwards


# -- the widget -------------------------------------------------------------------------------


class LookupWidget(forms.Widget):
    """A search box with a list of matches below it; the chosen record's value goes into a hidden input.

    What is typed is copied into the hidden input too (kesu.js), so typing an
    exact code and saving works as before. ``narrow_by`` names the form field
    (the customer) whose value is sent along to narrow the matches.
    """

    def __init__(self, lookup: str, *, narrow_by: str | None = None, customer_id: int | None = None, user=None,
                 attrs=None):
        super().__init__(attrs)
        self.lookup = lookup
        self.narrow_by = narrow_by
        self.customer_id = customer_id  # a form without a customer field narrows to its record's customer
        self.user = user

    def render(self, name, value, attrs=None, renderer=None):
        lookup = get(self.lookup)
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.pop("id", f"id_{name}")
        css = attrs.pop("class", "form-control")
        try:
            record = lookup.find(self.user, value)
        except (ValueError, TypeError):
            record = None
        label = lookup.label_for(record, self.user) if record is not None else ""
        shown = lookup.display_for(record, self.user) if record is not None else ("" if value is None else str(value))
        params: dict[str, Any] = {"lookup_field": name}
        search_attrs = {
            "type": "search", "id": field_id, "name": name, "class": css, "value": shown, "autocomplete": "off",
            "role": "combobox", "aria-expanded": "false", "aria-controls": f"{field_id}_options",
            "hx-get": reverse("lookup", args=[self.lookup]), "hx-trigger": "input changed delay:250ms, focus",
            "hx-target": f"#{field_id}_options", "hx-swap": "innerHTML", "data-lookup-search": "",
        }
        if self.narrow_by:
            search_attrs["hx-include"] = f"[data-lookup-narrow='{self.narrow_by}']"
            search_attrs["data-lookup-narrowed-by"] = self.narrow_by
        elif self.customer_id is not None:
            params["customer_id"] = self.customer_id
        search_attrs["hx-vals"] = json.dumps(params)
        search_attrs.update({k: v for k, v in attrs.items() if k not in ("name", "type")})
        chosen_attrs = {"type": "hidden", "name": f"{name}{CHOSEN}", "value": lookup.value_of(record) if record else "",
                        "data-lookup-value": ""}
        if self.lookup == "customer":
            search_attrs["data-lookup-narrow"] = chosen_attrs["data-lookup-narrow"] = name.rpartition("-")[2]
        return format_html(
            '<div class="kesu-lookup position-relative" data-lookup>'
            "<input{}><input{}>"
            '<div class="list-group position-absolute w-100 shadow-sm z-3 kesu-lookup-options" id="{}_options" '
            'role="listbox"></div><div class="form-text" data-lookup-hint>{}</div></div>',
            _attrs(search_attrs), _attrs(chosen_attrs), field_id, label if label != shown else "",
        )

    def value_from_datadict(self, data, files, name):
        # The record chosen from the list, else what was typed (a code, an id, an exact name).
        return data.get(f"{name}{CHOSEN}") or data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}{CHOSEN}" not in data


def _attrs(attrs: dict[str, Any]):
    """HTML attributes as Django writes them: True alone, False and None left out."""
    return format_html_join("", "{}", ((format_html(' {}', k) if v is True else format_html(' {}="{}"', k, v),)
                                       for k, v in attrs.items() if v is not False and v is not None))


def use_lookups(form: forms.BaseForm, fields: dict[str, str], *, customer_field: str = "customer") -> None:
    """Give ``form``'s fields (form field name → lookup name) the type-ahead widget.

    Fields of records that belong to a customer are narrowed by the form's
    customer field when it has one, else by the customer of the record edited.
    """
    user = getattr(form, "user", None)
    instance = getattr(form, "instance", None)
    customer_id = getattr(instance, "customer_id", None) if instance is not None and instance.pk else None
    for name, lookup_name in fields.items():
        if name not in form.fields:
            continue
        lookup = get(lookup_name)
        narrow = customer_field if lookup.customer_field and customer_field in form.fields else None
        old = form.fields[name].widget
        widget = LookupWidget(lookup_name, narrow_by=narrow, customer_id=None if narrow or not lookup.customer_field
                              else customer_id, user=user, attrs=dict(old.attrs))
        widget.is_required = old.is_required
        form.fields[name].widget = widget


# -- the endpoint -----------------------------------------------------------------------------


def _param(query, suffix: str) -> str:
    """The value of ``suffix`` or ``<prefix>-<suffix>`` in ``query`` (forms may carry a prefix)."""
    for key in query:
        if key == suffix or key.endswith(f"-{suffix}"):
            return query.get(key, "")
    return ""


def lookup_view(request, name: str):
    """The matches for what was typed, as a list of choices (htmx) or JSON (``?format=json``)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import Http404, JsonResponse
    from django.shortcuts import render

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        lookup = get(name)
    except KeyError:
        raise Http404 from None
    # The widget sends its own box under the form field's name and says which one that is.
    field_name = request.GET.get("lookup_field", "")
    text = request.GET.get("q") or (request.GET.get(field_name, "") if field_name else "")
    customer = None
    if lookup.customer_field:
        raw = (request.GET.get("customer_id") or _param(request.GET, f"customer{CHOSEN}")
               or _param(request.GET, "customer"))
        if raw:
            customer = get("customer").find(request.user, raw)
            if customer is None:  # a customer the user may not see narrows to nothing
                return _respond(request, lookup, [], render, JsonResponse)
    records = lookup.search(request.user, text[:100], customer=customer)
    return _respond(request, lookup, records, render, JsonResponse)


def _respond(request, lookup: Lookup, records, render, json_response):
    rows = [{"id": r.pk, "value": lookup.value_of(r), "label": lookup.label_for(r, request.user),
             "display": lookup.display_for(r, request.user)} for r in records]
    if request.GET.get("format") == "json":
        return json_response({"results": rows})
    return render(request, "core/_lookup_options.html", {"rows": rows, "lookup": lookup.name})
