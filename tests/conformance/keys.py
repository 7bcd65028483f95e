"""The Configuration keys each package really reads, with their .NET types and defaults.

SCU packages deserialize their whole Configuration dictionary into one class:
`JsonConvert.DeserializeObject<XConfiguration>(JsonConvert.SerializeObject(Configuration))`
(every `ScuBootstrapper.cs`). So keys match the class's property names case-insensitively
(Newtonsoft tries the exact name first, then OrdinalIgnoreCase), unknown keys are dropped
silently, and a value of the wrong type throws when the SCU starts.

Queue packages read keys in four ways, each ported with its own case handling:
- Newtonsoft classes (storage configurations, QueueDE/AT/ITConfiguration): case-insensitive;
- `Dictionary.ContainsKey/TryGetValue` (init_* keys, sandbox, servicefolder, EnableWAL, ...):
  case-sensitive, and a value `bool/long.TryParse` rejects is silently ignored;
- `k.Key.ToLower() == name` (EnableTarFileExport, TarFileExportMode, launcherenvironment);
- `bool.Parse(value.ToString())` for QueueDE's EnableTarFileExport: throws on anything but true/false.

Launcher 2.0 adds `cashboxid, accesstoken, useoffline, sandbox, configuration, servicefolder` (and
`proxy`) to every package's dictionary unless present (HostCommand.cs ProcessPackageConfiguration):
a portal value under one of these names overrides the launcher's. Its HostingService reads
`messagesize` and `timeout` (seconds) with `long.TryParse` from every package.
"""

import json
from dataclasses import dataclass

from .dotnet import INT64, bool_try_parse, int_try_parse, to_string
from .newtonsoft import (
    BOOL,
    BOOL_DICT,
    GUID,
    INT,
    LONG,
    STRING,
    UINT,
    Model,
    NetType,
    conversion_error,
    enum,
    nullable,
)
from .records import INIT_KEYS, OTHER_INIT_KEYS
from .sources import A_SQLITE_PROVIDER, L_HOSTING, MIDDLEWARE, cite


@dataclass(frozen=True)
class Key:
    """One key a package reads. `how`: newtonsoft | exact | lower | bool.Parse | TryParse | json."""

    name: str
    type: NetType
    default: object
    source: str
    how: str = "newtonsoft"

    def matches(self, key):
        if self.how in ("exact", "TryParse", "json"):
            return key == self.name
        return key.lower() == self.name.lower()


def _scu(package_dir, cls, fields, defaults, readonly=(), ignore_null=False, path=None):
    source = cite(MIDDLEWARE, path or f"{package_dir}/{cls}.cs")
    keys = tuple(Key(name, t, defaults.get(name), source) for name, t in fields.items() if name not in readonly)
    return {"model": Model(cls, fields, source, readonly, ignore_null), "keys": keys, "source": source}


S = STRING
DE = "scu-de/src/fiskaltrust.Middleware.SCU.DE."
AT = "scu-at/src/fiskaltrust.Middleware.SCU.AT."
IT = "scu-it/src/fiskaltrust.Middleware.SCU.IT."
INT_N, LONG_N = nullable(INT), nullable(LONG)

_DEUTSCHE_FISKAL_FIELDS = {
    "FccDirectory": S,
    "FccId": S,
    "FccSecret": S,
    "FccPort": INT_N,
    "ErsCode": S,
    "ActivationToken": S,
    "EnableTarFileExport": BOOL,
    "FccDownloadUri": S,
    "DontAddFccFirewallException": BOOL,
    "MaxFccDownloadTimeSec": INT,
    "ProcessTimeoutSec": INT,
    "FccUri": S,
    "CertificationId": S,
    "DisplayCertificationIdAddition": BOOL,
    "CertificationIdAddition": S,
    "ServiceFolder": S,
    "FccVersion": S,
    "ProxyServer": S,
    "ProxyPort": INT_N,
    "ProxyUsername": S,
    "ProxyPassword": S,
    "FccHeapMemory": INT_N,
    "FccRetry": INT,
    "FCCTimeoutSec": INT,
    "EnableFccMetrics": BOOL,
    "TypeOfSystem": S,
}
_DEUTSCHE_FISKAL_DEFAULTS = {
    "EnableTarFileExport": True,
    "DontAddFccFirewallException": False,
    "MaxFccDownloadTimeSec": 3600,
    "ProcessTimeoutSec": 300,
    "CertificationId": "BSI-K-TR-0524-2024",
    "DisplayCertificationIdAddition": True,
    "CertificationIdAddition": "USK ausgesetzt",
    "FccVersion": "4.4.0",
    "FccHeapMemory": None,  # no 256 default: the FCC's own JVM default applies
    "FccRetry": 8,
    "FCCTimeoutSec": 2,
    "EnableFccMetrics": False,
    "TypeOfSystem": "PC_POS",
}
_DF_PATH = "scu-de/src/fiskaltrust.Middleware.SCU.DE.DeutscheFiskal/DeutscheFiskalSCUConfiguration.cs"

