"""Sign-in, sign-out, password change and reset: Django's auth views on the
site's own pages."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", "alice@example.com", "correct horse 42")


def test_it_signs_in_and_out_on_the_sites_pages(client, alice):
    """The sign-in page is the site's (base.html, its navigation); signing in
    goes to the account page, and the navigation then offers sign-out, a POST."""
    page = client.get("/accounts/login/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="site"' in html and "<h1>Sign in</h1>" in html
    assert 'href="/accounts/password/reset/"' in html
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse 42"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    html = client.get("/").content.decode()
    assert 'action="/accounts/logout/"' in html and ">alice</a>" in html
    assert client.post("/accounts/logout/").status_code == 302
    assert "Sign in</a>" in client.get("/").content.decode()
    assert client.get("/accounts/").status_code == 302


def test_it_refuses_a_wrong_password_with_a_message(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "no"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_it_returns_to_the_page_that_asked_for_sign_in(client, alice):
    """?next= is followed after signing in (same site only, as Django checks)."""
    response = client.post(
        "/accounts/login/?next=/analyze/",
        {"username": "alice", "password": "correct horse 42", "next": "/analyze/"},
    )
    assert response["Location"] == "/analyze/"
    client.logout()
    response = client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": "correct horse 42",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/accounts/"


def test_it_changes_the_password(client, alice):
    client.force_login(alice)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct horse 42",
            "new_password1": "battery staple 77",
            "new_password2": "battery staple 77",
        },
    )
    assert response["Location"] == "/accounts/password/change/done/"
    alice.refresh_from_db()
    assert alice.check_password("battery staple 77")


def test_it_resets_a_forgotten_password_by_mail(client, alice):
    """The mail holds a one-time link; following it sets a new password."""
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "tshoot: reset your password"
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    )
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "battery staple 77", "new_password2": "battery staple 77"},
    )
    assert response["Location"] == "/accounts/password/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password("battery staple 77")
    # Used once, the link is dead.
    again = client.get(link.group(1), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_it_throttles_sign_in_attempts(client, alice, settings):
    """The sign-in page shares the admin's login throttle (ADMIN_LOGIN_RATE)."""
    settings.ADMIN_LOGIN_RATE = "2/m"
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "alice", "password": "no"})
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse 42"}
    )
    assert response.status_code == 429
    cache.clear()


def test_it_never_serves_one_visitors_name_from_a_kept_page(client, alice):
    """Knowledge base pages are kept in memory and served to everyone; the
    account links in their navigation are the visitor's own each time."""
    client.force_login(alice)
    assert ">alice</a>" in client.get("/").content.decode()
    from django.test import Client

    html = Client().get("/").content.decode()
    assert "alice" not in html and "Sign in</a>" in html
    assert ">alice</a>" in client.get("/").content.decode()
