"""Scheduling a session (or a series) and changing one. Times are entered in the programme's time zone."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from groups.models import Meeting, MeetingKind, MentoringGroup
from groups.services.scheduling import (
    MAX_SERIES,
    MAX_UNTIL_END,
    MIN_SERIES,
    Cadence,
    EndBeforeStart,
    Repeat,
    TimeRepeated,
    TimeSkipped,
    TooMany,
    check_in_partners,
    plan_starts,
)
from mentoring.form_fields import validate_sensible_date

SKIPPED = _("This time does not exist on that day: the clocks change. Please choose another time.")
REPEATED = _("This time happens twice on that day: the clocks change. Please choose another time.")
PASSED = _("This time has passed. Please choose a time in the future.")


def _text(value: str) -> str:
    # Browsers send line breaks as CRLF; the stored text has LF.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def interval_words(rhythm: Cadence) -> str:
    days = rhythm.interval.days
    if days == 7:
        return str(_("every week"))
    if days % 7 == 0:
        weeks = days // 7
        return ngettext("every %(count)d week", "every %(count)d weeks", weeks) % {"count": weeks}
    return ngettext("every %(count)d day", "every %(count)d days", days) % {"count": days}


def rhythm_words(rhythm: Cadence) -> str:
    count = rhythm.sessions_per_month
    if rhythm.from_contract:
        return ngettext(
            "Your contract says %(count)d session a month.", "Your contract says %(count)d sessions a month.", count
        ) % {"count": count}
    return ngettext(
        "The programme plans %(count)d session a month.", "The programme plans %(count)d sessions a month.", count
    ) % {"count": count}


class SessionForm(forms.Form):
    """When, how long, where and what: the part a leader may change later."""

    date = forms.DateField(
        label=_("Date"),
        validators=[validate_sensible_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=480, widget=forms.NumberInput(attrs={"step": 5})
    )
    place = forms.CharField(
        label=_("Place"), max_length=300, required=False, help_text=_("An address or a room. Or give a video link.")
    )
    video_link = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For an online session, e.g. https://meet.example.org/our-group."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you will talk about. Everyone sees it in the invitation."),
    )

    def __init__(self, *args, group: MentoringGroup, rhythm: Cadence, meeting: Meeting | None = None, **kwargs):
        self.group = group
        self.programme = group.programme
        self.rhythm = rhythm
        self.zone = self.programme.zone
        if meeting is not None:
            kwargs.setdefault("initial", self.initial_from(meeting))
        else:
            kwargs.setdefault("initial", {"minutes": rhythm.minutes})
        super().__init__(*args, **kwargs)
        zone = {"zone": self.programme.time_zone}
        self.fields["date"].help_text = (
            _("Enter the time in the programme's time zone: %(zone)s. Everyone sees it in their own zone.") % zone
        )
        self.fields["start_time"].help_text = _("Time in %(zone)s.") % zone
        if rhythm.from_contract:
            self.fields["minutes"].help_text = _("Your contract says %(minutes)d minutes.") % {
                "minutes": rhythm.minutes
            }

    def initial_from(self, meeting: Meeting) -> dict:
        starts = meeting.starts_at.astimezone(self.zone)
        return {
            "date": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "minutes": meeting.minutes,
            "place": meeting.place,
            "video_link": meeting.video_link,
            "agenda": meeting.agenda,
        }

    def clean_place(self) -> str:
        return " ".join(self.cleaned_data["place"].split())

    def clean_agenda(self) -> str:
        return _text(self.cleaned_data["agenda"])

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("place") and not data.get("video_link") and "video_link" not in self.errors:
            self.add_error("place", _("Give a place, a video link, or both."))
        return data

    def _starts(self, **series) -> list[datetime.datetime] | None:
        """The starts in UTC, or None with the reason at its field."""
        day, time = self.cleaned_data.get("date"), self.cleaned_data.get("start_time")
        if day is None or time is None:
            return None
        try:
            starts = plan_starts(programme=self.programme, day=day, time=time, rhythm=self.rhythm, **series)
        except (TimeSkipped, TimeRepeated) as error:
            message = SKIPPED if isinstance(error, TimeSkipped) else REPEATED
            if error.day == day:
                self.add_error("start_time", message)
            else:
                self.add_error(
                    "repeat",
                    _("On %(date)s, one of the later dates: %(reason)s")
                    % {"date": date_format(error.day, "DATE_FORMAT"), "reason": message},
                )
            return None
        except EndBeforeStart:
            self.add_error(
                "repeat",
                _("The end date, %(date)s, is before this session. Choose “Only this session”.")
                % {"date": date_format(self.rhythm.ends_on, "DATE_FORMAT")},
            )
            return None
        except TooMany:
            self.add_error(
                "repeat",
                _("That would be more than %(max)d sessions. Choose a number of sessions instead.")
                % {"max": MAX_UNTIL_END},
            )
            return None
        if starts[0] <= timezone.now():
            self.add_error("date", PASSED)
            return None
        return starts

    def session_fields(self) -> dict:
        """What ``reschedule`` takes, from a valid form."""
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "minutes": data["minutes"],
            "place": data["place"],
            "video_link": data["video_link"],
            "agenda": data["agenda"],
        }


class RescheduleForm(SessionForm):
    def clean(self) -> dict:
        data = super().clean()
        starts = self._starts(repeat=Repeat.NONE)
        if starts:
            data["starts_at"] = starts[0]
        return data


class ScheduleForm(SessionForm):
    """A new session: a group session or a check-in with one member, once or as a series."""

    kind = forms.ChoiceField(
        label=_("Kind of session"), choices=MeetingKind.choices, initial=MeetingKind.GROUP, widget=forms.RadioSelect
    )
    with_member = forms.ModelChoiceField(
        label=_("Check-in with"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose a member"),
        help_text=_("Only for a one-to-one check-in. Only the two of you are invited."),
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=Repeat.choices, initial=Repeat.NONE, widget=forms.RadioSelect)
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=MIN_SERIES,
        max_value=MAX_SERIES,
        required=False,
    )

    field_order = ["kind", "with_member", "date", "start_time", "minutes", "repeat", "count"]

    def __init__(self, *args, leader: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["with_member"].queryset = check_in_partners(self.group, leader)
        self.fields["count"].help_text = _("From %(min)d to %(max)d, the first one included.") % {
            "min": MIN_SERIES,
            "max": MAX_SERIES,
        }
        every = interval_words(self.rhythm)
        ends_on = date_format(self.rhythm.ends_on, "DATE_FORMAT")
        self.fields["repeat"].choices = [
            (Repeat.NONE, _("Only this session")),
            (Repeat.COUNT, _("A number of sessions, %(every)s") % {"every": every}),
            (Repeat.UNTIL_END, _("Until %(date)s, %(every)s") % {"every": every, "date": ends_on}),
        ]
        end_source = _("the contract's end date") if self.rhythm.from_contract else _("the programme's end date")
        self.fields["repeat"].help_text = _(
            "%(rhythm)s A series keeps the same day of the week and time. %(date)s is %(source)s."
        ) % {"rhythm": rhythm_words(self.rhythm), "date": ends_on, "source": end_source}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == MeetingKind.CHECK_IN:
            if not data.get("with_member") and "with_member" not in self.errors:
                self.add_error("with_member", _("Choose the member for the check-in."))
        else:
            data["with_member"] = None
        repeat = data.get("repeat")
        count = data.get("count")
        if repeat != Repeat.COUNT:  # the number is only read for "a number of sessions"
            self._errors.pop("count", None)
            count = None
        if repeat == Repeat.COUNT and count is None and "count" not in self.errors:
            self.add_error(
                "count",
                _("Say how many sessions, from %(min)d to %(max)d.")
                % {
                    "min": MIN_SERIES,
                    "max": MAX_SERIES,
                },
            )
            return data
        if repeat and not self.errors.get("count"):
            starts = self._starts(repeat=repeat, count=count)
            if starts:
                data["starts"] = starts
        return data

    def schedule_fields(self) -> dict:
        """What ``schedule_sessions`` takes, from a valid form."""
        data = self.cleaned_data
        return {
            "starts": data["starts"],
            "minutes": data["minutes"],
            "place": data["place"],
            "video_link": data["video_link"],
            "agenda": data["agenda"],
            "with_member": data["with_member"],
        }
