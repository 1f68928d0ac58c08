"""Declarative master-data resources and the generic pages built from them.

A :class:`Resource` says, once, how a kind of record is listed, searched,
filtered, edited, imported and exported. The views here, the REST endpoints in
:mod:`kesu.core.api_crud` and the importer in :mod:`kesu.core.importexport`
all read the same declaration, so a rule lives in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import privacy, services
from .listing import ListSpec, Sort, paginate
from .panels import panels_for
from .selectors import audit_entries_for

PAGE_SIZE = 50


_REGISTRY: dict[str, Resource] = {}


def resource_named(name: str) -> Resource | None:
    """The resource declared under ``name`` (``ImportJob.resource``), once its app's resources are imported."""
    if name not in _REGISTRY:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("resources")
    return _REGISTRY.get(name)


@dataclass
class Resource:
    """How one kind of company-scoped record is handled everywhere."""

    name: str  # URL and API name, e.g. "customer"
    model: type[models.Model]
    form_class: type
    filterset_class: type
    list_columns: list[str]
    search_fields: list[str]
    natural_key: list[str]  # unique within a company; what import matches on
    columns: list[str]  # import/export columns, in order
    select_related: list[str] = field(default_factory=list)
    # field name → (related model, lookup field) for import/export of foreign keys by code
    fk_codes: dict[str, tuple[type[models.Model], str]] = field(default_factory=dict)
    # field name → function(obj) giving the export value, and the matching import resolver
    export_values: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    # field name → function(actor, company_id, raw value) giving the form value
    import_resolvers: dict[str, Callable[[Any, int, Any], Any]] = field(default_factory=dict)
    detail_template: str = "core/resource_detail.html"
    detail_context: Callable[[Any, Any], dict] | None = None
    api_path: str = ""

    def __post_init__(self) -> None:
        # The worker finds a queued import's resource by the name kept on the job.
        _REGISTRY[self.name] = self

    @property
    def opts(self):
        return self.model._meta

    @property
    def plural(self) -> str:
        return self.api_path or f"{self.name}s"

    def perm(self, action: str) -> str:
        return f"{self.opts.app_label}.{action}_{self.opts.model_name}"

    def require(self, user, action: str) -> None:
        if not user.has_perm(self.perm(action)):
            raise PermissionDenied

    def queryset(self, user) -> QuerySet:
        """Every record of this kind the user may see, ready for listing."""
        return self.model.objects.visible_to(user).select_related(*self.select_related)

    def get_for_user(self, user, pk) -> models.Model:
        """The record if the user may see it; 404 otherwise (never reveals other companies' ids)."""
        return get_object_or_404(self.queryset(user), pk=pk)

    def search(self, qs: QuerySet, term: str) -> QuerySet:
        term = term.strip()
        if not term:
            return qs
        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": term})
        return qs.filter(condition)

    def filtered(self, user, params) -> tuple[QuerySet, Any]:
        """The list the user asked for: visible records, filtered and searched. Shared by page, export and API."""
        filterset = self.filterset_class(params, queryset=self.queryset(user), request=None, user=user)
        qs = filterset.qs if filterset.is_valid() else self.queryset(user).none()
        return self.search(qs, params.get("q", "")), filterset

    def url(self, action: str, *args) -> str:
        return reverse(f"{self.opts.app_label}:{self.name}_{action}", args=args)

    @property
    def personal(self) -> dict[str, str]:
        """The model's fields holding customers' personal data (issue 18 §13), name → kind."""
        return privacy.personal_fields(self.model)

    def masks_for(self, user) -> dict[str, str]:
        """The personal fields ``user`` sees masked in this resource's lists, exports and API (none if allowed)."""
        personal = self.personal
        return {} if not personal or privacy.sees_personal_data(user) else personal

    def column_value(self, obj, name: str, masks: dict[str, str] | None = None) -> Any:
        """What a list cell or export cell shows for a field (``masks``: personal fields shown masked)."""
        if masks and name in masks:
            return privacy.mask(getattr(obj, name), masks[name])
        if name in self.export_values:
            return self.export_values[name](obj)
        model_field = self.opts.get_field(name)
        if model_field.choices:
            return getattr(obj, f"get_{name}_display")()
        value = getattr(obj, name)
        if model_field.is_relation and value is not None and name in self.fk_codes:
            return getattr(value, self.fk_codes[name][1])
        return value

    def column_label(self, name: str) -> str:
        return str(self.opts.get_field(name).verbose_name)

    def list_spec(self, user) -> ListSpec:
        """The list's sortable columns (issue 17 §7): every shown column but masked personal data (its order would
        tell what the mask hides) and relations without a code; index-served where an index or unique
        constraint starts with the column, or with the company and then the column."""
        masks = self.masks_for(user)
        indexed = _indexed_fields(self.model)
        sorts = []
        for name in self.list_columns:
            model_field = self.opts.get_field(name)
            if name in masks:
                continue
            if model_field.is_relation:
                if name not in self.fk_codes:
                    continue
                sorts.append(Sort(name, (f"{name}__{self.fk_codes[name][1]}",)))
            else:
                sorts.append(Sort(name, (name,), indexed=name in indexed))
        return ListSpec(sorts=tuple(sorts), default_order=tuple(self.opts.ordering or ("pk",)))


