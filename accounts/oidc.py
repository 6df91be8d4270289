"""Single sign-on through OpenID Connect (mozilla-django-oidc), when the OIDC_*
settings are given: an account is matched by its e-mail address, and made on the
first sign-in under the provider's preferred_username."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class Backend(OIDCAuthenticationBackend):
    def create_user(self, claims):
        email = claims.get("email", "")
        wanted = claims.get("preferred_username") or email.partition("@")[0] or "user"
        username, n = wanted[:140], 1
        while self.UserModel.objects.filter(username=username).exists():
            n += 1
            username = f"{wanted[:140]}-{n}"
        return self.UserModel.objects.create_user(username, email=email)

    def update_user(self, user, claims):
        # The provider owns the address: keep it as the provider says.
        if claims.get("email") and claims["email"] != user.email:
            user.email = claims["email"]
            user.save(update_fields=["email"])
        return user
