"""Prepare the provider: its tables, a signing key, one person and one client.

    OP_DATA_DIR=... OP_SITE_URL=... python -m tests.oidc_provider_site.setup \\
        REDIRECT_URI CLIENT_ID CLIENT_SECRET USERNAME PASSWORD EMAIL
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider_site.settings")


def main(redirect_uri, client_id, client_secret, username, password, email):
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    User.objects.create_user(username, email=email, password=password)
    client = Client.objects.create(
        name="tshoot",
        client_type="confidential",
        client_id=client_id,
        client_secret=client_secret,
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=redirect_uri,
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    main(*sys.argv[1:])
