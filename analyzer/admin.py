from django.contrib import admin

from analyzer.models import Diagnosis


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "status", "attempts", "created", "finished")
    list_filter = ("status",)
    search_fields = ("id", "title")
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
    fields = ("id", "title", "status", "error", *readonly_fields[1:])
