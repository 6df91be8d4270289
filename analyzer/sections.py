"""Splitting cleaned lines into sections: prompts, echoed commands, the command
written alone above its output, what a terminal or a login adds around them, and
which parsers own a command. Pure Python.

A section starts at each echoed command (or a command written alone on a line) and
carries the command and the prompt it was typed at; a bare prompt ends the previous
command's output, so whatever follows it is read by content.
"""

from __future__ import annotations

import re

from analyzer import parsers
from analyzer.report import Section

# Parsers never see more than this many characters of one line: nothing a device
# prints is longer, and it bounds the cost of every pattern on hostile input.
MAX_LINE = 4096

# A device prompt, optionally followed by the command typed at it:
# "ASA#", "fw01/pri/act# show run", "Router(config)#", "R1>en", "[root@lnx ~]# tcpdump",
# "admin@host:~$ tcpdump", "rommon 1 >".
_PROMPT = re.compile(
    r"^(?P<prompt>\[[^\]\s][^\]]{0,60}\]|rommon \d{1,4} ?|[A-Za-z0-9_][\w.\-/:@~()]{0,62})"
    r"(?P<sign>[#>$])[ \t]{0,8}(?P<cmd>[A-Za-z].*)?$"
)
_WORD = re.compile(r"\S+")


def match_prompt(line: str):
    """(prompt, command or None) when ``line`` is a device prompt, else None."""
    if len(line) > 300 or not line or line[0].isspace():
        return None
    if line in ("#", "$", ">"):
        return line, None  # a bare prompt with nothing typed at it
    if line[0] in "#$>" and line[1:2] == " ":
        # A shell's bare prompt ("# tcpdump -ni eth0") or Firepower's CLISH ("> show
        # crypto ipsec sa"): only before a known verb, so comments and quoted mail
        # stay text.
        cmd = line[2:].strip()
        first = cmd.split()[0].lower() if cmd else ""
        shell = line[0] != ">" and first in _SHELL_VERBS
        if shell or _abbreviates(first, _VERBS):
            return line[0], normalise_command(cmd)
        return None
    m = _PROMPT.match(line)
    if not m:
        return None
    prompt = m.group("prompt") + m.group("sign")
    cmd = m.group("cmd")
    if cmd is None:
        return prompt, None
    if cmd.lower().startswith("do ") and len(cmd) > 3:
        # "Router(config)#do show crypto ipsec sa": exec commands from config mode.
        cmd = cmd[3:].lstrip()
    first = cmd.split()[0].lower()
    known = _abbreviates(first, _VERBS)
    # In configuration mode any word is a command ("fw01(config)# crypto ..."),
    # unless it is a log line the device printed right after the prompt.
    if not known and (not _CONFIG_PROMPT.search(prompt) or first[:3] in _MONTHS):
        return None
    return prompt, normalise_command(cmd)


_VERBS = (
    "show",
    "debug",
    "packet-tracer",
    "more",
    "terminal",
    "enable",
    "configure",
    "tcpdump",
    "grep",
    "tail",
    "cat",
    "ping",
    "traceroute",
    "clear",
    "undebug",
    "copy",
    "write",
    "dir",
    "capture",
    "sudo",
    "less",
    "test",
    "logging",
    "exit",
    "end",
    "changeto",
    "reload",
    "session",
    "telnet",
    "ssh",
    "nc",
    "openssl",
)
# Shell commands worth a section of their own after a bare "#" or "$" prompt.
_SHELL_VERBS = ("tcpdump", "sudo", "telnet", "nc", "openssl", "grep", "tail", "cat")
# What a device prints to confirm a debug or terminal command, right after it.
_ACKNOWLEDGEMENTS = (
    "debugging is on",
    "debugging is off",
    "all possible debugging has been turned off",
    "debugging has been turned off",
)


def is_terminal_noise(line: str) -> bool:
    """What a terminal program or a login adds around the device's output: the
    PuTTY session log header, "login as:", password prompts (masked or not), the
    ASA's login hint and "Logoff"."""
    text = line.strip()
    if not text or len(text) > 200:
        return False
    if text.startswith("=~=~=~=") and "log" in text:
        return True
    if (
        text.isascii()
        and text[-1] not in ":*"
        and len(text) not in _LOGIN_LENGTHS
        and text[:9].lower() != "login as:"
    ):
        # Nothing below can hold: a password prompt ends in its colon or the
        # stars typed, and the login lines are known by their length.
        return False
    lowered = text.lower()
    if lowered.startswith("login as:") or lowered in _LOGIN_LINES:
        return True
    # "Password:", "Password: ********", "admin@192.0.2.1's password:"
    head, colon, rest = lowered.partition("password:")
    return bool(colon) and len(head) < 80 and set(rest.strip()) <= {"*"}


