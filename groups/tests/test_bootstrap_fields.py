"""``|bs_field`` and ``|bs_form`` write the same markup as crispy-forms' ``|as_crispy_field`` and ``|crispy``: the same
wrapper ids, labels and legends, widget classes, errors (``<id>_error``) and help texts (``<id>_helptext``) that the
widgets' ``aria-describedby`` names. Compared as HTML (whitespace and attribute order aside), empty, with mistakes
and filled in, so that a crispy upgrade that changes its markup shows here."""

from __future__ import annotations

import pytest
from django import forms
from django.template import engines
from django.test.html import parse_html

from groups.templatetags.bootstrap_fields import bs_field, bs_form


class EveryKind(forms.Form):
    text = forms.CharField(label="Name <b>", help_text="Your <i>full</i> name.", max_length=10)
    long_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(choices=[("", "-"), ("x", "X")], required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False, help_text="When.")
    tick = forms.BooleanField(required=False, label="Tick?")
    must_tick = forms.BooleanField(label="Agreed", help_text="You must agree.")
    radio = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect, label="Held?")
    boxes = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, required=False, help_text="Tick."
    )
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"class": "narrow"}))

    def clean(self):
        if self.data.get("text") == "whole":
            raise forms.ValidationError("The form as a whole is wrong.")
        return super().clean()


DATA = {
    "empty": None,
    "mistakes": {"text": "far too long a name", "choice": "zz", "day": "nope", "radio": "q", "boxes": ["3"]},
    "filled": {"text": "whole", "radio": "y", "boxes": ["1"], "tick": "on", "must_tick": "on", "number": "4"},
}


def crispy(source: str, **context) -> str:
    return engines["django"].from_string("{% load crispy_forms_tags %}" + source).render(context)


@pytest.mark.parametrize("data", DATA.values(), ids=DATA.keys())
@pytest.mark.parametrize("name", EveryKind.base_fields)
def test_a_field_reads_as_crispy_writes_it(name, data):
    expected = crispy("{{ field|as_crispy_field }}", field=EveryKind(data)[name])
    assert parse_html(str(bs_field(EveryKind(data)[name]))) == parse_html(expected)


@pytest.mark.parametrize("data", DATA.values(), ids=DATA.keys())
def test_a_form_reads_as_crispy_writes_it(data):
    expected = crispy("{{ form|crispy }}", form=EveryKind(data))
    assert parse_html(str(bs_form(EveryKind(data)))) == parse_html(expected)


def test_a_mistake_is_named_by_the_field_and_shown_next_to_it():
    html = str(bs_field(EveryKind(DATA["mistakes"])["text"]))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_text_helptext id_text_error"' in html
    assert '<div id="id_text_error" class="invalid-feedback"><p id="error_1_id_text"><strong>' in html
