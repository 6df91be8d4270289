"""Configuration typed at configuration mode prompts: forum posts and lab notes
show what was configured as it was typed ("R1(config)#crypto isakmp key ...",
"R1(config-isakmp)#encr aes"). Those lines are a configuration, read as a pasted
running config is, with each line's number where it was typed."""

from analyzer.engine import analyze, clean_and_section
from analyzer.registry import ASA_RUNNING_CONFIG, IOS_RUNNING_CONFIG

IOS_TYPED = """\
R1#conf t
Enter configuration commands, one per line.  End with CNTL/Z.
R1(config)#crypto isakmp policy 10
R1(config-isakmp)#encr aes
R1(config-isakmp)#authentication pre-share
R1(config-isakmp)#group 14
R1(config-isakmp)#exit
R1(config)#crypto isakmp key K3y-ph1 address 203.0.113.2
R1(config)#crypto ipsec transform-set TS esp-aes esp-sha-hmac
R1(cfg-crypto-trans)#mode tunnel
R1(cfg-crypto-trans)#exit
R1(config)#ip access-list extended VPN
R1(config-ext-nacl)#permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255
R1(config-ext-nacl)#exit
R1(config)#crypto map CMAP 10 ipsec-isakmp
R1(config-crypto-map)#set peer 203.0.113.2
R1(config-crypto-map)#set transform-set TS
R1(config-crypto-map)#match address VPN
R1(config-crypto-map)#int g0/0
R1(config-if)#crypto map CMAP
R1(config-if)#end
"""


def config_sections(text: str) -> list:
    _count, _cleaned, parts, _prompts = clean_and_section(text)
    return [p for p in parts if p.command is None and p.lines]


def test_typed_commands_become_one_configuration_as_a_running_config_lists_it():
    (section,) = config_sections(IOS_TYPED)
    assert section.lines == [
        "crypto isakmp policy 10",
        " encryption aes",
        " authentication pre-share",
        " group 14",
        "crypto isakmp key K3y-ph1 address 203.0.113.2",
        "crypto ipsec transform-set TS esp-aes esp-sha-hmac",
        " mode tunnel",
        "ip access-list extended VPN",
        " permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255",
        "crypto map CMAP 10 ipsec-isakmp",
        " set peer 203.0.113.2",
        " set transform-set TS",
        " match address VPN",
        # Typed in the crypto map's submode, an interface leaves it.
        "interface g0/0",
        " crypto map CMAP",
    ]
    # Each line keeps the number of the line it was typed on; exit and end
    # are left out.
    assert section.numbers == [3, 4, 5, 6, 8, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20]


def test_the_configuration_is_read_and_every_line_is_understood():
    report = analyze(IOS_TYPED)
    (config,) = report.sources_of(IOS_RUNNING_CONFIG)
    maps = [r for r in config.records if r.get("type") == "crypto_map_entry"]
    assert maps and maps[0]["peers"] == ["203.0.113.2"]
    assert maps[0]["lines"] == [15, 18]
    # "Enter configuration commands" is IOS confirming "conf t".
    assert report.unparsed == []
    assert not [f for f in report.findings if f.code == "general.not_understood"]


def test_asa_configuration_mode_and_its_submodes():
    text = """\
ciscoasa(config)# crypto ikev1 policy 10
ciscoasa(config-ikev1-policy)# authentication pre-share
ciscoasa(config-ikev1-policy)# encryption aes-256
ciscoasa(config-ikev1-policy)# exit
ciscoasa(config)# crypto map CMAP 10 match address VPN-ACL
ciscoasa(config)# crypto map CMAP 10 set peer 198.51.100.7
ciscoasa(config)# tunnel-group 198.51.100.7 type ipsec-l2l
ciscoasa(config)# tunnel-group 198.51.100.7 ipsec-attributes
ciscoasa(config-tunnel-ipsec)# ikev1 pre-shared-key *****
"""
    (section,) = config_sections(text)
    assert section.lines[:3] == [
        "crypto ikev1 policy 10",
        " authentication pre-share",
        " encryption aes-256",
    ]
    assert section.lines[-1] == " ikev1 pre-shared-key *****"
    report = analyze(text)
    (config,) = report.sources_of(ASA_RUNNING_CONFIG)
    groups = [r for r in config.records if r.get("type") == "tunnel_group"]
    assert [g["name"] for g in groups] == ["198.51.100.7"]
    assert groups[0]["ikev1_psk"] is True


def test_a_command_run_from_configuration_mode_keeps_its_own_section():
    text = """\
R1(config)#crypto isakmp key K3y-ph1 address 203.0.113.2
R1(config)#do show crypto isakmp sa
IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
203.0.113.2     198.51.100.1    MM_NO_STATE          0 ACTIVE
R1(config)#sh run | i isakmp
"""
    _count, _cleaned, parts, _prompts = clean_and_section(text)
    assert [(p.command, p.lines[:1]) for p in parts if p.lines] == [
        (None, ["crypto isakmp key K3y-ph1 address 203.0.113.2"]),
        ("show crypto isakmp sa", ["IPv4 Crypto ISAKMP SA"]),
    ]
    assert analyze(text).sources_of("ios.show_crypto_isakmp_sa")


