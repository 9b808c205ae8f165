from django.contrib import admin

from programmes.models import (
    Application,
    EventAttendance,
    GoalArea,
    Invitation,
    MentorFeedback,
    MentorProfile,
    Programme,
    ProgrammeEvent,
    ProgrammeMembership,
    ProgrammeStatusChange,
)


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


@admin.register(GoalArea)
class GoalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "position"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "programme", "role", "status", "expires_at", "sent_count", "accepted_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "name", "programme__name"]
    list_select_related = ["programme"]
    # Invitations are issued, resent and revoked from the programme's pages, where the email goes out with them.
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "programme", "role", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = ["applicant__email", "applicant__display_name", "programme__name"]
    list_select_related = ["applicant", "programme"]
    autocomplete_fields = ["applicant", "programme", "decided_by"]
    filter_horizontal = ["goal_areas"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "expertise", "languages", "max_groups", "engagement", "open_to_invitations"]
    list_filter = ["engagement", "open_to_invitations"]
    search_fields = ["user__email", "user__display_name", "expertise", "languages"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(MentorFeedback)
class MentorFeedbackAdmin(admin.ModelAdmin):
    list_display = ["mentor", "programme", "rating", "written_by", "created"]
    list_filter = ["rating"]
    search_fields = ["mentor__email", "mentor__display_name", "programme__name"]
    list_select_related = ["mentor", "programme", "written_by"]
    autocomplete_fields = ["mentor", "programme", "written_by"]


class EventAttendanceInline(admin.TabularInline):
    model = EventAttendance
    extra = 0
    autocomplete_fields = ["user", "recorded_by"]


@admin.register(ProgrammeEvent)
class ProgrammeEventAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "starts_at", "cancelled_at"]
    list_filter = ["kind"]
    search_fields = ["title", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "created_by"]
    filter_horizontal = ["groups"]
    inlines = [EventAttendanceInline]


@admin.register(EventAttendance)
class EventAttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "recorded_at"]
    list_filter = ["status"]
    search_fields = ["event__title", "user__email", "user__display_name"]
    list_select_related = ["event", "user"]
    autocomplete_fields = ["event", "user", "recorded_by"]
