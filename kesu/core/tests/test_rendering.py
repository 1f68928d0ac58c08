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
