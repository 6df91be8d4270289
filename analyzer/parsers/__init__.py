"""The parsers, one module per kind of output.

Each module is pure Python (no Django) and provides:

- ``COMMANDS``: the full commands whose output it reads ("show crypto isakmp sa").
  The engine routes a section whose echoed command matches (abbreviations included)
  to the modules owning the longest matching command.
- ``parse(section) -> list[Source]``: read what it recognises in the section and
  return one Source per output found (an empty list when nothing is its own). It
  must return on any text, without raising, in time linear in the input.
"""

from importlib import import_module

from analyzer import registry

# In the order analyzer.registry gives.
REGISTRY = tuple(
    import_module(f"analyzer.parsers.{name}") for name in registry.PARSER_ORDER
)