SCU_PACKAGES = {
    "fiskaltrust.Middleware.SCU.DE.Swissbit": _scu(
        DE + "Swissbit",
        "SwissbitSCUConfiguration",
        {
            "DevicePath": S,
            "AdminPin": S,
            "TimeAdminPin": S,
            "EnableTarFileExport": BOOL,
            "TooLargeToExportThreshold": INT,
            "NativeLibArch": S,
            "StoreTemporaryExportFiles": BOOL,
            "ServiceFolder": S,
        },
        {
            "AdminPin": "12345",
            "TimeAdminPin": "98765",
            "EnableTarFileExport": True,
            "TooLargeToExportThreshold": 100 * 1024 * 1024,
            "StoreTemporaryExportFiles": False,
        },
    ),
    # SwissbitCloud's ScuBootstrapper deserializes into the DeutscheFiskal class.
    "fiskaltrust.Middleware.SCU.DE.SwissbitCloud": _scu(
        DE + "DeutscheFiskal",
        "DeutscheFiskalSCUConfiguration",
        _DEUTSCHE_FISKAL_FIELDS,
        _DEUTSCHE_FISKAL_DEFAULTS,
        path=_DF_PATH,
    ),
    "fiskaltrust.Middleware.SCU.DE.DeutscheFiskal": _scu(
        DE + "DeutscheFiskal",
        "DeutscheFiskalSCUConfiguration",
        _DEUTSCHE_FISKAL_FIELDS,
        _DEUTSCHE_FISKAL_DEFAULTS,
        path=_DF_PATH,
    ),
    "fiskaltrust.Middleware.SCU.DE.SwissbitCloudV2": _scu(
        DE + "SwissbitCloudV2",
        "SwissbitCloudV2SCUConfiguration",
        {
            "TseSerialNumber": S,
            "TseAccessToken": S,
            "EnableTarFileExport": BOOL,
            "CertificationId": S,
            "DisplayCertificationIdAddition": BOOL,
            "CertificationIdAddition": S,
            "ApiEndpoint": S,
            "SwissbitCloudV2Timeout": INT,
            "ProxyServer": S,
            "ProxyPort": INT_N,
            "ProxyUsername": S,
            "ProxyPassword": S,
            "MaxClientCount": INT_N,
            "RetriesOn5xxError": INT,
            "RetriesOnTarExportWebException": INT,
            "DelayOnRetriesInMs": INT,
            "ExportTimeoutMs": INT,
            "Sandbox": BOOL,
        },
        {
            "EnableTarFileExport": True,
            "CertificationId": "BSI-K-TR-0612-2024",
            "DisplayCertificationIdAddition": False,
            "SwissbitCloudV2Timeout": 120000,
            "RetriesOn5xxError": 2,
            "RetriesOnTarExportWebException": 2,
            "DelayOnRetriesInMs": 1000,
            "ExportTimeoutMs": 18000 * 1000,
            "Sandbox": False,
        },
        readonly=("ApiEndpoint",),  # computed from Sandbox: web-tse.de / dev.web-tse.de
    ),
    "fiskaltrust.Middleware.SCU.DE.FiskalyCertified": _scu(
        DE + "FiskalyCertified",
        "FiskalySCUConfiguration",
        {
            "ApiKey": S,
            "ApiSecret": S,
            "TssId": GUID,
            "AdminPin": S,
            "EnableTarFileExport": BOOL,
            "CertificationId": S,
            "DisplayCertificationIdAddition": BOOL,
            "CertificationIdAddition": S,
            "ApiEndpoint": S,
            "FiskalyClientTimeout": INT,
            "ProxyServer": S,
            "ProxyPort": INT_N,
            "ProxyUsername": S,
            "ProxyPassword": S,
            "MaxClientCount": INT_N,
            "RetriesOn5xxError": INT,
            "RetriesOnTarExportWebException": INT,
            "DelayOnRetriesInMs": INT,
            "MaxExportTransaction": LONG,
        },
        {
            "TssId": "00000000-0000-0000-0000-000000000000",
            "EnableTarFileExport": True,
            "CertificationId": "BSI-K-TR-0490-2021",
            "DisplayCertificationIdAddition": False,
            "ApiEndpoint": "https://kassensichv-middleware.fiskaly.com/api/v2",
            "FiskalyClientTimeout": 120000,
            "RetriesOn5xxError": 5,
            "RetriesOnTarExportWebException": 2,
            "DelayOnRetriesInMs": 1000,
            "MaxExportTransaction": 320000,
        },
    ),
    "fiskaltrust.Middleware.SCU.DE.CryptoVision": _scu(
        DE + "CryptoVision",
        "CryptoVisionConfiguration",
        {
            "DevicePath": S,
            "AdminPin": S,
            "TseIOTimeout": INT,
            "TseIOReadDelayMs": INT,
            "TimeAdminPin": S,
            "RetryOnEmptyResponse": BOOL,
            "EnableTarFileExport": BOOL,
            "KeepAliveIntervalInSeconds": INT_N,
        },
        {"TseIOTimeout": 40000, "TseIOReadDelayMs": 10, "RetryOnEmptyResponse": False, "EnableTarFileExport": True},
    ),
    # Defaults marked * are applied by ScuBootstrapper.GetConfiguration when the value is empty/0.
    "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf": _scu(
        DE + "DieboldNixdorf",
        "DieboldNixdorfConfiguration",
        {
            "ComPort": S,
            "Url": S,
            "AdminUser": S,
            "AdminPin": S,
            "TimeAdminUser": S,
            "TimeAdminPin": S,
            "SlotNumber": INT,
            "ReadTimeoutMs": INT,
            "WriteTimeoutMs": INT,
            "EnableDtr": BOOL,
            "EnableTarFileExport": BOOL,
            "ServiceFolder": S,
            "SscdId": S,
        },
        {
            "AdminUser": "1",
            "AdminPin": "12345",
            "TimeAdminUser": "2",
            "TimeAdminPin": "12345",
            "SlotNumber": 1,
            "ReadTimeoutMs": 1500,
            "WriteTimeoutMs": 1500,
            "EnableDtr": True,
            "EnableTarFileExport": True,
        },
    ),
    "fiskaltrust.Middleware.SCU.DE.Epson": _scu(
        DE + "Epson",
        "EpsonConfiguration",
        {
            "Host": S,
            "Port": INT,
            "DeviceId": S,
            "Timeout": INT,
            "EnableTarFileExport": BOOL,
            "AdminUser": S,
            "AdminPin": S,
            "TimeAdminUser": S,
            "TimeAdminPin": S,
            "DefaultSharedSecret": S,
            "StorageType": S,
            "Puk": S,
        },
        {
            "Port": 8009,
            "DeviceId": "local_TSE",
            "Timeout": 60000,
            "EnableTarFileExport": True,
            "AdminUser": "Administrator",
            "AdminPin": "11111",
            "TimeAdminUser": "TimeAdmin",
            "TimeAdminPin": "22222",
            "DefaultSharedSecret": "EPSONKEY",
            "StorageType": "type_storage",
            "Puk": "123456",
        },
    ),
    "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard": _scu(
        AT + "ATrustSmartcard",
        "ATrustSmartcardSCUConfiguration",
        {
            "VerifySignature": BOOL,
            "ApduSelect": BOOL,
            "HealthCheck": BOOL,
            "Shared": BOOL,
            "ReaderTimeoutMs": INT,
            "WatchdogTimeoutMs": INT,
            "Reader": INT,
            "SerialNumber": S,
        },
        {
            "VerifySignature": False,
            "ApduSelect": False,
            "HealthCheck": False,
            "Shared": False,
            "ReaderTimeoutMs": 60000,
            "WatchdogTimeoutMs": 30000,
            "Reader": -1,
        },
        ignore_null=True,
    ),
    "fiskaltrust.Middleware.SCU.AT.PrimeSignHSM": _scu(
        AT + "PrimeSignHSM",
        "PrimeSignSCUConfiguration",
        {"VerifySignature": BOOL, "Url": S, "SharedSecret": S, "SslValidation": BOOL},
        {
            "VerifySignature": False,
            "Url": "https://ft-at11-primesignhsm-sandbox.fiskaltrust.at",  # the sandbox HSM, even in production
            "SharedSecret": "",
            "SslValidation": True,
        },
        ignore_null=True,
    ),
    "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter": _scu(
        IT + "EpsonRTPrinter",
        "EpsonRTPrinterSCUConfiguration",
        {
            "DeviceUrl": S,
            "ClientTimeoutMs": INT,
            "ServerTimeoutMs": INT,
            "MaxNetworkRetries": INT,
            "Password": S,
            "AdditionalTrailerLines": S,
            "ForceRebootAfterDailyClosing": BOOL,
        },
        {"ClientTimeoutMs": 15000, "ServerTimeoutMs": 10000, "MaxNetworkRetries": 3, "ForceRebootAfterDailyClosing": False},
    ),
    "fiskaltrust.Middleware.SCU.IT.CustomRTPrinter": _scu(
        IT + "CustomRTPrinter",
        "CustomRTPrinterConfiguration",
        {"DeviceUrl": S, "Username": S, "Password": S, "ClientTimeoutMs": INT, "ServerTimeoutMs": INT},
        {"ClientTimeoutMs": 15000, "ServerTimeoutMs": 10000},
    ),
    # DisabelSSLValidation is a private [JsonProperty] alias (sic) that sets DisableSSLValidation.
    "fiskaltrust.Middleware.SCU.IT.CustomRTServer": _scu(
        IT + "CustomRTServer",
        "CustomRTServerConfiguration",
        {
            "ServerUrl": S,
            "AccountMasterData": S,
            "Username": S,
            "Password": S,
            "SendReceiptsSync": BOOL,
            "IgnoreRTServerErrors": BOOL,
            "RTServerHttpTimeoutInMs": INT,
            "DisableSSLValidation": BOOL,
            "DisabelSSLValidation": BOOL,
            "ServiceFolder": S,
            "CacheDirectory": S,
        },
        {
            "AccountMasterData": "",
            "Username": "",
            "Password": "",
            "SendReceiptsSync": False,
            "IgnoreRTServerErrors": True,
            "RTServerHttpTimeoutInMs": 5000,
            "DisableSSLValidation": False,
        },
    ),
    "fiskaltrust.Middleware.SCU.IT.EpsonRTServer": _scu(
        IT + "EpsonRTServer",
        "EpsonRTServerConfiguration",
        {
            "ServerUrl": S,
            "Username": S,
            "Password": S,
            "SendReceiptsSync": BOOL,
            "IgnoreRTServerErrors": BOOL,
            "MaxDocumentSendRetries": INT,
            "ServerBusyRetries": INT,
            "ServerBusyRetryDelayInMs": INT,
            "PerformServerZReportOnDailyClosing": BOOL,
            "RTServerHttpTimeoutInMs": INT,
            "ServerCommandTimeoutInMs": INT,
            "DisableSSLValidation": BOOL,
            "ServiceFolder": S,
            "CacheDirectory": S,
        },
        {
            "Username": "epson",
            "Password": "epson",
            "SendReceiptsSync": True,
            "IgnoreRTServerErrors": False,
            "MaxDocumentSendRetries": 5,
            "ServerBusyRetries": 5,
            "ServerBusyRetryDelayInMs": 2000,
            "PerformServerZReportOnDailyClosing": False,
            "RTServerHttpTimeoutInMs": 15000,
            "ServerCommandTimeoutInMs": 10000,
            "DisableSSLValidation": False,
        },
    ),
}