def _indexed_fields(model) -> set[str]:
    """Fields an index serves as a sort order for one company's list (the leading field, or the one after
    ``company``)."""
    opts = model._meta
    found = {f.name for f in opts.concrete_fields if f.db_index or f.unique or f.primary_key}
    groups = [list(index.fields) for index in opts.indexes]
    groups += [list(c.fields) for c in opts.constraints if getattr(c, "fields", None)]
    groups += [list(together) for together in opts.unique_together]
    for fields in groups:
        fields = [f.lstrip("-") for f in fields]
        if fields[0] == "company" and len(fields) > 1:
            found.add(fields[1])
        found.add(fields[0])
    return found


# -- pages ----------------------------------------------------------------

def _cells(resource: Resource, objects, user) -> list[tuple[Any, list[Any]]]:
    masks = resource.masks_for(user)
    rows = []
    for obj in objects:
        cells = []
        for name in resource.list_columns:
            model_field = resource.opts.get_field(name)
            if name in masks:
                cells.append(privacy.mask(getattr(obj, name), masks[name]))
            elif model_field.choices:
                cells.append(getattr(obj, f"get_{name}_display")())
            else:
                value = getattr(obj, name)
                cells.append("" if value is None else value)
        rows.append((obj, cells))
    return rows


def _without_page(params) -> str:
    """The list's query string for the export link: the same filters, all pages."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def list_view(request, resource: Resource):
    resource.require(request.user, "view")
    qs, filterset = resource.filtered(request.user, request.GET)
    page, listing = paginate(request, qs, resource.list_spec(request.user), filterset=filterset,
                             path=resource.url("list"))
    # htmx asks for the rows only; its history restore (Back after a search) needs the whole page.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "core/_resource_rows.html" if partial else "core/resource_list.html"
    return render(
        request,
        template,
        {
            "resource": resource,
            "filterset": filterset,
            "page": page,
            "rows": _cells(resource, page.object_list, request.user),
            "headers": [resource.column_label(c) for c in resource.list_columns],
            "can_add": request.user.has_perm(resource.perm("add")),
            "query": _without_page(request.GET),
            "listing": listing,
            "columns": [(resource.column_label(c), c) for c in resource.list_columns],
        },
    )


# Columns kept for the machine, not for people (the lookups' pinyin initials).
HIDDEN_FIELDS = frozenset({"search_initials"})


def detail_view(request, resource: Resource, pk: int):
    resource.require(request.user, "view")
    obj = resource.get_for_user(request.user, pk)
    masks = resource.masks_for(request.user)
    fields = []
    for model_field in resource.opts.concrete_fields:
        if model_field.primary_key or model_field.name in HIDDEN_FIELDS:
            continue
        if model_field.name in masks:
            value = privacy.mask(getattr(obj, model_field.name), masks[model_field.name])
        elif model_field.choices:
            value = getattr(obj, f"get_{model_field.name}_display")()
        else:
            value = getattr(obj, model_field.name)
        if isinstance(value, datetime.datetime):
            # Shown in the company's local time, to the second, not as a raw UTC timestamp.
            value = f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"
        elif isinstance(value, datetime.date):
            value = f"{value:%Y-%m-%d}"
        fields.append((model_field.verbose_name, value))
    if resource.personal and not masks:
        # Issue 18 §13: who saw whose personal data, and when.
        privacy.record_personal_view(request.user, obj)
    context = {
        "resource": resource,
        "object": obj,
        "object_label": str(obj) if not masks else f"{resource.opts.verbose_name} #{obj.pk}",
        "fields": fields,
        "audit_entries": audit_entries_for(obj, user=request.user),
        "can_change": request.user.has_perm(resource.perm("change")),
        "can_delete": request.user.has_perm(resource.perm("delete")),
        # What other modules add to this record's page (kesu.core.panels); nothing on a masked record.
        "panels": [] if masks else panels_for(obj, request.user),
    }
    if resource.detail_context:
        context.update(resource.detail_context(obj, request.user))
    return render(request, resource.detail_template, context)


def _next_url(request) -> str | None:
    """Where to go after saving when a page sent the user here (e.g. a contract line added from its contract)."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def _form_view(request, resource: Resource, instance=None):
    initial = {k: v for k, v in request.GET.items() if k in resource.form_class.base_fields}
    form = resource.form_class(request.POST or None, instance=instance, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        save = services.record_create if instance is None else services.record_update
        try:
            obj = save(actor=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": obj})
            return redirect(_next_url(request) or resource.url("detail", obj.pk))
    return render(request, "core/resource_form.html", {"resource": resource, "form": form, "object": instance})


def create_view(request, resource: Resource):
    resource.require(request.user, "add")
    return _form_view(request, resource)


def edit_view(request, resource: Resource, pk: int):
    resource.require(request.user, "change")
    obj = resource.get_for_user(request.user, pk)
    if resource.masks_for(request.user):
        raise PermissionDenied  # the form would show the personal data the user may not see (issue 18 §13)
    return _form_view(request, resource, obj)


def delete_view(request, resource: Resource, pk: int):
    resource.require(request.user, "delete")
    obj = resource.get_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.record_delete(actor=request.user, instance=obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(resource.url("detail", pk))
        messages.success(request, _("%(name)s deleted.") % {"name": obj})
        return redirect(resource.url("list"))
    return render(request, "core/resource_confirm_delete.html", {"resource": resource, "object": obj})


def export_view(request, resource: Resource):
    from .importexport import export_xlsx

    resource.require(request.user, "view")
    qs, _filterset = resource.filtered(request.user, request.GET)
    stream, filename = export_xlsx(resource, qs, user=request.user)
    return FileResponse(stream, as_attachment=True, filename=filename)


def import_view(request, resource: Resource):
    from .importexport import ImportError_, import_progress, import_xlsx

    resource.require(request.user, "add")
    resource.require(request.user, "change")
    from kesu.accounts.models import Company

    job = None
    error = None
    # A group-scope user chooses which company the file is for; everyone else imports into their own.
    companies = Company.objects.filter(is_active=True).order_by("code")
    if not request.user.is_superuser:
        companies = companies.filter(pk__in=request.user.visible_company_ids())
    companies = list(companies) if request.user.is_superuser or len(request.user.visible_company_ids()) > 1 else []
    chosen = request.user.company_id
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if request.POST.get("company"):
                try:
                    chosen = int(request.POST["company"])
                except ValueError:
                    raise ImportError_(_("Choose a company you belong to.")) from None
            job = import_xlsx(resource, actor=request.user, upload=upload, company_id=chosen)
        except ImportError_ as exc:
            error = str(exc)
    elif request.GET.get("job", "").isdigit():
        job = _import_job_for(request, resource, int(request.GET["job"]))  # back to a running import
    from .models import ImportJob

    recent = ImportJob.objects.filter(resource=resource.name, created_by=request.user).order_by("-created_at")[:10]
    return render(request, "core/resource_import.html", {
        "resource": resource, "job": job, "error": error, "companies": companies, "chosen": chosen,
        "recent": list(recent), "done": import_progress(job) if job is not None else 0,
    })


def _import_job_for(request, resource: Resource, job_id: int):
    """A job of this resource, only for who may import it and only their own (a superuser sees every one)."""
    from .models import ImportJob

    resource.require(request.user, "add")
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=job_id, resource=resource.name)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


def import_status_view(request, resource: Resource, job_id: int):
    """The job's progress or outcome, polled by the import page while the worker runs the file."""
    from .importexport import import_progress

    job = _import_job_for(request, resource, job_id)
    if not request.headers.get("HX-Request"):
        return redirect(f"{resource.url('import')}?job={job.pk}")
    return render(request, "core/_import_job.html", {"resource": resource, "job": job, "done": import_progress(job)})


def import_report_view(request, resource: Resource, job_id: int):
    from .importexport import error_report

    job = _import_job_for(request, resource, job_id)
    if job.status != job.Status.REJECTED:
        raise Http404
    stream, filename = error_report(job)
    return FileResponse(stream, as_attachment=True, filename=filename)


def urls_for(resource: Resource) -> list:
    """The pages of a resource, named ``<name>_list``, ``<name>_detail`` … in the app's namespace."""
    def bind(view):
        wrapped = login_required(lambda request, **kw: view(request, resource, **kw))
        wrapped.__name__ = f"{resource.name}_{view.__name__}"
        return wrapped

    n = resource.name
    return [
        path(f"{n}s/", bind(list_view), name=f"{n}_list"),
        path(f"{n}s/new/", bind(create_view), name=f"{n}_create"),
        path(f"{n}s/export.xlsx", bind(export_view), name=f"{n}_export"),
        path(f"{n}s/import/", bind(import_view), name=f"{n}_import"),
        path(f"{n}s/import/<int:job_id>/", bind(import_status_view), name=f"{n}_import_status"),
        path(f"{n}s/import/<int:job_id>/report.xlsx", bind(import_report_view), name=f"{n}_import_report"),
        path(f"{n}s/<int:pk>/", bind(detail_view), name=f"{n}_detail"),
        path(f"{n}s/<int:pk>/edit/", bind(edit_view), name=f"{n}_edit"),
        path(f"{n}s/<int:pk>/delete/", bind(delete_view), name=f"{n}_delete"),
    ]

