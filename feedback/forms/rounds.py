"""The coordinator's forms for survey rounds: adding or changing one, and extending its deadline."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from feedback.defaults import shown
from feedback.models import Audience, SurveyRound
from feedback.services.rounds import ROUND_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    open_now = forms.BooleanField(
        label=_("Open it now and send the invitations"), required=False, help_text=_("Otherwise it opens on its date.")
    )

    class Meta:
        model = SurveyRound
        fields = ROUND_FIELDS
        widgets = {"opens_on": DATE, "closes_on": DATE}

    def __init__(self, *args, programme, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        usable = programme.questionnaires.filter(archived_at__isnull=True).exclude(purpose="pulse")
        self.fields["mentee_questionnaire"].queryset = usable.filter(audience__in=[Audience.MENTEES, Audience.BOTH])
        self.fields["mentor_questionnaire"].queryset = usable.filter(audience__in=[Audience.MENTORS, Audience.BOTH])
        for name in ("mentee_questionnaire", "mentor_questionnaire"):  # the defaults' names in the reader's words
            self.fields[name].label_from_instance = lambda questionnaire: shown(questionnaire.name)
        if "name" in self.fields and self.instance.pk:
            self.initial["name"] = shown(self.instance.name)
        self.fields["mentee_questionnaire"].empty_label = _("Do not ask mentees")
        self.fields["mentor_questionnaire"].empty_label = _("Do not ask mentors")
        self.fields["remind_after_days"].max_value = 60
        self.fields["remind_after_days"].widget.attrs.update({"min": 0, "max": 60})
        self.fields["remind_after_days"].help_text = _(
            "Those who have not answered get one reminder this many days after the invitation. 0: no reminder."
        )
        if not creating:
            del self.fields["open_now"]

    def clean_remind_after_days(self) -> int:
        days = self.cleaned_data["remind_after_days"]
        if days > 60:
            raise forms.ValidationError(_("At most 60 days."))
        return days

    def clean(self):
        data = super().clean()
        both_read = "mentee_questionnaire" in data and "mentor_questionnaire" in data
        if both_read and not data["mentee_questionnaire"] and not data["mentor_questionnaire"]:
            self.add_error("mentee_questionnaire", _("Choose a questionnaire for mentees, mentors or both."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The last day to answer cannot be before the survey opens."))
        return data

    def round_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ROUND_FIELDS}


class ExtendForm(forms.Form):
    closes_on = forms.DateField(label=_("New last day to answer"), widget=DATE)

    def __init__(self, *args, survey_round: SurveyRound, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey_round = survey_round
        self.today = today
        self.fields["closes_on"].initial = max(survey_round.closes_on, today) + datetime.timedelta(days=7)

    def clean_closes_on(self) -> datetime.date:
        closes = self.cleaned_data["closes_on"]
        if closes < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if closes <= self.survey_round.closes_on:
            raise forms.ValidationError(
                _("Choose a day after the current last day, %(date)s.")
                % {"date": date_format(self.survey_round.closes_on, "DATE_FORMAT")}
            )
        return closes
