"""The group's wishes for its mentor: changing them, and agreeing to the version one has read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import GroupWishes
from programmes.models import AgePreference, GenderPreference, join_list, split_list

TEXT_MAX_LENGTH = 5000


def _text(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class WishesForm(forms.Form):
    """The wishes as a mentee changes them. ``version`` is the version they started from, so that a change
    saved by another mentee meanwhile is not undone without their knowing."""

    mentor_kind = _text(
        _("The kind of person"), _("What the mentor is like. For example: patient, practical, a good listener.")
    )
    background = _text(
        _("Background and education"),
        _("What the mentor has studied or done. For example: works in a hospital, came to this country too."),
    )
    support = _text(
        _("The support we want"), _("What the mentor should help the group with. For example: job interviews.")
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("Languages the mentor should speak with the group, separated by commas."),
    )
    gender_preference = forms.ChoiceField(label=_("The mentor's gender"), required=False, choices=GenderPreference)
    age_preference = forms.ChoiceField(label=_("The mentor's age"), required=False, choices=AgePreference)
    # Not a visible field: a missing or broken value (an old form, a tampered one) means "no check", not an error
    # the person could not see or fix.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_from(cls, wishes: GroupWishes) -> dict:
        initial = {name: getattr(wishes, name) for name in ("mentor_kind", "background", "support", "languages")}
        initial.update(
            gender_preference=wishes.gender_preference, age_preference=wishes.age_preference, version=wishes.version
        )
        return initial

    def _clean_text(self, name: str) -> str:
        # Browsers send line breaks as CRLF; the stored text has LF. Without this, saving unchanged text would
        # count as a change and ask everyone to agree again.
        return self.cleaned_data[name].replace("\r\n", "\n").replace("\r", "\n").strip()

    def clean_version(self) -> int | None:
        value = self.cleaned_data["version"]
        return int(value) if value.isdigit() else None

    def clean_mentor_kind(self) -> str:
        return self._clean_text("mentor_kind")

    def clean_background(self) -> str:
        return self._clean_text("background")

    def clean_support(self) -> str:
        return self._clean_text("support")

    def clean_languages(self) -> str:
        return join_list(split_list(self.cleaned_data["languages"]))

    def wishes(self) -> dict[str, str]:
        """The changed wishes, as ``update_wishes`` takes them."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class AgreeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
