"""Boot output: password recovery disabled, and a configuration register left at a
value that ignores the startup configuration."""

from __future__ import annotations

from analyzer import links
from analyzer.registry import IOS_BOOT, IOS_SHOW_VERSION
from analyzer.report import Finding


def _password_recovery(source, record) -> list[Finding]:
    if not record["password_recovery_disabled"]:
        return []
    at = record["at"]
    lines = [at[k] for k in ("password_recovery_disabled", "break_window") if k in at]
    window = record.get("break_window")
    parts = [
        "This router runs with `no service password-recovery`: the ROM monitor cannot "
        "be reached with a break during the normal boot, so the usual recovery "
        "(confreg 0x2142) is not available."
    ]
    if window:
        parts.append(
            f"A break is still accepted during the {window}-second window IOS announces "
            "after decompressing the image ([ {window} Second window begins here to "
            "send BREAK ]); send it then, not at power-on.".replace(
                "{window}", str(window)
            )
        )
    else:
        parts.append(
            'IOS opens a short window after decompressing the image ("Second window '
            'begins here to send BREAK"); the break has to land inside it.'
        )
    parts.append(
        "The router then offers to reset to factory defaults, and that is the only "
        "way in: the startup configuration is erased, so have a backup ready."
    )
    severity = "info"
    if record.get("factory_reset_done") or record.get("factory_reset_answer") == "y":
        severity = "warning"
        lines += [
            at[k] for k in ("factory_reset_answer", "factory_reset_done") if k in at
        ]
        parts.append(
            "This boot accepted the reset: the configuration is gone and the router "
            "came up with its factory defaults. Restore the saved configuration."
        )
    return [
        Finding(
            code="boot.password_recovery_disabled",
            severity=severity,
            title="Password recovery is disabled"
            + (
                ": configuration reset to factory defaults"
                if severity == "warning"
                else ""
            ),
            detail=" ".join(parts),
            link=links.RECOVERY_BREAK_WINDOW,
            lines=lines,
            next_commands=[
                "show running-config | include service password-recovery",
                "show version | include register",
                "copy tftp: startup-config",
            ],
            subject=f"router {record.get('platform') or ''}".strip(),
        )
    ]


def _confreg(source, record) -> list[Finding]:
    values = record.get("confreg") or []
    if not values or values[-1] not in ("0x2142", "0x2141", "0x142"):
        return []
    return [
        Finding(
            code="boot.confreg_ignores_config",
            severity="info",
            title=f"Configuration register set to {values[-1]}",
            detail=(
                f"{values[-1]} makes the router ignore its startup configuration at the "
                "next boot: the recovery step. Once in, copy startup-config to "
                "running-config, set new passwords, then `config-register 0x2102` and "
                "save, or the next reload comes up empty again."
            ),
            link=links.RECOVERY_PROCEDURE,
            lines=[record["at"].get("confreg", source.first_line)],
            next_commands=["show version | include register", "config-register 0x2102"],
            subject=f"router {record.get('platform') or ''}".strip(),
        )
    ]


def _version_confreg(source, record) -> list[Finding]:
    """`show version` of a running router whose register ignores the startup
    configuration at the next reload."""
    value = record.get("config_register_next") or record.get("config_register")
    if (value or "").lower() not in ("0x2142", "0x2141", "0x142"):
        return []
    pending = bool(record.get("config_register_next"))
    return [
        Finding(
            code="boot.confreg_ignores_config",
            severity="warning",
            title=f"Configuration register {'will be ' if pending else ''}{value}",
            detail=(
                f"`show version` reports the configuration register "
                f"{'set to ' + value + ' for the next reload' if pending else 'at ' + value}"
                ": the next reload ignores the startup configuration and the router "
                "comes up unconfigured (the password-recovery setting, left in place). "
                "Unless a recovery is under way, set `config-register 0x2102` in "
                "configuration mode and save."
            ),
            link=links.RECOVERY_PROCEDURE,
            lines=[record.get("at", {}).get("config_register", source.first_line)],
            next_commands=[
                "show version | include register",
                "configure terminal",
                "config-register 0x2102",
                "copy running-config startup-config",
            ],
            subject=f"router {record.get('hostname') or record.get('hardware') or ''}".strip(),
        )
    ]


def check(report):
    findings = []
    for source in report.sources_of(IOS_BOOT):
        for record in source.records:
            findings += _password_recovery(source, record)
            findings += _confreg(source, record)
    for source in report.sources_of(IOS_SHOW_VERSION):
        for record in source.records:
            findings += _version_confreg(source, record)
    return findings