# ------------------------------------------------------------------ queues

Q = "queue/src/fiskaltrust.Middleware."
_QB = cite(MIDDLEWARE, Q + "Queue/Bootstrapper/QueueBootstrapper.cs")
_BASE = cite(MIDDLEWARE, Q + "Storage.Base/BaseStorageBootStrapper.cs")

QUEUE_COMMON = (
    *(Key(name, t, None, _BASE, "exact") for name, t in INIT_KEYS.items()),
    *(Key(name, STRING, None, _BASE, "exact") for name in OTHER_INIT_KEYS),
    Key("previewFeatures", BOOL_DICT, {}, _QB, "json"),
    Key("launcherenvironment", STRING, None, _QB, "lower"),
    Key("sandbox", BOOL, False, _QB, "TryParse"),
    Key("servicefolder", STRING, None, _QB, "exact"),
    Key("configuration", STRING, None, _QB, "exact"),
)

_SQLITE = cite(MIDDLEWARE, Q + "Storage.SQLite/SQLiteStorageConfiguration.cs")
_SQLITE_MIGRATOR = cite(MIDDLEWARE, Q + "Storage.SQLite/DatabaseInitialization/DatabaseMigrator.cs")
_MYSQL = cite(MIDDLEWARE, Q + "Storage.MySQL/MySQLStorageConfiguration.cs")
_EF = cite(MIDDLEWARE, Q + "Storage.EF/EFStorageConfiguration.cs")
_AZURE = cite(MIDDLEWARE, Q + "Storage.AzureTableStorage/AzureTableStorageConfiguration.cs")

