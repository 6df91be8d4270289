from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class KbConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kb"
    verbose_name = "Knowledge base"

    def ready(self):
        from kb import pages, search
        from kb.models import Article

        pages.connect()

        def on_save(sender, instance, raw=False, **kwargs):
            if not raw:
                search.index_article(instance)

        def on_delete(sender, instance, **kwargs):
            search.unindex_article(instance.pk)

        post_save.connect(on_save, sender=Article, dispatch_uid="kb-index-article")
        post_delete.connect(
            on_delete, sender=Article, dispatch_uid="kb-unindex-article"
        )