def test_each_device_typing_its_configuration_makes_a_section_of_its_own():
    text = """\
ciscoasa(config)# tunnel-group 192.0.2.66 ipsec-attributes
ciscoasa(config-tunnel-ipsec)# ikev1 pre-shared-key *****
R1(config)#interface Serial0/0/0
R1(config-if)#ip address 192.0.2.1 255.255.255.252
"""
    assert [s.lines for s in config_sections(text)] == [
        ["tunnel-group 192.0.2.66 ipsec-attributes", " ikev1 pre-shared-key *****"],
        ["interface Serial0/0/0", " ip address 192.0.2.1 255.255.255.252"],
    ]


def test_nested_submodes_indent_twice_and_other_mode_prompts_count():
    text = """\
R1(config)#policy-map global_policy
R1(config-pmap)#class inspection_default
R1(config-pmap-c)#inspect esmtp
R1(config-pmap-c)#exit
R1(config)#crypto ipsec profile P1
R1(ipsec-profile)#set transform-set TS
R1(config)#crypto isakmp profile IP1
R1(conf-isa-prof)#match identity address 203.0.113.2 255.255.255.255
"""
    (section,) = config_sections(text)
    assert section.lines == [
        "policy-map global_policy",
        " class inspection_default",
        "  inspect esmtp",
        "crypto ipsec profile P1",
        " set transform-set TS",
        "crypto isakmp profile IP1",
        " match identity address 203.0.113.2 255.255.255.255",
    ]


def test_a_log_message_printed_after_a_configuration_prompt_is_not_configuration():
    text = """\
R1(config)#crypto isakmp key K3y-ph1 address 203.0.113.2
R1(config)#
*Mar  1 00:20:01.223: %SYS-5-CONFIG_I: Configured from console by console
"""
    config, log = config_sections(text)
    assert config.lines == ["crypto isakmp key K3y-ph1 address 203.0.113.2"]
    assert log.lines[0].endswith("Configured from console by console")


def test_words_typed_abbreviated_are_written_out_as_a_running_config_lists_them():
    text = """\
R1(config)#cry isa pol 10
R1(config-isakmp)#auth pre
R1(config-isakmp)#encr aes
R1(config-isakmp)#exit
R1(config)#cry ipsec trans TS esp-aes esp-sha-hmac
R1(config)#int tunnel 0
R1(config-if)#tun source g0/0
R1(config)#in g0/1
"""
    (section,) = config_sections(text)
    assert section.lines == [
        "crypto isakmp policy 10",
        " authentication pre-share",
        " encryption aes",
        "crypto ipsec transform-set TS esp-aes esp-sha-hmac",
        "interface tunnel0",
        " tunnel source g0/0",
        # Two letters may start more than one command: left as typed.
        "in g0/1",
    ]
    (config,) = analyze(text).sources_of(IOS_RUNNING_CONFIG)
    (policy,) = [r for r in config.records if r["type"] == "isakmp_policy"]
    assert policy["authentication"] == "pre-share"
    assert [r["interface"] for r in config.records if r["type"] == "interface"] == [
        "tunnel0"
    ]


def test_typed_configuration_is_a_part_and_says_nothing_of_what_it_leaves_out():
    """What was typed is not the whole device: a crypto map typed beside an
    interface that does not carry it may sit on an interface not shown."""
    text = """\
R1(config)#crypto isakmp key K3y-ph1 address 203.0.113.2
R1(config)#crypto map CMAP 10 ipsec-isakmp
R1(config-crypto-map)#set peer 203.0.113.2
R1(config-crypto-map)#match address 101
R1(config-crypto-map)#interface Loopback0
R1(config-if)#ip address 10.9.9.9 255.255.255.255
"""
    codes = {f.code for f in analyze(text).findings}
    assert "ios.crypto_map_unapplied" not in codes
    # The same lines as a whole running config do say it.
    whole = "hostname R1\n" + "\n".join(config_sections(text)[0].lines) + "\n"
    assert "ios.crypto_map_unapplied" in {f.code for f in analyze(whole).findings}


def test_asa_crypto_map_lines_without_their_bindings_say_nothing_of_them():
    lines = [
        "crypto map CMAP 10 match address VPN-ACL",
        "crypto map CMAP 10 set peer 198.51.100.7",
    ]
    for text in (
        "\n".join(lines) + "\n",
        "\n".join(f"ciscoasa(config)# {line}" for line in lines) + "\n",
    ):
        codes = {f.code for f in analyze(text).findings}
        assert "asa.crypto_map_unapplied" not in codes, text
    # With the bindings shown, a map missing from them is unbound.
    shown = "\n".join([*lines, "crypto map OTHER interface outside"]) + "\n"
    assert "asa.crypto_map_unapplied" in {f.code for f in analyze(shown).findings}
