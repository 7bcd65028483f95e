"""The queue side: what a queue package (fiskaltrust.Middleware.Queue.SQLite/MySQL/EF/InMemory/
AzureTableStorage) does with its Configuration when it starts.

Ported from QueueBootstrapper.cs and LocalizedQueueBootStrapperFactory.cs (init_ftQueue, country),
BaseStorageBootStrapper.cs (every init_* record, re-parsed from `value.ToString()` with
`JsonConvert.DeserializeObject<T>`), the storage bootstrappers (connection strings) and the
localization configurations (queue keys). Country-specific SCU checks live in countries.py.
"""

import json
from dataclasses import dataclass, field

from .core import join
from .crypto import DecryptError, storage_decrypt
from .dotnet import from_base64, guid_bytes, parse_guid
from .keys import ANDROID_QUEUE_KEYS, LAUNCHER_INJECTED, QUEUE_PACKAGES, find, keys_for, value_error
from .newtonsoft import Sink, validate
from .records import COUNTRY_RECORDS, INIT_KEYS, SCU_ID_FIELD
from .sources import (
    A_SQLITE_PROVIDER,
    M_BASE_STORAGE,
    M_LOCALIZED_FACTORY,
    M_QUEUE_BOOTSTRAPPER,
    M_STORAGE_ENCRYPTION,
    MIDDLEWARE,
    cite,
)

COUNTRIES = ("AT", "DE", "FR", "IT", "ME")  # LocalizedQueueBootStrapperFactory's switch (case-sensitive)
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
_MYSQL = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Storage.MySQL/MySQLBootstrapper.cs")
_EF = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Storage.EF/EfStorageBootstrapper.cs")
_AZURE = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Storage.AzureTableStorage/AzureTableStorageBootstrapper.cs")
_CONNECTION_SOURCES = {
    "fiskaltrust.Middleware.Queue.MySQL": _MYSQL,
    "fiskaltrust.Middleware.Queue.EF": _EF,
    "fiskaltrust.Middleware.Queue.AzureTableStorage": _AZURE,
}
_REQUIRES_CONNECTION = ("fiskaltrust.Middleware.Queue.MySQL", "fiskaltrust.Middleware.Queue.EF")
_L = "queue/src/fiskaltrust.Middleware.Localization."
_SCU_USERS = {  # where each localization reads the SCU record its queue record points at
    "DE": cite(MIDDLEWARE, _L + "QueueDE/Services/DESSCDProvider.cs"),
    "FR": cite(MIDDLEWARE, _L + "QueueFR/SignProcessorFR.cs"),
    "IT": cite(MIDDLEWARE, _L + "QueueIT/ITSSCDProvider.cs"),
}


@dataclass
class QueueView:
    """One started queue as the middleware sees it; shared with countries.py."""

    package: object
    config: dict
    storage: str
    records: dict = field(default_factory=dict)  # init key -> parsed value (only keys that parsed cleanly)
    own: dict | None = None  # this queue's init_ftQueue entry
    country: str | None = None
    failed: frozenset = frozenset()  # (package path, key) Launcher 2.0 could not decrypt

    def path(self, key):
        return join(self.package.path, f"Configuration.{key}")

    def country_record(self):
        """This queue's init_ftQueueXX entry (ftQueueXXId == queue Id), or None."""
        if self.country not in COUNTRY_RECORDS:
            return None, None
        key, id_field, _, _ = COUNTRY_RECORDS[self.country]
        for index, entry in enumerate(self.records.get(key) or []):
            if _guid(entry.get(id_field)) == self.package.id:
                return index, entry
        return None, None


def check(document, findings, *, launcher, configurations, failed=frozenset()):
    """Run the queue bootstrap rules for every queue; `configurations` maps package path -> the
    dictionary the package receives (after the launcher's decryption/stringification)."""
    views = []
    for package in document.of("queue"):
        storage = SQLITE if launcher == "android" else package.name
        if storage not in QUEUE_PACKAGES:
            continue  # no port of an unknown queue package
        config = configurations.get(package.path)
        if config is None:
            if launcher == "1.x":  # Launcher 2.0 and the Android launcher reported it already
                findings.add(
                    "configuration-null",
                    join(package.path, "Configuration"),
                    "missing or null: QueueBootstrapper calls ContainsKey on it and throws NullReferenceException",
                    M_QUEUE_BOOTSTRAPPER,
                )
            continue
        view = QueueView(package, config, storage, failed=frozenset(failed))
        _records(view, findings, launcher)
        _bootstrap(view, document, findings)
        _links(view, document, findings)
        _connection_string(view, findings, launcher)
        _keys(view, findings, launcher)
        views.append(view)
    return views