QUEUE_STORAGE = {
    "fiskaltrust.Middleware.Queue.SQLite": (
        Key("MigrationsTimeoutSec", INT, 30 * 60, _SQLITE),
        Key("migrationDirectory", STRING, None, _SQLITE_MIGRATOR, "exact"),
        Key("EnableWAL", BOOL, None, _SQLITE_MIGRATOR, "TryParse"),
    ),
    "fiskaltrust.Middleware.Queue.MySQL": (
        Key("connectionstring", STRING, None, _MYSQL),
        Key("maxpoolsize", UINT, 500, _MYSQL),
        Key("MigrationsTimeoutSec", UINT, 30 * 60, _MYSQL),
    ),
    "fiskaltrust.Middleware.Queue.EF": (
        Key("connectionstring", STRING, None, _EF),
        Key("MigrationsTimeoutSec", INT, 30 * 60, _EF),
        Key("SqlCommandTimeoutSec", INT, 3 * 60, _EF),
    ),
    "fiskaltrust.Middleware.Queue.AzureTableStorage": (
        Key("connectionstring", STRING, None, _AZURE),
        Key("storageconnectionstring", STRING, None, _AZURE),
        Key("storageaccountname", STRING, None, _AZURE),
    ),
    "fiskaltrust.Middleware.Queue.InMemory": (),
}
QUEUE_PACKAGES = tuple(QUEUE_STORAGE)

