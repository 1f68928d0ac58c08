"""Bulk actions of the complaint list (issue 17 §7): the ticked rows assigned to one person of the department,
printed as one PDF, or exported. Each complaint goes through the same service as its own page (one audit entry
and one timeline entry per complaint); a refused row is reported by number and the others still go through."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.accounts.models import User

from . import exports, printouts, selectors, services
from .models import Complaint

BULK_LIMIT = 100  # rows ticked on one page at most (the largest page size)
PRINT_LIMIT = 30  # feedback forms in one PDF: a print job a person waits for, not a report


def assignable_people(user):
    """Whom ``user`` may hand complaints to in bulk: the active people of the user's department (of the user's
    company when the user has no department)."""
    qs = User.objects.filter(company_id=user.company_id, is_active=True)
    if user.department_id:
        qs = qs.filter(department_id=user.department_id)
    return qs.order_by("display_name", "username")


class BulkForm(forms.Form):
    ACTIONS = (("assign", gettext_lazy("Assign")), ("print", gettext_lazy("Print")),
               ("export", gettext_lazy("Export")))
    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    owner = forms.ModelChoiceField(label=gettext_lazy("owner"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_people(user)
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean_ids(self):
        ids = self.cleaned_data["ids"][:BULK_LIMIT]
        if not ids:
            raise ValidationError(_("Tick at least one complaint."))
        return ids

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("owner"):
            self.add_error("owner", _("Choose the person to assign the ticked complaints to."))
        return data


def bulk_assign(*, actor, complaints, owner, source: str = "web") -> tuple[list[Complaint], list[tuple[str, str]]]:
    """Assign each complaint to ``owner`` through ``complaint_assign``; (assigned, [(number, refusal)])."""
    done, refused = [], []
    for complaint in complaints:
        try:
            done.append(services.complaint_assign(actor=actor, complaint=complaint, owner=owner, source=source))
        except ValidationError as error:
            refused.append((complaint.number, " ".join(error.messages)))
        except PermissionDenied as error:
            refused.append((complaint.number, str(error) or _("Your role may not do this.")))
    return done, refused


def bulk_print_pdf(complaints) -> bytes:
    """One PDF of the complaints' quality information feedback forms, in the given order."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for complaint in complaints:
        writer.append(PdfReader(io.BytesIO(printouts.feedback_form_pdf(complaint))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _back(request) -> str:
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("complaints:list")


@login_required
@require_POST
def bulk_view(request):
    if not request.user.has_perm("complaints.view_complaint"):
        raise PermissionDenied
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields and form.fields[field].label else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(_back(request))
    ids, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    # Only among the complaints the user may see: another company's id is silently not there.
    chosen = list(selectors.complaints_visible_to(request.user).filter(pk__in=ids).order_by("number"))
    if action == "export":
        from .views import _xlsx_response

        return _xlsx_response(*exports.complaints_xlsx(exports.list_rows(
            selectors.complaints_visible_to(request.user).filter(pk__in=ids).order_by("number")),
            exports.LIST_COLUMNS, _("Complaints"), "complaints"))
    if action == "print":
        if len(chosen) > PRINT_LIMIT:
            messages.error(request, _("At most %(n)s complaints can be printed at once; tick fewer.") % {
                "n": PRINT_LIMIT})
            return redirect(_back(request))
        response = HttpResponse(bulk_print_pdf(chosen), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="complaints-feedback.pdf"'
        return response
    owner = form.cleaned_data["owner"]
    done, refused = bulk_assign(actor=request.user, complaints=chosen, owner=owner)
    if done:
        messages.success(request, _("%(n)s complaints assigned to %(owner)s: %(numbers)s.") % {
            "n": len(done), "owner": owner, "numbers": ", ".join(c.number for c in done)})
    for number, reason in refused:
        messages.error(request, _("%(number)s not assigned: %(reason)s") % {"number": number, "reason": reason})
    return redirect(_back(request))