_LOGIN_LINES = frozenset(
    (
        "username:",
        "logoff",
        "type help or '?' for a list of available commands.",
        "connection closed by foreign host.",
    )
)
_LOGIN_LENGTHS = frozenset(len(line) for line in _LOGIN_LINES)


def _is_acknowledgement(line: str, current: Section) -> bool:
    if current.lines or len(line) > 120:
        return False
    text = line.strip().lower().rstrip(".")
    if not text:
        return False
    if text.endswith(_ACKNOWLEDGEMENTS):
        return True
    if text.startswith("enter configuration commands, one per line"):
        return True  # IOS on "configure terminal"
    # ASA: "debug crypto ikev1 enabled at level 127"
    return text.startswith("debug ") and " enabled at level " in text


_MONTHS = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)
_BARE_VERBS = ("sh ", "sho ", "show ", "packet-tracer ", "debug ")


def match_bare_command(line: str):
    """(None, command) when ``line`` is a command a parser reads, written on a
    line of its own with no prompt ("show crypto ipsec sa" above its output in a
    mail), else None."""
    if len(line) > 200 or not line or line[0].isspace():
        return None
    if line.isascii() and not line[:14].lower().startswith(_BARE_VERBS):
        return None
    low = line.lower()
    if not low.startswith(_BARE_VERBS) or low.rstrip().endswith((".", "?", ",")):
        return None
    command = normalise_command(line.rstrip(":"))
    if len(command.split()) < 3 or not owners(command):
        return None
    return None, command


def normalise_command(cmd: str) -> str:
    """Lower case, single spaces, output filters (`| begin X`) kept as typed."""
    return " ".join(_WORD.findall(cmd.strip())).lower()


def command_matches(typed: str, full: str) -> bool:
    """True when ``typed`` is ``full`` written out or abbreviated word by word
    (`sh cry isa sa` for `show crypto isakmp sa`), extra arguments allowed."""
    typed_words = typed.split("|", 1)[0].split()
    full_words = full.split()
    if len(typed_words) < len(full_words):
        return False
    for t, f in zip(typed_words, full_words, strict=False):
        if not f.startswith(t) or (len(t) < 2 and t != f):
            return False
    return True


# "==> asa-hq.log <==": the heading each uploaded file gets when several are
# joined into one paste (tail -v prints the same).
FILE_HEADING = re.compile(r"==> [^\n]{1,200} <==\s*$")


def sections(
    lines: list[str], numbers: list[int] | None = None
) -> tuple[list[Section], set[int]]:
    """Split cleaned lines at prompts. Returns the sections and the line numbers that
    were prompts or echoed commands (understood, never counted as unparsed).
    ``numbers[i]`` is the paste line ``lines[i]`` came from (by default i + 1; a
    line that held several, see `explode`, gives its number to each)."""
    out: list[Section] = []
    splitter = Splitter(out.append)
    if numbers is None:
        numbers = range(1, len(lines) + 1)
    elif len(numbers) != len(lines):
        raise ValueError("sections() needs one number for each line")
    add = splitter.line
    for start in range(0, len(lines), _BLOCK):
        block = lines[start : start + _BLOCK]
        text = "\n".join(block)
        if not text.isascii() or max(map(len, block)) > MAX_LINE:
            # A line at a time: beyond ASCII, case and blanks are not what
            # the search below knows, and a longer line is kept cut.
            for number, line in zip(numbers[start:], block, strict=False):
                if add(line, number):
                    splitter.current.lines.append(line[:MAX_LINE])
                    splitter.current.numbers.append(number)
            continue
        at = 0
        for stop in (*_maybe_not_content(text), len(block)):
            while at < stop and splitter.current.command and not splitter.filled:
                # The first lines under a command may be the device confirming it.
                if add(block[at], numbers[start + at]):
                    splitter.current.lines.append(block[at])
                    splitter.current.numbers.append(numbers[start + at])
                at += 1
            if at < stop:
                # Lines `Splitter.line` can only find to be content.
                splitter.current.lines.extend(block[at:stop])
                splitter.current.numbers.extend(numbers[start + at : start + stop])
                splitter.filled += stop - at
            if stop < len(block) and add(block[stop], numbers[start + stop]):
                splitter.current.lines.append(block[stop])
                splitter.current.numbers.append(numbers[start + stop])
            at = stop + 1
    splitter.finish()
    return out, splitter.prompt_lines


