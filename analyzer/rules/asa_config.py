"""Placeholder until these rules are written."""


def check(report):
    return []
