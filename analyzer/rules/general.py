"""What the engine says about the paste as a whole."""

from analyzer import parsers
from analyzer.report import Finding

SUPPORTED = (
    "show crypto isakmp sa (ASA 8.x/9.x, IOS, PIX show isakmp sa)",
    "show crypto ikev2 sa",
    "show crypto ipsec sa [peer X]",
    "packet-tracer ... detailed",
    "show asp table vpn-context [detail]",
    "show vpn-sessiondb l2l",
    "ASA syslog (show logging, syslog server lines)",
    "debug crypto isakmp / ikev1",
    "tcpdump text output",
    "IronPort mail logs",
    "SMTP test results",
    "ROMMON / boot output",
    "show running-config and show version (ASA, IOS)",
)


def check(report):
    if report.sources:
        return []
    return [
        Finding(
            code="general.not_understood",
            severity="info",
            title="Nothing in this paste was recognised",
            detail=(
                f"None of the {len(parsers.REGISTRY)} parsers recognised this text. "
                "Paste the output exactly as the device printed it (prompts and echoed "
                "commands help). Supported outputs: " + "; ".join(SUPPORTED) + "."
            ),
            article="",
            lines=[],
        )
    ]