def _guid(value):
    try:
        return parse_guid(value) if isinstance(value, str) else None
    except ValueError:
        return None


# ------------------------------------------------------------------ init_* records


def _records(view, findings, launcher):
    """BaseStorageBootStrapper.ParseParameter: `JsonConvert.DeserializeObject<T>(config[key].ToString())`."""
    for key, net_type in INIT_KEYS.items():
        if key not in view.config:
            continue
        value = view.config[key]
        where = view.path(key)
        if value is None:
            if launcher != "2.0":
                findings.add("init-record", where, "null: `config[key].ToString()` throws NullReferenceException", M_BASE_STORAGE)
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        if text.strip() == "":
            parsed = None  # DeserializeObject("") returns null
        else:
            try:
                parsed = json.loads(text, parse_constant=_no_constant)
            except ValueError as error:
                findings.add(
                    "init-record",
                    where,
                    f"not JSON ({error}): JsonConvert.DeserializeObject throws and the queue does not start",
                    M_BASE_STORAGE,
                )
                continue
        sink = Sink()
        validate(parsed, net_type, where, sink)
        for path, message in sink.errors:
            findings.add(
                "init-record", path, f"{message}: the storage bootstrapper throws and the queue does not start", M_BASE_STORAGE
            )
        for path, message in sink.unread:
            findings.add("unread-field", path, message, M_BASE_STORAGE)
        if not sink.errors:
            view.records[key] = parsed


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _bootstrap(view, document, findings):
    package = view.package
    if "init_ftQueue" not in view.config:
        findings.add(
            "init-ftqueue",
            view.path("init_ftQueue"),
            "missing (the key is matched case-sensitively): QueueBootstrapper throws "
            "\"Configuration must contain 'init_ftQueue' parameter.\"",
            M_QUEUE_BOOTSTRAPPER,
        )
    elif "init_ftQueue" in view.records:
        for entry in view.records["init_ftQueue"] or []:
            if _guid(entry.get("ftQueueId")) == package.id:
                view.own = entry
                break
        else:
            findings.add(
                "init-ftqueue",
                view.path("init_ftQueue"),
                f"no entry with ftQueueId = {package.id}: GetQueueCashbox/GetQueueLocalization call "
                "FirstOrDefault().ftCashBoxId on null and throw NullReferenceException",
                M_QUEUE_BOOTSTRAPPER,
            )
    if view.own is not None:
        country = view.own.get("CountryCode")
        if country in COUNTRIES:
            view.country = country
        else:
            findings.add(
                "country-code",
                view.path("init_ftQueue"),
                f'CountryCode {country!r}: LocalizedQueueBootStrapperFactory throws "Unkown country code" '
                f"(exactly one of {', '.join(COUNTRIES)})",
                M_LOCALIZED_FACTORY,
            )
    if view.config.get("init_ftCashBox") in (None, "") and "init_ftCashBox" not in view.records:
        findings.add(
            "init-ftcashbox",
            view.path("init_ftCashBox"),
            "missing or empty: PersistConfigurationAsync reads config.CashBox.ftCashBoxId and throws NullReferenceException",
            M_BASE_STORAGE,
        )
    elif view.records.get("init_ftCashBox") is None and "init_ftCashBox" in view.records:
        findings.add(
            "init-ftcashbox",
            view.path("init_ftCashBox"),
            "null: PersistConfigurationAsync reads config.CashBox.ftCashBoxId and throws NullReferenceException",
            M_BASE_STORAGE,
        )


