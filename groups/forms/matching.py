"""Matching mentors: a coordinator asks a mentor to take a group; a mentor answers the request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.services.mentors import programme_mentors
from programmes.models import Programme

MESSAGE_MAX_LENGTH = 2000
ACCEPT = "accept"
DECLINE = "decline"


class AssignForm(forms.Form):
    """Which of the programme's mentors to ask. The suggestions page sends it from each mentor's button."""

    mentor = forms.ModelChoiceField(
        label=_("Mentor"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose one of the programme's mentors."),
            "invalid_choice": _("Choose one of the programme's mentors."),
        },
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = programme_mentors(programme).prefetch_related(None)


class AnswerForm(forms.Form):
    """The mentor's answer: yes, or no with an optional message for the coordinators."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("Yes, I will mentor this group")), (DECLINE, _("No, I cannot mentor this group"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Say yes or no."),
            "invalid_choice": _("Say yes or no."),
        },
    )
    message = forms.CharField(
        label=_("A message for the coordinators (you may leave it empty)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: why you cannot take the group, or when you could."),
    )

    @property
    def accepts(self) -> bool:
        return self.cleaned_data["answer"] == ACCEPT
