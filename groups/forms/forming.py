"""The small forms of the group proposal page: one per action, each checked against the proposal in hand.

The page shows them as plain HTML forms (one per mentee and per group: a proposal may hold hundreds); these
classes only read and check what comes back.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.proposals import NAME_MAX_LENGTH, Proposal

START = "start"
RESHUFFLE = "reshuffle"
DISCARD = "discard"
MOVE = "move"
RENAME = "rename"
SPLIT = "split"
MERGE = "merge"

UNPLACED = "unplaced"
NEW_GROUP = "new"


class ActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(name, name) for name in (START, RESHUFFLE, DISCARD, MOVE, RENAME, SPLIT, MERGE)],
        error_messages={
            "required": _("Choose what to do."),
            "invalid_choice": _("That is not something you can do here."),
        },
    )


class ProposalForm(forms.Form):
    """A form about the groups of one proposal: group numbers are checked against it."""

    def __init__(self, *args, proposal: Proposal, **kwargs) -> None:
        self.proposal = proposal
        super().__init__(*args, **kwargs)

    def _group_choices(self) -> list[tuple[str, str]]:
        return [(str(index), group.name) for index, group in enumerate(self.proposal.groups)]

    @staticmethod
    def _group_field(label) -> forms.TypedChoiceField:
        return forms.TypedChoiceField(
            label=label,
            coerce=int,
            error_messages={
                "required": _("Choose a group."),
                "invalid_choice": _("That group is not in the proposal any more. Please look again."),
            },
        )


class MoveForm(ProposalForm):
    mentee = forms.TypedChoiceField(
        label=_("Mentee"),
        coerce=int,
        error_messages={
            "required": _("Choose a mentee."),
            "invalid_choice": _("That mentee is not in the proposal any more. Please look again."),
        },
    )
    to = forms.ChoiceField(
        label=_("Move to"),
        error_messages={
            "required": _("Choose where to move the mentee."),
            "invalid_choice": _("That group is not in the proposal any more. Please look again."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].choices = [(str(mentee.id), mentee.name) for mentee in self.proposal.mentees]
        self.fields["to"].choices = [
            *self._group_choices(),
            (NEW_GROUP, _("A new group")),
            (UNPLACED, _("No group for now")),
        ]

    def target(self) -> int | None:
        """The index ``proposals.move`` takes: a group, ``len(groups)`` for a new one, None for no group."""
        to = self.cleaned_data["to"]
        if to == UNPLACED:
            return None
        if to == NEW_GROUP:
            return len(self.proposal.groups)
        return int(to)


class RenameForm(ProposalForm):
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("Leave it empty to use the suggested name."),
    )

    def __init__(self, *args, taken: set[str] = frozenset(), **kwargs) -> None:
        """``taken``: the names of the programme's existing groups, case-folded."""
        self.taken = taken
        super().__init__(*args, **kwargs)
        self.fields["group"] = self._group_field(_("Group"))
        self.fields["group"].choices = self._group_choices()
        self.order_fields(["group", "name"])

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        index, name = cleaned.get("group"), cleaned.get("name")
        if index is None or not name:
            return cleaned
        for other, group in enumerate(self.proposal.groups):
            if other != index and group.name.casefold() == name.casefold():
                self.add_error(
                    "name", _("Another group in this proposal is already called “%(name)s”.") % {"name": name}
                )
                return cleaned
        if name.casefold() in self.taken:
            self.add_error(
                "name", _("The programme already has a group called “%(name)s”. Choose another name.") % {"name": name}
            )
        return cleaned


class SplitForm(ProposalForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = self._group_field(_("Group"))
        self.fields["group"].choices = self._group_choices()

    def clean_group(self) -> int:
        index = self.cleaned_data["group"]
        if len(self.proposal.groups[index].members) < 2:
            raise forms.ValidationError(_("A group of one person cannot be split."))
        return index


class MergeForm(ProposalForm):
    """Merges ``group`` into ``into``, which keeps its place in the list."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = self._group_field(_("Group"))
        self.fields["into"] = self._group_field(_("Merge this group into"))
        self.fields["group"].choices = self.fields["into"].choices = self._group_choices()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("group") is not None and cleaned.get("group") == cleaned.get("into"):
            self.add_error("into", _("Choose another group: a group cannot be merged with itself."))
        return cleaned
