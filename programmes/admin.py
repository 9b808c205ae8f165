from django.contrib import admin

from programmes.models import Programme, ProgrammeMembership, ProgrammeStatusChange


class ProgrammeMembershipInline(admin.TabularInline):
    model = ProgrammeMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "joined_at", "left_at"]


class ProgrammeStatusChangeInline(admin.TabularInline):
    model = ProgrammeStatusChange
    extra = 0
    can_delete = False
    fields = ["from_status", "to_status", "changed_by", "changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "starts_on", "ends_on", "time_zone", "group_size_target", "sessions_per_month"]
    list_filter = ["status", "starts_on"]
    search_fields = ["name", "description"]
    date_hierarchy = "starts_on"
    readonly_fields = ["status", "created"]
    inlines = [ProgrammeMembershipInline, ProgrammeStatusChangeInline]


@admin.register(ProgrammeMembership)
class ProgrammeMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "role", "status", "joined_at"]
    list_filter = ["role", "status", "programme"]
    search_fields = ["user__email", "user__display_name", "programme__name"]
    autocomplete_fields = ["user", "programme"]
    list_select_related = ["user", "programme"]


@admin.register(ProgrammeStatusChange)
class ProgrammeStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["programme", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["programme__name", "changed_by__email"]
    list_select_related = ["programme", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
