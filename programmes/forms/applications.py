"""Forms for applications: the application itself, the coordinator's decision, the list's filters, and the
programme's application page settings."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    AgeBand,
    AgePreference,
    Application,
    ApplicationStatus,
    Availability,
    Engagement,
    Gender,
    GenderPreference,
    Programme,
    Role,
    join_list,
    split_list,
)
from programmes.services.applications import ANSWERS

MAX_GOAL_AREAS = 30
GOAL_AREA_LENGTH = 100


class RecruitmentForm(forms.Form):
    intro = forms.CharField(
        label=_("Introduction for applicants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("People read this at the top of the application page: who the programme is for and what it asks."),
    )
    goal_areas = forms.CharField(
        label=_("Goal areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One area per line, in the order you want them shown. Mentees choose the areas they want to work on; "
            "mentors choose where they can help."
        ),
    )

    def clean_goal_areas(self) -> list[str]:
        names: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["goal_areas"].splitlines(), start=1):
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > GOAL_AREA_LENGTH:
                raise forms.ValidationError(
                    _("Line %(number)s is too long: an area can have at most %(limit)s characters."),
                    params={"number": number, "limit": GOAL_AREA_LENGTH},
                )
            names.setdefault(name.lower(), name)
        if len(names) > MAX_GOAL_AREAS:
            raise forms.ValidationError(
                _("Please keep to %(limit)s areas at most, so that applicants can choose easily."),
                params={"limit": MAX_GOAL_AREAS},
            )
        return list(names.values())


# The list of applications


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")
    NAME = "name", _("Name")
    ROLE = "role", _("Role")
    STATUS = "status", _("Status")


class ApplicationFilterForm(forms.Form):
    """The list's sorting and filters, from the address's query string. A bad value falls back to its default."""

    sort = forms.ChoiceField(label=_("Sort by"), choices=Sort.choices, required=False)
    role = forms.ChoiceField(
        label=_("Applies as"),
        choices=[("", _("Any role")), (Role.MENTEE, _("Mentee")), (Role.MENTOR, _("Mentor"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ApplicationStatus.choices], required=False
    )
    area = forms.ModelChoiceField(label=_("Goal area"), queryset=None, required=False, empty_label=_("Any area"))
    support = forms.BooleanField(label=_("Only those who need language support"), required=False)

    DEFAULTS = {"sort": Sort.NEWEST, "role": "", "status": "", "area": None, "support": False}

    def __init__(self, data, *, programme: Programme):
        super().__init__(data)
        self.fields["area"].queryset = programme.goal_areas.all()

    def values(self) -> dict:
        """The valid choices, and the default for each one that was missing or wrong."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or default for name, default in self.DEFAULTS.items()}

    @classmethod
    def shown(cls, values: dict, *, programme: Programme) -> ApplicationFilterForm:
        """An unbound copy showing the values in use, so that a bad value is not shown back with an error."""
        form = cls(None, programme=programme)
        form.initial = {**values, "area": values["area"].pk if values["area"] else None}
        return form


