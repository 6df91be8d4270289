from django.urls import path, re_path

from analyzer import api, apidocs, views

urlpatterns = [
    path("analyze/", views.analyze, name="analyzer-analyze"),
    path("d/<slug:diagnosis_id>/", views.diagnosis, name="analyzer-diagnosis"),
    path("d/<slug:diagnosis_id>/raw", views.raw, name="analyzer-raw"),
    path("api/v1/diagnoses", api.diagnoses, name="analyzer-api-diagnoses"),
    path(
        "api/v1/diagnoses/<slug:diagnosis_id>",
        api.diagnosis,
        name="analyzer-api-diagnosis",
    ),
    path("api/v1/openapi.json", api.openapi, name="analyzer-api-openapi"),
    path("api/", apidocs.api_docs, name="analyzer-api-docs"),
    # Ids that are not slugs (encoded slashes, dots, newlines, non-ASCII) still get
    # JSON.
    re_path(r"^api/v1/diagnoses/(?P<rest>[\s\S]+)$", api.not_found),
]
