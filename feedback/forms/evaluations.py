"""A group's evaluation as its leaders write it, and a coordinator's notes of an interview."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from feedback.models import Stage
from feedback.services.evaluations import INTERVIEW_TEXT_FIELDS, TEXT_FIELDS, interviewees

TEXT_MAX_LENGTH = 5000
DRAFT = "draft"
SEND = "send"


def _text(value: str) -> str:
    # Browsers send line breaks as CRLF; the stored text has LF.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _textarea(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EvaluationForm(forms.Form):
    """The four texts of an evaluation and the button pressed: save a draft (anything, even nothing) or send it
    (at least one text)."""

    how_it_went = _textarea(
        _("How is the group going?"),
        _("For example: do the members come, take part and work well together?"),
    )
    achievements = _textarea(
        _("What has the group achieved?"),
        _("Common goals and members' own goals reached, things learned, steps taken."),
    )
    difficulties = _textarea(
        _("What was difficult?"),
        _("Problems in the group or around it, and what you did about them."),
    )
    conclusions = _textarea(
        _("Your conclusions and suggestions"),
        _("What should the coordinator know or do? What would you do differently next time?"),
    )
    action = forms.ChoiceField(choices=[(DRAFT, DRAFT), (SEND, SEND)], required=False)

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            if name in cleaned:
                cleaned[name] = _text(cleaned[name])
        if self.sends and not self.errors and not any(cleaned.get(name) for name in TEXT_FIELDS):
            raise forms.ValidationError(
                _("Please write at least one of the four parts before you send the evaluation."), code="empty"
            )
        return cleaned

    @property
    def sends(self) -> bool:
        return self.data.get("action") == SEND

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.shown_name


class InterviewForm(forms.Form):
    person = PersonChoiceField(
        label=_("Who did you talk to?"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_("The programme's mentees and mentors, by name."),
        error_messages={
            "required": _("Please choose the person you talked to."),
            "invalid_choice": _("Please choose a person from the list."),
        },
    )
    stage = forms.ChoiceField(
        label=_("When in the programme"),
        choices=Stage.choices,
        initial=Stage.END,
        error_messages={"required": _("Please choose when in the programme the interview was.")},
    )
    held_on = forms.DateField(
        label=_("Date of the interview"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Please give the date of the interview."),
            "invalid": _("Please give a date, for example 2026-03-15."),
        },
    )
    accomplishments = _textarea(_("Accomplishments"), _("What the person has done during the programme."))
    results = _textarea(
        _("Results"), _("What came out of it for them: a job, a course, new contacts, more confidence.")
    )
    comments = _textarea(_("Comments"), _("What the person said about the programme, their group, their mentor."))
    concerns = _textarea(_("Concerns"), _("Anything that worries the person, or you."))

    def __init__(self, *args, programme, interview=None, **kwargs):
        if interview is not None:
            kwargs.setdefault(
                "initial",
                {
                    "person": interview.person_id,
                    "stage": interview.stage,
                    "held_on": interview.held_on,
                    **{name: getattr(interview, name) for name in INTERVIEW_TEXT_FIELDS},
                },
            )
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["person"].queryset = interviewees(programme, keep=interview.person_id if interview else None)
        if not self.is_bound:
            self.fields["held_on"].initial = self._today()

    def _today(self) -> datetime.date:
        # The later of the coordinator's date and the programme's: neither may be "in the future" for the other.
        return max(timezone.localdate(), self.programme.today())

    def clean_held_on(self) -> datetime.date:
        held_on = self.cleaned_data["held_on"]
        if held_on > self._today():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return held_on

    def clean(self):
        cleaned = super().clean()
        for name in INTERVIEW_TEXT_FIELDS:
            if name in cleaned:
                cleaned[name] = _text(cleaned[name])
        texts_valid = all(name not in self.errors for name in INTERVIEW_TEXT_FIELDS)
        if texts_valid and not any(cleaned.get(name) for name in INTERVIEW_TEXT_FIELDS):
            raise forms.ValidationError(
                _("Please write at least one of the four notes: accomplishments, results, comments or concerns."),
                code="empty",
            )
        return cleaned
