from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction

# What a programme's log can hold: deleting one's own account happens outside any programme.
PROGRAMME_ACTIONS = [(value, label) for value, label in AuditAction.choices if value != AuditAction.ACCOUNT_DELETED]


class AuditFilterForm(forms.Form):
    """The filter of a programme's audit log. A value that is not one of the choices is simply ignored."""

    action = forms.ChoiceField(
        label=_("What happened"), required=False, choices=[("", _("Everything")), *PROGRAMME_ACTIONS]
    )

    @classmethod
    def from_query(cls, data: QueryDict) -> AuditFilterForm:
        form = cls(data)
        if form.is_valid():
            return form
        form = cls({})
        form.is_valid()
        return form
