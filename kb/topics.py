"""How the knowledge base is organised: topics (one per article, from its front
matter) and the one spelling of each tag.

An article names its topic in its front matter (``topic: ikev1``) and may give its
place in that topic's reading order (``order: 10``, lower first; title breaks
ties). The home page lists the topics in the order below, and each article links
the previous and next article of its topic.

Tags are written one way: ``TAG_ALIASES`` maps every other spelling met in the
field (``p2``, ``quick-mode``) to the tag it means. ``sync_articles`` stores the
tag under its one spelling, and the URL of an alias redirects to it, so a link
to ``/kb/tag/p2/`` made before the merge keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str


TOPICS = (
    Topic(
        "ikev1",
        "IKEv1",
        "Phase 1 over ISAKMP: the states, the debugs and why a tunnel stays down.",
    ),
    Topic(
        "ikev2",
        "IKEv2",
        "IKE_SA_INIT and IKE_AUTH failures, and the far end's logs when it is "
        "not a Cisco box.",
    ),
    Topic(
        "ipsec-traffic",
        "IPsec traffic",
        "Phase 2, one-way traffic, NAT exemption and NAT-T, MTU, rekey.",
    ),
    Topic(
        "asa-tools",
        "ASA tools",
        "The ASA's own instruments: packet-tracer, captures, asp drop and tables, "
        "vpn-sessiondb, syslog.",
    ),
    Topic("mail", "Mail", "Mail through a firewall: ESMTP inspection and IronPort."),
    Topic("other", "Other", "Routers, Linux captures, ARP and the desktop."),
)
BY_SLUG = {t.slug: t for t in TOPICS}
DEFAULT_TOPIC = "other"
# An article without ``order`` comes after those with one, by title.
DEFAULT_ORDER = 1000

# Other spelling -> the tag's one spelling (both as slugs).
TAG_ALIASES = {
    "p1": "phase1",
    "phase-1": "phase1",
    "p2": "phase2",
    "phase-2": "phase2",
    "quick-mode": "phase2",
    "isakmp": "ikev1",
    "ike": "ikev1",
    "mm_wait_msg4": "phase1",
    "email": "mail",
    "smtp": "mail",
    "esmtp": "mail",
    "logging": "syslog",
    "logs": "syslog",
    "pcap": "capture",
    "tcpdump": "capture",
    "captures": "capture",
    "natt": "nat-t",
    "nat-traversal": "nat-t",
    "mss": "mtu",
    "fragmentation": "mtu",
    "lifetime": "rekey",
    "drops": "asp",
    "asp-drop": "asp",
    "multi-monitor": "windows",
    "desktop": "windows",
    "keyboard": "windows",
}
# How a tag is written on the page, where that is not its slug.
TAG_NAMES = {
    "asa": "ASA",
    "ios": "IOS",
    "vpn": "VPN",
    "ikev1": "IKEv1",
    "ikev2": "IKEv2",
    "ipsec": "IPsec",
    "nat": "NAT",
    "nat-t": "NAT-T",
    "dpd": "DPD",
    "mtu": "MTU",
    "acl": "ACL",
    "arp": "ARP",
    "asp": "asp",
    "phase1": "phase 1",
    "phase2": "phase 2",
    "ironport": "IronPort",
    "windows": "Windows",
    "linux": "Linux",
}


def canonical_tag(slug: str) -> str:
    """The one spelling of a tag slug (itself when it has no other)."""
    return TAG_ALIASES.get(slug, slug)


def topic(slug: str) -> Topic:
    return BY_SLUG.get(slug) or BY_SLUG[DEFAULT_TOPIC]
