"""Held-out questions, fourth batch: gathered to reach the articles the first three
batches hardly asked about (the syslog reference, the VPN ASP table, the sessiondb
article, the INVALID_COOKIE walk-through, tcpdump, the static NAT / ARP article),
and left as found, so that it says what the search does with wording it never saw.

Same rules as ``test_search_questions``: each row is a thread title, a first
sentence, a symptom or an error line from a public forum thread, issue, vendor
note, manual page or blog post (the address is in the comment above the row),
lower-cased, shortened or misspelt the way people type it into a search box. The
expected article was written down from what the source concluded, before the query
was ever run, and is never adjusted to the result: ``within`` is 1 when one article
plainly answers it, 3 when a close neighbour may share the podium.

Rows the search did not answer when the table was written are strict xfails with
the reason; a row that starts passing fails the suite until its mark is removed.
"""

import pytest

from tests.kb.questions import (
    answer_rows,
    assert_answers,
    assert_marks_name_rows,
    assert_no_answer,
    no_answer_rows,
)
from tests.kb.test_search_questions import NO_ANSWER as FIRST_NO_ANSWER
from tests.kb.test_search_questions import QUESTIONS as FIRST_QUESTIONS
from tests.kb.test_search_questions_round2 import NO_ANSWER as SECOND_NO_ANSWER
from tests.kb.test_search_questions_round2 import QUESTIONS as SECOND_QUESTIONS
from tests.kb.test_search_questions_round3 import NO_ANSWER as THIRD_NO_ANSWER
from tests.kb.test_search_questions_round3 import QUESTIONS as THIRD_QUESTIONS

