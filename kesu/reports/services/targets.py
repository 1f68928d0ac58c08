"""KPI targets and the analysis settings (issue 7 §4; design §9): set per company and year by management, QA
or the general office (:data:`kesu.reports.permissions.TARGETS`), within the companies the actor may see.

Every write is atomic and runs as the actor, so the audit trail (CompanyScopedModel signals) names who
changed a target or a setting, old → new. Validation errors name the field and are in the user's language.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import require_role

from .. import permissions
from ..choices import Kpi
from ..models import KpiTarget, ReportSettings

CENT = Decimal("0.01")
SETTINGS_FIELDS = ("closure_target_working_days", "alert_history_months", "alert_min_count", "report_due_day",
                   "report_remind_days")


def can_set_targets(user, company_id: int | None = None) -> bool:
    """Whether ``user`` may set targets and settings (of ``company_id`` when given)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if company_id is not None and not (user.is_superuser or company_id in user.visible_company_ids()):
        return False
    return user.has_role(*permissions.TARGETS)


def _target_value(value: Any) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"target": _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({"target": _("Enter a number.")})
    # Stored with two decimals: shown as stored ("96.50"); more decimals are refused by the field's validation.
    return number.quantize(CENT) if number.as_tuple().exponent >= -2 else number


def _year_value(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a whole number.")}) from None


def kpi_target_set(*, actor, company, year: int, kpi: str, target: Any, note: str = "",
                   source: str = "web") -> KpiTarget:
    """Set (create or update) ``company``'s target for ``kpi`` in ``year``.

    A higher value is better for on-time delivery and satisfaction, a lower one for every other indicator
    (:data:`kesu.reports.choices.HIGHER_IS_BETTER`); the target itself is a plain non-negative number.
    """
    require_role(actor, permissions.TARGETS, company.pk)
    year = _year_value(year)
    if kpi not in Kpi.values:
        raise ValidationError({"kpi": _("Choose one of the indicators.")})
    value = _target_value(target)
    row = KpiTarget.objects.filter(company=company, year=year, kpi=kpi).first() or KpiTarget(
        company=company, year=year, kpi=kpi)
    row.target, row.note = value, (note or "").strip()
    row.full_clean()
    with acting_as(actor, source):
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as error:  # another user set the same target at the same moment
            raise ValidationError({"kpi": _("This target was set by someone else at the same moment; reload and "
                                            "try again.")}) from error
    return row


def kpi_target_delete(*, actor, target: KpiTarget, source: str = "web") -> None:
    """Remove a target: the indicator is shown without one (never "met")."""
    require_role(actor, permissions.TARGETS, target.company_id)
    with acting_as(actor, source), transaction.atomic():
        target.delete()


def report_settings_update(*, actor, company, data: dict[str, Any], source: str = "web") -> ReportSettings:
    """Change ``company``'s analysis settings (created with the defaults on first use).

    ``data`` holds any of :data:`SETTINGS_FIELDS`; an unknown key is refused, so a typo is never silently
    ignored.
    """
    require_role(actor, permissions.TARGETS, company.pk)
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationError({name: _("This setting does not exist.") for name in unknown})
    row = ReportSettings.objects.filter(company=company).first() or ReportSettings(company=company)
    errors: dict[str, str] = {}
    for name, value in data.items():
        try:
            setattr(row, name, int(value))
        except (TypeError, ValueError):
            errors[name] = _("Enter a whole number.")
    if errors:
        raise ValidationError(errors)
    row.full_clean()
    with acting_as(actor, source):
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as error:  # created by someone else at the same moment
            raise ValidationError(_("These settings were saved by someone else at the same moment; reload and "
                                    "try again.")) from error
    return row


def _kpi_of(value: Any) -> str | None:
    """An indicator by its code ("ppm") or its label in the active language."""
    text = str(value or "").strip()
    for kpi in Kpi:
        if text.lower() in (kpi.value, str(kpi.label).lower()):
            return kpi.value
    return None


def kpi_targets_import(*, actor, upload, source: str = "import") -> dict[str, Any]:
    """Set the targets of an .xlsx sheet: a header row, then company code, year, indicator (code or label),
    target and an optional note per row.

    All or nothing, like every Kesu import: when a row is rejected nothing is saved, and each rejected row is
    reported with its number (as Excel counts) and what is wrong with it.
    """
    from kesu.accounts.models import Company
    from kesu.core.importexport import XlsxSheet, check_xlsx_upload, too_long_message

    if not actor.has_role(*permissions.TARGETS):
        raise PermissionDenied(_("Your role may not do this."))
    check_xlsx_upload(upload)
    visible = Company.objects.all() if actor.is_superuser else Company.objects.filter(pk__in=actor.visible_company_ids())
    companies = {c.code.lower(): c for c in visible}
    rejected: list[dict[str, Any]] = []
    saved = count = 0
    # Read through the bounded reader, streamed (issue 15 §2: this import once opened workbooks in full mode,
    # 530 MB from a 1.6 KB file declaring A1:XFD1048576).
    with XlsxSheet(upload, active=True) as sheet, transaction.atomic():
        for sheet_row in sheet.rows(width=5):
            number, values = sheet_row.number, sheet_row.values
            count += 1
            if sheet_row.too_long:
                rejected.append({"row": number, "errors": [too_long_message()]})
                continue
            code, year, kpi, target, note = (values + [None] * 5)[:5]
            company = companies.get(str(code or "").strip().lower())
            if company is None:
                rejected.append({"row": number, "errors": [_("No company with the code “%(code)s” that you may see.")
                                                           % {"code": code or ""}]})
                continue
            try:
                kpi_target_set(actor=actor, company=company, year=year, kpi=_kpi_of(kpi) or str(kpi or ""),
                               target=target, note=str(note or ""), source=source)
            except ValidationError as error:
                rejected.append({"row": number, "errors": [
                    f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
                    if hasattr(error, "error_dict") else error.messages})
            else:
                saved += 1
        if rejected:
            transaction.set_rollback(True)
            saved = 0
    return {"rows": count, "saved": saved, "rejected": rejected}
