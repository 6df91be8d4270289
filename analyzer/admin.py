from django.contrib import admin

from analyzer.models import Diagnosis


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "status",
        "team",
        "visibility",
        "attempts",
        "created",
        "expires",
    )
    list_filter = ("status", "visibility", "team")
    search_fields = ("id", "title")
    list_select_related = ("team",)
    raw_id_fields = ("owner",)
    date_hierarchy = "created"
    readonly_fields = (
        "id",
        "input_text",
        "report",
        "engine_version",
        "attempts",
        "created",
        "queued",
        "started",
        "finished",
    )
    fields = (
        "id",
        "title",
        "status",
        "error",
        "owner",
        "team",
        "visibility",
        "expires",
        *readonly_fields[1:],
    )
