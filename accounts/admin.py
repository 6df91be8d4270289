from django.contrib import admin

from accounts.models import ApiToken, Membership, Team


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
