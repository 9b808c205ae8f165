from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from groups.models import GroupMembership, MentoringGroup


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined_at", "left_at"]


@admin.register(MentoringGroup)
class MentoringGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "member_count", "created"]
    list_filter = ["kind", "programme__status", "programme"]
    search_fields = ["name", "focus", "programme__name"]
    autocomplete_fields = ["programme"]
    list_select_related = ["programme"]
    inlines = [GroupMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True)))
        )

    @admin.display(description=_("current members"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "joined_at", "left_at"]
    list_filter = ["role", "group__programme"]
    search_fields = ["user__email", "user__display_name", "group__name"]
    autocomplete_fields = ["user", "group"]
    list_select_related = ["user", "group"]
