from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import TimeZoneField
from mentoring.form_fields import validate_sensible_date
from programmes.models import Programme


class ProgrammeForm(forms.ModelForm):
    time_zone = TimeZoneField(help_text=_("Sessions are scheduled in this zone; everyone sees them in their own."))

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "starts_on",
            "ends_on",
            "time_zone",
            "sessions_per_month",
            "session_minutes",
            "reminder_hours",
            "group_size_min",
            "group_size_target",
            "group_size_max",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the reminders go out at the usual times.
        self.fields["reminder_hours"].required = False
        for name in ("starts_on", "ends_on"):
            self.fields[name].validators.append(validate_sensible_date)

    def clean_reminder_hours(self) -> str:
        value = (self.cleaned_data.get("reminder_hours") or "").replace(" ", "")
        return value or Programme._meta.get_field("reminder_hours").default

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please give the programme a name."))
        return name