_QDE = cite(MIDDLEWARE, Q + "Localization.QueueDE/QueueDEConfiguration.cs")
_QAT = cite(MIDDLEWARE, Q + "Localization.QueueAT/QueueATConfiguration.cs")
_QIT = cite(MIDDLEWARE, Q + "Localization.QueueIT/QueueITConfiguration.cs")
_QFR = cite(MIDDLEWARE, Q + "Localization.QueueFR/RequestCommands/ArchiveCommand.cs")
TAR_FILE_EXPORT_MODE = enum("TarFileExportMode", "None", "All", "Erased")

QUEUE_COUNTRY = {
    "DE": (
        Key("FlagOptionalSignatures", BOOL, True, _QDE),
        Key("scu-timeout-ms", LONG_N, None, _QDE),
        Key("scu-max-retries", INT_N, None, _QDE),
        Key("StoreTemporaryExportFiles", BOOL, False, _QDE),
        Key("DisableDsfinvkExportReferences", BOOL, False, _QDE),
        # private property: Newtonsoft skips it; FromMiddlewareConfiguration reads it with bool.Parse.
        Key("EnableTarFileExport", BOOL, None, _QDE, "bool.Parse"),
        Key("TarFileExportMode", TAR_FILE_EXPORT_MODE, "All", _QDE),
        Key("ExcludeDsfinvkOrders", BOOL, False, _QDE),
        Key("CloseOpenTSETransactionsOnDailyClosing", BOOL, False, _QDE),
    ),
    "AT": (
        Key("FlagOptionalSignatures", BOOL, True, _QAT),
        Key("scu-max-retries", INT_N, None, _QAT),
        Key("EnableMonthlyExport", BOOL, True, _QAT),
    ),
    "IT": (
        Key("Sandbox", BOOL, False, _QIT),
        Key("scu-timeout-ms", LONG_N, None, _QIT),
        Key("scu-max-retries", INT_N, 1, _QIT),
    ),
    "FR": (Key("frarchiveexport", BOOL, False, _QFR, "TryParse"),),
    "ME": (),
}

