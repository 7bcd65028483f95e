"""Violation records and the collector the rule modules write into."""

from dataclasses import dataclass, field

LAUNCHERS = ("2.0", "android", "1.x")

# Every rule id `check()` can report, with the upstream behaviour it stands for.
RULES = {
    "config-json": "the document is not a JSON object (every launcher)",
    "config-type": "Newtonsoft cannot read a root/package field into ftCashBoxConfiguration/PackageConfiguration",
    "config-null": "ftQueues or ftSignaturCreationDevices is null (Launcher 2.0 iterates them)",
    "cashbox-id": "ftCashBoxId missing or not a GUID",
    "package-id": "a package Id missing or empty",
    "unread-field": "a field the target class does not have: silently dropped",
    "launcher-object": "the 'launcher' settings object is rejected by System.Text.Json (Launcher 2.0 exits 1)",
    "access-token": "the access token is not base64 of a P-256 point (Launcher 2.0 exits 1)",
    "access-token-prefix": "the token's first byte is not 0x04 (ignored by Encryption.cs; not an SEC1 point)",
    "decrypt": "a value Launcher 2.0 decrypts does not decrypt with the launcher's key (exits 1)",
    "helpers-null": "helpers missing/null: Launcher 2.0 stops after starting SCUs and queues",
    "duplicate-id": "two packages share an Id (Launcher 2.0 stops)",
    "configuration-null": "a package Configuration missing/null",
    "config-value-null": "a Configuration value is null (Launcher 2.0 calls ToString on it)",
    "package-name": "Package empty",
    "legacy-package": "a 1.x package (fiskaltrust.service.*) on Launcher 2.0",
    "package-version": "Version empty, 'latest' or a range: Launcher 2.0 caches by the literal string",
    "url-missing": "Url null (Launcher 2.0 reads Url.Length)",
    "url-invalid": "a package URL `new Uri` rejects",
    "hosting-scheme": "a URL scheme Launcher 2.0 cannot host",
    "hosting-port": "a grpc/rest URL without port (ListenAnyIP(-1))",
    "no-host": "no URL of a package can be hosted by Launcher 2.0 (net.pipe only)",
    "port-conflict": "two URLs hosted on one port",
    "init-record": "an init_* value the storage bootstrapper cannot deserialize",
    "init-ftqueue": "init_ftQueue missing or without this queue",
    "init-ftcashbox": "init_ftCashBox missing or null",
    "country-code": "CountryCode has no localization",
    "record-link": "a record id that does not point at this queue/CashBox",
    "country-record": "no init_ftQueueXX record for this queue",
    "scu-reference": "the queue's SCU is not assigned or not among the SCU records (AT: no active SCU)",
    "scu-url": "an SCU record Url the queue cannot turn into a client",
    "connectionstring": "a storage connection string that is missing, undecryptable or malformed",
    "de-client-id": "CashBoxIdentification empty or over 30 bytes (TSE client id)",
    "de-client-id-charset": "CashBoxIdentification not a printable string (fiskaltrust docs)",
    "de-scu-switch": "a SwitchSource SCU without a matching SwitchTarget",
    "at-encryption-key": "EncryptionKeyBase64 not an AES key",
    "fr-private-key": "the FR SCU record's PrivateKey cannot be imported for signing",
    "fr-certificate": "the FR SCU record's certificate or serial number is unusable",
    "it-cashbox-identification": "an RT-server till id that is not 8 characters",
    "scu-setting": "an SCU setting without which the SCU cannot start",
    "key-type": "a Configuration value of a type the package rejects (or silently ignores)",
    "unread-key": "a Configuration key the package never reads",
    "android-scu-package": "an SCU package the Android launcher cannot start",
    "android-queue-package": "a queue package other than SQLite (Android runs every queue as SQLite)",
    "android-helper": "a helper (the Android launcher never starts helpers)",
    "android-url": "a URL the Android launcher cannot use",
    "android-queue-missing": "no queue (the Android Helipad helper needs one)",
    "android-scu-url": "a German queue's SCU URL matches no SCU package (Android looks it up by URL)",
    "android-it-scu": "an Italian queue without an Italian SCU package on Android",
    "android-country": "an Austrian queue on Android (no AT client factory)",
}


@dataclass(frozen=True)
class Violation:
    """One thing the real launcher or middleware would reject or silently ignore.

    `rule` is a stable id (tests match on it), `path` points into the configuration
    (`ftQueues[0].Configuration.init_ftQueue[0].ftQueueId`), `message` says what happens upstream,
    `source` cites the upstream file (`owner/repo@commit:path`) the rule was ported from.
    """

    rule: str
    path: str
    message: str
    source: str

    def __str__(self):
        return f"[{self.rule}] {self.path}: {self.message} ({self.source})"


class ConformanceError(AssertionError):
    """Raised by `check_or_raise`; `violations` holds every finding, the message lists them."""

    def __init__(self, violations):
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} conformance violation(s):\n{lines}")


@dataclass
class Findings:
    """Collects violations; rule modules call `add` and never raise."""

    items: list = field(default_factory=list)

    def add(self, rule, path, message, source):
        assert rule in RULES, f"unregistered rule id {rule!r}"
        self.items.append(Violation(rule, path, message, source))

    def extend(self, violations):
        self.items.extend(violations)


def join(path, key):
    """Extend a path with a dict key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)
