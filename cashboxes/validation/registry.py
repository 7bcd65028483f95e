"""The registry of validation rules: each rule is a pure function of an Estate, registered
with a code, a severity and a country (None: every country).

RULES keeps the order in which the rule modules register (cashboxes.validation imports them
in a fixed order): a rule's findings come in that order wherever findings are not sorted.
"""

from dataclasses import dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
RANK = {ERROR: 0, WARNING: 1, INFO: 2}  # how findings sort: errors first


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    country: str | None  # None: every country
    title: str  # what the rule checks, for a legend (lazy translation)
    check: object  # estate -> iterable of findings (without code and severity)

    def as_dict(self):
        return {"code": self.code, "severity": self.severity, "country": self.country, "title": str(self.title)}


RULES = []


def rule(code, severity, country=None, title=""):
    def register(function):
        RULES.append(Rule(code, severity, country, title, function))
        return function

    return register


def describe_rules():
    """The rules as plain data (code, severity, country, title), for a legend or the docs."""
    return [item.as_dict() for item in RULES]
