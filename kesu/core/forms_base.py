"""Base form for company-scoped records: every choice a user is offered is one they may see."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def listed_choices(self):
    """``ModelChoiceIterator.__iter__`` for every select of records (Django's and django-filter's, which extends
    it): the options read by one plain query each time they are listed.

    Django streams them through ``QuerySet.iterator()``, which on PostgreSQL opens a server-side cursor: three
    round trips (declare, fetch, close) for a list of a few dozen departments or users, several of them on every
    list page's filters. Streaming pays off for exports of a hundred thousand rows, not for a select."""
    if self.field.empty_label is not None:
        yield ("", self.field.empty_label)
    for obj in self.queryset.all():  # a fresh query each time, as Django's iterator makes one
        yield self.choice(obj)


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows the acting user.

    - ``company`` is limited to the companies the user can see; it is a hidden
      field preset to the user's company when there is only one to choose, so
      (company, code) uniqueness is still validated by the form.
    - every foreign key to a company-scoped model (or to users) is limited to
      records of visible companies, so a forged id is refused as an invalid
      choice instead of linking across companies.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        from kesu.accounts.models import Company, User

        visible = user.visible_company_ids()
        for field in self.fields.values():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            model = field.queryset.model
            if model is Company:
                field.queryset = Company.objects.filter(is_active=True) if user.is_superuser else (
                    Company.objects.filter(pk__in=visible, is_active=True)
                )
            elif model is User:
                field.queryset = User.objects.visible_to(user).filter(is_active=True)
            elif hasattr(model.objects, "visible_to"):
                field.queryset = model.objects.visible_to(user)
        company_field = self.fields.get("company")
        if company_field is not None:
            company_field.required = True
            if not self.instance.pk and user.company_id:
                company_field.initial = user.company_id
            if len(visible) <= 1 and not user.is_superuser:
                company_field.widget = forms.HiddenInput()
            company_field.error_messages["invalid_choice"] = _("Choose a company you belong to.")


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget of ``form`` (small controls, as the list pages use)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 2)
