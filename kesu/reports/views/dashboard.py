"""The KPI dashboard, its targets, the analysis settings and the management review pack (issue 7 §4, §6).

Thin views: permission → company and period from the query string (limited to the user's visible companies;
another company is a 404) → one selector or service → render. Targets and settings are written by
:data:`kesu.reports.permissions.TARGETS` roles only (403 for everyone else); amounts are shown to users with
:data:`kesu.reports.permissions.MONEY_PERMISSION` only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.accounts.models import Company
from kesu.core.dbrouter import reporting
from kesu.core.importexport import ImportError_, write_xlsx
from kesu.core.pages import error_messages, xlsx_response

from .. import analyses, kpis, permissions, review
from ..charts import line_chart_svg, partial_index
from ..choices import HIGHER_IS_BETTER, Kpi
from ..forms import visible_companies
from ..models import KpiTarget, ReportSettings
from ..selectors import report_settings_for, targets_for
from ..services.targets import (
    SETTINGS_FIELDS,
    can_set_targets,
    kpi_target_delete,
    kpi_target_set,
    kpi_targets_import,
    report_settings_update,
)

FIRST_YEAR = 2000
LONGEST_REVIEW_DAYS = 3 * 366


# -- shared helpers ----------------------------------------------------------------------------------------------


def _require(user) -> None:
    if not user.has_perm(permissions.READ_PERMISSION):
        raise PermissionDenied


def company_from(value: str | None, user, companies: list[Company]) -> Company:
    """The company asked for (404 when the user may not see it), else the user's own, else the first."""
    if value:
        if not str(value).isdigit():
            raise Http404
        found = next((c for c in companies if c.pk == int(value)), None)
        if found is None:
            raise Http404
        return found
    own = next((c for c in companies if c.pk == getattr(user, "company_id", None)), None)
    if own is None and not companies:
        raise Http404
    return own or companies[0]


def _requested_company(request: HttpRequest) -> tuple[list[Company], Company]:
    """The reader's companies and the one the request names (in the form when posted, else the query)."""
    _require(request.user)
    companies = visible_companies(request.user)
    source = request.POST if request.method == "POST" else request.GET
    return companies, company_from(source.get("company"), request.user, companies)


def year_from(value: str | None) -> int:
    current = timezone.localdate().year
    if value and value.isdigit() and FIRST_YEAR <= int(value) <= current + 1:
        return int(value)
    return current


def _years() -> range:
    current = timezone.localdate().year
    return range(current + 1, current - 10, -1)


def sees_money(user) -> bool:
    return user.has_perm(permissions.MONEY_PERMISSION)


# -- the dashboard -----------------------------------------------------------------------------------------------


def _cards(rows: list[kpis.KpiRow]) -> list[dict]:
    """Each row with its monthly trend chart (SVG, the target as a dashed line)."""
    cards = []
    for row in rows:
        labels = [month.strftime("%m") for month, _v in row.trend]
        values = [value for _m, value in row.trend]
        chart = line_chart_svg(labels, [(row.label, values)], title=row.label,
                               targets=[row.target] * len(labels) if row.target is not None else None,
                               partial=partial_index([month for month, _v in row.trend]), compact=True)
        cards.append({"row": row, "chart": chart, "higher_is_better": row.kpi in HIGHER_IS_BETTER,
                      "trend": [{"month": m, "value": v} for m, v in row.trend]})
    return cards


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    companies = visible_companies(request.user)
    company = company_from(request.GET.get("company"), request.user, companies)
    year = year_from(request.GET.get("year"))
    with reporting():  # from the replica when there is one (issue 24 §3)
        rows = kpis.dashboard(company, year, money=sees_money(request.user))
    return render(request, "reports/dashboard.html", {
        "companies": companies, "company": company, "year": year, "years": _years(), "cards": _cards(rows),
        "query": urlencode({"company": company.pk, "year": year}),
        "can_set_targets": can_set_targets(request.user, company.pk)})


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    company = company_from(request.GET.get("company"), request.user, visible_companies(request.user))
    year = year_from(request.GET.get("year"))
    with reporting():  # from the replica when there is one (issue 24 §3)
        rows = kpis.dashboard(company, year, money=sees_money(request.user))
    months = [month for month, _v in rows[0].trend] if rows else []
    header = [_("Indicator"), _("Year to date"), _("Target"), _("Met"), _("Same period last year")]
    header += [month.strftime("%Y-%m") for month in months]
    data = [[row.label, row.value, row.target, row.met, row.last_year, *[v for _m, v in row.trend]] for row in rows]
    handle = write_xlsx(_("KPI dashboard"), header, data)
    return xlsx_response((handle, f"kpi-dashboard-{company.code}-{year}.xlsx"))