def _links(view, document, findings):
    """The invariants the bootstrapper and the localizations rely on (ids point at this queue/CashBox)."""
    queue_id, cashbox_id = view.package.id, document.cashbox_id
    for index, entry in enumerate(view.records.get("init_ftQueue") or []):
        where = join(view.path("init_ftQueue"), index)
        if _guid(entry.get("ftQueueId")) != queue_id:
            findings.add(
                "record-link",
                join(where, "ftQueueId"),
                f"{entry.get('ftQueueId')} is not this queue ({queue_id}): the bootstrapper inserts it into this "
                "queue's database as a second queue",
                M_BASE_STORAGE,
            )
        elif cashbox_id and _guid(entry.get("ftCashBoxId")) != cashbox_id:
            findings.add(
                "record-link",
                join(where, "ftCashBoxId"),
                f"{entry.get('ftCashBoxId')} is not the CashBox {cashbox_id}: the queue reports receipts for another CashBox",
                M_QUEUE_BOOTSTRAPPER,
            )
    cashbox = view.records.get("init_ftCashBox")
    if isinstance(cashbox, dict) and cashbox_id and _guid(cashbox.get("ftCashBoxId")) != cashbox_id:
        findings.add(
            "record-link",
            join(view.path("init_ftCashBox"), "ftCashBoxId"),
            f"{cashbox.get('ftCashBoxId')} is not the CashBox {cashbox_id}",
            M_BASE_STORAGE,
        )
    for country, (key, id_field, _, _) in COUNTRY_RECORDS.items():
        for index, entry in enumerate(view.records.get(key) or []):
            if _guid(entry.get(id_field)) != queue_id:
                findings.add(
                    "record-link",
                    join(join(view.path(key), index), id_field),
                    f"{entry.get(id_field)} is not this queue ({queue_id}): the {country} localization looks up "
                    f"{key[5:]} by the queue id",
                    M_BASE_STORAGE,
                )
    if view.country not in COUNTRY_RECORDS:
        return
    key, id_field, scu_key, ref_field = COUNTRY_RECORDS[view.country]
    index, own = view.country_record()
    if own is None:
        if key not in view.config or key in view.records:  # a broken record was reported as init-record
            findings.add(
                "country-record",
                view.path(key),
                f"no {key[5:]} with {id_field} = {queue_id}: the {view.country} localization reads "
                f"Get{key[5:]}Async(queueId), gets null and throws NullReferenceException",
                M_BASE_STORAGE,
            )
        return
    if scu_key not in view.records and scu_key in view.config:
        return  # broken SCU records: reported as init-record
    scus = view.records.get(scu_key) or []
    ids = {_guid(s.get(SCU_ID_FIELD[scu_key])) for s in scus}
    if ref_field is None:  # AT: every SCU of the queue's own database with (Mode & 0xFF) < 99 is used
        if not any(isinstance(s.get("Mode", 0), int) and (s.get("Mode", 0) & 0xFF) < 99 for s in scus):
            findings.add(
                "scu-reference",
                view.path(scu_key),
                "no active SCU ((Mode & 0xFF) < 99): ATSSCDProvider connects none and the queue cannot sign "
                "(the bootstrapper also deactivates database SCUs missing from this list)",
                cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Localization.QueueAT/Services/ATSSCDProvider.cs"),
            )
        return
    reference = _guid(own.get(ref_field)) if own.get(ref_field) not in (None, "") else None
    where = join(join(view.path(key), index), ref_field)
    if reference is None:
        message = (
            "missing: Newtonsoft leaves Guid.Empty, GetSignaturCreationUnitFRAsync finds nothing and signing throws"
            if view.country == "FR"
            else "no SCU assigned: the provider leaves its client null and every receipt that needs the SCU fails"
        )
        findings.add("scu-reference", where, message, _SCU_USERS[view.country])
    elif reference not in ids:
        findings.add(
            "scu-reference",
            where,
            f"SCU {reference} is not in {scu_key}: GetSignaturCreationUnit{view.country}Async returns null and the "
            "queue throws NullReferenceException when it reaches for the SCU (a new installation has no other copy)",
            _SCU_USERS[view.country],
        )


# ------------------------------------------------------------------ connection strings


