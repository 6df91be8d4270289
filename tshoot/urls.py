from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("analyzer.urls")),
    path("", include("kb.urls")),
]

handler404 = "kb.views.not_found"
