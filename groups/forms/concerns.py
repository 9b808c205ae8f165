"""A concern as a member writes it, and the coordinator's note of what was done about it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 5000
RESOLUTION_MAX_LENGTH = 2000


def _text(value: str) -> str:
    # Browsers send line breaks as CRLF; the stored text has LF.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you?"),
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write it in your own words. Say what happened and what help you would like."),
        error_messages={"required": _("Please write what worries you.")},
    )

    def clean_text(self) -> str:
        text = _text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Please write what worries you."))
        return text


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=RESOLUTION_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person who raised the concern gets this note by email."),
    )

    def clean_resolution(self) -> str:
        return _text(self.cleaned_data["resolution"])