# Lines split into sections together: joined, a block is searched in C for the
# lines that may be something other than a section's content.
_BLOCK = 4096
# What strips off a line's ends (str.strip), in ASCII.
_BLANKS = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f "
# How a line of ASCII text starts that may not be content (see Splitter.line): a
# bare command's first word, a login line or a terminal log's header. (Searched
# for after a line break, which the regex engine skips to at C speed; none of
# them starts with a blank, so an indent is never given back.)
_NOT_CONTENT = (
    r"(?i:sh|packet-tracer |debug )"
    rf"|[{_BLANKS}]*+(?:=~=~=~="
    r"|(?i:login as:|logoff|username:"
    r"|type help or '\?' for a list of available commands\."
    r"|connection closed by foreign host\.))"
)
_NOT_CONTENT_FIRST = re.compile(_NOT_CONTENT)
_NOT_CONTENT_AFTER = re.compile(f"\\n(?:{_NOT_CONTENT})")


def _maybe_not_content(text: str) -> list[int]:
    """Indexes, in order, of the lines of ``text`` (ASCII lines joined by line
    breaks) that `Splitter.line` may find to be other than content: those that
    start with other than a blank and have a prompt's sign in their first 64
    characters (a file heading's among them), those that start as a bare
    command, a login line or a terminal log's header would, and those that hold
    a password prompt. Every other line can only be content (or a command's
    acknowledgement, which only the first lines under a command can be)."""
    # Where those lines start in ``text``.
    starts = [m.start() + 1 for m in _NOT_CONTENT_AFTER.finditer(text)]
    if _NOT_CONTENT_FIRST.match(text):
        starts.append(0)
    for sign in "#>$":
        starts.extend(
            start
            for start, at in lines_holding(text, sign)
            if at - start < 64 and not text[start].isspace()
        )
    if ":" in text:
        starts.extend(start for start, _ in lines_holding(text.lower(), "password:"))
    return line_indexes(text, starts)


def lines_holding(text: str, needle: str):
    """(where the line starts, where ``needle`` is) for the first ``needle`` in
    each line of ``text`` (lines joined by line breaks) that holds it, in order:
    found by str.find, in C, rather than a look at each line."""
    at = text.find(needle)
    while at != -1:
        yield text.rfind("\n", 0, at) + 1, at
        end = text.find("\n", at)
        if end == -1:
            return
        at = text.find(needle, end)


def line_indexes(text: str, starts) -> list[int]:
    """The indexes, in order and each once, of the lines of ``text`` (lines
    joined by line breaks) that begin at the offsets ``starts``."""
    found: list[int] = []
    index = 0
    last = 0
    for start in sorted(starts):
        index += text.count("\n", last, start)
        last = start
        if not found or found[-1] != index:
            found.append(index)
    return found


class Splitter:
    """`sections` a line at a time: `line` says whether a line is the current
    section's content (the caller keeps it, in ``current`` or elsewhere, and
    counts it in ``filled``) or ends one; each finished section goes to
    ``done``."""

    def __init__(self, done):
        self.done = done
        self.prompt_lines: set[int] = set()
        self.current = Section(lines=[], numbers=[])
        # Content lines of the current section, kept in it or not.
        self.filled = 0

    def line(self, line: str, number: int) -> bool:
        """True when ``line`` (paste line ``number``) is content of the current
        section; False when it started, ended or was left out of one."""
        if line.startswith("==> ") and FILE_HEADING.match(line):
            # The name of an uploaded file ahead of its text: a new section.
            self.prompt_lines.add(number)
            if self.filled or self.current.command:
                self._close()
            self._open(Section(lines=[], numbers=[]))
            return False
        head = line[:64]
        # A prompt's sign comes within its first 64 characters.
        if "#" in head or ">" in head or "$" in head:
            hit = match_prompt(line)
        else:
            hit = None
        if hit is None:
            hit = match_bare_command(line)
        if hit is None:
            if is_terminal_noise(line):
                self.prompt_lines.add(number)
                return False
            if self.current.command and self.acknowledges(line):
                # "Crypto ISAKMP debugging is on": the device confirming the command.
                self.prompt_lines.add(number)
                return False
            self.filled += 1
            return True
        prompt, command = hit
        self.prompt_lines.add(number)
        if command is None:
            # A bare prompt ends the previous command's output: whatever is
            # pasted after it is read by content.
            if self.filled or _config_text(self.current) is not None:
                self._close()
                self._open(Section(lines=[], numbers=[], prompt=prompt))
            return False
        if self.filled or _config_text(self.current) is not None:
            # A command typed in configuration mode is kept though nothing was
            # printed under it: it is a line of configuration.
            self._close()
        typed = (
            line[len(prompt) :].strip() if prompt and line.startswith(prompt) else None
        )
        self._open(
            Section(
                lines=[],
                numbers=[],
                command=command,
                prompt=prompt,
                typed=typed,
                at=number,
            )
        )
        return False

    def acknowledges(self, line: str) -> bool:
        """Whether ``line``, under the current section's command, is the device
        confirming it (only its first line can be)."""
        return not self.filled and _is_acknowledgement(line, self.current)

    def finish(self) -> None:
        if self.filled or self.current.command:
            self._close()

    def _open(self, section: Section) -> None:
        self.current = section
        self.filled = 0

    def _close(self) -> None:
        self.done(self.current)


