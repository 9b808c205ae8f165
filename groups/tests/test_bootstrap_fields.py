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


class Widgets(forms.Form):
    """Every widget ``_widget`` writes itself, with values that need escaping, grouped choices and each kind of
    attribute (a value, True, False)."""

    text = forms.CharField(help_text="Help.", widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>', "x": False}))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 0, "data-on": True}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=[("", "—"), ("a&b", "A & <B>"), ("Group <1>", [("c", "C"), ("d", "D")])])
    number_choice = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": 'It\'s <b>"bold"</b> & more',
            "email": "a@example.org",
            "url": "https://example.org/?a=1&b=2",
            "password": "p<w>",
            "number": "7",
            "day": "2026-11-27",
            "when": "2026-11-27 10:00",
            "hour": "10:00",
            "hidden": "<x>",
            "tick": "on",
            "choice": "c",
            "number_choice": "2",
            "notes": "Line one\nline <two> & three",
        },
        {"number": "not a number", "choice": "nonsense", "day": "tomorrow"},
    ],
)
def test_widgets_written_in_python_are_djangos_to_the_character(data):
    from groups.templatetags.bootstrap_fields import _widget

    form = Widgets(data, initial={"text": "Initial <text>", "tick": True, "notes": "Start & go"})
    if data is not None:
        form.is_valid()
    for field in form:
        for attrs in ({}, {"class": "textinput form-control is-invalid"}):
            assert str(_widget(field, dict(attrs))) == str(field.as_widget(attrs=dict(attrs))), field.name
