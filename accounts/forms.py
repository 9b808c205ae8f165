from allauth.core import ratelimit
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import time_zone_choices


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form: a person's name comes with their account."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("How you are shown to the others in your programmes."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(help_text=_("Session times are shown to you in this zone."))

    class Meta:
        model = User
        fields = ["display_name", "language", "time_zone", "remind_sessions", "remind_logging", "remind_action_items"]
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name


class DeleteAccountForm(forms.Form):
    """Asks for the current password before an account is erased, so that an unattended browser cannot do it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # allauth's limit on re-entering a password (10 a minute per person) stops guessing from an open session.
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.request.user):
            raise forms.ValidationError(_("Too many attempts. Please wait a minute and try again."))
        if not self.request.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password
