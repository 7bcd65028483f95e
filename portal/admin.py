"""The Django admin, for platform staff. Changes made here are audited like any other."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "is_pos_creator", "is_pos_dealer", "is_pos_operator", "created_at"]
    list_filter = ["is_pos_creator", "is_pos_dealer", "is_pos_operator", "country"]
    search_fields = ["name", "vat_id", "city"]
    inlines = [MembershipInline]


@admin.register(models.PosSystem)
class PosSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "type", "software_version", "creator"]
    search_fields = ["name", "brand"]


@admin.register(models.DealerAssignment)
class DealerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["pos_system", "dealer", "status", "created_at"]
    list_filter = ["status"]


@admin.register(models.OperatorLink)
class OperatorLinkAdmin(admin.ModelAdmin):
    list_display = ["dealer", "operator", "right", "status", "updated_at"]
    list_filter = ["status", "right"]


class InvitationEventInline(admin.TabularInline):
    model = models.InvitationEvent
    extra = 0
    readonly_fields = ["kind", "by", "at"]
    can_delete = False


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["company_name", "email", "kind", "inviter", "status", "expires_at"]
    list_filter = ["status", "kind"]
    search_fields = ["company_name", "email"]
    exclude = ["token_hash"]
    inlines = [InvitationEventInline]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["hint", "created_at", "last_used_at"]
    exclude = ["key_hash"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["created_at", "actor_email", "action", "object_type", "object_repr", "via", "organization"]
    list_filter = ["action", "via", "object_type"]
    search_fields = ["object_repr", "actor_email", "object_id", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
