"""Personal API tokens: ``Authorization: Bearer <token>`` on /api/ signs the request
in as the token's owner, for that request only (no session is made)."""

from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware

from accounts.models import ApiToken

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _unauthorized(message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="tshoot"'
    return response


class ApiTokenMiddleware:
    """After AuthenticationMiddleware. A token that matches nothing (revoked,
    mistyped) is 401: answering as anonymous instead would put a script's
    diagnoses outside its team without a word."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        request.api_token = False
        if request.path.startswith("/api/"):
            header = request.META.get("HTTP_AUTHORIZATION", "")
            scheme, _, token = header.partition(" ")
            if header and scheme.lower() == "bearer":
                user = ApiToken.user_for(token.strip())
                if user is None:
                    return _unauthorized(
                        "The API token is not valid (revoked, or mistyped)."
                    )
                request.user = user
                request.api_token = True
            elif header:
                return _unauthorized(
                    "Use Authorization: Bearer <token>, with a token made on "
                    "your account page."
                )
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # The API's views are exempt from CSRF, which is right for tokens and
        # for anonymous calls; a browser's session cookie is another matter, so
        # a change made with one needs the CSRF token as any form does.
        if (
            request.path.startswith("/api/")
            and request.method in UNSAFE
            and not request.api_token
            and request.user.is_authenticated
        ):
            return self.csrf.process_view(request, None, (), {})
        return None
