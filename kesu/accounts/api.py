"""Accounts API: the signed-in user, their language, personal API tokens, and the organization they can see."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from kesu.api.types import Id

from . import services
from .models import ApiToken, Company, Department, Position, User

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    company_id: Id | None
    department_id: Id | None
    position_id: Id | None
    role: str | None
    language: str
    visible_company_ids: list[Id]
    permissions: list[str]


class MeIn(Schema):
    language: str


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreated(TokenOut):
    token: str


class CompanyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    parent_id: Id | None
    time_zone: str
    # Local wall-clock times "HH:MM:SS": OpenAPI's "time" format wants an offset these times do not have.
    work_start: str = Field(pattern=r"^\d{2}:\d{2}:\d{2}$")
    work_end: str = Field(pattern=r"^\d{2}:\d{2}:\d{2}$")

    @staticmethod
    def resolve_work_start(obj) -> str:
        return obj.work_start.strftime("%H:%M:%S")

    @staticmethod
    def resolve_work_end(obj) -> str:
        return obj.work_end.strftime("%H:%M:%S")


class DepartmentOut(Schema):
    id: int
    company_id: Id
    code: str
    name: str
    kind: str
    head_id: Id | None


class PositionOut(Schema):
    id: int
    company_id: Id
    name: str
    role: str
    scope: str


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    company_id: Id | None
    department_id: Id | None
    position_id: Id | None
    sales_region_id: Id | None


def _me(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "email": user.email,
        "company_id": user.company_id,
        "department_id": user.department_id,
        "position_id": user.position_id,
        "role": user.role,
        "language": user.language or "zh-hans",
        "visible_company_ids": sorted(user.visible_company_ids()),
        "permissions": sorted(user.get_all_permissions()),
    }


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    return _me(request.user)


@router.patch("/me", response=MeOut, summary="Change the signed-in user's language")
def me_update(request, payload: MeIn):
    services.user_set_language(actor=request.user, language=payload.language)
    return _me(request.user)


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def token_list(request):
    return list(ApiToken.objects.filter(user=request.user))


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token (the value is shown once)")
def token_create(request, payload: TokenIn):
    if len(payload.name) > 100:
        raise ValidationError({"name": ["Ensure this value has at most 100 characters."]})
    token, raw = services.api_token_create(actor=request.user, name=payload.name)
    return 201, {**TokenOut.from_orm(token).dict(), "token": raw}


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request, token_id: Id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    return 204, None


@router.get("/companies", response=list[CompanyOut], summary="Companies I can see")
def company_list(request):
    qs = Company.objects.all()
    if not request.user.is_superuser:
        qs = qs.filter(pk__in=request.user.visible_company_ids())
    return list(qs)


@router.get("/departments", response=list[DepartmentOut], summary="Departments of companies I can see")
def department_list(request):
    return list(Department.objects.visible_to(request.user))


@router.get("/positions", response=list[PositionOut], summary="Positions of companies I can see")
def position_list(request):
    return list(Position.objects.visible_to(request.user))


@router.get("/users", response=list[UserOut], summary="Active users of companies I can see")
def user_list(request):
    return [
        {**UserOut.from_orm(u).dict(), "display_name": str(u)}
        for u in User.objects.visible_to(request.user).filter(is_active=True).order_by("username")
    ]
