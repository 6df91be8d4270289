from urllib.parse import urlencode

from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_htmx.http import replace_url

from kb import pages, topics
from kb.models import Article, Tag
from kb.search import MAX_QUERY_CHARS, search


def _query(request) -> str:
    return request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()


def topic_groups() -> list[dict]:
    """``[{"topic", "articles"}]`` in the order of ``kb.topics.TOPICS``, each topic's
    articles in reading order; topics without an article are left out."""
    by_topic: dict[str, list] = {}
    for article in Article.objects.only(
        "slug", "title", "summary", "topic", "position"
    ).order_by("position", "title", "slug"):
        by_topic.setdefault(topics.topic(article.topic).slug, []).append(article)
    return [
        {"topic": t, "articles": by_topic[t.slug]}
        for t in topics.TOPICS
        if t.slug in by_topic
    ]


@require_GET
def home(request):
    def context():
        return {
            "groups": topic_groups(),
            "tags": list(
                Tag.objects.annotate(count=Count("articles")).filter(count__gt=0)
            ),
            "q": "",
        }

    return pages.render_page(request, "kb/home.html", ("home",), context)


@require_GET
def article_detail(request, slug):
    def context():
        article = get_object_or_404(Article.objects.prefetch_related("tags"), slug=slug)
        return {"article": article, "related": article.related_articles()}

    return pages.render_page(request, "kb/article.html", ("article", slug), context)


@require_GET
def tag_detail(request, slug):
    canonical = topics.canonical_tag(slug)
    if canonical != slug:
        # An old spelling: its articles are under the one spelling now.
        return redirect("kb-tag", canonical, permanent=True)

    def context():
        tag = get_object_or_404(Tag, slug=slug)
        return {"tag": tag, "articles": list(tag.articles.all())}

    return pages.render_page(request, "kb/tag.html", ("tag", slug), context)


@require_GET
def search_page(request):
    """The results page; the search box asks for the results fragment alone."""
    q = _query(request)
    template_name = "kb/search.html"
    # Going Back to a search typed on another page may ask for the whole page.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    if fragment:
        template_name += "#results"

    def context():
        return {"q": q, "results": search(q) if q else []}

    response = pages.render_page(
        request, template_name, ("search", q, fragment), context
    )
    # One address, two answers: a browser must not show the fragment it kept
    # from typing when Back asks for the page.
    patch_vary_headers(response, ["HX-Request"])
    if fragment:
        # Results typed into a box stay in the address bar: Back and a shared
        # link show them again. An emptied box leaves the address as it is.
        url = reverse("kb-search") + "?" + urlencode({"q": q}) if q else False
        replace_url(response, url)
    return response


# GET only; exempt so other methods get the 405 instead of a CSRF 403.
@csrf_exempt
@require_GET
def api_search(request):
    q = _query(request)

    def build():
        results = search(q) if q else []
        return JsonResponse({"results": [r.as_json() for r in results]})

    return pages.cached(("api-search", q), build)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
