"""Selects written in Python (kesu/core/renderers.py) and choice labels translated once (core.models.choice_label)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.core.models import choice_label
from kesu.core.renderers import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---"), ("a", "Alpha"), ("b", 'B <script>alert("x")</script> & "q"')])
    grouped = forms.ChoiceField(choices=[("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")])
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    flag = forms.NullBooleanField()
    styled = forms.ChoiceField(choices=[(1, "1"), (2, "2")],
                               widget=forms.Select(attrs={"class": "form-select", "data-x": "a\"b", "disabled": True}))


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("name", ["plain", "grouped", "several", "flag", "styled"])
@pytest.mark.parametrize("data", [{}, {"plain": "b", "grouped": "2", "several": ["x", "z"], "flag": "false",
                                       "styled": "2"}])
def test_a_select_is_written_as_djangos_templates_write_it(name, data):
    ours = str(Sample(data or None, renderer=FormRenderer())[name])
    django = str(Sample(data or None, renderer=DjangoTemplates())[name])

    assert _tags(ours) == _tags(django)
    assert "<script>" not in ours


class Inputs(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": 'say "hi" <b>'}))
    number = forms.DecimalField(required=False, min_value=0)
    hidden = forms.CharField(widget=forms.HiddenInput)
    flag = forms.BooleanField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    upload = forms.FileField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "autofocus": True, "disabled": False}))


@pytest.mark.parametrize("name", list(Inputs.base_fields))
@pytest.mark.parametrize("data", [{}, {"text": '<script>alert("x")</script> & \'q\'', "number": "1.5", "hidden": "a&b",
                                       "flag": "on", "day": "2026-02-17", "at": "2026-10-01 08:00",
                                       "note": "first line\n<b>second</b> & 'third'"}])
def test_inputs_and_text_areas_are_written_as_djangos_templates_write_them(name, data):
    ours = str(Inputs(data or None, renderer=FormRenderer())[name])
    django = str(Inputs(data or None, renderer=DjangoTemplates())[name])

    assert ours.strip() == django.strip()  # Django's templates end with a newline
    assert "<script>" not in ours and "<b>" not in ours


def test_the_project_renders_forms_with_it():
    assert isinstance(Sample().renderer, FormRenderer)


def test_a_select_with_templates_of_its_own_is_left_to_them():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    html = Custom(choices=[("a", "A")]).render("c", "a", renderer=FormRenderer())

    assert "<option" not in html  # what its own template gives, not ours


def test_choice_labels_follow_the_active_language():
    complaint = Complaint(status=Status.CLOSED)
    with translation.override("en"):
        english = complaint.get_status_display()
    with translation.override("zh-hans"):
        chinese = complaint.get_status_display()
    with translation.override("en"):
        again = complaint.get_status_display()

    assert (english, chinese, again) == ("Closed", "已结案", "Closed")


def test_a_value_outside_the_choices_is_shown_as_it_is():
    field = Complaint._meta.get_field("status")

    assert (choice_label(field, "no-such-status"), choice_label(field, None), choice_label(field, ["x"])) == (
        "no-such-status", None, ["x"])
