"""The syslog article lists every message ID the analyzer's catalogue knows, so a
pasted message ID finds the article that explains it."""

from analyzer.syslog_catalog import ASA
from kb.rendering import split_front_matter
from tests.test_article_links import CONTENT


def test_every_catalogued_asa_message_is_in_the_reference_table():
    _, body = split_front_matter(
        (CONTENT / "asa-syslog-messages.md").read_text(encoding="utf-8")
    )
    section = body.split("{#reference}", 1)[1].split("\n## ", 1)[0]
    listed = {
        line.split("`")[1] for line in section.splitlines() if line.startswith("| `")
    }
    assert listed == set(ASA)
