"""The goals' section of a group's page: ``{% load goal_tags %}{% goal_summary %}``.

A tag, so that the group's page shows it without its view knowing about goals. Only members see it: for a
coordinator who is not a member it renders nothing and asks the database nothing.
"""

from __future__ import annotations

from django import template

from groups.services.goals import can_create, goal_summary, is_groups_mentor, shows_review_prompt

register = template.Library()


@register.inclusion_tag("groups/goals/_summary.html", takes_context=True)
def goal_summary_section(context) -> dict:
    access = context.get("access")
    user = context.get("user")
    if access is None or access.group_role is None or user is None:
        return {"show": False}
    group = access.group
    is_open = not group.programme.is_archived
    return {
        "show": True,
        "access": access,
        "group": group,
        "summary": goal_summary(access, user),
        "is_mentor": is_groups_mentor(access),
        "can_add_common": is_open and can_create(access, common=True),
        "can_add_own": is_open and can_create(access, common=False),
        "review_prompt": shows_review_prompt(access),
    }
