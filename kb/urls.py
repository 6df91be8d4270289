from django.urls import path

from kb import views

urlpatterns = [
    path("", views.home, name="kb-home"),
    path("kb/tag/<slug:slug>/", views.tag_detail, name="kb-tag"),
    path("kb/<slug:slug>/", views.article_detail, name="kb-article"),
    path("search/", views.search_page, name="kb-search"),
    path("api/v1/search", views.api_search, name="kb-api-search"),
]
