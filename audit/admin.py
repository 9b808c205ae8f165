from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: staff with the view permission read the whole log, including what happened outside programmes
    (accounts deleted, people erased by an administrator). Nobody adds, changes or deletes an event here."""

    list_display = ["at", "action", "actor", "programme", "person", "subject"]
    list_filter = ["action", "at"]
    list_select_related = ["actor", "programme", "person"]
    search_fields = ["subject", "programme__name"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor", "programme", "person", "subject", "details"]
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