HOST_KEYS = (
    Key("messagesize", LONG, 16 * 1024 * 1024, L_HOSTING, "TryParse"),
    Key("timeout", LONG, 15, L_HOSTING, "TryParse"),  # seconds (SOAP SendTimeout)
)
# HostCommand.ProcessPackageConfiguration adds these unless present; `proxy` only when configured.
LAUNCHER_INJECTED = ("cashboxid", "accesstoken", "useoffline", "sandbox", "configuration", "servicefolder", "proxy")
ANDROID_QUEUE_KEYS = (
    Key(
        "useposapi",
        STRING,
        None,
        A_SQLITE_PROVIDER,
        "exact",
    ),
)


def keys_for(package, country=None):
    """Every Key a package reads; `country` narrows a queue to its localization (None: all of them)."""
    if package in SCU_PACKAGES:
        return (*SCU_PACKAGES[package]["keys"], *HOST_KEYS)
    if package in QUEUE_STORAGE:
        countries = [country] if country else list(QUEUE_COUNTRY)
        local = tuple(k for c in countries for k in QUEUE_COUNTRY.get(c, ()))
        return (*QUEUE_COMMON, *QUEUE_STORAGE[package], *local, *HOST_KEYS)
    raise KeyError(f"{package}: no port of its configuration class (known: {', '.join(sorted(known_packages()))})")


def known_packages():
    return (*SCU_PACKAGES, *QUEUE_STORAGE)


def read_keys(package, country=None):
    """key -> (.NET type name, default) for every Configuration key `package` reads.

    Includes the launcher's host keys (messagesize, timeout); for a queue, `country` ("DE", "AT", "IT",
    "FR") limits the localization keys to that market. Defaults are the class initialisers (None =
    null); raises KeyError for a package without a port.
    """
    result = {}
    for key in keys_for(package, country):
        result.setdefault(key.name, (key.type.name, key.default))
    return result


def find(keys, name):
    """The first Key that reads `name`, preferring an exact-case match (as Newtonsoft does)."""
    for key in keys:
        if key.name == name:
            return key
    for key in keys:
        if key.matches(name):
            return key
    return None


def value_error(key, value):
    """Why `value` under `key` breaks the package: (message, silent) or None when it is fine.

    silent=True when upstream ignores the value (a failed TryParse, a swallowed exception) instead
    of throwing. `exact` and `lower` keys are used through `ToString()` (init_* records are checked
    by the middleware module), so any value works for them here.
    """
    if key.how == "newtonsoft":
        error = conversion_error(value, key.type)
        return (f"Newtonsoft throws when the package starts: {error}", False) if error else None
    if key.how in ("exact", "lower") or value is None:
        return None
    text = value if isinstance(value, str) else to_string(value)
    if key.how == "bool.Parse":
        if text == "" or bool_try_parse(text) is not None:
            return None
        return (f"bool.Parse('{text}') throws FormatException when the queue starts", False)
    if key.how == "TryParse":
        ok = bool_try_parse(text) is not None if key.type.kind == "bool" else int_try_parse(text, INT64) is not None
        return None if ok else (f"'{text}' is not a {key.type.name}: TryParse fails and the value is silently ignored", True)
    # json: JsonConvert.DeserializeObject<T>(value.ToString()) inside try/catch
    try:
        parsed = json.loads(text)
    except ValueError:
        return (f"'{text}' is not JSON: the exception is swallowed and the value silently ignored", True)
    error = conversion_error(parsed, key.type)
    return (f"{error}: the exception is swallowed and the value silently ignored", True) if error else None