QUESTIONS = [
    # --- syslog messages -----------------------------------------------------------------
    # http://www.cisco.com/en/US/docs/security/asa/asa70/system/message/logmsgs.html
    ("cisco security appliance system log messages", "asa-syslog-messages", 1),
    # https://kb.eventtracker.com/evtpass/evtPages/MessageCode_ASA-6-106100_67942.asp
    (
        "ASA-6-106100 access-list denied hit-cnt first hit",
        "asa-syslog-messages",
        3,
    ),
    # http://raabadnetworking.blogspot.com/2008/05/pix-asa-pixasa-6-302014-teardown-tcp.html
    (
        "%ASA-6-302014: Teardown TCP connection reason conn-timeout",
        "asa-syslog-messages",
        3,
    ),
    # https://kb.eventtracker.com:443/evtpass/evtPages/MessageCode_ASA-4-402119_67822.asp
    (
        "ASA-4-402119 ipsec packet failed anti-replay checking",
        "asa-syslog-messages",
        3,
    ),
    # https://kb.eventtracker.com/evtpass/evtPages/MessageCode_ASA-4-402120_67823.asp
    (
        "ASA-4-402120 recieved esp packet that failed authentication",
        "vpn-encaps-no-decaps",
        3,
    ),
    # --- the data plane: ASP table, asp drop, packet-tracer, captures ---------------------
    # https://www.tunnelsup.com/learning-about-asp-tables-spi-and-vpn-contexts/
    ("learning about asp tables, spi and vpn contexts", "asa-vpn-asp-table", 1),
    # https://www.pinglabz.com/cisco-asa-asp-drop/
    ("asa asp drop counter reasons explained", "asa-show-asp-drop", 1),
    # https://itknowledgeexchange.techtarget.com/network-technologies/error-rpf-check-result-drop-cisco-asa-packet-tracer/
    (
        'what is the error "rpf-check Result: DROP" in asa packet-tracer',
        "packet-tracer-drops",
        1,
    ),
    # https://supportforums.cisco.com/t5/security-documents/packet-capture-on-firewalls-asa-pix-fwsm/ta-p/3125841
    ("packet capture on firewalls asa pix fwsm", "asa-packet-capture", 1),
    # --- sessions and configuration ------------------------------------------------------
    # https://cisco.com/c/en/us/td/docs/security/asa/asa91/asdm71/vpn/asdm_71_vpn_config/vpn_asdm_monitor.html
    (
        "asa vpn session statistics lan-to-lan show vpn-sessiondb",
        "asa-vpn-sessiondb",
        1,
    ),
    # https://community.cisco.com/t5/vpn/difference-between-dynamic-map-and-crypto-map-priority-numbers/m-p/4804732
    (
        "difference between dynamic map and crypto map priority numbers asa",
        "asa-vpn-config-checks",
        3,
    ),
    # --- phase 1 and its states ----------------------------------------------------------
    # http://it-certification-network.blogspot.de/2008/11/tunnel-is-not-established-phase-i.html
    ("Tunnel Is Not Established: Phase I Failure", "phase1-errors", 3),
    # http://it-certification-network.blogspot.com/2008/11/nat-in-middle.html
    (
        "firewall in the middle blocking isakmp udp 500 and esp protocol 50",
        "phase1-errors",
        3,
    ),
    # https://iautomatix.com.np/knowledge-base/states-of-ipsec-tunnel-in-cisco-asa
    (
        "mm_wait_msg4 remote side has the wrong peer ip address",
        "mm-wait-msg4",
        3,
    ),
    # http://www.jbmga.com/faq/cisco-ios-tips/isakmp-states.html
    (
        "stuck at MM_WAIT_MSG5 nat traversal was on when it needed to be off",
        "isakmp-states",
        1,
    ),
    # https://itcertnotes.blogspot.com/2011/04/ipsec-stuck-in-mmsasetup-and-mmnostate.html
    (
        "IPsec Stuck in MM_SA_SETUP and MM_NO_STATE phase 1 packet is a duplicate",
        "isakmp-states",
        3,
    ),
    # https://support.huawei.com/enterprise/en/knowledge/EKB0000244832
    (
        "IKE packet dropped because of Invalid cookie from payload ISAKMP HEADER",
        "ike-debug-invalid-cookie",
        3,
    ),
    # --- phase 2 ---------------------------------------------------------------------------
    # http://dontfragment.com/ipsec-proxy-id/
    (
        "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy",
        "ipsec-phase2-errors",
        1,
    ),
    # --- IKEv2 -------------------------------------------------------------------------------
    # https://www.cisco.com/c/en/us/support/docs/security/asa-5500-x-series-next-generation-firewalls/115935-asa-ikev2-debugs.html
    ("asa ikev2 debugs for site-to-site vpn with psk", "ikev2-troubleshooting", 1),
    # https://github.com/libreswan/libreswan/issues/316
    (
        "libreswan with cisco csr1000v ikev2 issue when using asymmetric psk",
        "ikev2-troubleshooting",
        3,
    ),
    # --- the other end -----------------------------------------------------------------------
    # https://github.com/libreswan/libreswan/issues/301
    (
        "STATE_MAIN_I3 (sent MI3, expecting MR3) libreswan to cisco asa",
        "vpn-interop-other-vendors",
        3,
    ),
    # https://kozyatagibilisim.com/blog/fortigate-peer-sa-proposal-not-match-phase-2
    (
        "fortigate peer SA proposal not match local policy cisco asa phase 2",
        "vpn-interop-other-vendors",
        3,
    ),
    # --- DPD and rekey -------------------------------------------------------------------
    # https://blog.williampeters.com/dead-peer-detection-dpd-on-asa
    (
        "isakmp keepalive threshold 10 retry 2 dpd on asa",
        "dead-peer-detection-and-rekey",
        1,
    ),
    # https://github.com/strongswan/strongswan/issues/309
    (
        "responder rekey, CHILD_SA rekey fails with INVALID_SPI alert",
        "dead-peer-detection-and-rekey",
        3,
    ),
    # https://github.com/opnsense/core/issues/7374
    (
        "dpd action restart does not re-negotiate the connection when a peer dies",
        "dead-peer-detection-and-rekey",
        3,
    ),
    # --- NAT-T -----------------------------------------------------------------------------
    # https://blog.vyos.io/why-ipsec-behind-11-nat-is-so-problematic-and-what-you-can-do-about-it?hs_amp=true
    ("why ipsec behind 1:1 nat is so problematic", "nat-traversal", 1),
    # https://support.cohesive.net/support/solutions/articles/31000146715-nat-traversal-auto-detect
    (
        "cisco peer suddenly switched to nat-t udp 4500, tunnel up but no traffic",
        "nat-traversal",
        3,
    ),
    # --- MTU -------------------------------------------------------------------------------
    # https://www.itsyourip.com/Windows/how-to-fix-exchange-outlook-connection-issues-over-ipsec-vpn/comment-page-1/
    (
        "outlook disconnected from exchange over site to site vpn MaxObjExceeded",
        "vpn-mtu-fragmentation",
        1,
    ),
    # https://supportforums.cisco.com/discussion/10978991/mtu-fragmentation
    (
        "cant send packets above 1419 bytes through the tunnel pix to fortigate",
        "vpn-mtu-fragmentation",
        1,
    ),
    # https://www.fir3net.com/Networking/Terms-and-Concepts/how-can-i-optimize-the-throughput-of-a-vpn-across-a-wan-based-link.html
    (
        "how can i optimize the throughput of a vpn across a wan link",
        "vpn-mtu-fragmentation",
        3,
    ),
    # --- NAT exemption, static NAT and ARP -----------------------------------------------
    # https://flylib.com/books/en/1.233.1.60/1/
    (
        "nat-control enabled on pix need nat exemption for the vpn traffic",
        "vpn-nat-exemption",
        1,
    ),
    # http://havermyer.com/?p=32
    (
        "asa answering arp for inside hosts after contractor added nat (outside,inside) source static for vpn",
        "vpn-nat-exemption",
        3,
    ),
    # https://manualsdump.com/en/manuals/cisco_systems-asa_5500-asa5515k9/121452/576
    (
        "mapped addresses on a unique network upstream router needs a static route to the asa",
        "arp-permit-nonconnected",
        3,
    ),
    # --- mail through the ASA ------------------------------------------------------------
    # https://cisco.com/c/pt_br/support/docs/security/email-security-appliance/118550-qa-esa-00.html
    (
        "250 XXXXXXXA after ehlo and 500 #5.5.1 command not recognized after starttls",
        "ironport-esmtp-inspection",
        1,
    ),
    # https://forum.jdp.tw/thread-1063-1-1.html
    (
        "ESMTP Classification: Dropped connection for ESMTP Request matched Class 2: cmd RCPT count gt 100",
        "ironport-esmtp-inspection",
        3,
    ),
    # --- tcpdump ---------------------------------------------------------------------------
    # https://example-a.com/answer/49482343
    ("tcpdump filter by esp spi value", "tcpdump-recipes", 3),
    # https://www.explaintopic.com/linux/diagnosing-unexpected-network-traffic-with-tcpdump-on-linux-1765826191.html
    (
        "diagnosing unexpected network traffic with tcpdump on linux servers",
        "tcpdump-recipes",
        1,
    ),
    # --- password recovery ---------------------------------------------------------------
    # https://community.cisco.com/t5/routing/password-recovery/m-p/670825
    (
        "bought 1841 on ebay PASSWORD RECOVERY FUNCTIONALITY IS DISABLED, does not respond to ctrl-break",
        "password-recovery-disabled",
        1,
    ),
    # https://blog.ipspace.net/2007/12/recovering-from-disabled-password.html
    (
        "recovering from disabled password recovery might not be possible",
        "password-recovery-disabled",
        1,
    ),
    # --- the desktop -----------------------------------------------------------------------
    # https://elcebador.ru/windows-move-window-no-mouse
    (
        "move a window with the keyboard in windows 10 without mouse",
        "offscreen-windows",
        1,
    ),
]

# Questions seen in the same searches that the knowledge base does not answer: no
# result may look like an answer.
NO_ANSWER = [
    # https://faq.draytek.com.au/2024/01/22/router-password-recovery-using-configuration-restore/
    "draytek router password recovery using configuration restore",
    # https://github.com/nmap/nmap/issues/2525
    "nmap shows nat-t-ike 4500/udp open|filtered no-response",
    # https://github.com/MicrosoftDocs/azure-docs/issues/44049
    "p2s radius ikev2 ike authentication credentials are unacceptable",
]

# Rows the search misses, with why.
KNOWN_MISSES: dict[str, str] = {
    "cant send packets above 1419 bytes through the tunnel pix to fortigate": (
        "the vendor names still decide: the other-vendors article has FortiGate in its title, identifiers and headings and comes first even with platform names at half weight; the MTU article now names the PIX and the FortiGate (their MSS commands) only in its body, and shares only the common 'packet', 'send' and 'byte' with 'packets above N bytes' ('1419' is not indexed): fourth"
    ),
}

# Questions without an answer that still get one, with why.
KNOWN_NOISE: dict[str, str] = {
    "draytek router password recovery using configuration restore": (
        "the Cisco password-recovery article holds 'router', 'password recovery', 'configuration' and 'restore'; the unknown vendor name 'draytek' counts as one rare word, not enough to refuse"
    ),
    "p2s radius ikev2 ike authentication credentials are unacceptable": (
        "the configuration checks and ISAKMP states articles pass on 'credentials', 'authentication' and 'unacceptable' in their bodies, while the IKEv2 article, scoring highest, is cut ('p2s' and 'radius' are unknown)"
    ),
}


@pytest.mark.parametrize("query,slug,within", answer_rows(QUESTIONS, KNOWN_MISSES))
def test_it_answers_unseen_questions_from_the_field(articles, query, slug, within):
    """The article the source concluded with comes within ``within``."""
    assert_answers(query, slug, within)


def test_none_of_the_fourth_batch_was_seen_before():
    """No question repeats one of the earlier tables."""
    assert len({q for q, _slug, _within in QUESTIONS}) == len(QUESTIONS)
    earlier = {
        q.lower()
        for q, _s, _w in [*FIRST_QUESTIONS, *SECOND_QUESTIONS, *THIRD_QUESTIONS]
    }
    assert not earlier & {q.lower() for q, _slug, _within in QUESTIONS}
    earlier_none = {
        q.lower() for q in [*FIRST_NO_ANSWER, *SECOND_NO_ANSWER, *THIRD_NO_ANSWER]
    }
    assert not earlier_none & {q.lower() for q in NO_ANSWER}


def test_every_known_miss_is_a_question_of_the_table():
    """A reason for a miss names a row that exists."""
    assert_marks_name_rows(QUESTIONS, NO_ANSWER, KNOWN_MISSES, KNOWN_NOISE)


@pytest.mark.parametrize("query", no_answer_rows(NO_ANSWER, KNOWN_NOISE))
def test_it_offers_nothing_for_unseen_questions_it_cannot_answer(articles, query):
    """A question no article answers gets no results rather than noise."""
    assert_no_answer(query)