# The coordinator's decision


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    notify = forms.BooleanField(label=_("Tell the applicant by email"), required=False, initial=True)
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Included in the email, in your own words."),
    )
    note = forms.CharField(
        label=_("Note for coordinators"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only coordinators see this note. The applicant does not."),
    )

    LABELS = {
        ApplicationStatus.ACCEPTED: _("Accept"),
        ApplicationStatus.WAITLISTED: _("Put on the waiting list"),
        ApplicationStatus.DECLINED: _("Decline"),
    }

    def __init__(self, data=None, *, application: Application):
        super().__init__(data, initial={"note": application.decision_note})
        self.fields["status"].choices = [(status.value, self.LABELS[status]) for status in application.next_decisions()]


# The application


class ApplicationForm(forms.ModelForm):
    """What a mentee or a mentor tells the programme. The fields depend on the role they apply as."""

    availability = forms.MultipleChoiceField(
        label=_("When can you meet?"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one time when you can meet.")},
    )
    gender_preference = forms.ChoiceField(
        label=_("Would you rather have a mentor who is"),
        choices=GenderPreference.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    age_preference = forms.ChoiceField(
        label=_("The mentor's age"), choices=AgePreference.choices, widget=forms.RadioSelect, required=False
    )
    engagement = forms.ChoiceField(
        label=_("Volunteer or paid"),
        choices=Engagement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether you mentor as a volunteer or paid.")},
    )
    gender = forms.ChoiceField(label=_("Your gender"), choices=Gender.choices, required=False)
    age_band = forms.ChoiceField(label=_("Your age"), choices=AgeBand.choices, required=False)
    consent = forms.BooleanField(
        label=_("I have read how my data is used, and I agree."),
        error_messages={"required": _("We can only take your application with your agreement.")},
    )

    class Meta:
        model = Application
        fields = [
            *sorted(set(ANSWERS[Role.MENTEE]) | set(ANSWERS[Role.MENTOR])),
            "goal_areas",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "support_expected": forms.Textarea(attrs={"rows": 3}),
            "mentor_kind": forms.Textarea(attrs={"rows": 3}),
            "mentor_background": forms.Textarea(attrs={"rows": 3}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
            "expertise": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "goal_areas": forms.CheckboxSelectMultiple,
        }
        labels = {
            "goals": _("Your goals"),
            "field": _("Your field"),
            "support_expected": _("The support you hope for"),
            "mentor_kind": _("Your ideal mentor"),
            "mentor_background": _("Your ideal mentor's background and education"),
            "expertise": _("Other expertise"),
            "background": _("Your background and education"),
            "max_groups": _("How many groups can you mentor at the same time?"),
            "motivation": _("Why do you want to mentor?"),
        }
        help_texts = {
            "goals": _("What do you want to achieve in the programme? A few sentences are enough."),
            "field": _("The work or studies you are in, or want to be in. For example: health care."),
            "support_expected": _("How could a mentor and a group help you?"),
            "mentor_kind": _("What kind of person would help you most?"),
            "mentor_background": _("For example: works in the same field, or has studied abroad."),
            "expertise": _("Anything else you know well, separated by commas."),
            "background": _("Your work, training and life experience."),
            "max_groups": _("From 1 to 5. Most mentors take one group."),
            "motivation": _("What you hope to give, and to learn."),
        }

    # (legend, fields, description) for each part of the form, by role.
    SECTIONS = {
        Role.MENTEE: [
            (_("What you want to work on"), ["goals", "goal_areas", "field", "support_expected"], ""),
            (
                _("Your wishes for a mentor"),
                ["mentor_kind", "mentor_background", "gender_preference", "age_preference"],
                _(
                    "We try to follow your wishes when we match groups with mentors. Your group sees these answers "
                    "and the support you hope for, without your name, as the start of the wishes you agree together."
                ),
            ),
            (_("Languages and needs"), ["languages", "needs_language_support", "accessibility_needs"], ""),
            (_("When you can meet"), ["availability", "availability_note"], ""),
        ],
        Role.MENTOR: [
            (_("Your expertise"), ["goal_areas", "expertise", "background"], ""),
            (_("How you can mentor"), ["max_groups", "engagement", "motivation"], ""),
            (_("Languages and needs"), ["languages", "needs_language_support", "accessibility_needs"], ""),
            (_("When you can meet"), ["availability", "availability_note"], ""),
            (
                _("About you (optional)"),
                ["gender", "age_band"],
                _(
                    "You do not have to answer. Some mentees say they would prefer a mentor of a certain gender or "
                    "age; your answer helps us respect their wishes."
                ),
            ),
        ],
    }

    def __init__(self, *args, programme: Programme, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        if self.instance.pk and "availability" not in self.initial:
            self.initial["availability"] = self.instance.availability
        wanted = {name for _legend, names, _description in self.SECTIONS[role] for name in names} | {"consent"}
        for name in set(self.fields) - wanted:
            del self.fields[name]
        areas = programme.goal_areas.all()
        area_field = self.fields["goal_areas"]
        area_field.queryset = areas
        if role == Role.MENTEE:
            self.fields["goals"].required = True
            area_field.label = _("Areas you want to work on")
            area_field.help_text = _("Choose one or more.")
            area_field.required = True
            area_field.error_messages["required"] = _("Please choose at least one area.")
            self.fields["consent"].help_text = _(
                "The coordinators of this programme see your application, to choose the participants and to form "
                "groups of mentees with similar goals. You can see and change it while it is open, and ask for "
                "your data to be erased."
            )
        else:
            for name in ("background", "motivation", "max_groups"):
                self.fields[name].required = True
            self.fields["max_groups"].widget.attrs.update(min=1, max=5)
            area_field.label = _("Areas where you can help")
            area_field.help_text = _("Choose the areas you know well. You can add others below.")
            self.fields["consent"].help_text = _(
                "The coordinators of this programme see your application, to choose mentors and match them with "
                "groups. If you mentor, your profile is kept in the mentor data bank, so that coordinators can ask "
                "you to mentor in future programmes. You can see and change it, and ask for your data to be erased."
            )
        if not areas.exists():
            del self.fields["goal_areas"]

    @property
    def sections(self) -> list[tuple[str, list[forms.BoundField], str]]:
        return [
            (legend, [self[name] for name in names if name in self.fields], description)
            for legend, names, description in self.SECTIONS[self.role]
        ]

    def clean_languages(self) -> str:
        languages = join_list(split_list(self.cleaned_data["languages"]))
        if not languages:
            raise forms.ValidationError(_("Please name at least one language you speak."))
        return languages

    def clean(self):
        cleaned = super().clean()
        if self.role == Role.MENTOR and not cleaned.get("goal_areas") and not (cleaned.get("expertise") or "").strip():
            self.add_error("expertise", _("Please choose an area or tell us what you know well."))
        return cleaned

    def answers(self) -> dict:
        """The fields the service saves, from the valid form."""
        return {name: self.cleaned_data[name] for name in ANSWERS[self.role] if name in self.cleaned_data}