# -- targets -----------------------------------------------------------------------------------------------------


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """GET: the company's targets of the year, one line per indicator; POST: set or remove one."""
    companies, company = _requested_company(request)
    year = year_from((request.POST if request.method == "POST" else request.GET).get("year"))
    if request.method == "POST":
        if not can_set_targets(request.user, company.pk):
            raise PermissionDenied
        _targets_post(request, company, year)
        return redirect(f"{request.path}?{urlencode({'company': company.pk, 'year': year})}")
    existing = targets_for(company.pk, year)
    lines = [{"kpi": kpi.value, "label": kpi.label, "target": existing.get(kpi.value),
              "higher_is_better": kpi in HIGHER_IS_BETTER} for kpi in Kpi]
    return render(request, "reports/targets.html", {
        "companies": companies, "company": company, "year": year, "years": _years(), "lines": lines,
        "can_edit": can_set_targets(request.user, company.pk)})


def _targets_post(request: HttpRequest, company: Company, year: int) -> None:
    action = request.POST.get("action", "set")
    try:
        if action == "import":
            _targets_import(request)
        elif action == "delete":
            pk = request.POST.get("target", "")
            target = KpiTarget.objects.filter(company=company, pk=int(pk)).first() if pk.isdigit() else None
            if target is None:
                raise Http404
            kpi_target_delete(actor=request.user, target=target)
            messages.success(request, _("The target was removed."))
        else:
            row = kpi_target_set(actor=request.user, company=company, year=year, kpi=request.POST.get("kpi", ""),
                                 target=request.POST.get("target", ""), note=request.POST.get("note", ""))
            messages.success(request, _("Target saved: %(kpi)s %(target)s") % {
                "kpi": row.get_kpi_display(), "target": row.target})
    except ValidationError as error:
        error_messages(request, error)


def _targets_import(request: HttpRequest) -> None:
    try:
        result = kpi_targets_import(actor=request.user, upload=request.FILES.get("file"))
    except ImportError_ as error:
        messages.error(request, str(error))
        return
    for row in result["rejected"]:
        messages.error(request, _("Row %(row)s: %(errors)s") % {"row": row["row"], "errors": " ".join(row["errors"])})
    if result["rejected"]:
        messages.error(request, _("Nothing was imported: correct the rows above and import the file again."))
    else:
        messages.success(request, _("%(n)s targets imported.") % {"n": result["saved"]})


# -- settings ----------------------------------------------------------------------------------------------------


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = list(SETTINGS_FIELDS)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    companies, company = _requested_company(request)
    can_edit = can_set_targets(request.user, company.pk)
    current = report_settings_for(company)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ReportSettingsForm(request.POST, instance=report_settings_for(company))
        if form.is_valid():
            try:
                report_settings_update(actor=request.user, company=company,
                                       data={name: form.cleaned_data[name] for name in SETTINGS_FIELDS})
            except ValidationError as error:
                _form_add(form, error)
            else:
                messages.success(request, _("The analysis settings were saved."))
                return redirect(f"{request.path}?{urlencode({'company': company.pk})}")
    else:
        form = ReportSettingsForm(instance=current)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "reports/settings.html", {
        "companies": companies, "company": company, "form": form, "can_edit": can_edit})


