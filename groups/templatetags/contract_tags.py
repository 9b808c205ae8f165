"""The group's contract in a few words, for the group's page (``groups/contracts/_summary.html``)."""

from __future__ import annotations

from django import template

from groups.services.contracts import Summary, summary

register = template.Library()


@register.simple_tag
def contract_summary(group, user, role) -> Summary:
    """Where the group's contract stands and whether the reader still has to agree to it, in one query."""
    return summary(group, user, role)