# A configuration mode's prompt: "R1(config)#", "fw01(config-tunnel-ipsec)#",
# "R1(cfg-crypto-trans)#", "R1(conf-isa-prof)#", "R1(ipsec-profile)#",
# "R1(ca-trustpoint)#", "ASA/pri/act(config-ikev1-policy)#". Only "(config)#" is
# the top level.
_CONFIG_PROMPT = re.compile(
    r"\((?:(?P<top>config)|config-[\w-]{1,40}|cfg-[\w-]{1,40}|conf-[\w-]{1,40}"
    r"|ipsec-profile|ca-trust(?:point|pool)|gdoi-[\w-]{1,30}|crypto-[\w-]{1,30})\)#$"
)
# Submodes two levels down: a class under a policy map, an address family under
# a routing process, a peer in an IKEv2 keyring.
_SECOND_LEVEL = re.compile(
    r"\((?:config-pmap-c|config-router-af|config-ikev2-keyring-peer)"
)
# What is run, not configured, when typed in configuration mode (IOS takes
# "do show ..."; the ASA takes show, clear, debug, ping ... as they are).
_EXEC_IN_CONFIG = frozenset(
    (
        "show",
        "debug",
        "undebug",
        "clear",
        "ping",
        "traceroute",
        "copy",
        "write",
        "more",
        "dir",
        "packet-tracer",
        "terminal",
        "reload",
        "changeto",
        "test",
        "capture",
    )
)
# Leaving a mode: no configuration line of its own.
_MODE_EXITS = frozenset(("exit", "end", "quit"))


def configuration_lines(parts: list[Section]) -> list[Section]:
    """``parts`` with each run of commands typed at configuration mode prompts
    ("R1(config)#crypto isakmp key ...", "R1(config-isakmp)#encr aes") made one
    section of configuration, as a running config would list it: a command typed
    in a submode indented under the one that entered it, "exit" and "end" left
    out, each line numbered as the line it was typed on. Such a section has no
    command: it is read by content, as a pasted configuration is. What the
    device printed under a command (an error, a log message) stays in that
    command's own section. A command run from configuration mode ("do show
    crypto isakmp sa") keeps its own section and ends the run, and each device's
    commands (another host name in the prompt) make a run of their own."""
    out: list[Section] = []
    run = Configuration()
    for part in parts:
        if run.add(part):
            if run.started:
                out.append(run.section)
            if part.lines:
                out.append(part)
        else:
            run.end()
            out.append(part)
    return out


class Configuration:
    """The run of configuration typed at its prompts being gathered: `add` takes
    each section in turn."""

    def __init__(self):
        self.section: Section | None = None
        # Whether the last `add` started a new run (a new ``section``).
        self.started = False

    def add(self, part: Section) -> bool:
        """Whether ``part`` is a command typed in configuration mode, now a line
        of ``section`` (a run of another device's starts a new one)."""
        self.started = False
        text = _config_text(part)
        if text is None:
            return False
        if self.section is None or _device(self.section.prompt) != _device(part.prompt):
            self.section = Section(lines=[], numbers=[], prompt=part.prompt)
            self.started = True
        if text:
            self.section.lines.append(text)
            self.section.numbers.append(part.at)
        return True

    def end(self) -> None:
        self.section = None


def configuration_prompt(prompt: str | None) -> bool:
    """Whether ``prompt`` is a configuration mode's ("R1(config-if)#"): a source
    read from a section with it is configuration typed there, often a part of
    the device's."""
    return bool(prompt) and _CONFIG_PROMPT.search(prompt) is not None


def _device(prompt: str | None) -> str:
    """The host a configuration prompt names ("R1" of "R1(config-if)#")."""
    return (prompt or "").split("(", 1)[0]


