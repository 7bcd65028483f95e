"""Validation of a configuration: coded rules over a loaded snapshot (issue 5, brief sections 2 and 4).

The write rules (cashboxes.rules, the models' clean()) keep each saved object sound. What they
cannot see is checked here: rules across objects (client limits, fair use, URLs between machines),
country rules, states that became wrong after a later change (a platform, a host name, a SIRET,
the catalog), and advice (warnings and infos).

- `load(scope)` reads a CashBox, an outlet, an operator or all operators a dealer actively looks
  after into a snapshot of plain data, in a fixed number of queries whatever the size. It holds
  the names of the secrets that are set, never their values.
- The rules are pure functions of a snapshot, registered in RULES with a code, a severity and a
  country (None: all). Each yields findings about one object; messages and hints are rendered in
  the active language.
- `validate(scope)` = load + `validate_snapshot(snapshot)`: `{"findings": [...], "summary": {...}}`.
- `has_errors(cashbox)`: a package cannot be built while it is True.

Callers apply the tenancy gate before (a user validates what they may see); a dealer's scope is
the operators with an active link to it, so another dealer's operators are never loaded.

The package: registry (Rule, RULES, rule(), severities), loader (load, scopes), estate (the
snapshot's indexes), the rules by area (common, germany, austria, france, italy; middleware: what
the launchers and the middleware read), and here the runner.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from cashboxes.validation.estate import Estate
from cashboxes.validation.loader import RETIRED, Operators, cashboxes_in, load
from cashboxes.validation.registry import ERROR, INFO, RULES, SEVERITIES, WARNING, Rule, describe_rules, rule

# The rule modules register their rules when imported, in this order: RULES keeps it (the
# legend, errors_by_cashbox and findings that sort alike follow it).
# isort: off
from cashboxes.validation import common, germany, austria, france, italy, middleware  # noqa: F401
from cashboxes.validation.italy import EPSON_RT_SERVER
# isort: on

__all__ = [
    "EPSON_RT_SERVER",
    "ERROR",
    "INFO",
    "RETIRED",
    "RULES",
    "SEVERITIES",
    "WARNING",
    "Estate",
    "Operators",
    "Rule",
    "cashboxes_in",
    "describe_rules",
    "errors_by_cashbox",
    "has_errors",
    "load",
    "rule",
    "validate",
    "validate_snapshot",
]


class _Progress:
    def __init__(self, callback, low=0, high=100):
        self.callback, self.low, self.high = callback, low, high

    def __call__(self, fraction, message):
        if self.callback is not None:
            self.callback(int(self.low + (self.high - self.low) * fraction), message)


def _run(snapshot, progress, severities=None):
    estate = Estate(snapshot)
    selected = [
        item
        for item in RULES
        if (severities is None or item.severity in severities) and (item.country is None or item.country in estate.countries)
    ]
    findings = []
    for index, item in enumerate(selected):
        progress(index / max(len(selected), 1), _("Checking %(code)s") % {"code": item.code})
        for finding in item.check(estate):
            if estate.focus and estate.focus not in finding["_related"]:
                continue
            finding["code"], finding["severity"] = item.code, item.severity
            findings.append(finding)
    findings.sort(key=estate.sort_key)
    return [
        {
            "code": f["code"],
            "severity": f["severity"],
            "message": f["message"],
            "hint": f["hint"],
            "object": f["object"],
        }
        for f in findings
    ]


def _report(findings):
    summary = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        summary[finding["severity"]] += 1
    return {"findings": findings, "summary": summary}


def validate_snapshot(snapshot, progress=None):
    """The findings of every rule on a snapshot (pure). `progress(percent, message)` is called
    as the rules run."""
    findings = _run(snapshot, _Progress(progress, 0, 99))
    result = _report(findings)
    if progress is not None:
        progress(100, _("Done"))
    return result


def validate(scope, progress=None):
    """Load the scope (CashBox, outlet, operator Organization or a dealer's Operators) and validate it:
    {"findings": [{"code", "severity", "message", "hint", "object"}], "summary": {severity: n}},
    sorted by machine, then severity."""
    if progress is not None:
        progress(0, _("Loading the configuration"))
    snapshot = load(scope)
    findings = _run(snapshot, _Progress(progress, 20, 99))
    result = _report(findings)
    if progress is not None:
        progress(100, _("Done"))
    return result


def errors_by_cashbox(scope):
    """{CashBox id: [its error findings]} for every CashBox of the scope that has any: one
    validation for many packages (an outlet's bundle)."""
    snapshot = load(scope)
    estate = Estate(snapshot)
    found = defaultdict(list)
    for item in RULES:
        if item.severity != ERROR or (item.country is not None and item.country not in estate.countries):
            continue
        for finding in item.check(estate):
            for cashbox_id in finding["_related"]:
                if not estate.focus or cashbox_id == estate.focus:
                    found[cashbox_id].append(
                        {
                            "code": item.code,
                            "severity": item.severity,
                            "message": finding["message"],
                            "hint": finding["hint"],
                            "object": finding["object"],
                        }
                    )
    return dict(found)


def has_errors(cashbox):
    """True while the CashBox has error findings: its package cannot be built."""
    return bool(_run(load(cashbox), _Progress(None), severities={ERROR}))
