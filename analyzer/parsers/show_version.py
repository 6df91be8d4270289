"""Placeholder until this parser is written."""

COMMANDS = ()


def parse(section):
    return []
