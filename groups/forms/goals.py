"""A goal as a member writes it, and a progress update on it."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Goal, GoalStatus

DESCRIPTION_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 500


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _text(value: str) -> str:
    # Browsers send line breaks as CRLF; the stored text has LF.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class GoalForm(forms.Form):
    """A new goal (with its status and, for an individual goal, its sharing), or a change to one (without the
    status, which changes through progress updates)."""

    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("How I will work on it"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. When you want to reach the goal."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus, initial=GoalStatus.NOT_STARTED)
    shared_with_group = forms.BooleanField(
        label=_("Share with my group"),
        required=False,
        help_text=_("Everyone in your group can then read this goal. Your mentor always sees your goals."),
    )

    def __init__(self, *args, common: bool, peer: bool = False, goal: Goal | None = None, **kwargs) -> None:
        if goal is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": goal.title,
                    "description": goal.description,
                    "target_date": goal.target_date,
                    "shared_with_group": goal.shared_with_group,
                },
            )
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.common = common
        if goal is not None:
            del self.fields["status"]  # changed by progress updates only
        if common:
            del self.fields["shared_with_group"]  # the whole group always sees a common goal
            self.fields["title"].help_text = _("A goal the whole group works towards, as agreed together.")
            self.fields["description"].label = _("How we will work on it")
        else:
            self.fields["title"].help_text = _("Say in one sentence what you want to reach.")
            if peer:  # a peer group has no mentor
                self.fields["shared_with_group"].help_text = _("Everyone in your group can then read this goal.")

    def clean_title(self) -> str:
        title = _one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Please write the goal."))
        return title

    def clean_description(self) -> str:
        return _text(self.cleaned_data["description"])

    def clean_target_date(self) -> datetime.date | None:
        value = self.cleaned_data["target_date"]
        unchanged = self.goal is not None and value == self.goal.target_date
        if value and value < timezone.localdate() and not unchanged:
            raise forms.ValidationError(_("The target date cannot be in the past. Please choose a later date."))
        return value

    def goal_fields(self) -> dict:
        """The goal as ``create_goal`` or ``edit_goal`` takes it."""
        fields = {name: self.cleaned_data[name] for name in ("title", "description", "target_date")}
        if "status" in self.fields:
            fields["status"] = self.cleaned_data["status"]
        if "shared_with_group" in self.fields:
            fields["shared_with_group"] = self.cleaned_data["shared_with_group"]
        return fields


class GoalUpdateForm(forms.Form):
    """Progress on a goal: its status from now on, and a short note on what happened."""

    status = forms.ChoiceField(label=_("Status now"), choices=GoalStatus)
    note = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words, at most 500 characters. For example: I sent two applications this week."),
    )

    def __init__(self, *args, goal: Goal, **kwargs) -> None:
        kwargs.setdefault("initial", {"status": goal.status})
        super().__init__(*args, **kwargs)
        self.goal = goal

    def clean_note(self) -> str:
        return _text(self.cleaned_data["note"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == self.goal.status and "note" in data and not data["note"]:
            self.add_error("note", _("Please write a short note, or choose a new status."))
        return data
