"""Portal pages (issue 23 §1): thin views over ``access``, ``selectors`` and ``services``."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.accounts import throttle
from kesu.complaints.choices import Status
from kesu.complaints.services import AttachmentDamaged, TransitionRefused, attachment_open
from kesu.core.listing import ListSpec, Sort, paginate
from kesu.core.paging import IdFirstPaginator
from kesu.core.uploads import thumbnail_response
from kesu.customers.models import Contact
from kesu.surveys import selectors as survey_selectors
from kesu.surveys.forms import AnswerForm

from . import access, selectors, services
from . import printouts as portal_printouts
from .forms import (
    CodeForm,
    DecisionForm,
    ExplanationForm,
    LinkRequestForm,
    LoginForm,
    PortalComplaintForm,
    ReplyForm,
    SetPasswordForm,
    TokenForm,
)
from .models import PortalAccount


def portal_login_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "portal_account", None) is None:
            return redirect("portal:login")
        return view(request, *args, **kwargs)

    return wrapper


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def _finish_password_login(request, account: PortalAccount):
    if access.two_factor_required(account):
        code = access.code_start(request, account)
        services.portal_code_send(account=account, code=code)
        return redirect("portal:code")
    access.session_login(request, account)
    return redirect("portal:home")


# -- signing in ------------------------------------------------------------------------------------------


def login(request):
    if request.portal_account is not None:
        return redirect("portal:home")
    form, link_form = LoginForm(), LinkRequestForm()
    if request.method == "POST":
        if request.POST.get("form") == "link":
            link_form = LinkRequestForm(request.POST)
            if link_form.is_valid():
                keys = throttle.reset_keys(link_form.cleaned_data["email"], throttle.client_address(request))
                try:
                    throttle.check(keys)
                except throttle.Refused as refused:
                    link_form.add_error(None, refused.message)
                else:
                    throttle.fail(keys)  # every request counts, like password resets
                    services.portal_login_link_send(email=link_form.cleaned_data["email"])
                    # The same answer whether or not the address has an account (nothing to learn from it).
                    messages.success(request, _("If the address has portal access, a sign-in link is on its way."))
                    return redirect("portal:login")
        else:
            form = LoginForm(request.POST)
            if form.is_valid():
                email = form.cleaned_data["email"].strip().lower()
                address = throttle.client_address(request)
                name = f"portal:{email}"
                try:
                    throttle.login_check(name, address)
                except throttle.Refused as refused:
                    form.add_error(None, refused.message)
                else:
                    account = access.active_accounts().filter(email=email).first()
                    if account is not None and account.check_password(form.cleaned_data["password"]):
                        throttle.login_succeeded(name, address)
                        return _finish_password_login(request, account)
                    throttle.login_failed(name, address)
                    form.add_error(None, _("The e-mail address or the password is wrong."))
    return render(request, "portal/login.html", {"form": form, "link_form": link_form})


def code(request):
    account = access.code_pending(request)
    if account is None:
        messages.error(request, _("The sign-in code has expired. Sign in again."))
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = access.code_check(request, form.cleaned_data["code"])
        if checked is not None:
            access.session_login(request, checked)
            return redirect("portal:home")
        form.add_error("code", _("The code is wrong."))
    return render(request, "portal/code.html", {"form": form, "email": account.email})


@require_POST
def logout(request):
    access.session_logout(request)
    return redirect("portal:login")


def set_password(request, token: str):
    account = access.account_from_link(token, "invite")
    if account is None:
        return render(request, "portal/link_invalid.html", status=404)
    from django.utils import translation

    translation.activate(account.contact.language)
    request.LANGUAGE_CODE = account.contact.language
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_password_set(account=account, password=form.cleaned_data["password1"])
        except ValidationError as error:
            _errors_to_form(form, ValidationError({"password1": error.message_dict.get("password", [])}))
        else:
            access.session_login(request, account)
            messages.success(request, _("Your password is set. Welcome."))
            return redirect("portal:home")
    return render(request, "portal/set_password.html", {"form": form, "account": account})


def magic(request, token: str):
    """A one-time sign-in link: the page asks for a click first, so a mail scanner fetching it spends nothing."""
    account = access.account_from_link(token, "login")
    if account is None:
        return render(request, "portal/link_invalid.html", status=404)
    from django.utils import translation

    translation.activate(account.contact.language)
    request.LANGUAGE_CODE = account.contact.language
    if request.method == "POST":
        access.session_login(request, account)
        return redirect("portal:home")
    return render(request, "portal/magic.html", {"account": account})


# -- complaints ------------------------------------------------------------------------------------------


# Newest first, numbered pages like the staff lists (kesu.core.listing), the page's ids read first.
COMPLAINT_LIST = ListSpec(sorts=(Sort("received", ("received_at",), indexed=True),), default_order=("-received_at",),
                          tie_breaker="-id")


@portal_login_required
def home(request):
    account = request.portal_account
    page, listing = paginate(request, selectors.portal_complaints(account), COMPLAINT_LIST,
                             paginator_class=IdFirstPaginator)
    rows = [{"complaint": c, "status": selectors.plain_status(c.status)} for c in page.object_list]
    return render(request, "portal/home.html", {"rows": rows, "page": page, "listing": listing})


@portal_login_required
def complaint_new(request):
    account = request.portal_account
    form = PortalComplaintForm(request.POST or None, request.FILES or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.portal_complaint_file(account=account, data=form.service_data(),
                                                       files=form.cleaned_data["files"])
        except ValidationError as error:
            _errors_to_form(form, error)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your complaint is registered under number %(number)s.") % {
                "number": complaint.number})
            return redirect("portal:detail", complaint.pk)
    return render(request, "portal/complaint_form.html", {"form": form})


def _detail_context(account, complaint, **forms) -> dict:
    return {
        "complaint": complaint,
        "status": selectors.plain_status(complaint.status),
        "milestones": selectors.milestones(complaint),
        "deadlines": selectors.deadlines(complaint),
        "entries": selectors.communications(complaint),
        "remedies": selectors.remedies(complaint),
        "pending": selectors.pending_remedy(complaint),
        "explanation": selectors.explanation_available(complaint),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "explanation_form": forms.get("explanation_form") or ExplanationForm(),
        "awaits_answer": complaint.status == Status.EXPLANATION_SENT,
        "eight_d": selectors.shared_eight_d(account, complaint) is not None,
    }


@portal_login_required
def complaint_detail(request, pk: int):
    account = request.portal_account
    complaint = selectors.portal_complaint_get(account, pk)
    return render(request, "portal/complaint_detail.html", _detail_context(account, complaint))


def _complaint_step(request, pk: int, form_class, form_key: str, act, done: str):
    """One thing the contact does on a complaint's page: the form checked, then ``act(account, complaint, data)``;
    a refusal comes back on the page with the form as typed (422), success back to the page with ``done``."""
    account = request.portal_account
    complaint = selectors.portal_complaint_get(account, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(account, complaint, form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done)
            return redirect("portal:detail", complaint.pk)
    return render(request, "portal/complaint_detail.html", _detail_context(account, complaint, **{form_key: form}),
                  status=422)


@portal_login_required
@require_POST
def complaint_reply(request, pk: int):
    return _complaint_step(request, pk, ReplyForm, "reply_form", lambda account, complaint, data: (
        services.portal_reply(account=account, complaint=complaint, text=data["text"], files=data["files"])),
        _("Your message has been added."))


@portal_login_required
@require_POST
def complaint_decision(request, pk: int):
    return _complaint_step(request, pk, DecisionForm, "decision_form", lambda account, complaint, data: (
        services.portal_remedy_decide(account=account, complaint=complaint, accepted=data["decision"] == "accept",
                                      reason=data["reason"])),
        _("Your decision has been recorded."))


@portal_login_required
@require_POST
def complaint_explanation(request, pk: int):
    return _complaint_step(request, pk, ExplanationForm, "explanation_form", lambda account, complaint, data: (
        services.portal_explanation_answer(account=account, complaint=complaint,
                                           acknowledged=data["answer"] == "acknowledge", reason=data["reason"])),
        _("Your answer has been recorded."))


@portal_login_required
def attachment(request, pk: int, attachment_pk: int):
    row = selectors.portal_attachment_get(request.portal_account, pk, attachment_pk)
    try:
        handle = attachment_open(row)
    except AttachmentDamaged:
        raise Http404 from None
    inline = row.content_type.startswith("image/") or row.content_type == "application/pdf"
    response = FileResponse(handle, as_attachment=not inline, filename=row.name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox"
    return response


@portal_login_required
def thumbnail(request, pk: int, attachment_pk: int):
    return thumbnail_response(selectors.portal_attachment_get(request.portal_account, pk, attachment_pk))


@portal_login_required
def explanation_pdf(request, pk: int) -> HttpResponse:
    account = request.portal_account
    return portal_printouts.explanation_response(account, selectors.portal_complaint_get(account, pk))


@portal_login_required
def feedback_pdf(request, pk: int) -> HttpResponse:
    account = request.portal_account
    return portal_printouts.feedback_response(account, selectors.portal_complaint_get(account, pk))


@portal_login_required
def eight_d_pdf(request, pk: int) -> HttpResponse:
    account = request.portal_account
    return portal_printouts.eight_d_response(account, selectors.portal_complaint_get(account, pk))


# -- surveys ---------------------------------------------------------------------------------------------


@portal_login_required
def surveys(request):
    return render(request, "portal/surveys.html", selectors.portal_surveys(request.portal_account))


@portal_login_required
def survey_answer(request, pk: int):
    """Answer a survey inside the portal: the link's form and ``answer_submit``, spending the contact's link."""
    account = request.portal_account
    recipient, invitation = selectors.portal_survey_get(account, pk)
    template = survey_selectors.template_with_items(recipient.campaign.template_id)
    form = AnswerForm(request.POST or None, template=template)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.portal_survey_answer(account=account, recipient=recipient, invitation=invitation,
                                              choices=form.choices(), comments=form.comments(),
                                              remarks=form.cleaned_data["remarks"])
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Thank you: your answer has been received."))
                return redirect("portal:surveys")
        status = 422
    else:
        status = 200
    return render(request, "portal/survey_answer.html", {
        "campaign": recipient.campaign, "template": template, "form": form,
        "expires": invitation.expires_at}, status=status)


# -- the contact's own API tokens ------------------------------------------------------------------------


@portal_login_required
def account_page(request):
    account = request.portal_account
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST":
        revoke = request.POST.get("revoke")
        if revoke:
            token = get_object_or_404(account.tokens, pk=revoke if str(revoke).isdigit() else 0)
            services.portal_token_revoke(account=account, token=token)
            messages.success(request, _("The token has been revoked."))
            return redirect("portal:account")
        if form.is_valid():
            _token, raw = services.portal_token_create(account=account, name=form.cleaned_data["name"])
            form = TokenForm()
    tokens = account.tokens.filter(revoked_at__isnull=True)
    return render(request, "portal/account.html", {"form": form, "raw": raw, "tokens": tokens})


# -- staff side: inviting a contact ---------------------------------------------------------------------


@require_POST
def staff_invite(request, contact_pk: int):
    """Sales invites a customer contact (button on the customer page, kesu.portal.panels).

    A staff step under /portal/: anyone but signed-in staff gets 404, like every staff page for a portal user.
    """
    if not request.user.is_authenticated:
        raise Http404
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("customer"), pk=contact_pk)
    try:
        account = services.portal_invite(actor=request.user, contact=contact)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("An invitation to the portal has been sent to %(email)s.") % {
            "email": account.email})
    return redirect("customers:customer_detail", contact.customer_id)