def _connection_string(view, findings, launcher):
    """MySQLBootstrapper/EfStorageBootstrapper/AzureTableStorageBootstrapper: `raw:` values are used
    as they are (Launcher 2.0 adds the prefix after decrypting); anything else is decrypted with
    fiskaltrust.storage.encryption, key = the queue id's ToByteArray()."""
    source = _CONNECTION_SOURCES.get(view.storage)
    if source is None:
        return
    # Newtonsoft maps every case variant to ConnectionString; the last one in the document wins.
    matches = [k for k in view.config if k.lower() == "connectionstring"]
    key = matches[-1] if matches else None
    value = view.config.get(key) if key else None
    if value in (None, ""):
        if view.storage in _REQUIRES_CONNECTION:
            findings.add(
                "connectionstring",
                view.path("connectionstring"),
                'missing or empty: the storage bootstrapper throws "Database connectionstring not defined"',
                source,
            )
        return
    where = view.path(key)
    if (view.package.path, key) in view.failed:
        return
    if not isinstance(value, str):
        return  # key-type
    if value.startswith("raw:"):
        plain = value[4:]
    else:
        try:
            plain = storage_decrypt(from_base64(value), guid_bytes(view.package.id)).decode("utf-8")
        except (ValueError, DecryptError, UnicodeDecodeError) as error:
            findings.add(
                "connectionstring",
                where,
                f"not 'raw:…' and not encrypted for this queue ({error}): Encryption.Decrypt(…, queueId.ToByteArray()) "
                "throws" + (" — this launcher does not decrypt configuration values" if launcher != "2.0" else ""),
                M_STORAGE_ENCRYPTION,
            )
            return
    error = connection_string_error(plain)
    if error:
        findings.add(
            "connectionstring", where, f"the connection string {error}: the database connection cannot be opened", source
        )


def connection_string_error(text):
    """DbConnectionStringBuilder's grammar: `key=value;` pairs, values optionally quoted."""
    if not text.strip():
        return "is empty"
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " ;\t\r\n":
            i += 1
        if i >= n:
            break
        eq = text.find("=", i)
        semi = text.find(";", i)
        if eq == -1 or (semi != -1 and semi < eq):
            return f"has a part without '=' near {text[i : i + 20]!r}"
        if not text[i:eq].strip():
            return "has an empty key"
        i = eq + 1
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] in "'\"":
            quote, i = text[i], i + 1
            while True:
                end = text.find(quote, i)
                if end == -1:
                    return "has an unterminated quoted value"
                if end + 1 < n and text[end + 1] == quote:
                    i = end + 2
                    continue
                i = end + 1
                break
            while i < n and text[i] == " ":
                i += 1
            if i < n and text[i] != ";":
                return "has text after a quoted value"
        else:
            end = text.find(";", i)
            i = n if end == -1 else end
    return None


# ------------------------------------------------------------------ queue keys


def _keys(view, findings, launcher):
    keys = keys_for(view.storage, view.country)
    if launcher == "android":
        keys = (*keys, *ANDROID_QUEUE_KEYS)
    for key, value in view.config.items():
        where = view.path(key)
        spec = find(keys, key)
        if spec is None:
            if key in LAUNCHER_INJECTED:
                continue
            if key.lower().endswith("_encrypted"):
                message = "Launcher 2.0 decrypts keys ending in _encrypted, but no queue package at this commit reads one"
            elif key.lower() == "connectionstring":
                message = f"{view.storage} keeps its data in SQLite/memory and never reads a connection string"
                if launcher == "android":
                    message = "the Android launcher runs every queue as fiskaltrust.Middleware.Queue.SQLite: " + message
            elif key in INIT_KEYS or key.lower() in {k.lower() for k in INIT_KEYS}:
                message = "init_* keys are matched case-sensitively by ContainsKey: this spelling is never read"
            else:
                message = f"{view.storage} ({view.country or 'any country'}) does not read this key"
            findings.add("unread-key", where, message, spec_source(view))
            continue
        if spec.name in INIT_KEYS or (view.package.path, key) in view.failed:
            continue  # records are checked by _records; undecryptable values by the launcher pass
        if value is None:
            if launcher != "2.0" and spec.how in ("exact", "TryParse") and spec.name != "EnableWAL":
                findings.add("key-type", where, "null: the queue reads it with value.ToString() and throws", spec.source)
            if spec.how == "newtonsoft" and not spec.type.nullable:
                findings.add("key-type", where, f"null for {spec.type.name}: Newtonsoft throws", spec.source)
            continue
        problem = value_error(spec, value)
        if problem:
            findings.add("key-type", where, problem[0], spec.source)


def spec_source(view):
    if view.storage == SQLITE and view.package.name != SQLITE:
        return A_SQLITE_PROVIDER
    return M_QUEUE_BOOTSTRAPPER
