from urllib.parse import urlencode

from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_htmx.http import replace_url

from kb import topics
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
    ctx = {
        "groups": topic_groups(),
        "tags": Tag.objects.annotate(count=Count("articles")).filter(count__gt=0),
        "q": "",
    }
    return render(request, "kb/home.html", ctx)


@require_GET
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.prefetch_related("tags"), slug=slug)
    ctx = {"article": article, "related": article.related_articles()}
    return render(request, "kb/article.html", ctx)


@require_GET
def tag_detail(request, slug):
    canonical = topics.canonical_tag(slug)
    if canonical != slug:
        # An old spelling: its articles are under the one spelling now.
        return redirect("kb-tag", canonical, permanent=True)
    tag = get_object_or_404(Tag, slug=slug)
    ctx = {"tag": tag, "articles": tag.articles.all()}
    return render(request, "kb/tag.html", ctx)


@require_GET
def search_page(request):
    """The results page; the search box asks for the results fragment alone."""
    q = _query(request)
    ctx = {"q": q, "results": search(q) if q else []}
    template_name = "kb/search.html"
    # Going Back to a search typed on another page may ask for the whole page.
    fragment = request.htmx and not request.htmx.history_restore_request
    if fragment:
        template_name += "#results"
    response = render(request, template_name, ctx)
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
    results = search(q) if q else []
    return JsonResponse({"results": [r.as_json() for r in results]})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
