"""Organization and people: companies (a group with subsidiaries), departments, positions, users, API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.lookups import initials_field
from kesu.core.models import AuditedModel, CompanyQuerySet, CompanyScopedModel

from .roles import Role


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Company(AuditedModel):
    """A company or business unit; a group is a company with subsidiaries (design §1)."""

    code = models.CharField(_("company code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent company"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="subsidiaries",
    )
    time_zone = models.CharField(
        _("time zone"), max_length=50, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    work_start = models.TimeField(_("working hours start"), default=datetime.time(8, 30))
    work_end = models.TimeField(_("working hours end"), default=datetime.time(17, 30))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.work_start and self.work_end and self.work_start >= self.work_end:
            raise ValidationError({"work_end": _("Working hours must end after they start.")})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A company cannot be its own parent.")})
            ancestor = ancestor.parent

    def descendant_ids(self) -> set[int]:
        """This company and every subsidiary below it (one query per level)."""
        ids = {self.pk}
        frontier = {self.pk}
        while frontier:
            frontier = set(Company.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
            ids |= frontier
        return ids

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class DepartmentKind(models.TextChoices):
    SALES = "sales", _("Sales")
    QA = "qa", _("Quality")
    ENGINEERING = "engineering", _("Engineering")
    PRODUCTION = "production", _("Production")
    PURCHASING = "purchasing", _("Purchasing")
    FINANCE = "finance", _("Finance")
    MANAGEMENT = "management", _("Management")
    GENERAL_OFFICE = "general_office", _("General office")
    AFTER_SALES = "after_sales", _("After-sales service")
    OTHER = "other", _("Other")


class Department(CompanyScopedModel):
    """A department (部门) of one company; its head is the next step of escalation."""

    code = models.CharField(_("department code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    head = models.ForeignKey(
        "accounts.User", verbose_name=_("head"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="headed_departments",
    )
    search_initials = initials_field()  # pinyin initials of the name, for lookups (kesu.core.lookups)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class Position(CompanyScopedModel):
    """A job position (岗位) of one company, carrying one role."""

    class Scope(models.TextChoices):
        COMPANY = "company", _("Own company")
        GROUP = "group", _("Own company and its subsidiaries")

    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    scope = models.CharField(_("data scope"), max_length=20, choices=Scope.choices, default=Scope.COMPANY)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["company", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="position_name_unique")]

    def __str__(self) -> str:
        return self.name


class SalesRegion(CompanyScopedModel):
    """A sales region (区域) coordinated by a regional manager."""

    code = models.CharField(_("region code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    manager = models.ForeignKey(
        "accounts.User", verbose_name=_("regional manager"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="managed_regions",
    )

    class Meta:
        verbose_name = _("sales region")
        verbose_name_plural = _("sales regions")
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="sales_region_code_unique")]

    def __str__(self) -> str:
        return self.name


class KesuUserManager(UserManager.from_queryset(CompanyQuerySet)):
    pass


class User(AbstractUser, AuditedModel):
    """A member of staff, belonging to one company, department, position and sales region."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.SET_NULL, related_name="holders"
    )
    sales_region = models.ForeignKey(
        SalesRegion, verbose_name=_("sales region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    search_initials = initials_field()  # pinyin initials of the names, for lookups (kesu.core.lookups)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Issue 16 §3: a morning e-mail of what waits for the user and what is overdue. On by default: the point is that
    # work reaches people, and the digest is only sent on days something waits, so an idle user gets nothing.
    digest_email = models.BooleanField(_("daily digest e-mail"), default=True,
                                       help_text=_("Each working morning, an e-mail listing the work waiting for "
                                                   "you and what is overdue (only when something waits)."))

    objects = KesuUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        for field in ("department", "position", "sales_region"):
            related = getattr(self, field)
            if related is not None and related.company_id != self.company_id:
                raise ValidationError({field: _("It must belong to the user's company.")})

    @property
    def role(self) -> str | None:
        return self.position.role if self.position_id else None

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or self.role in roles

    def visible_company_ids(self) -> set[int]:
        """Companies whose records this user may see (cached for the request)."""
        cached = getattr(self, "_visible_company_ids", None)
        if cached is not None:
            return cached
        if self.company_id is None:
            ids: set[int] = set()
        elif self.position_id and self.position.scope == Position.Scope.GROUP:
            ids = self.company.descendant_ids()
        else:
            ids = {self.company_id}
        self._visible_company_ids = ids
        return ids


class ApiToken(AuditedModel):
    """A personal token for the REST API: shown once, stored as a SHA-256 hash, revocable."""

    PREFIX = "kesu_"

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("starts with"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def touch(self) -> None:
        now = timezone.now()
        # At most one write a minute per token: the API hot path stays read-only.
        if self.last_used_at is None or now - self.last_used_at > datetime.timedelta(minutes=1):
            # update(): a usage stamp, not a change worth an audit entry.
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
