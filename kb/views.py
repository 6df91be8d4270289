from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from kb.models import Article, Tag
from kb.search import MAX_QUERY_CHARS, search


def _query(request) -> str:
    return request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()


@require_GET
def home(request):
    ctx = {
        "articles": Article.objects.all(),
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
    tag = get_object_or_404(Tag, slug=slug)
    ctx = {"tag": tag, "articles": tag.articles.all()}
    return render(request, "kb/tag.html", ctx)


@require_GET
def search_page(request):
    """The results page; the search box asks for the results fragment alone."""
    q = _query(request)
    ctx = {"q": q, "results": search(q) if q else []}
    template_name = "kb/search.html"
    if request.htmx:
        template_name += "#results"
    return render(request, template_name, ctx)


# GET only; exempt so other methods get the 405 instead of a CSRF 403.
@csrf_exempt
@require_GET
def api_search(request):
    q = _query(request)
    results = search(q) if q else []
    return JsonResponse({"results": [r.as_json() for r in results]})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
