"""The API's documentation page: the OpenAPI document rendered as HTML, with curl
examples, so a reader needs neither JavaScript nor a schema viewer."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from analyzer.api import OPENAPI


def _type_of(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and "items" in schema:
        return f"array of {_type_of(schema['items'])}"
    if "enum" in schema:
        return " | ".join(schema["enum"])
    return kind or "any"


def _operations():
    for path, methods in OPENAPI["paths"].items():
        for method, operation in methods.items():
            yield {
                "method": method.upper(),
                "path": path,
                "id": operation["operationId"],
                "summary": operation["summary"],
                "parameters": [
                    {**p, "type": _type_of(p["schema"])}
                    for p in operation.get("parameters", [])
                ],
                "bodies": list(operation.get("requestBody", {}).get("content", {})),
                "responses": [
                    {"status": status, "description": response["description"]}
                    for status, response in operation["responses"].items()
                ],
            }


def _schemas():
    for name, schema in OPENAPI["components"]["schemas"].items():
        required = set(schema.get("required", ()))
        yield {
            "name": name,
            "type": _type_of(schema),
            "description": schema.get("description", ""),
            "properties": [
                {"name": key, "type": _type_of(value), "required": key in required}
                for key, value in schema.get("properties", {}).items()
            ],
        }


@require_safe
def api_docs(request):
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "analyzer/api_docs.html",
        {
            "info": OPENAPI["info"],
            "operations": list(_operations()),
            "schemas": list(_schemas()),
            "base": base,
        },
    )
