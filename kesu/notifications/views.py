"""The inbox, the notification rules and the administrator's outbox pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import services
from .choices import Audience, MailStatus
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": request.GET.get("unread") == "1"})


@login_required
@require_POST
def mark_read(request, pk: int | None = None):
    if pk is not None:
        get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, pk=pk)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "notifications:inbox")


class RuleForm(forms.Form):
    audience = forms.MultipleChoiceField(label=gettext_lazy("who is told"), choices=Audience.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)
    send_inbox = forms.BooleanField(label=gettext_lazy("in-app inbox"), required=False)
    send_email = forms.BooleanField(label=gettext_lazy("e-mail"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("active"), required=False)


@login_required
def rules(request):
    if not services.may_manage_rules(request.user) or request.user.company is None:
        raise PermissionDenied
    items = sorted(services.notification_rules_ensure_defaults(request.user.company), key=lambda r: r.event)
    forms_by_rule = []
    for rule in items:
        form = RuleForm(request.POST if request.POST.get("rule") == str(rule.pk) else None, prefix=f"r{rule.pk}",
                        initial={"audience": rule.audience, "send_inbox": rule.send_inbox,
                                 "send_email": rule.send_email, "is_active": rule.is_active})
        if form.is_bound and form.is_valid():
            try:
                services.notification_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Rule saved: %(event)s.") % {"event": rule.get_event_display()})
                return redirect("notifications:rules")
        forms_by_rule.append((rule, form))
    return render(request, "notifications/rules.html", {"rules": forms_by_rule})


class OutboxFilter(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("status"), required=False,
                               choices=[("", gettext_lazy("all"))] + list(MailStatus.choices))
    q = forms.CharField(label=gettext_lazy("address or subject"), required=False, max_length=200)


@login_required
def outbox(request):
    """Every outgoing mail of the administrator's companies: status, attempts, last error; resend or give up."""
    if not services.may_manage_outbox(request.user):
        raise PermissionDenied
    form = OutboxFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = services.outbox_list(user=request.user, status=filters.get("status", ""), query=filters.get("q", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "form": form})


@login_required
@require_POST
def outbox_action(request, pk: int, action: str):
    """Resend or give up one mail (the service checks the permission and the status, and audits it)."""
    if not services.may_manage_outbox(request.user):
        raise PermissionDenied
    mail = get_object_or_404(services.outbox_visible_to(request.user).defer("body"), pk=pk)
    service = {"resend": services.outbox_resend, "give-up": services.outbox_give_up}[action]
    try:
        service(actor=request.user, mail=mail)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, (_("Mail to %(to)s will be sent again.") if action == "resend"
                                   else _("Mail to %(to)s given up.")) % {"to": mail.to})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "notifications:outbox")
