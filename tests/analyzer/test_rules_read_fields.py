"""No rule module reads raw text: rules decide on the paste model and the fields
the parsers name, never on the device's words again.

A fact a rule needs from a line is a field of the parser that owns the line
(``cause`` of an IKE error, ``esmtp_drop`` of a syslog message, ``reason`` of a
refused command). The device's words reach a rule only to be quoted: verbatim in
an f-string, or through ``analyzer.report.quote``. This walks the syntax of every
module under analyzer/rules and fails on a regular expression or on any other use
of a raw text field.
"""

import ast
from pathlib import Path

import pytest

import analyzer.rules

RULES = Path(analyzer.rules.__file__).parent

# Record fields that hold the device's words as printed: syslog and IKE error
# ``text``, a refusal's or an SMTP check's ``message``, a syslog message's
# continuation lines (``more``), packet-tracer's ``config`` and ``info`` lines.
RAW_FIELDS = {"text", "message", "more", "info", "config"}
PATTERN_MODULES = {"re", "regex", "fnmatch"}
# Methods of compiled patterns (str has none of these names).
PATTERN_METHODS = {"match", "fullmatch", "search", "finditer", "findall", "subn"}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {
        child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
    }


def _raw_field(node: ast.AST) -> str | None:
    """The raw field ``node`` reads (``x["text"]``, ``x.get("text", "")``), else None."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key = node.slice.value
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        key = node.args[0].value
    else:
        return None
    return key if key in RAW_FIELDS else None


def _is_test(node: ast.AST, parents: dict) -> bool:
    """Whether ``node`` is only tested for being there (truth or None)."""
    parent = parents.get(node)
    if isinstance(parent, ast.If | ast.While | ast.Assert | ast.IfExp):
        return parent.test is node
    if isinstance(parent, ast.comprehension):
        return node in parent.ifs
    if isinstance(parent, ast.BoolOp) or (
        isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    ):
        return _is_test(parent, parents)
    if isinstance(parent, ast.Compare):
        return (
            parent.left is node
            and all(isinstance(op, ast.Is | ast.IsNot) for op in parent.ops)
            and all(
                isinstance(c, ast.Constant) and c.value is None
                for c in parent.comparators
            )
        )
    return False


def _quoted(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.FormattedValue):
        return parent.value is node
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
        func = parent.func
        name = func.attr if isinstance(func, ast.Attribute) else None
        name = func.id if isinstance(func, ast.Name) else name
        return name == "quote"
    return False


def problems(source: str, name: str = "<rule>") -> list[str]:
    """Every regular expression and every raw text read in ``source`` that is not
    a quotation or a test of presence, as "module:line: what"."""
    tree = ast.parse(source)
    parents = _parents(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PATTERN_MODULES:
                    found.append(f"{where}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in PATTERN_MODULES:
                found.append(f"{where}: imports from {node.module}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in PATTERN_METHODS
        ):
            found.append(f"{where}: pattern matching (.{node.func.attr})")
        field = _raw_field(node)
        if field and not (_quoted(node, parents) or _is_test(node, parents)):
            found.append(f"{where}: reads the raw text field {field!r}")
    return found


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda p: p.name)
def test_no_rule_module_reads_raw_text(path):
    assert problems(path.read_text(encoding="utf-8"), path.name) == []


# What the rules used to do, each of which the check must refuse.
OFFENDING = {
    "a pattern module": "import re\n",
    "a pattern imported by name": "from re import compile\n",
    "a pattern from a parser": "def f(e):\n    return _DECLARED.search(e['x'])\n",
    "a substring of the text": (
        "def f(record):\n    return 'ESMTP' in record.get('text', '')\n"
    ),
    "the text kept for later": "def f(record):\n    text = record['text']\n",
    "the text joined": "def f(es):\n    return ' '.join(e['text'] for e in es)\n",
    "a method on the message": (
        "def f(r):\n    return r['message'].lower().startswith('incomplete')\n"
    ),
    "the message handed on": "def f(r):\n    return retry(r['message'])\n",
    "the lines of a phase walked": (
        "def f(phase):\n    for line in phase.get('config', []):\n        pass\n"
    ),
    "the text compared": "def f(r):\n    return r['text'] == 'x'\n",
}


@pytest.mark.parametrize("source", OFFENDING.values(), ids=OFFENDING.keys())
def test_the_check_refuses_what_the_rules_used_to_do(source):
    assert problems(source)


def test_the_check_lets_a_rule_quote_and_test_presence():
    source = (
        "from analyzer.report import quote\n"
        "def f(record, errors):\n"
        "    said = quote(errors[0]['text'], 200)\n"
        "    if record.get('message') and record.get('more') is not None:\n"
        '        return f\'The device answered "{record["message"]}"; {said}\'\n'
        "    return [e for e in errors if e.get('cause') == 'no_key']\n"
    )
    assert problems(source) == []
