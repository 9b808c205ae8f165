"""Inviting people (one, a pasted list, a CSV file), filtering the invitations, and signing up from one."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from programmes.imports import MAX_BYTES, MAX_ROWS, Parsed, parse_csv, parse_list
from programmes.models import Invitation, InvitationStatus, MembershipStatus, Programme, Role
from programmes.services.invitations import Invitee

MAX_ERRORS_SHOWN = 50
ROLE_CHOICES = [(role.value, role.label) for role in (Role.MENTEE, Role.MENTOR, Role.COORDINATOR, Role.SUPERVISOR)]


def active_members(programme: Programme) -> set[tuple[str, str]]:
    """The programme's active members as (email in lower case, role) pairs."""
    pairs = programme.memberships.filter(status=MembershipStatus.ACTIVE).values_list("user__email", "role")
    return {(email.lower(), role) for email, role in pairs}


class _InviteForm(forms.Form):
    """Every invite form ends with ``invitees``: the people to invite, all of them valid."""

    def __init__(self, *args, programme: Programme, **kwargs):
        self.programme = programme
        super().__init__(*args, **kwargs)

    @property
    def invitees(self) -> list[Invitee]:
        return self.cleaned_data["invitees"]

    def _take(self, parsed: Parsed, field: str) -> None:
        if parsed.errors:
            shown = [ValidationError(str(error)) for error in parsed.errors[:MAX_ERRORS_SHOWN]]
            hidden = len(parsed.errors) - len(shown)
            if hidden:
                shown.append(
                    ValidationError(
                        ngettext(
                            "…and %(count)d more problem. Fix these and try again to see it.",
                            "…and %(count)d more problems. Fix these and try again to see them.",
                            hidden,
                        )
                        % {"count": hidden}
                    )
                )
            self.add_error(field, shown)
        else:
            self.cleaned_data["invitees"] = parsed.invitees


class InviteOneForm(_InviteForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=Invitation._meta.get_field("name").max_length,
        required=False,
        help_text=_("Optional. Used to greet them in the email."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=Invitation._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.MENTEE)

    def clean(self) -> dict:
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if email and role:
            email = User.objects.normalize_email(email)
            if (email, role) in active_members(self.programme):
                self.add_error(
                    "email",
                    _("%(email)s is already taking part in this programme as %(role)s.")
                    % {"email": email, "role": Role(role).label},
                )
            else:
                data["invitees"] = [Invitee(email=email, role=role, name=data.get("name", "").strip())]
        return data


class InviteListForm(_InviteForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES,
        initial=Role.MENTEE,
        help_text=_("For everyone in the list, unless a line names another role."),
    )
    people = forms.CharField(
        label=_("People"),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].help_text = _(
            "One person a line, as in the example. Add a role at the end of a line to change it for that person. "
            "Up to %(max)d people."
        ) % {"max": MAX_ROWS}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") and data.get("people"):
            self._take(parse_list(data["people"], role=data["role"], members=active_members(self.programme)), "people")
        return data


class InviteCsvForm(_InviteForm):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"empty": _("The file is empty."), "required": _("Please choose a CSV file.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("UTF-8 text, up to 1 MB and %(max)d people.") % {"max": MAX_ROWS}

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_BYTES:
            self.add_error("file", _("The file is larger than 1 MB. Please split it into smaller files."))
            return data
        self._take(parse_csv(upload.read(), members=active_members(self.programme)), "file")
        return data


# The list of invitations -----------------------------------------------------------------------------------


class InvitationFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *InvitationStatus.choices])
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *Role.choices])


# Signing up from an invitation -------------------------------------------------------------------------------


class InvitationSignUpForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=_("How you are shown to the others in the programme."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        disabled=True,
        required=False,
        help_text=_("The address the invitation was sent to. You will sign in with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password again, to be sure."),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        self.invitation = invitation
        kwargs.setdefault("initial", {"display_name": invitation.name, "email": invitation.email})
        super().__init__(*args, **kwargs)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1:
            person = User(email=self.invitation.email, display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(password1, user=person)
            except ValidationError as error:
                self.add_error("password1", error)
            else:
                if password2 and password1 != password2:
                    self.add_error("password2", _("The two passwords are not the same."))
        return data
