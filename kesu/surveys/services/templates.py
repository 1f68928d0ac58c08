"""Creating and revising survey templates; the two seed forms ship ready (one write path for all three)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import require_role

from .. import permissions
from ..choices import BandTrigger, Grade
from ..models import GradeBand, SurveyTemplate, TemplateItem, TemplateSection
from ..seeds import SEEDS
from ..selectors import survey_settings_for
from .common import full_clean


def _build(company, data: dict[str, Any], version: int) -> tuple[SurveyTemplate, list]:
    """Validate the whole structure before anything is written; errors name the section and item."""
    unknown = sorted(set(data) - {"code", "name", "introduction", "sections", "bands"})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    template = SurveyTemplate(company=company, code=(data.get("code") or "").strip(), version=version,
                              name=(data.get("name") or "").strip(), introduction=data.get("introduction") or "")
    full_clean(template)
    sections = data.get("sections") or []
    if not sections:
        raise ValidationError({"sections": _("A template needs at least one section with items.")})
    built, total = [], 0
    for s, section in enumerate(sections, start=1):
        row = TemplateSection(position=s, title=str(section.get("title") or "").strip(),
                              is_critical=bool(section.get("is_critical")))
        if not row.title:
            raise ValidationError({f"sections[{s}].title": _("Give the section a title.")})
        items = []
        for i, item in enumerate(section.get("items") or [], start=1):
            obj = TemplateItem(position=i, text=str(item.get("text") or "").strip(), options=item.get("options"),
                               allow_comment=bool(item.get("allow_comment", True)))
            try:
                obj.full_clean(exclude=["section"], validate_unique=False)
            except ValidationError as error:
                raise ValidationError({f"sections[{s}].items[{i}].{k}": v
                                       for k, v in error.message_dict.items()}) from error
            items.append(obj)
            total += obj.max_points
        if not items:
            raise ValidationError({f"sections[{s}].items": _("Section %(n)s has no items.") % {"n": s}})
        built.append((row, items))
    if survey_settings_for(company).require_total_100 and total != 100:
        raise ValidationError({"sections": _("The items' maximum points add up to %(total)s; the company requires "
                                             "100.") % {"total": total}})
    template.max_points = total
    template._bands = _bands(company, data.get("bands"))
    return template, built


def default_bands(company) -> list[dict[str, Any]]:
    """A new template's grade table from the company's grade percentages; nothing triggers until QA says so."""
    cfg = survey_settings_for(company)
    return [{"lower": cfg.grade_best, "grade": Grade.BEST, "trigger": BandTrigger.NONE},
            {"lower": cfg.grade_good, "grade": Grade.GOOD, "trigger": BandTrigger.NONE},
            {"lower": cfg.grade_pass, "grade": Grade.PASS, "trigger": BandTrigger.NONE},
            {"lower": Decimal("0"), "grade": Grade.FAIL, "trigger": BandTrigger.NONE}]


def _bands(company, rows) -> list[GradeBand]:
    """Validate a grade table: bands from distinct scores 0–100, one from 0, grades never rising as scores fall."""
    rows = default_bands(company) if rows is None else rows
    bands, seen = [], set()
    for i, row in enumerate(rows, start=1):
        try:
            band = GradeBand(lower=Decimal(str(row.get("lower"))), grade=row.get("grade"),
                             trigger=row.get("trigger") or BandTrigger.NONE)
        except (InvalidOperation, AttributeError):
            raise ValidationError({f"bands[{i}].lower": _("Give the band's lower score as a number.")}) from None
        try:
            band.full_clean(exclude=["template"], validate_unique=False)
        except ValidationError as error:
            raise ValidationError({f"bands[{i}].{k}": v for k, v in error.message_dict.items()}) from error
        if band.lower in seen:
            raise ValidationError({f"bands[{i}].lower": _("Two bands start at %(score)s.") % {"score": band.lower}})
        seen.add(band.lower)
        bands.append(band)
    if Decimal("0") not in seen:
        raise ValidationError({"bands": _("The grade table needs a band from 0.")})
    order = [Grade.BEST, Grade.GOOD, Grade.PASS, Grade.FAIL]
    ranked = sorted(bands, key=lambda b: b.lower, reverse=True)
    if any(order.index(a.grade) > order.index(b.grade) for a, b in zip(ranked, ranked[1:], strict=False)):
        raise ValidationError({"bands": _("A lower score cannot have a better grade.")})
    return ranked


def _save(template: SurveyTemplate, built) -> SurveyTemplate:
    template.save()
    bands = getattr(template, "_bands", None)
    if bands is not None:
        template.bands.all().delete()
        for band in bands:
            band.pk, band.template = None, template
        GradeBand.objects.bulk_create(bands)
    for section, items in built:
        section.template = template
        section.save()
        for item in items:
            item.section = section
            item.save()
    return template


def template_create(*, actor, company, data: dict[str, Any], source: str = "web") -> SurveyTemplate:
    """A new questionnaire (version 1)."""
    require_role(actor, permissions.MANAGE, company.pk)
    template, built = _build(company, data, 1)
    if SurveyTemplate.objects.filter(company=company, code=template.code).exists():
        raise ValidationError({"code": _("A template with this code exists; revise it instead.")})
    with acting_as(actor, source), transaction.atomic():
        return _save(template, built)


def template_revise(*, actor, template: SurveyTemplate, data: dict[str, Any], source: str = "web"
                    ) -> SurveyTemplate:
    """Change a template. Once a campaign uses it, the change is a new version; old answers keep theirs."""
    require_role(actor, permissions.MANAGE, template.company_id)
    data = {**data, "code": template.code}
    with acting_as(actor, source), transaction.atomic():
        current = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
        if not current.is_current:
            raise ValidationError({"template": _("Only the current version can be revised.")})
        if "bands" not in data:  # a revision keeps the grade table unless it gives a new one
            data["bands"] = [{"lower": b.lower, "grade": b.grade, "trigger": b.trigger} for b in current.bands.all()]
        if current.campaigns.exists():
            new, built = _build(current.company, data, current.version + 1)
            current.is_current = False
            current.save(update_fields=["is_current", "updated_at"])
            return _save(new, built)
        fresh, built = _build(current.company, data, current.version)
        current.sections.all().delete()
        current.name, current.introduction, current.max_points = fresh.name, fresh.introduction, fresh.max_points
        return _save(current, built)


def template_bands_set(*, actor, template: SurveyTemplate, bands: list[dict[str, Any]], source: str = "web"
                       ) -> SurveyTemplate:
    """Change a template's grade table (what each score band is graded and raises). Answers already given keep
    the grade and trigger they got."""
    require_role(actor, permissions.MANAGE, template.company_id)
    rows = _bands(template.company, bands)
    with acting_as(actor, source), transaction.atomic():
        locked = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
        locked.bands.all().delete()
        for band in rows:
            band.template = locked
        GradeBand.objects.bulk_create(rows)
    return locked


def templates_ensure_seeded(company) -> None:
    """Give a company the two seed forms the first time it looks at its templates."""
    if SurveyTemplate.objects.filter(company=company).exists():
        return
    with transaction.atomic():
        for seed in SEEDS:
            template, built = _build(company, seed, 1)
            _save(template, built)