def _form_add(form: forms.Form, error: ValidationError) -> None:
    """A service's error on the form, beside the field it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# -- the management review pack ----------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    company = forms.TypedChoiceField(label=gettext_lazy("Company"), required=False, coerce=int, empty_value=None,
                                     widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"))

    def __init__(self, *args, companies: list[Company], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [("", _("All my companies"))] + [
            (c.pk, f"{c.code} {c.name}") for c in companies]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("The period must not end before it starts."))
            elif (end - start).days > LONGEST_REVIEW_DAYS:
                self.add_error("date_to", _("A review covers at most three years."))
        return data


def _review_scope(request: HttpRequest) -> tuple[ReviewForm, analyses.Scope | None]:
    """The form read from the query string (the last full quarter by default) and its scope when valid."""
    _require(request.user)
    companies = visible_companies(request.user)
    start, end = review.default_period()
    company = request.GET.get("company", "")
    if company and (not company.isdigit() or int(company) not in {c.pk for c in companies}):
        raise Http404  # another company's pack is not found, as for any record outside the user's companies
    params = request.GET.copy()
    for name, default in (("date_from", start), ("date_to", end)):
        if not params.get(name):
            params[name] = default.isoformat()
    form = ReviewForm(params, companies=companies)
    if not form.is_valid():
        return form, None
    try:
        scope = analyses.scope_for(request.user, date_from=form.cleaned_data["date_from"],
                                   date_to=form.cleaned_data["date_to"], company_id=form.cleaned_data["company"])
    except PermissionError:
        raise Http404 from None
    if not scope.company_ids:
        raise Http404
    return form, scope


def _review_query(scope: analyses.Scope) -> str:
    query = {"date_from": scope.date_from.isoformat(), "date_to": scope.date_to.isoformat()}
    if len(scope.company_ids) == 1:
        query["company"] = scope.company_ids[0]
    return urlencode(query)


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    form, scope = _review_scope(request)
    context = {"form": form, "pack": None}
    if scope is not None:
        pack = review.review_pack(request.user, scope)
        context.update(pack=pack, query=_review_query(scope), charts=_review_charts(pack))
    return render(request, "reports/review.html", context)


def _review_charts(pack: review.Pack) -> dict:
    from ..charts import pareto_chart_svg

    c = pack["complaints"]
    return {
        "trend": line_chart_svg(
            [t["month"].strftime("%Y-%m") for t in c["trend"]],
            [(_("Complaints"), [t["count"] for t in c["trend"]]),
             (_("Same month a year before"), [t["year_before"] for t in c["trend"]])],
            title=_("Complaints per month"),
            hrefs=[f"{_complaints_url()}?{urlencode(t['query'])}" for t in c["trend"]],
            partial=partial_index([t["month"] for t in c["trend"]]), sort=True),
        "category": pareto_chart_svg(
            [(r["label"], r["count"], r["cumulative"],
              f"{_complaints_url()}?{urlencode(r['query'])}" if r["query"] else None, r["vital_few"])
             for r in c["pareto_category"]], title=_("Complaints by category (Pareto)"),
            cumulative_name=_("Cumulative"), empty=_("No complaints.")),
    }


def _complaints_url() -> str:
    from django.urls import reverse

    return reverse("complaints:list")


def _review_response(request: HttpRequest):
    form, scope = _review_scope(request)
    if scope is None:
        raise Http404
    return review.review_pack(request.user, scope)


@login_required
def review_pdf(request: HttpRequest) -> HttpResponse:
    pack = _review_response(request)
    response = HttpResponse(review.review_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="management-review-{pack["date_from"]:%Y%m%d}-'
                                       f'{pack["date_to"]:%Y%m%d}.pdf"')
    return response


@login_required
def review_xlsx(request: HttpRequest) -> HttpResponse:
    return xlsx_response(review.review_xlsx(_review_response(request)))


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("dashboard.xlsx", dashboard_xlsx, name="dashboard_xlsx"),
    path("targets/", targets, name="targets"),
    path("settings/", settings_page, name="settings"),
    path("review/", review_page, name="review"),
    path("review.pdf", review_pdf, name="review_pdf"),
    path("review.xlsx", review_xlsx, name="review_xlsx"),
]
