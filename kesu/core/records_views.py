"""Pages for records management (issue 18 §14–§15): the retention review, a contact's anonymisation on request, and
the audit sample. Each page checks access, validates, calls one service or selector, and renders."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import retention

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _company(request):
    from kesu.accounts.models import Company

    visible = Company.objects.all() if request.user.is_superuser else Company.objects.filter(
        pk__in=request.user.visible_company_ids())
    chosen = request.GET.get("company") or request.POST.get("company") or request.user.company_id
    company = visible.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return company or visible.order_by("code").first(), list(visible.order_by("code"))


@login_required
def retention_page(request):
    """What is past its retention period, for an administrator to confirm; the periods in force; what was done."""
    if not retention.may_confirm(request.user):
        raise PermissionDenied
    company, companies = _company(request)
    if request.method == "POST":
        try:
            count = retention.retention_confirm(actor=request.user, company=company)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s records anonymised.") % {"count": count})
        return redirect(f"{request.path}?company={company.pk}")
    from .models import RetentionReview

    return render(request, "records/retention.html", {
        "company": company, "companies": companies,
        "years": [(retention.RECORD_TYPES[key].label, years)
                  for key, years in retention.retention_years(company.pk).items()],
        "due": retention.retention_due(company),
        "reviews": RetentionReview.objects.filter(company=company).select_related("confirmed_by")[:5],
        "done": retention.anonymisations_for(request.user).filter(company=company)[:50],
    })


class AnonymiseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (the request)"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control"}))


@login_required
def contact_anonymise_page(request, pk: int):
    """Anonymise one contact on request, with the reason (issue 18 §14)."""
    from kesu.customers.models import Contact

    if not retention.may_confirm(request.user):
        raise PermissionDenied
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("customer"), pk=pk)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.contact_anonymise(actor=request.user, contact=contact, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contact is anonymised everywhere."))
            return redirect("customers:contact_detail", pk)
    return render(request, "records/contact_anonymise.html", {"contact": contact, "form": form})


class SampleForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Closed from"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}))
    end = forms.DateField(label=gettext_lazy("Closed until"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}))
    size = forms.IntegerField(label=gettext_lazy("Number of complaints"), min_value=1, initial=10,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    seed = forms.IntegerField(label=gettext_lazy("Random seed"), min_value=0, required=False,
                              help_text=gettext_lazy("Leave empty for a new draw; give a seed to repeat one."),
                              widget=forms.NumberInput(attrs={"class": "form-control"}))


@login_required
def audit_sample_page(request, fmt: str = ""):
    """N random closed complaints of a period with their whole record, as a page, a PDF or a workbook."""
    from kesu.reports import audit_sample

    if not audit_sample.may_draw(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"start": datetime.date(today.year - 1, 1, 1), "end": datetime.date(today.year - 1, 12, 31),
               "size": 10}
    form = SampleForm(request.GET or None, initial=initial)
    sample = None
    if form.is_bound and form.is_valid():
        try:
            sample = audit_sample.draw(request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    if sample is not None and fmt:
        stem = f"audit-sample-{sample.start:%Y%m%d}-{sample.end:%Y%m%d}-seed{sample.seed}"
        if fmt == "pdf":
            response = HttpResponse(audit_sample.sample_pdf(sample, request.user.company or _first_company()),
                                    content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
        else:
            response = HttpResponse(audit_sample.sample_xlsx(sample), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    query = ""
    if sample is not None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
        params.update({"start": sample.start.isoformat(), "end": sample.end.isoformat(), "size": sample.size,
                       "seed": sample.seed})
        query = params.urlencode()
    return render(request, "records/audit_sample.html", {"form": form, "sample": sample, "query": query})


def _first_company():
    from kesu.accounts.models import Company

    return Company.objects.order_by("code").first()


