"""Forms of the mentor data bank: the search, inviting a mentor, feedback on a mentor, a mentor's own profile."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programmes.models import AgeBand, Availability, Engagement, Gender, MentorProfile, Programme
from programmes.services.bank import Sort

# The search


class BankSearchForm(forms.Form):
    """The bank's filters, read from the address. A value that cannot be used falls back to its default."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words from a name, an area of expertise or a background."),
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=100)
    availability = forms.MultipleChoiceField(
        label=_("Free at these times"),
        required=False,
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mentors who are free at all the times you tick."),
    )
    engagement = forms.ChoiceField(
        label=_("Volunteer or paid"),
        required=False,
        choices=[
            ("", _("Either")),
            (Engagement.VOLUNTEER, _("Volunteers")),
            (Engagement.PAID, _("Paid mentors")),
        ],
    )
    min_rating = forms.TypedChoiceField(
        label=_("Past feedback"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        choices=[
            ("", _("Any, or none yet")),
            ("3", _("3 or more on average")),
            ("4", _("4 or more on average")),
            ("4.5", _("4.5 or more on average")),
        ],
    )
    open_only = forms.BooleanField(label=_("Only mentors open to new programmes"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (Sort.NAME, _("Name")),
            (Sort.RATING, _("Best rated")),
            (Sort.EXPERIENCE, _("Most experienced")),
        ],
    )

    DEFAULTS = {
        "q": "",
        "language": "",
        "availability": [],
        "engagement": "",
        "min_rating": None,
        "open_only": True,
        "sort": Sort.NAME,
    }

    @classmethod
    def from_query(cls, query: QueryDict) -> tuple[BankSearchForm, list[str]]:
        """A valid form from whatever the address holds, and the labels of the filters that had to be reset.

        An address without any of the filters (the first visit, or only a page number) gets the defaults,
        among them "only mentors open to new programmes"; once the form has been sent, an unticked box is off.
        """
        if not any(name in query for name in cls.base_fields):
            form = cls(cls._as_data(cls.DEFAULTS))
            form.is_valid()
            return form, []
        first = cls(query)
        first.is_valid()
        reset = [str(first.fields[name].label) for name in first.errors]
        values = {**cls.DEFAULTS, **first.cleaned_data}
        form = cls(cls._as_data(values))
        form.is_valid()
        return form, reset

    @staticmethod
    def _as_data(values: dict) -> QueryDict:
        data = QueryDict(mutable=True)
        for name, value in values.items():
            if isinstance(value, list):
                data.setlist(name, value)
            elif value is True:
                data[name] = "on"
            elif value not in (None, False, ""):
                data[name] = str(value)
        return data

    def search_terms(self) -> dict:
        """The keyword arguments of ``services.bank.search_mentors``."""
        data = self.cleaned_data
        return {
            "text": data["q"],
            "language": data["language"],
            "availability": data["availability"],
            "engagement": data["engagement"],
            "min_rating": data["min_rating"],
            "open_only": data["open_only"],
            "sort": data["sort"] or Sort.NAME,
        }


# A mentor's page


class InviteMentorForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        empty_label=None,
        help_text=_("The mentor gets an email with a link to join the programme."),
    )

    def __init__(self, data=None, *, programmes, **kwargs):
        super().__init__(data, prefix="invite", **kwargs)
        self.fields["programme"].queryset = programmes


class MentorFeedbackForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        help_text=_("If there is feedback for this programme already, yours replaces it."),
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[
            (5, _("5 – excellent")),
            (4, _("4 – good")),
            (3, _("3 – all right")),
            (2, _("2 – not quite")),
            (1, _("1 – would not ask again")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went well, and what other coordinators should know. Coordinators see this in the bank."),
    )

    def __init__(self, data=None, *, programmes, **kwargs):
        super().__init__(data, prefix="feedback", **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].empty_label = _("Choose a programme")


# The mentor's own profile


class MentorProfileForm(forms.ModelForm):
    availability = forms.MultipleChoiceField(
        label=_("When can you meet?"),
        required=False,
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    engagement = forms.ChoiceField(label=_("Volunteer or paid"), choices=Engagement.choices, widget=forms.RadioSelect)
    gender = forms.ChoiceField(label=_("Your gender (optional)"), choices=Gender.choices, required=False)
    age_band = forms.ChoiceField(label=_("Your age (optional)"), choices=AgeBand.choices, required=False)

    class Meta:
        model = MentorProfile
        fields = [
            "expertise",
            "background",
            "languages",
            "max_groups",
            "availability",
            "availability_note",
            "engagement",
            "motivation",
            "gender",
            "age_band",
            "open_to_invitations",
        ]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "background": _("Your background and education"),
            "max_groups": _("How many groups can you mentor at the same time?"),
            "motivation": _("Why do you mentor?"),
            "open_to_invitations": _("Coordinators may invite me to new programmes"),
        }
        help_texts = {
            "max_groups": _("From 1 to 5. Most mentors take one group."),
            "motivation": _("What you hope to give, and to learn."),
            "open_to_invitations": _("Untick this if you do not want to be asked for now."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "availability" not in self.initial:
            self.initial["availability"] = self.instance.availability
