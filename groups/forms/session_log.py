"""The log of a session as its leader writes it (with its action items), a member's reflection, and the button
that marks an action item done."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from groups.access import GroupAccess
from groups.models import ActionItem, AttendanceMark, Meeting, MentoringGroup, Reflection
from groups.services.session_log import ItemChange, reads_all_reflections

SUMMARY_MAX_LENGTH = 10_000
BRIEFING_MAX_LENGTH = 5_000
REFLECTION_MAX_LENGTH = 5_000
EXTRA_ITEMS = 3
MAX_ITEMS = 50
HELD = "yes"
NOT_HELD = "no"


def _text(value: str) -> str:
    # Browsers send line breaks as CRLF; the stored text has LF.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(value: str) -> str:
    return " ".join(value.split())


class SessionLogForm(forms.Form):
    """Whether the session was held, everyone's attendance (one radio group per person, present by default),
    and what the group talked about."""

    held = forms.ChoiceField(
        label=_("Did the session take place?"),
        choices=[(HELD, _("Yes, it took place")), (NOT_HELD, _("No, it did not take place"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether the session took place.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened in the session, in a few sentences. If it did not take place, say why."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=500,
        help_text=_("The main topics, separated by commas. For example: CV, job interviews, networking."),
    )
    briefing = forms.CharField(
        label=_("Briefing for those who missed it"),
        required=False,
        max_length=BRIEFING_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the members who were not there need to know. They get it by email, once. Only the group sees it."
        ),
    )

    def __init__(self, *args, meeting: Meeting, people: Iterable[User], **kwargs) -> None:
        self.meeting = meeting
        self.people = list(people)
        recorded = dict(meeting.attendance.values_list("user_id", "status")) if meeting.is_logged else {}
        kwargs.setdefault("initial", self._initial(meeting))
        super().__init__(*args, **kwargs)
        for person in self.people:
            self.fields[self.field_name(person.pk)] = forms.ChoiceField(
                label=person.shown_name,
                choices=AttendanceMark.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.get(person.pk, AttendanceMark.PRESENT),
            )

    @staticmethod
    def _initial(meeting: Meeting) -> dict:
        initial = {"summary": meeting.summary, "topics": meeting.topics, "briefing": meeting.briefing}
        if meeting.held is not None:
            initial["held"] = HELD if meeting.held else NOT_HELD
        return initial

    @staticmethod
    def field_name(user_id: int) -> str:
        return f"attendance_{user_id}"

    def rows(self) -> list[tuple[User, forms.BoundField]]:
        """Each person with their bound field, for a fieldset per person."""
        return [(person, self[self.field_name(person.pk)]) for person in self.people]

    def clean_summary(self) -> str:
        return _text(self.cleaned_data["summary"])

    def clean_topics(self) -> str:
        return _one_line(self.cleaned_data["topics"])

    def clean_briefing(self) -> str:
        return _text(self.cleaned_data["briefing"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("held") == HELD:
            for person in self.people:
                name = self.field_name(person.pk)
                if name in data and not data[name]:
                    self.add_error(name, _("Please choose whether this person was there."))
        return data

    @property
    def took_place(self) -> bool:
        return self.cleaned_data["held"] == HELD

    def attendance(self) -> dict[int, str]:
        """User id → attendance mark, for ``log_session``."""
        return {person.pk: self.cleaned_data[self.field_name(person.pk)] for person in self.people}


class ActionItemForm(forms.Form):
    """One action item: what, who (a member, or nobody in particular) and by when. An existing item carries its
    id; an open one can be removed."""

    item = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=forms.HiddenInput)
    text = forms.CharField(label=_("What is to be done"), max_length=300, required=False)
    owner = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(
        label=_("By when"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    delete = forms.BooleanField(label=_("Remove this item"), required=False)

    def __init__(self, *args, meeting: Meeting, owners: list[User], existing: dict[int, ActionItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.existing_items = existing
        self.fields["item"].choices = [("", "")] + [(pk, pk) for pk in existing]
        self.fields["owner"].choices = [("", _("Nobody in particular"))] + [
            (person.pk, person.shown_name) for person in owners
        ]

    @property
    def existing(self) -> ActionItem | None:
        """The action item this row changes, or None for a new one."""
        value = self["item"].value()
        try:
            return self.existing_items.get(int(value)) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean_text(self) -> str:
        return _one_line(self.cleaned_data["text"])

    def clean(self) -> dict:
        data = super().clean()
        item = self.existing_items.get(data.get("item")) if data.get("item") else None
        if data.get("delete"):
            if item is not None and item.done_at is not None:
                self.add_error("delete", _("This item is done, so it stays in the log."))
            return data
        if not data.get("text") and (item is not None or data.get("owner") or data.get("due_on")):
            self.add_error("text", _("Please write what is to be done, or leave the whole row empty."))
        due_on = data.get("due_on")
        session_day = timezone.localdate(self.meeting.starts_at)
        unchanged = item is not None and item.due_on == due_on
        if due_on and due_on < session_day and not unchanged:
            self.add_error("due_on", _("The date cannot be before the session. Please choose a later date."))
        return data

    def change(self) -> ItemChange | None:
        data = self.cleaned_data
        if not data or (data.get("item") is None and not data.get("text")):
            return None  # an empty row
        return ItemChange(
            pk=data.get("item"),
            text=data.get("text", ""),
            owner_id=data.get("owner"),
            due_on=data.get("due_on"),
            delete=bool(data.get("delete")),
        )


class BaseActionItemFormSet(forms.BaseFormSet):
    def changes(self) -> list[ItemChange]:
        return [change for form in self.forms if (change := form.change()) is not None]


ActionItemFormSet = forms.formset_factory(
    ActionItemForm,
    formset=BaseActionItemFormSet,
    extra=EXTRA_ITEMS,
    max_num=MAX_ITEMS,
    validate_max=True,
    absolute_max=MAX_ITEMS + EXTRA_ITEMS,
)


def action_item_formset(
    data, *, meeting: Meeting, group: MentoringGroup, owners: list[User], items: list[ActionItem]
) -> BaseActionItemFormSet:
    """The log's action items: one row per existing item, and empty rows for new ones."""
    owner_list = list(owners)
    known = {person.pk for person in owner_list}
    owner_list += [item.owner for item in items if item.owner_id and item.owner_id not in known]
    return ActionItemFormSet(
        data,
        prefix="items",
        initial=[{"item": item.pk, "text": item.text, "owner": item.owner_id, "due_on": item.due_on} for item in items],
        form_kwargs={"meeting": meeting, "owners": owner_list, "existing": {item.pk: item for item in items}},
    )


