from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from mentoring.form_fields import FilterForm

# What a programme's log can hold: deleting one's own account happens outside any programme.
PROGRAMME_ACTIONS = [(value, label) for value, label in AuditAction.choices if value != AuditAction.ACCOUNT_DELETED]


class AuditFilterForm(FilterForm):
    """The filter of a programme's audit log."""

    action = forms.ChoiceField(
        label=_("What happened"), required=False, choices=[("", _("Everything")), *PROGRAMME_ACTIONS]
    )