def _config_text(part: Section) -> str | None:
    """The configuration line a section's command is, indented by its mode; ""
    for leaving a mode; None when the section is not a command typed at a
    configuration mode prompt."""
    if not part.command or not part.typed or part.at is None or not part.prompt:
        return None
    m = _CONFIG_PROMPT.search(part.prompt)
    if m is None:
        return None
    first = part.command.split()[0]
    if part.typed.lower().startswith("do ") or _abbreviates(first, _EXEC_IN_CONFIG):
        return None
    if _abbreviates(first, _MODE_EXITS):
        return ""
    if m.group("top") or _TOP_LEVEL.match(part.typed):
        return _written_out(part.typed, _TOP_WORDS)
    depth = 2 if _SECOND_LEVEL.search(part.prompt) else 1
    return " " * depth + _written_out(part.typed, _MODE_WORDS.get(m.group(0), {}))


# Words typed abbreviated in configuration mode, written out as a running config
# lists them (IOS takes any unambiguous start): by position, the words each may
# be, a word written out only where it is the start of exactly one of them.
_CRYPTO_WORDS = {
    "isakmp": {"policy": {}, "key": {}, "profile": {}, "keepalive": {}},
    "ipsec": {"transform-set": {}, "profile": {}, "security-association": {}},
    "keyring": {},
    "dynamic-map": {},
    "ikev2": {"proposal": {}, "policy": {}, "keyring": {}, "profile": {}},
}
_TOP_WORDS = {"interface": {}, "crypto": _CRYPTO_WORDS, "hostname": {}}
_MODE_WORDS = {
    "(config-isakmp)#": {
        "authentication": {"pre-share": {}, "rsa-sig": {}, "rsa-encr": {}},
        "encryption": {},
        "hash": {},
        "group": {},
        "lifetime": {},
    },
    "(config-crypto-map)#": {
        "set": {"peer": {}, "transform-set": {}, "pfs": {}, "isakmp-profile": {}},
        "match": {"address": {}},
    },
    "(config-if)#": {"crypto": {"map": {}}, "tunnel": {}},
}


def _written_out(typed: str, words: dict) -> str:
    """``typed`` with its leading words written out where ``words`` (a tree of
    the words each position may hold) knows exactly one that a typed word of three
    letters or more starts ("int g0/0", "cry isa pol 10", "auth pre")."""
    out = typed.split()
    changed = False
    for i, word in enumerate(out):
        lowered = word.lower()
        if lowered not in words:
            matches = [w for w in words if w.startswith(lowered)]
            if len(word) < 3 or len(matches) != 1:
                break
            lowered, out[i], changed = matches[0], matches[0], True
        words = words[lowered]
    if len(out) == 3 and out[0] == "interface" and out[2][:1].isdigit():
        # "int tunnel 0", "int gi 0/1": the interface is named in one word.
        out[1:] = [out[1] + out[2]]
        changed = True
    return " ".join(out) if changed else typed


# Commands that only the top level takes: typed in a submode, they leave it
# ("R1(config-if)#int tunnel 0", "fw(config-if)#crypto map CM 10 set peer ...").
# A crypto map named alone is an interface's, "ip vrf forwarding" and "ip nat
# inside" are too.
_TOP_LEVEL = re.compile(
    r"(?i)(?:int(?:e(?:r(?:f(?:a(?:c(?:e)?)?)?)?)?)?|router|hostname|line|username|"
    r"access-list|access-group|route|object|object-group|tunnel-group|group-policy|"
    r"policy-map|class-map|route-map|isakmp|sysopt|same-security-traffic|aaa|ntp|"
    r"logging|snmp-server|key chain|vrf definition|"
    r"ip (?:access-list|route|vrf \S+$|domain-name|name-server|sla)|"
    r"crypto (?!map \S+\s*$))(?:\s|$)"
)


def _abbreviates(word: str, verbs) -> bool:
    """Whether ``word`` is one of ``verbs`` or, two letters or more, the start of
    one ("sh" for show, "ex" for exit)."""
    return word in verbs or (
        len(word) >= 2 and any(verb.startswith(word) for verb in verbs)
    )


def owners(command: str | None) -> list:
    """The parser modules that own ``command``: those whose longest command it
    matches (several when they tie), none when no parser names it."""
    if not command:
        return []
    best: list = []
    best_len = 0
    for module in parsers.REGISTRY:
        for full in getattr(module, "COMMANDS", ()):
            if command_matches(command, full):
                n = len(full.split())
                if n > best_len:
                    best, best_len = [module], n
                elif n == best_len and module not in best:
                    best.append(module)
    return best