def readers_help(access: GroupAccess) -> str:
    """Who reads the writer's reflection if they do not share it (``visible_reflections``), in plain words."""
    group = access.group
    if group.is_peer:
        return _("If you do not share it, only you can read it.")
    if reads_all_reflections(access):
        if group.is_circle:
            return _("If you do not share it, only the circle's supervisors can read it.")
        return _("If you do not share it, only the group's mentors can read it.")
    if group.is_circle:
        return _("If you do not share it, only you and the circle's supervisor can read it.")
    return _("If you do not share it, only you and your mentor can read it.")


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your reflection"),
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What did you take from the session? What will you do next? What is still unclear?"),
        error_messages={"required": _("Please write your reflection.")},
    )
    shared_with_group = forms.BooleanField(label=_("Share with my group"), required=False)

    def __init__(self, *args, access: GroupAccess, reflection: Reflection | None, **kwargs) -> None:
        if reflection is not None:
            kwargs.setdefault("initial", {"text": reflection.text, "shared_with_group": reflection.shared_with_group})
        super().__init__(*args, **kwargs)
        self.fields["shared_with_group"].help_text = readers_help(access)

    def clean_text(self) -> str:
        text = _text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Please write your reflection."))
        return text


class DoneForm(forms.Form):
    """The hidden field of a "Done" or "Not done" button."""

    done = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
