from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programmes.models import MembershipStatus, Role


class PeopleFilterForm(forms.Form):
    """The filters of a programme's people page. A value that is not one of the choices is simply ignored."""

    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Active and withdrawn")), *MembershipStatus.choices]
    )

    @classmethod
    def from_query(cls, data: QueryDict) -> PeopleFilterForm:
        """A valid form from whatever the address holds: the good values are kept, the others dropped."""
        form = cls(data)
        form.is_valid()
        form = cls({name: value for name, value in form.cleaned_data.items() if value})
        form.is_valid()
        return form

    def filter(self, memberships):
        """Narrows a queryset of programme memberships to the chosen role and status."""
        chosen = {name: value for name, value in self.cleaned_data.items() if value}
        return memberships.filter(**chosen)
