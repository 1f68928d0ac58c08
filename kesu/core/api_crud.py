"""REST endpoints generated from a :class:`~kesu.core.resources.Resource`.

List (filters, search ``q``, pagination), retrieve, create, replace, update
and delete — with the page's permission checks, company scope, form
validation and write service, so the API holds no second copy of any rule.
"""


from typing import Any

from django.forms.models import model_to_dict
from ninja import Body, Query, Router, Schema
from ninja.orm import create_schema
from pydantic import create_model

from kesu.api.lean import LeanList, conditional, row_version
from kesu.api.modelschema import input_schema

from . import privacy, services
from .resources import Resource


class ListParams(Schema):
    q: str = ""


def _form_data(resource: Resource, payload: dict[str, Any]) -> dict[str, Any]:
    """JSON names → form names: foreign keys travel as ``customer_id`` (as in the output), forms say ``customer``."""
    data = {}
    for key, value in payload.items():
        name = key[:-3] if key.endswith("_id") and key[:-3] in resource.form_class.base_fields else key
        data[name] = value
    return data


def _validate(resource: Resource, request, data: dict[str, Any], instance=None, *, replace: bool = False):
    """A bound, valid form for the payload. PATCH keeps what the payload leaves out; POST and PUT
    give it the model default (PUT replaces the whole record, keeping only its company)."""
    from django.core.exceptions import ValidationError

    data = _form_data(resource, data)

    if instance is not None and not replace:
        merged = {k: v for k, v in model_to_dict(instance).items() if k in resource.form_class.base_fields}
        merged.update(data)
        data = merged
    if instance is None or replace:
        data.setdefault("company", instance.company_id if instance is not None else request.user.company_id)
        # A field left out of the JSON takes the model's default, as a new record would on a page.
        for name in resource.form_class.base_fields:
            model_field = resource.opts.get_field(name)
            if name not in data and model_field.has_default():
                data[name] = model_field.get_default()
    form = resource.form_class(data={k: ("" if v is None else v) for k, v in data.items()}, instance=instance,
                               user=request.user)
    if not form.is_valid():
        fk_names = {f.name for f in resource.opts.concrete_fields if f.is_relation}
        raise ValidationError({
            (f"{field}_id" if field in fk_names else field): list(errors) for field, errors in form.errors.items()
        })
    return form


def _masking_schema(resource: Resource, schema):
    """The output schema with customers' personal data masked for whom the privacy rule says (issue 18 §13)."""
    def resolver(name: str, kind: str):
        def resolve(obj, context) -> Any:
            value = getattr(obj, name)
            request = context["request"] if context else None
            if request is None or privacy.sees_personal_data(request.user):
                return value
            return privacy.mask(value, kind)
        return staticmethod(resolve)

    namespace = {f"resolve_{name}": resolver(name, kind) for name, kind in resource.personal.items()}
    # The e-mail of a masked contact is no longer an address: the schema types it as text.
    namespace["__annotations__"] = {name: (str | None) for name in resource.personal}
    return type(schema.__name__, (schema,), namespace)


def _conditional(resource: Resource):
    """ETag / If-None-Match on a record's detail (kesu.api.lean), from its version and change time. Not for
    records with personal data: each reading of those is recorded (issue 18 §13), a 304 would go unrecorded."""
    columns = [name for name in ("version", "updated_at") if name in {f.name for f in resource.opts.concrete_fields}]
    if resource.personal or not columns:
        return lambda view: view

    def visible(request):
        resource.require(request.user, "view")
        return resource.queryset(request.user).select_related(None)

    return conditional(row_version(visible, *columns), label=resource.opts.label)


def register(router: Router, resource: Resource) -> None:
    """Add the resource's endpoints to a router under /<plural>."""
    fields = ["id", *[f.name for f in resource.opts.concrete_fields if not f.primary_key]]
    out_schema = create_schema(resource.model, name=f"{resource.model.__name__}Out", fields=fields)
    if resource.personal:
        out_schema = _masking_schema(resource, out_schema)
    form_fields = list(resource.form_class.base_fields)
    # Every field bounded as its column (issue 15: a huge amount or quantity reached the database as a 500);
    # an unknown key is an error naming it, never silently dropped.
    in_schema = input_schema(resource.model, f"{resource.model.__name__}In", form_fields)
    base = f"/{resource.plural}"
    # The path's name, in English as every other group of the API: the model's verbose name was translated into
    # the language active at import (顾客, 零件), so a generated client named its modules in Chinese.
    tag = [resource.plural.replace("-", " ")]
    label = resource.model.__name__

    # The page's filters, named in the OpenAPI document; the filter set itself reads request.GET.
    list_params = create_model(
        f"{resource.model.__name__}ListParams", __base__=ListParams,
        **{name: (str | None, None) for name in resource.filterset_class.base_filters},
    )

    rows = LeanList(out_schema)  # fields=, cursor pages (issue 24 §4)

    @router.get(base, response=rows.response, tags=tag, summary=f"List {label} records", by_alias=True,
                exclude_unset=True, operation_id=f"list_{resource.name}")
    @rows.paginate
    def list_records(request, filters: Query[list_params]):  # type: ignore[valid-type]
        resource.require(request.user, "view")
        qs, _filterset = resource.filtered(request.user, request.GET)
        return qs

    @router.get(f"{base}/{{pk}}", response=out_schema, tags=tag, summary=f"Get one {label}", by_alias=True,
                operation_id=f"get_{resource.name}")
    @_conditional(resource)
    def get_record(request, pk: int):
        resource.require(request.user, "view")
        obj = resource.get_for_user(request.user, pk)
        if resource.personal and not resource.masks_for(request.user):
            privacy.record_personal_view(request.user, obj, source="api")  # issue 18 §13: who saw whose data
        return obj

    @router.post(base, response={201: out_schema}, tags=tag, summary=f"Create a {label}", by_alias=True,
                 operation_id=f"create_{resource.name}")
    def create_record(request, payload: in_schema = Body(...)):  # type: ignore[valid-type]  # noqa: B008
        resource.require(request.user, "add")
        form = _validate(resource, request, payload.dict(exclude_unset=True))
        return 201, services.record_create(actor=request.user, form=form, source="api")

    @router.patch(f"{base}/{{pk}}", response=out_schema, tags=tag, summary=f"Change a {label}", by_alias=True,
                  operation_id=f"update_{resource.name}")
    def update_record(request, pk: int, payload: in_schema = Body(...)):  # type: ignore[valid-type]  # noqa: B008
        resource.require(request.user, "change")
        instance = resource.get_for_user(request.user, pk)
        form = _validate(resource, request, payload.dict(exclude_unset=True), instance)
        return services.record_update(actor=request.user, form=form, source="api")

    @router.put(f"{base}/{{pk}}", response=out_schema, tags=tag, summary=f"Replace a {label}", by_alias=True,
                operation_id=f"replace_{resource.name}")
    def replace_record(request, pk: int, payload: in_schema = Body(...)):  # type: ignore[valid-type]  # noqa: B008
        resource.require(request.user, "change")
        instance = resource.get_for_user(request.user, pk)
        form = _validate(resource, request, payload.dict(exclude_unset=True), instance, replace=True)
        return services.record_update(actor=request.user, form=form, source="api")

    @router.delete(f"{base}/{{pk}}", response={204: None}, tags=tag, summary=f"Delete a {label}",
                   operation_id=f"delete_{resource.name}")
    def delete_record(request, pk: int):
        resource.require(request.user, "delete")
        services.record_delete(actor=request.user, instance=resource.get_for_user(request.user, pk), source="api")
        return 204, None
