"""`check()`: run one configuration through the ported launcher and middleware rules."""

import uuid

from . import android, countries, document, middleware, scus
from . import launcher as launcher20
from .core import LAUNCHERS, ConformanceError, Findings
from .dotnet import parse_guid


def check(configuration, *, launcher, cashbox_id=None, access_token=None, client=None):
    """Every way the given launcher and the middleware would reject or ignore `configuration`.

    configuration: the JSON text (str/bytes) served to the launcher, or the parsed dict.
    launcher: "2.0" (Launcher 2.0: decrypts, hosts grpc/rest/SOAP, loads 2.0 packages), "android"
      (the Android launcher) or "1.x" (the old .NET launcher: hosts net.pipe, loads 1.x helpers,
      decrypts nothing; its source is not public, so only the shared deserialization and the
      middleware's own rules apply to it).
    cashbox_id: the CashBox id the launcher is configured with (the AES IV); defaults to ftCashBoxId.
    access_token: the CashBox access token the launcher holds (required for "2.0").
    client: the LauncherClient whose public key the configuration server encrypted for ("2.0").

    Returns a list of `Violation`s, empty when the middleware would accept the configuration.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(f"launcher must be one of {LAUNCHERS}, not {launcher!r}")
    findings = Findings()
    raw = document.parse(configuration, findings)
    if raw is None:
        return findings.items
    doc = document.read(raw, findings, extra_root_keys=("launcher",) if launcher == "2.0" else ())
    if cashbox_id is not None and not isinstance(cashbox_id, uuid.UUID):
        cashbox_id = parse_guid(str(cashbox_id))

    failed = frozenset()
    if launcher == "2.0":
        result = launcher20.check(doc, findings, cashbox_id=cashbox_id, access_token=access_token, client=client)
        configurations = {
            p.path: launcher20.effective_configuration(p, result) for p in doc.packages if p.configuration is not None
        }
        failed = frozenset(result.failed)
    else:
        if launcher == "android":
            android.check_packages(doc, findings)
        configurations = {p.path: dict(p.configuration) for p in doc.packages if p.configuration is not None}

    views = middleware.check(doc, findings, launcher=launcher, configurations=configurations, failed=failed)
    countries.check(doc, views, findings, launcher=launcher)
    scus.check(doc, findings, launcher=launcher, configurations=configurations)
    if launcher == "android":
        android.check_queues(doc, views, findings)
    return findings.items


def check_or_raise(configuration, **kwargs):
    """`check()`, raising ConformanceError (listing every violation) unless the result is empty."""
    violations = check(configuration, **kwargs)
    if violations:
        raise ConformanceError(violations)
    return violations
