"""The group's contract: writing a draft, agreeing to the version one has read, and the programme's template."""

from __future__ import annotations

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from groups.contract_text import FACTS
from groups.models import SECTIONS, ContractTemplate, ContractVersion
from groups.services.contracts import TEMPLATE_FIELDS, DraftStamp

TEXT_MAX_LENGTH = 10000


def _field(model, name: str, **kwargs) -> forms.Field:
    """The model field's form field, with its label and help text."""
    return model._meta.get_field(name).formfield(**kwargs)


def _text(model, name: str) -> forms.Field:
    return _field(model, name, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}))


def _date(name: str) -> forms.Field:
    return _field(ContractVersion, name, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _plain(text: str) -> str:
    # Browsers send line breaks as CRLF; stored text has LF, so that saving unchanged text changes nothing and the
    # differences between versions show only real changes.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class _Texts(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        for name in (*SECTIONS, "change_note"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = _plain(cleaned[name])
        return cleaned


class ContractForm(_Texts):
    """A draft of the contract. An amendment (a version in force exists) must say what it changes.

    ``draft_number`` and ``draft_saved`` say which draft the person started from, so that a draft someone else
    saved meanwhile is not overwritten without their knowing."""

    starts_on = _date("starts_on")
    ends_on = _date("ends_on")
    sessions_per_month = _field(ContractVersion, "sessions_per_month", min_value=1, max_value=4)
    session_minutes = _field(ContractVersion, "session_minutes", min_value=30, max_value=240)
    compensation = _field(ContractVersion, "compensation", widget=forms.RadioSelect)
    tools_and_channels = _text(ContractVersion, "tools_and_channels")
    contact_between_sessions = _text(ContractVersion, "contact_between_sessions")
    session_structure = _text(ContractVersion, "session_structure")
    action_items = _text(ContractVersion, "action_items")
    absent_members = _text(ContractVersion, "absent_members")
    goals = _text(ContractVersion, "goals")
    roles = _text(ContractVersion, "roles")
    compensation_note = _text(ContractVersion, "compensation_note")
    confidentiality = _text(ContractVersion, "confidentiality")
    responsibility = _text(ContractVersion, "responsibility")
    follow_up = _text(ContractVersion, "follow_up")
    change_note = _text(ContractVersion, "change_note")
    draft_number = forms.CharField(widget=forms.HiddenInput, required=False)
    draft_saved = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, amendment: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.amendment = amendment
        if amendment:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = _("Please say what this amendment changes.")
            self.fields["change_note"].help_text = _(
                "Say in a few words what is different from the version in force. Everyone reads this first."
            )
        else:
            del self.fields["change_note"]

    @classmethod
    def initial_from(cls, values: dict, draft: ContractVersion | None) -> dict:
        stamp = DraftStamp.of(draft)
        return values | {
            "draft_number": stamp.number or "",
            "draft_saved": stamp.updated_at.isoformat() if stamp.updated_at else "",
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last session cannot be before the first session."))
        if self.amendment and "change_note" in cleaned and not cleaned["change_note"]:
            self.add_error("change_note", _("Please say what this amendment changes."))
        return cleaned

    def stamp(self) -> DraftStamp:
        number = self.cleaned_data.get("draft_number") or ""
        saved = parse_datetime(self.cleaned_data.get("draft_saved") or "")
        return DraftStamp(int(number) if number.isdigit() else None, saved)

    def contract_fields(self) -> dict:
        """The draft's fields, as ``save_draft`` takes them."""
        names = (*FACTS, *SECTIONS, *(("change_note",) if self.amendment else ()))
        return {name: self.cleaned_data[name] for name in names}


class AgreeForm(forms.Form):
    """The number of the version the person read and agrees to."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TemplateForm(_Texts):
    """The programme's starting point for every group's contract."""

    compensation = _field(ContractTemplate, "compensation", widget=forms.RadioSelect)
    tools_and_channels = _text(ContractTemplate, "tools_and_channels")
    contact_between_sessions = _text(ContractTemplate, "contact_between_sessions")
    session_structure = _text(ContractTemplate, "session_structure")
    action_items = _text(ContractTemplate, "action_items")
    absent_members = _text(ContractTemplate, "absent_members")
    goals = _text(ContractTemplate, "goals")
    roles = _text(ContractTemplate, "roles")
    compensation_note = _text(ContractTemplate, "compensation_note")
    confidentiality = _text(ContractTemplate, "confidentiality")
    responsibility = _text(ContractTemplate, "responsibility")
    follow_up = _text(ContractTemplate, "follow_up")

    @classmethod
    def initial_from(cls, template: ContractTemplate) -> dict:
        return {name: getattr(template, name) for name in TEMPLATE_FIELDS}

    def template_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in TEMPLATE_FIELDS}
