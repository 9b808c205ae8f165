"""A group's settings (name, focus, kind), a peer group's next facilitator, and a new mentor circle."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from groups.models import GroupKind, GroupMembership, MentoringGroup
from groups.services.kinds import CIRCLE_MAX, CIRCLE_MIN, supervisor_choices
from groups.services.mentors import programme_mentors
from mentoring.form_fields import ModelMultipleChoiceField
from programmes.models import Programme

NAME_TAKEN = _("Another group in this programme already has this name. Please choose another.")


def _name_field(**kwargs) -> forms.CharField:
    return forms.CharField(label=_("Name"), max_length=120, **kwargs)


def _focus_field() -> forms.CharField:
    return forms.CharField(
        label=_("Focus"),
        max_length=300,
        required=False,
        help_text=_("What the members have in common, in a line. For example: careers in health care."),
    )


def _name_is_free(programme: Programme, name: str, *, group: MentoringGroup | None = None) -> bool:
    others = programme.groups.all() if group is None else programme.groups.exclude(pk=group.pk)
    return not others.filter(name__iexact=name).exists()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.shown_name


class PeopleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.shown_name


class GroupSettingsForm(forms.Form):
    """A mentor circle keeps its kind: the form has no ``kind`` field for it."""

    name = _name_field()
    focus = _focus_field()
    kind = forms.ChoiceField(
        label=_("Kind of group"),
        choices=[
            (GroupKind.MENTOR_LED, _("Mentor-led group: a mentor guides the group")),
            (GroupKind.PEER, _("Peer group: no mentor, the members take turns to lead the sessions")),
        ],
        widget=forms.RadioSelect,
        help_text=_("A group that has a mentor, or is waiting for a mentor's answer, stays mentor-led."),
    )

    def __init__(self, *args, group: MentoringGroup, **kwargs):
        self.group = group
        kwargs.setdefault("initial", {"name": group.name, "focus": group.focus, "kind": group.kind})
        super().__init__(*args, **kwargs)
        if group.is_circle:
            del self.fields["kind"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please give the group a name."))
        if not _name_is_free(self.group.programme, name, group=self.group):
            raise forms.ValidationError(NAME_TAKEN)
        return name

    def settings(self) -> dict:
        """The settings as ``save_settings`` takes them (no kind for a mentor circle)."""
        return {
            "name": self.cleaned_data["name"],
            "focus": self.cleaned_data["focus"],
            "kind": self.cleaned_data.get("kind"),
        }


class FacilitatorForm(forms.Form):
    """Who of a peer group's members facilitates its next session."""

    facilitator = forms.TypedChoiceField(label=_("Facilitates the next session"), coerce=int)

    def __init__(self, *args, rota: list[GroupMembership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].choices = [(member.user_id, member.user.shown_name) for member in rota]


class CircleForm(forms.Form):
    name = _name_field(help_text=_("For example: Mentor circle, autumn."))
    focus = _focus_field()
    mentors = PeopleChoiceField(
        label=_("Mentors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    supervisor = PersonChoiceField(
        label=_("Supervisor"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_(
            "The person who leads the circle: a coordinator of this programme, or a person you invite with the "
            "role “Supervisor” from the Invitations tab."
        ),
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        self.programme = programme
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = programme_mentors(programme).select_related(None).prefetch_related(None)
        self.fields["supervisor"].queryset = supervisor_choices(programme)
        self.fields["mentors"].help_text = gettext("Choose %(min)d to %(max)d of the programme's mentors.") % {
            "min": CIRCLE_MIN,
            "max": CIRCLE_MAX,
        }

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please give the circle a name."))
        if not _name_is_free(self.programme, name):
            raise forms.ValidationError(NAME_TAKEN)
        return name

    def clean_mentors(self) -> list[User]:
        mentors = list(self.cleaned_data["mentors"])
        if not CIRCLE_MIN <= len(mentors) <= CIRCLE_MAX:
            raise forms.ValidationError(
                ngettext(
                    "A mentor circle has %(min)d to %(max)d mentors. You chose %(count)d.",
                    "A mentor circle has %(min)d to %(max)d mentors. You chose %(count)d.",
                    len(mentors),
                )
                % {"min": CIRCLE_MIN, "max": CIRCLE_MAX, "count": len(mentors)}
            )
        return mentors

    def clean(self) -> dict:
        data = super().clean()
        supervisor, mentors = data.get("supervisor"), data.get("mentors") or []
        if supervisor is not None and supervisor in mentors:
            self.add_error("supervisor", _("The supervisor cannot also be one of the circle's mentors."))
        return data
