"""The rules, one module per family of problems.

Each module is pure Python (no Django) and provides ``check(report) -> list[Finding]``,
reading ``report.sources`` (all outputs found in the paste, so checks can cross
outputs: packet-tracer with the asp table with the IPsec SAs). Every finding names
its article section from analyzer.links, whose every entry exists in kb/content
(a test walks them all).
"""

from importlib import import_module

from analyzer import registry

# In the order analyzer.registry gives.
REGISTRY = tuple(
    import_module(f"analyzer.rules.{name}") for name in registry.RULE_ORDER
)
