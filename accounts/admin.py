from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from programmes.services.people import anonymise_person


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "display_name", "language", "time_zone", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined", "anonymised_at")
    actions = ("erase_personal_data",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("display_name", "language", "time_zone")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),)

    @admin.action(description=_("Erase personal data (keeps the programmes' history and figures)"))
    def erase_personal_data(self, request, queryset):
        """For a person who asks to be forgotten but cannot do it themselves, or whom coordinators may not erase."""
        erased = 0
        for person in queryset.filter(anonymised_at__isnull=True).exclude(pk=request.user.pk):
            anonymise_person(user=person, by=request.user)
            erased += 1
        self.message_user(
            request,
            ngettext(
                "Erased the personal data of %(count)d person.",
                "Erased the personal data of %(count)d people.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )
