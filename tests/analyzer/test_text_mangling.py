"""Pastes mangled on their way here, cleaned by analyzer.text: HTML tags a page put
around the output, comment markers a script or file put in front of each line,
Markdown inline code around a whole line. Each comes off only when the paste
shows that habit, and never takes what a device printed."""

import pytest

from analyzer.engine import analyze, clean_and_section
from analyzer.text import decode_html, uncomment, unwrap
from tests.conftest import fixture_text

ISAKMP = "ike/asa82_show_crypto_isakmp_sa.txt"
IPSEC = "ipsec/asa84_show_crypto_ipsec_sa.txt"
SESSIONDB = "sessiondb/asa9_l2l.txt"
IOS_CONFIG = "config/ios-15-crypto-map-nat.txt"


def reading(text: str) -> list:
    """What the parsers read, line numbers included, and the alarms."""
    report = analyze(text)
    return [
        [(s.kind, s.command, s.records) for s in report.sources],
        sorted(
            (f.code, f.subject, tuple(f.lines))
            for f in report.findings
            if f.severity != "info"
        ),
    ]


def cleaned(text: str) -> list[str]:
    return clean_and_section(text)[1]


# --- HTML tags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "open_tag, close_tag",
    [
        ('<span style="color: #FF9999;">', "</span>"),
        ('<font color="red">', "</font>"),
        ("<b>", "</b>"),
        ("<strong>", "</strong>"),
        ('<span class="hl">', "</span>"),
    ],
)
def test_tags_a_page_put_around_counters_come_off(open_tag, close_tag):
    """A blog's code block (`<pre><code>` ... `</code></pre>`) with the counters it
    wanted to show coloured or bold reads as the output itself."""
    text = fixture_text(IPSEC)
    lines = text.splitlines()
    lines[0] = "<pre><code>" + lines[0]
    for i, line in enumerate(lines):
        if "#recv errors" in line or "#pkts decaps" in line:
            body = line.lstrip()
            lines[i] = line[: len(line) - len(body)] + open_tag + body + close_tag
    lines.append("</code></pre>")
    mangled = "\n".join(lines) + "\n"
    assert reading(mangled) == reading(text + "\n")
    assert cleaned(mangled)[0] == "fw01# show crypto ipsec sa"
    assert cleaned(mangled)[-1] == ""


def test_table_cells_and_paragraphs_come_off_too():
    """Output a page laid out in `<p>` and `<td>`: the tags go, the text stays."""
    out = decode_html(
        [
            "<p>ASA# show crypto isakmp sa</p>",
            "<table><tr><td>1   IKE Peer: 203.0.113.5</td></tr></table>",
        ]
    )
    assert out == ["ASA# show crypto isakmp sa", "1   IKE Peer: 203.0.113.5"]


def test_what_a_device_prints_in_angle_brackets_stays_in_an_html_paste():
    """Help listings, the pager, IOS's `<omitted>`, a syslog priority and a device's
    XML keep their brackets even when the paste around them is HTML."""
    lines = [
        "<pre>R1(config)#crypto isakmp policy ?",
        "  <1-10000>  Priority of protection suite",
        "  <cr>",
        "R1(config)#crypto map VPN 10 ipsec-isakmp ?",
        "  dynamic  Enable dynamic crypto map support",
        "  <cr>",
        " set peer <ip address>",
        " pre-shared-key <omitted>",
        "<166>Mar 12 10:10:10 fw01 %ASA-6-302013: Built",
        '<rpc-reply xmlns:junos="http://xml.juniper.net/junos/15.1X49/junos">',
        "<ike-security-associations>",
        "</pre>",
    ]
    out = decode_html(lines)
    assert out[0] == "R1(config)#crypto isakmp policy ?"
    assert out[1:-1] == lines[1:-1]
    assert out[-1] == ""


def test_one_tag_alone_is_not_a_habit():
    """A single `<b>` in a paste is left as typed: two marks of HTML make one."""
    lines = ["show crypto isakmp sa <b>", "IKEv1 SAs:"]
    assert decode_html(lines) == lines


# --- comment markers ------------------------------------------------------------------


def _commented(text: str, marker: str, space: str = " ") -> str:
    return "".join(
        f"{marker}{space}{line}\n" if line.strip() else f"{marker}\n"
        for line in text.splitlines()
    )


@pytest.mark.parametrize(
    "marker, space",
    [
        ("#", " "),  # Perl, Python, shell, Tcl
        ("#", ""),
        ("//", " "),  # C, Go, JavaScript
        (";", " "),  # INI, Lisp, assembler
        ("--", " "),  # SQL, Lua
        ("!", " "),  # an IOS config's comment
    ],
)
@pytest.mark.parametrize("name", [ISAKMP, SESSIONDB, IPSEC])
def test_output_in_a_comment_block_reads_as_the_output(name, marker, space):
    """A script's header that quotes `show` output, every line behind the comment
    marker: it reads as the output, line for line."""
    text = fixture_text(name)
    assert reading(_commented(text, marker, space)) == reading(text)


def test_a_comment_header_above_a_scripts_code_is_read_and_the_code_left():
    """A Perl script's "Example output" header with its code under it: the header
    holds a prompt, so its markers come off; the code's own comments stay."""
    header = _commented("Example output:\n\n" + fixture_text(ISAKMP), "#")
    code = (
        "use strict;\n"
        "use warnings;\n"
        "# connect to the firewall\n"
        "my $ssh = Net::SSH::Expect->new(host => $host);\n"
        "# parse each peer\n"
        "# and print it\n"
        "# as CSV\n"
        "print join(',', @peers), \"\\n\";\n"
    )
    text = "#!/usr/bin/perl\n" + header + code
    lines = cleaned(text)
    assert lines[0] == "#!/usr/bin/perl"
    assert lines[3] == "ASA# show crypto isakmp sa"
    assert lines[-4:-1] == ["# parse each peer", "# and print it", "# as CSV"]
    (source,) = analyze(text).sources_of("asa.show_crypto_isakmp_sa")
    assert [r["peer"] for r in source.records] == ["203.0.113.5", "198.51.100.20"]


def test_a_comment_block_quoting_a_firepower_or_shell_session_is_read():
    """FTD's CLISH prompt `>` and a root shell's `#` quoted in a comment are
    prompts once the comment's markers are off."""
    clish = "# > show crypto isakmp sa\n#\n" + _commented(
        "\n".join(fixture_text(ISAKMP).splitlines()[1:]), "#"
    )
    lines = cleaned("import re\n" * 40 + clish + "print(x)\n" * 40)
    assert lines[40] == "> show crypto isakmp sa"
    shell = (
        "// # tcpdump -ni eth0 esp\n// 10:00:01 IP 192.0.2.1 > 198.51.100.2: ESP\n" * 2
    )
    lines = cleaned("int x;\n" * 40 + shell + "return 0;\n" * 40)
    assert lines[40:42] == [
        "# tcpdump -ni eth0 esp",
        "10:00:01 IP 192.0.2.1 > 198.51.100.2: ESP",
    ]


def test_a_comment_block_without_a_prompt_is_read_when_it_is_the_whole_paste():
    """Output quoted in a comment with no prompt above it comes off its markers
    only when the comment is (nearly) all there is."""
    body = fixture_text(ISAKMP).splitlines()[1:]
    alone = _commented("\n".join(body), "#")
    assert cleaned(alone)[1] == "   Active SA: 2"
    among = "conn = connect()\n" * 3 + alone + "result = parse(out)\n" * 3
    assert cleaned(among)[4] == "#    Active SA: 2"


def test_an_ios_configs_comments_and_separators_stay():
    """`!` lines, `! Last configuration change` and the rest of an IOS config are
    the device's: nothing comes off."""
    text = (
        "!\n"
        "! Last configuration change at 10:41:07 UTC Tue Mar 5 2024 by admin\n"
        "! NVRAM config last updated at 10:41:10 UTC Tue Mar 5 2024 by admin\n"
        "!\n"
        "version 15.2\n"
        "!\n"
        "!\n"
        "!\n"
        "crypto isakmp policy 10\n"
        " encr aes 256\n"
        "!\n" + fixture_text(IOS_CONFIG)
    )
    lines = text.splitlines()
    assert unwrap(lines) == lines
    assert uncomment(lines, len(lines)) == lines


def test_a_commented_out_part_of_a_config_stays_commented():
    """strongSwan's sample ipsec.conf: the sample connections are commented out and
    must not be read as configured."""
    text = (
        "# ipsec.conf - strongSwan IPsec configuration file\n\n"
        "# basic configuration\n\n"
        "config setup\n"
        "\t# strictcrlpolicy=yes\n"
        "\t# uniqueids = no\n\n"
        "# Add connections here.\n\n"
        "# Sample VPN connections\n\n"
        "#conn sample-self-signed\n"
        "#      leftsubnet=10.1.0.0/16\n"
        "#      leftcert=selfCert.der\n"
        "#      leftsendcert=never\n"
        "#      right=192.168.0.2\n"
        "#      rightsubnet=10.2.0.0/16\n"
        "#      rightcert=peerCert.der\n"
        "#      auto=start\n\n"
        "conn office\n"
        "\tleft=%defaultroute\n"
        "\tright=203.0.113.9\n"
        "\tauto=start\n"
    )
    lines = cleaned(text)
    assert lines == [line.replace("\t", "    ") for line in text.splitlines()]


def test_a_shells_prompts_and_a_devices_hash_lines_stay():
    """A root shell's `# command` lines, the IPsec counters that lost their indent
    and Libreswan's `#3:` state numbers start with '#' because the device put it
    there."""
    shell = [
        "# tcpdump -ni eth0 esp",
        "# cat /etc/ipsec.secrets",
        "# grep charon /var/log/syslog",
        "# sudo ipsec statusall",
    ]
    assert unwrap(shell) == shell
    counters = [
        line.strip()
        for line in fixture_text(IPSEC).splitlines()
        if line.strip().startswith("#")
    ]
    assert len(counters) >= 6
    assert unwrap(counters) == counters
    pluto = [
        "#3:   initiating v2 parent SA",
        "#3:  STATE_PARENT_I1: sent v2I1, expected v2R1",
        "#6:  STATE_PARENT_I2: sent v2I2,expected v2R2",
        "#6:  IKE SA authentication request rejected: AUTHENTICATION_FAILED",
    ]
    assert unwrap(pluto) == pluto
    prompts = ["fw01# show crypto isakmp sa", "fw01# show vpn-sessiondb l2l"] * 3
    assert unwrap(prompts) == prompts


def test_two_comment_lines_are_not_a_block():
    lines = ["# fw01# show crypto isakmp sa", "# IKEv1 SAs:", "fw01# exit"]
    assert unwrap(lines) == lines


# --- Markdown inline code -------------------------------------------------------------


def test_a_line_written_as_inline_code_loses_its_backticks():
    """A blog put the log line in backticks: its date stays the message's."""
    line = (
        "`Jan 19 2015 20:00:43: %ASA-4-402114: IPSEC: Received an ESP packet (SPI= "
        "0x3D91F47A, sequence number= 0x1A) from 203.0.113.50 (user= 203.0.113.50) "
        "to 192.0.2.1 with an invalid SPI.`"
    )
    assert unwrap([line]) == [line[1:-1]]
    (record,) = analyze(line + "\n").sources_of("syslog")[0].records
    assert record["timestamp"] == "Jan 19 2015 20:00:43"
    assert record["message_id"] == "402114"


@pytest.mark.parametrize(
    "line",
    ["```", "``", "`show crypto isakmp sa` then `show crypto ipsec sa`", "`"],
)
def test_fences_and_several_code_spans_stay(line):
    assert unwrap([line]) == [line]
