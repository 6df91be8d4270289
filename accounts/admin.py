from django.contrib import admin

from accounts.models import (
    ApiToken,
    FindingMark,
    Invite,
    Membership,
    Note,
    ShareLink,
    Team,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created", "last_submit")
    readonly_fields = ("created", "last_submit")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "default_visibility", "retention_days", "created")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # Only the hash is stored: there is nothing here to show or copy but the hint.
    list_display = ("name", "user", "hint", "created", "last_used")
    search_fields = ("name", "user__username")
    readonly_fields = ("user", "hint", "created", "last_used")
    fields = ("name", *readonly_fields)

    def has_add_permission(self, request):
        # A token is made on the account page, where it is shown once.
        return False


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ("team", "hint", "created_by", "created", "expires", "used_by")
    list_select_related = ("team", "created_by", "used_by")
    readonly_fields = ("team", "hint", "created_by", "created", "used_by", "used")
    fields = (*readonly_fields, "expires")

    def has_add_permission(self, request):
        # Made on the team's page, where its link is shown once.
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ("diagnosis", "label", "hint", "created_by", "expires")
    list_select_related = ("diagnosis", "created_by")
    raw_id_fields = ("diagnosis",)
    readonly_fields = ("diagnosis", "hint", "created_by", "created")
    fields = (*readonly_fields, "label", "expires")

    def has_add_permission(self, request):
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("diagnosis", "author", "created")
    list_select_related = ("diagnosis", "author")
    raw_id_fields = ("diagnosis", "author")
    # The body is redacted and rendered when written; it is not edited here.
    readonly_fields = ("diagnosis", "author", "body", "created")
    fields = readonly_fields


@admin.register(FindingMark)
class FindingMarkAdmin(admin.ModelAdmin):
    list_display = ("diagnosis", "finding", "code", "mark", "by", "created")
    list_filter = ("mark",)
    raw_id_fields = ("diagnosis", "by")
