"""REST endpoints generated from a :class:`~kesu.core.resources.Resource`.

List (filters, search ``q``, pagination), retrieve, create, replace, update
and delete — with the page's permission checks, company scope, form
validation and write service, so the API holds no second copy of any rule.
"""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from ninja import Body, Query, Router, Schema
from ninja.orm import create_schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import services
from .resources import Resource


class ListParams(Schema):
    q: str = ""


def _validate(resource: Resource, request, data: dict[str, Any], instance=None):
    from django.core.exceptions import ValidationError

    if instance is not None:
        merged = {k: v for k, v in model_to_dict(instance).items() if k in resource.form_class.base_fields}
        merged.update(data)
        data = merged
    if "company" not in data and instance is None:
        data["company"] = request.user.company_id
    form = resource.form_class(data={k: ("" if v is None else v) for k, v in data.items()}, instance=instance,
                               user=request.user)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return form


def register(router: Router, resource: Resource) -> None:
    """Add the resource's endpoints to a router under /<plural>."""
    fields = ["id", *[f.name for f in resource.opts.concrete_fields if not f.primary_key]]
    out_schema = create_schema(resource.model, name=f"{resource.model.__name__}Out", fields=fields)
    form_fields = list(resource.form_class.base_fields)
    in_schema = create_schema(
        resource.model, name=f"{resource.model.__name__}In", fields=form_fields, optional_fields="__all__"
    )
    base = f"/{resource.plural}"
    tag = [str(resource.opts.verbose_name_plural)]
    label = resource.model.__name__

    @router.get(base, response=list[out_schema], tags=tag, summary=f"List {label} records",
                operation_id=f"list_{resource.name}")
    @paginate(LimitOffsetPagination)
    def list_records(request, filters: Query[ListParams]):
        resource.require(request.user, "view")
        qs, _filterset = resource.filtered(request.user, request.GET)
        return qs

    @router.get(f"{base}/{{pk}}", response=out_schema, tags=tag, summary=f"Get one {label}",
                operation_id=f"get_{resource.name}")
    def get_record(request, pk: int):
        resource.require(request.user, "view")
        return resource.get_for_user(request.user, pk)

    @router.post(base, response={201: out_schema}, tags=tag, summary=f"Create a {label}",
                 operation_id=f"create_{resource.name}")
    def create_record(request, payload: in_schema = Body(...)):  # type: ignore[valid-type]
        resource.require(request.user, "add")
        form = _validate(resource, request, payload.dict(exclude_unset=True))
        return 201, services.record_save(actor=request.user, form=form, source="api")

    @router.patch(f"{base}/{{pk}}", response=out_schema, tags=tag, summary=f"Change a {label}",
                  operation_id=f"update_{resource.name}")
    def update_record(request, pk: int, payload: in_schema = Body(...)):  # type: ignore[valid-type]
        resource.require(request.user, "change")
        instance = resource.get_for_user(request.user, pk)
        form = _validate(resource, request, payload.dict(exclude_unset=True), instance)
        return services.record_save(actor=request.user, form=form, source="api")

    @router.delete(f"{base}/{{pk}}", response={204: None}, tags=tag, summary=f"Delete a {label}",
                   operation_id=f"delete_{resource.name}")
    def delete_record(request, pk: int):
        resource.require(request.user, "delete")
        services.record_delete(actor=request.user, instance=resource.get_for_user(request.user, pk), source="api")
        return 204, None
