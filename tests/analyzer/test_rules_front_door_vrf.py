"""A tunnel reaching its peers through a front-door VRF finds no global IKEv1
pre-shared key: IOS looks keys up in the keyrings bound to the peer's VRF."""

from analyzer.engine import analyze

DMVPN_HUB = """\
hostname HUB
!
crypto keyring {keyring}
  pre-shared-key address 0.0.0.0 0.0.0.0 key Ex4mple
!
crypto isakmp policy 10
 encr aes 256
 authentication {auth}
 group 14
crypto isakmp key Gl0bal address 0.0.0.0
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
crypto ipsec profile DMVPN
 set transform-set TS
!
interface Tunnel0
 ip address 172.16.0.1 255.255.255.0
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel vrf INTERNET
 tunnel protection ipsec profile DMVPN
!
interface GigabitEthernet0/0
 vrf forwarding INTERNET
 ip address 198.51.100.1 255.255.255.0
"""


def vrf_findings(text: str) -> list:
    return [
        f for f in analyze(text).findings if f.code == "ios.front_door_vrf_without_key"
    ]


def test_a_global_key_alone_leaves_the_vrf_without_one():
    text = DMVPN_HUB.format(keyring="GLOBAL-KEYS", auth="pre-share")
    (finding,) = vrf_findings(text)
    assert finding.severity == "warning"
    assert "INTERNET" in finding.title
    assert (finding.article, finding.anchor) == ("phase1-errors", "pre-shared-key")
    assert finding.lines == [10, 21]  # the global key and "tunnel vrf"


def test_a_keyring_bound_to_the_vrf_gives_its_peers_a_key():
    text = DMVPN_HUB.format(keyring="WAN-KEYS vrf INTERNET", auth="pre-share")
    assert vrf_findings(text) == []


def test_certificates_need_no_key():
    text = DMVPN_HUB.format(keyring="GLOBAL-KEYS", auth="rsa-sig")
    assert vrf_findings(text) == []


def test_a_crypto_map_on_an_interface_in_a_vrf_is_a_front_door_vrf_too():
    text = """\
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key Gl0bal address 203.0.113.9
crypto ipsec transform-set TS esp-aes esp-sha-hmac
crypto map CMAP 10 ipsec-isakmp
 set peer 203.0.113.9
 set transform-set TS
 match address 101
access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
interface GigabitEthernet0/1
 ip vrf forwarding WAN
 ip address 198.51.100.2 255.255.255.252
 crypto map CMAP
"""
    (finding,) = vrf_findings(text)
    assert "WAN" in finding.title
    # Without the VRF, the global key is the one IOS uses.
    assert vrf_findings(text.replace(" ip vrf forwarding WAN\n", "")) == []


def test_typed_in_configuration_mode_as_lab_notes_show_it():
    text = """\
Hub(config)#int e0/0
Hub(config-if)#ip vrf forwarding FVRF
Hub(config-if)#int tunnel 0
Hub(config-if)#tunnel vrf FVRF
Hub(config)#crypto isakmp policy 10
Hub(config-isakmp)#authentication pre
Hub(config)#crypto isakmp key acc address 0.0.0.0
"""
    (finding,) = vrf_findings(text)
    assert finding.lines == [4, 7]
