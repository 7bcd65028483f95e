"""A conformance suite for the CashBox configurations the portal produces.

A pure-Python port of what fiskaltrust's launchers (Launcher 2.0, the Android launcher) and the
middleware's queue and SCU bootstrappers do with an `ftCashBoxConfiguration`, so tests can run
every generated configuration through it. Each rule cites the upstream file and commit it ports
(see sources.py); `Violation.source` carries that citation.

    violations = check(configuration, launcher="2.0", access_token=token, client=LauncherClient())
"""

from .check import check, check_or_raise
from .core import RULES, ConformanceError, Violation
from .crypto import (
    LauncherClient,
    access_token_for,
    encrypt_for,
    fr_private_key_value,
    legacy_connection_string,
    parse_access_token,
)
from .keys import known_packages, read_keys

__all__ = [
    "RULES",
    "ConformanceError",
    "LauncherClient",
    "Violation",
    "access_token_for",
    "check",
    "check_or_raise",
    "encrypt_for",
    "fr_private_key_value",
    "known_packages",
    "legacy_connection_string",
    "parse_access_token",
    "read_keys",
]
