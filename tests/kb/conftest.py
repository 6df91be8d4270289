import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import FIXTURES

KB_FIXTURES = FIXTURES / "kb"


def content_files() -> list[Path]:
    return sorted(Path(settings.KB_CONTENT_DIR).glob("*.md"))


def source_ids(path: Path) -> list[str]:
    """The explicit ``{#id}`` anchors an article's Markdown declares."""
    return re.findall(r"\{#([A-Za-z0-9_\-]+)\}", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Rendering every article takes a while: do it once, before the tests' own
    # transactions, so the `articles` fixture below usually finds them unchanged.
    with django_db_blocker.unblock():
        call_command("sync_articles", stdout=io.StringIO())


@pytest.fixture
def articles(db):
    """The real articles from kb/content, synced into the test database."""
    call_command("sync_articles", stdout=io.StringIO())
    from kb.models import Article

    return {a.slug: a for a in Article.objects.all()}


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    """Pages kept in memory are checked against the database on every request, as
    each test's transaction is rolled back behind the process's back; and what a
    test kept is forgotten after it, since its rolled-back changes leave the
    revision token as it was (search keeps its vocabulary under that token)."""
    from kb import pages

    settings.KB_REVISION_TTL = 0
    yield
    pages.forget()
