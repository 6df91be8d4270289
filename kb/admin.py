from django.contrib import admin

from kb import search
from kb.models import Article, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Quick fixes between syncs. The Markdown files in kb/content stay the source
    of truth: the next sync of a changed file replaces what is edited here."""

    list_display = ("title", "slug", "updated", "modified")
    list_filter = ("tags",)
    search_fields = ("title", "slug", "summary")
    filter_horizontal = ("tags",)
    readonly_fields = ("content_hash", "created", "modified")
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "updated", "tags")}),
        ("Body", {"fields": ("body",)}),
        ("Search and links", {"fields": ("identifiers", "related")}),
        ("Sync", {"fields": ("content_hash", "created", "modified")}),
    )

    def save_related(self, request, form, formsets, change):
        # Tags are saved here, after the article: render and index once they are
        # known so search sees them too.
        super().save_related(request, form, formsets, change)
        article = form.instance
        article.render()
        article.save()
        search.rebuild_vocabulary()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        search.rebuild_vocabulary()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        search.rebuild_vocabulary()
