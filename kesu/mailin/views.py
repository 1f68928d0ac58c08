"""Pages of the mail intake: mailboxes (company administrators) and triage (QA). Thin views over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.core.listing import ListSpec, Sort, paginate
from kesu.core.selectors import audit_entries_for

from . import permissions, selectors, services
from .choices import Outcome
from .forms import AttachForm, DiscardForm, MailboxForm, MakeComplaintForm

TRIAGE_LIST = ListSpec(
    sorts=(Sort("fetched", ("fetched_at",), indexed=True), Sort("sender", ("sender",)),
           Sort("subject", ("subject",))),
    default_order=("-fetched_at", "-id"),
)


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _company_of(user):
    if user.company_id is None:
        raise PermissionDenied(_("Your account belongs to no company."))
    return user.company


@login_required
def mailbox_list(request):
    if not permissions.may_manage_mailboxes(request.user):
        raise PermissionDenied
    return render(request, "mailin/mailbox_list.html", {"mailboxes": selectors.mailboxes_visible_to(request.user)})


@login_required
def mailbox_form(request, pk: int | None = None):
    if not permissions.may_manage_mailboxes(request.user):
        raise PermissionDenied
    mailbox = selectors.mailbox_get_for_user(request.user, pk) if pk else None
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            if mailbox is None:
                mailbox = services.mailbox_create(actor=request.user, company=_company_of(request.user),
                                                  data=form.service_data())
            else:
                services.mailbox_update(actor=request.user, mailbox=mailbox, data=form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Mailbox saved. Kesu reads it within a minute."))
            return redirect("mailin:mailbox_list")
    return render(request, "mailin/mailbox_form.html", {"form": form, "mailbox": mailbox})


@login_required
def triage_list(request):
    if not permissions.may_read_triage(request.user):
        raise PermissionDenied
    outcome = request.GET.get("outcome", "")
    qs = selectors.mails_filtered(request.user, outcome=outcome, query=request.GET.get("q", ""))
    page, listing = paginate(request, qs, TRIAGE_LIST)
    return render(request, "mailin/triage_list.html", {
        "page": page, "listing": listing, "outcomes": Outcome.choices,
        "outcome": outcome if outcome in Outcome.values or outcome == "all" else Outcome.TRIAGE,
        "q": request.GET.get("q", "")})


@login_required
def triage_detail(request, pk: int):
    if not permissions.may_read_triage(request.user):
        raise PermissionDenied
    mail = selectors.mail_get_for_user(request.user, pk)
    can_act = permissions.may_triage(request.user) and mail.outcome == Outcome.TRIAGE
    make_form = MakeComplaintForm(mail=mail, user=request.user, initial={
        "customer": mail.customer.code if mail.customer_id else "", "contact": mail.contact_id})
    attach_form, discard_form = AttachForm(mail=mail), DiscardForm()
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "make":
                make_form = MakeComplaintForm(request.POST, mail=mail, user=request.user)
                if make_form.is_valid():
                    done = services.triage_make_complaint(actor=request.user, mail=mail,
                                                          customer=make_form.cleaned_data["customer"],
                                                          contact=make_form.cleaned_data.get("contact"))
                    messages.success(request, _("Complaint %(number)s registered from the mail.") % {
                        "number": done.complaint.number})
                    return redirect("mailin:triage_list")
            elif action == "attach":
                attach_form = AttachForm(request.POST, mail=mail)
                if attach_form.is_valid():
                    done = services.triage_attach(actor=request.user, mail=mail,
                                                  complaint=attach_form.cleaned_data["complaint"])
                    messages.success(request, _("Mail added to complaint %(number)s.") % {
                        "number": done.complaint.number})
                    return redirect("mailin:triage_list")
            elif action == "discard":
                discard_form = DiscardForm(request.POST)
                if discard_form.is_valid():
                    services.triage_discard(actor=request.user, mail=mail, reason=discard_form.cleaned_data["reason"])
                    messages.success(request, _("Mail discarded."))
                    return redirect("mailin:triage_list")
        except ValidationError as error:
            target = {"make": make_form, "attach": attach_form}.get(action, discard_form)
            _add_errors(target, error)
    return render(request, "mailin/triage_detail.html", {
        "mail": mail, "can_act": can_act, "make_form": make_form, "attach_form": attach_form,
        "discard_form": discard_form, "audit_entries": audit_entries_for(mail, user=request.user)})


@login_required
def triage_original(request, pk: int):
    """The mail as it came from the server (.eml), to open in a mail program; always a download."""
    from django.http import FileResponse, Http404

    if not permissions.may_read_triage(request.user):
        raise PermissionDenied
    mail = selectors.mail_get_for_user(request.user, pk)
    if not mail.raw:
        raise Http404
    try:
        handle = mail.raw.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=f"mail-{mail.pk}.eml",
                            content_type="message/rfc822")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def mailbox_check(request, pk: int):
    """Read the mailbox now (an administrator checking the settings) instead of waiting for the worker."""
    from .fetch import mailbox_fetch

    if not permissions.may_manage_mailboxes(request.user):
        raise PermissionDenied
    mailbox = selectors.mailbox_get_for_user(request.user, pk)
    result = mailbox_fetch(mailbox)
    if result is None:
        messages.warning(request, _("The mailbox is being read or waits before the next attempt."))
    elif result.error:
        messages.error(request, _("The mailbox could not be read: %(error)s") % {"error": result.error})
    else:
        messages.success(request, _("Mailbox read: %(count)s new mails.") % {"count": result.taken})
    return redirect("mailin:mailbox_list")
