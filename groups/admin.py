from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from groups.models import (
    ActionItem,
    Attendance,
    Concern,
    Contract,
    ContractAgreement,
    ContractTemplate,
    ContractVersion,
    Goal,
    GoalUpdate,
    GroupMembership,
    GroupWishes,
    Meeting,
    MentorAssignment,
    MentoringGroup,
    Reflection,
    WishesAgreement,
)


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined_at", "left_at"]


class WishesAgreementInline(admin.TabularInline):
    model = WishesAgreement
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "version", "agreed_at"]


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


@admin.register(GroupWishes)
class GroupWishesAdmin(admin.ModelAdmin):
    list_display = ["group", "version", "updated_at"]
    list_filter = ["group__programme"]
    search_fields = ["group__name", "group__programme__name"]
    autocomplete_fields = ["group", "updated_by"]
    list_select_related = ["group"]
    inlines = [WishesAgreementInline]


@admin.register(WishesAgreement)
class WishesAgreementAdmin(admin.ModelAdmin):
    list_display = ["user", "wishes", "version", "agreed_at"]
    search_fields = ["user__email", "user__display_name", "wishes__group__name", "wishes__group__programme__name"]
    autocomplete_fields = ["user", "wishes"]
    list_select_related = ["user", "wishes__group"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["group", "mentor", "status", "score", "created", "decided_at"]
    list_filter = ["status", "group__programme"]
    search_fields = ["mentor__email", "mentor__display_name", "group__name", "group__programme__name"]
    autocomplete_fields = ["group", "mentor", "assigned_by"]
    list_select_related = ["group", "mentor"]


@admin.register(ContractTemplate)
class ContractTemplateAdmin(admin.ModelAdmin):
    list_display = ["programme", "updated_at"]
    search_fields = ["programme__name"]
    autocomplete_fields = ["programme", "updated_by"]
    list_select_related = ["programme"]


class ContractVersionInline(admin.TabularInline):
    model = ContractVersion
    extra = 0
    fields = ["number", "status", "starts_on", "ends_on", "proposed_at", "in_force_at", "ended_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["group", "created"]
    list_filter = ["group__programme"]
    search_fields = ["group__name", "group__programme__name"]
    autocomplete_fields = ["group"]
    list_select_related = ["group"]
    inlines = [ContractVersionInline]


class ContractAgreementInline(admin.TabularInline):
    model = ContractAgreement
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "agreed_at"]


@admin.register(ContractVersion)
class ContractVersionAdmin(admin.ModelAdmin):
    list_display = ["contract", "number", "status", "proposed_at", "in_force_at"]
    list_filter = ["status", "contract__group__programme"]
    search_fields = ["contract__group__name", "contract__group__programme__name"]
    autocomplete_fields = ["contract", "created_by"]
    list_select_related = ["contract__group"]
    inlines = [ContractAgreementInline]


@admin.register(ContractAgreement)
class ContractAgreementAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "agreed_at"]
    search_fields = ["user__email", "user__display_name", "version__contract__group__name"]
    autocomplete_fields = ["user", "version"]
    list_select_related = ["user", "version__contract__group"]


class GoalUpdateInline(admin.TabularInline):
    model = GoalUpdate
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "status", "note", "created_at"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "owner", "status", "target_date", "updated_at"]
    list_filter = ["status", "group__programme"]
    search_fields = ["title", "group__name", "group__programme__name", "owner__display_name"]
    autocomplete_fields = ["group", "owner", "created_by"]
    list_select_related = ["group", "owner"]
    inlines = [GoalUpdateInline]


@admin.register(GoalUpdate)
class GoalUpdateAdmin(admin.ModelAdmin):
    list_display = ["goal", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["goal__title", "author__display_name", "goal__group__programme__name"]
    autocomplete_fields = ["goal", "author"]
    list_select_related = ["goal", "author"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "status"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["owner"]
    fields = ["text", "owner", "due_on", "done_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["group", "starts_at", "kind", "status", "held", "logged_at"]
    list_filter = ["status", "kind", "held", "group__programme"]
    search_fields = ["group__name", "group__programme__name"]
    autocomplete_fields = ["group", "with_member", "created_by", "logged_by"]
    list_select_related = ["group"]
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline, ActionItemInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.recount_attendance()  # the marks may have changed in the inline


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "status"]
    list_filter = ["status"]
    search_fields = ["user__display_name", "user__email", "meeting__group__name", "meeting__group__programme__name"]
    autocomplete_fields = ["meeting", "user"]
    list_select_related = ["meeting__group", "user"]

    # The session keeps the count of its marks (Meeting.recount_attendance): count again after every change here.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        obj.meeting.recount_attendance()
        if change and "meeting" in form.changed_data and form.initial.get("meeting"):
            Meeting.objects.get(pk=form.initial["meeting"]).recount_attendance()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        obj.meeting.recount_attendance()

    def delete_queryset(self, request, queryset) -> None:
        meetings = list(Meeting.objects.filter(pk__in=queryset.values("meeting")))
        super().delete_queryset(request, queryset)
        for meeting in meetings:
            meeting.recount_attendance()


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "owner", "due_on", "done_at"]
    search_fields = ["text", "meeting__group__name", "meeting__group__programme__name"]
    autocomplete_fields = ["meeting", "owner"]
    list_select_related = ["meeting__group", "owner"]


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "author", "shared_with_group", "updated_at"]
    search_fields = ["author__display_name", "meeting__group__name", "meeting__group__programme__name"]
    autocomplete_fields = ["meeting", "author"]
    list_select_related = ["meeting__group", "author"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["group", "raised_by", "status", "created_at", "resolved_at"]
    list_filter = ["status", "group__programme"]
    search_fields = ["group__name", "group__programme__name", "raised_by__display_name"]
    autocomplete_fields = ["group", "raised_by", "resolved_by"]
    list_select_related = ["group", "raised_by"]
