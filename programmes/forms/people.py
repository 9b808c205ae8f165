from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.form_fields import FilterForm
from programmes.models import MembershipStatus, Role


class PeopleFilterForm(FilterForm):
    """The filters of a programme's people page."""

    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Active and withdrawn")), *MembershipStatus.choices]
    )

    def filter(self, memberships):
        """Narrows a queryset of programme memberships to the chosen role and status."""
        return memberships.filter(**self.chosen)
