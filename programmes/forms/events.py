"""Planning a programme event, and recording who came."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.form_fields import ModelMultipleChoiceField
from programmes.models import AttendanceStatus, EventKind, Programme, ProgrammeEvent

MENTORS = "mentors"
MENTEES = "mentees"


class EventForm(forms.Form):
    """The event's times are entered in the programme's time zone and stored as aware datetimes (UTC)."""

    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices, initial=EventKind.OTHER)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave it empty to use the kind of event as the title."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it is about, what to bring, how to prepare."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(
        label=_("Place"), max_length=300, required=False, help_text=_("An address or a room. Or give a video link.")
    )
    link = forms.URLField(
        label=_("Video link"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("For an online event, e.g. https://meet.example.org/training."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Everyone in a role"),
        choices=[(MENTORS, _("All mentors")), (MENTEES, _("All mentees"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    groups = ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everyone in the chosen groups, mentors and mentees."),
    )
    notify = forms.BooleanField(label=_("Tell the invitees by email"), required=False)

    def __init__(self, *args, programme: Programme, event: ProgrammeEvent | None = None, **kwargs):
        self.programme = programme
        self.zone = programme.zone
        if event is not None:
            kwargs.setdefault("initial", self.initial_from(event))
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = programme.groups.order_by("name")
        zone = {"zone": programme.time_zone}
        self.fields["date"].help_text = (
            _("Enter the times in the programme's time zone: %(zone)s. Everyone sees them in their own zone.") % zone
        )
        self.fields["start_time"].help_text = self.fields["end_time"].help_text = _("Time in %(zone)s.") % zone
        if event is not None:
            self.fields["notify"].help_text = _(
                "People who had the invitation get the new details; people invited now get the invitation."
            )

    def initial_from(self, event: ProgrammeEvent) -> dict:
        starts, ends = event.starts_at.astimezone(self.zone), event.ends_at.astimezone(self.zone)
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "date": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0),
            "place": event.place,
            "link": event.link,
            "roles": [
                role for role, invited in ((MENTORS, event.for_mentors), (MENTEES, event.for_mentees)) if invited
            ],
            "groups": list(event.groups.values_list("pk", flat=True)),
        }

    def _aware(self, field: str, date: datetime.date, time: datetime.time) -> datetime.datetime | None:
        """The moment in the programme's zone, or an error at the field for a time the clocks skip."""
        moment = datetime.datetime.combine(date, time, tzinfo=self.zone)
        round_trip = moment.astimezone(datetime.UTC).astimezone(self.zone)
        if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
            self.add_error(field, _("This time does not exist on that day: the clocks change. Please choose another."))
            return None
        return moment

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_place(self) -> str:
        return self.cleaned_data["place"].strip()

    def clean(self) -> dict:
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            if end <= start:
                self.add_error("end_time", _("The event must end after it starts."))
            else:
                data["starts_at"] = self._aware("start_time", date, start)
                data["ends_at"] = self._aware("end_time", date, end)
        if not data.get("place") and not data.get("link") and "link" not in self.errors:
            self.add_error("place", _("Give a place, a video link, or both."))
        if not data.get("roles") and not data.get("groups") and "groups" not in self.errors:
            self.add_error("roles", _("Invite all mentors, all mentees, or at least one group."))
        if not data.get("title") and data.get("kind"):
            data["title"] = str(EventKind(data["kind"]).label)
        return data

    def event_fields(self) -> dict:
        """What the events service takes, from a valid form."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "place": data["place"],
            "link": data["link"],
            "for_mentors": MENTORS in data["roles"],
            "for_mentees": MENTEES in data["roles"],
            "groups": list(data["groups"]),
            "notify": data["notify"],
        }


class CancelEventForm(forms.Form):
    notify = forms.BooleanField(label=_("Tell the invitees by email"), required=False)


class AttendanceForm(forms.Form):
    """One radio group per invitee, pre-filled from what was recorded before."""

    def __init__(self, *args, people: Iterable, recorded: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        for person in self.people:
            self.fields[self.field_name(person.pk)] = forms.ChoiceField(
                label=person.display_name or person.email,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.get(person.pk),
            )

    @staticmethod
    def field_name(user_id: int) -> str:
        return f"person_{user_id}"

    def rows(self) -> list[tuple]:
        """Each person with their bound field, for a fieldset per person."""
        return [(person, self[self.field_name(person.pk)]) for person in self.people]

    def statuses(self) -> dict[int, str]:
        return {
            person.pk: self.cleaned_data[self.field_name(person.pk)]
            for person in self.people
            if self.cleaned_data.get(self.field_name(person.pk))
        }
