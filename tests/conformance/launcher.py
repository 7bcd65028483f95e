"""Launcher 2.0 (fiskaltrust/middleware-launcher): what it does with a configuration before and
while it starts the packages. Every rule cites the file it ports (see sources.py for the commit).

Fatal vs. silent, as upstream decides it:
- Commands/Common.cs logs Fatal and exits 1 when the cashbox configuration file cannot be read
  (the "launcher" settings object) or parsed/decrypted (Newtonsoft, CashBoxConfigurationExt.Decrypt).
- ProcessHostMonarcStartup stops the launcher when a package cannot be downloaded or its
  monarch cannot be registered; ProcessHostPlebeian makes a package crash when hosting fails.
"""

import uuid
from dataclasses import dataclass, field

from .core import join
from .crypto import DecryptError, TokenError, parse_access_token
from .document import MISSING, field_value
from .dotnet import INT32, from_base64, is_exact_version, is_semver_range, parse_guid_stj, parse_uri, to_string
from .sources import (
    L_CASHBOX_EXT,
    L_ENCRYPTION,
    L_HOST_COMMAND,
    L_LAUNCHER_CONFIG,
    L_MONARCH_STARTUP,
    L_PACKAGE_DOWNLOADER,
    L_PLEBEIAN,
    L_PLUGIN_LOADER,
    L_README,
    LAUNCHER,
    cite,
)

# The queue-side client factories of Launcher 2.0 (Clients/DESSCDClientFactory.cs,
# ITSSCDClientFactory.cs, ATSSCDClientFactory.cs) switch on `Uri.Scheme`; anything else throws
# "This version of the fiskaltrust Launcher currently only supports gRPC, REST and SOAP communication."
CLIENT_SCHEMES = frozenset({"grpc", "rest", "http", "https", "net.tcp", "wcf"})

# ProcessHostPlebeian.GetHostingType: grpc, rest, http/https/net.tcp (SOAP); net.pipe is skipped.
HOSTING = {"grpc": "gRPC", "rest": "REST", "http": "SOAP", "https": "SOAP", "net.tcp": "SOAP", "net.pipe": None}

_STRING, _BOOL, _INT, _GUID, _URI, _LOGLEVEL, _RANGE = "string", "bool", "int", "Guid", "Uri", "LogLevel", "Range"
# Configuration.cs LauncherConfiguration: [JsonPropertyName] -> type (all nullable).
LAUNCHER_SETTINGS = {
    "cashboxId": _GUID,
    "accessToken": _STRING,
    "launcherServiceUri": _STRING,
    "serviceFolder": _STRING,
    "launcherDataFolder": _STRING,
    "sandbox": _BOOL,
    "useOffline": _BOOL,
    "logFolder": _STRING,
    "packageCache": _STRING,
    "logLevel": _LOGLEVEL,
    "packagesUrl": _URI,
    "helipadUrl": _URI,
    "configurationUrl": _URI,
    "downloadTimeoutSec": _INT,
    "downloadRetry": _INT,
    "sslValidation": _BOOL,
    "proxy": _STRING,
    "tlsCertificatePath": _STRING,
    "tlsCertificateBase64": _STRING,
    "tlsCertificatePassword": _STRING,
    "processHostPingPeriodSec": _INT,
    "cashboxConfigurationFile": _STRING,
    "useHttpSysBinding": _BOOL,
    "useLegacyDataProtection": _BOOL,
    "launcherVersion": _RANGE,
}
LOG_LEVELS = ("Trace", "Debug", "Information", "Warning", "Error", "Critical", "None")
_FATAL_FILE = 'Common.cs logs Fatal "Could not read Cashbox configuration file." and exits 1'


@dataclass
class Launcher20:
    """What later checks need from the launcher pass: decrypted values and launcher settings."""

    decrypted: dict = field(default_factory=dict)  # (package path, key) -> plaintext
    failed: set = field(default_factory=set)  # (package path, key) that did not decrypt
    settings: dict = field(default_factory=dict)


def check(document, findings, *, cashbox_id, access_token, client):
    result = Launcher20()
    result.settings = _launcher_settings(document.raw, findings)
    _document_shape(document, findings)
    _decrypt(document, findings, result, cashbox_id=cashbox_id, access_token=access_token, client=client)
    for package in document.packages:
        _package(package, findings)
        _hosting(package, findings)
    _port_conflicts(document, findings, result.settings)
    return result


def effective_configuration(package, result):
    """The dictionary the package's IMiddlewareBootstrapper receives from Launcher 2.0.

    HostCommand.cs: decrypted values replace the encrypted ones, `connectionstring` gets the `raw:`
    prefix, and every value is passed as `value.ToString()` (None stays None: reported elsewhere).
    """
    config = {}
    for key, value in (package.configuration or {}).items():
        if (package.path, key) in result.decrypted:
            value = result.decrypted[(package.path, key)]
        if key.lower() == "connectionstring" and value is not None:
            value = f"raw:{to_string(value)}"
        config[key] = None if value is None else to_string(value)
    return config


# ------------------------------------------------------------------ the "launcher" settings object


def _launcher_settings(doc, findings):
    """Port of LauncherConfigurationInCashBoxConfiguration.Deserialize + SetAlternateNames.

    System.Text.Json, PropertyNameCaseInsensitive, JsonStringEnumConverter; strict types (no strings
    for numbers or booleans). Any failure is fatal (Commands/Common.cs).
    """
    keys = [k for k in doc if k.lower() == "launcher"]
    if not keys or doc[keys[-1]] is None:
        return {}
    path, value = keys[-1], doc[keys[-1]]
    if not isinstance(value, dict):
        findings.add("launcher-object", path, f"must be a JSON object: System.Text.Json throws; {_FATAL_FILE}", L_LAUNCHER_CONFIG)
        return {}
    settings = {}
    by_lower = {name.lower(): name for name in LAUNCHER_SETTINGS}
    for key, item in value.items():
        name = by_lower.get(key.lower())
        where = join(path, key)
        if name is None:
            findings.add("unread-field", where, "LauncherConfiguration has no such setting: ignored", L_LAUNCHER_CONFIG)
            continue
        if item is None:
            continue
        error = _stj_error(LAUNCHER_SETTINGS[name], item)
        if error:
            findings.add("launcher-object", where, f"{error}; {_FATAL_FILE}", L_LAUNCHER_CONFIG)
            continue
        settings[name] = item
        if name in ("configurationUrl", "packagesUrl"):
            _download_url(where, item, findings)
    # SetAlternateNames reads "ftCashBoxId" and "verbosity" from the ROOT of the cashbox configuration
    # (case-sensitive) when the launcher object leaves cashboxId/logLevel unset.
    if "cashboxId" not in settings and "ftCashBoxId" in doc:
        try:
            settings["cashboxId"] = parse_guid_stj(doc["ftCashBoxId"])
        except ValueError as error:
            findings.add(
                "launcher-object",
                "ftCashBoxId",
                f"with a 'launcher' object present, SetAlternateNames re-reads ftCashBoxId with System.Text.Json: {error}; "
                + _FATAL_FILE,
                L_LAUNCHER_CONFIG,
            )
    if "logLevel" not in settings and "verbosity" in doc and not _is_int(doc["verbosity"]):
        findings.add(
            "launcher-object",
            "verbosity",
            "SetAlternateNames reads root 'verbosity' as LogLevel without the enum string converter: only a number works; "
            + _FATAL_FILE,
            L_LAUNCHER_CONFIG,
        )
    if isinstance(settings.get("cashboxId"), str):
        settings["cashboxId"] = uuid.UUID(settings["cashboxId"])
    return settings


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _stj_error(kind, value):
    if kind == _STRING:
        return None if isinstance(value, str) else "a JSON string is required"
    if kind == _BOOL:
        return None if isinstance(value, bool) else "true or false is required (System.Text.Json does not convert strings)"
    if kind == _INT:
        ok = _is_int(value) and INT32[0] <= value <= INT32[1]
        return None if ok else "a JSON integer (Int32) is required"
    if kind == _GUID:
        try:
            parse_guid_stj(value)
        except ValueError as error:
            return str(error)
        return None
    if kind == _URI:
        return None if isinstance(value, str) else "a JSON string is required"
    if kind == _LOGLEVEL:
        if _is_int(value) or isinstance(value, str) and value.lower() in {n.lower() for n in LOG_LEVELS}:
            return None
        return f"not a LogLevel ({', '.join(LOG_LEVELS)})"
    if kind == _RANGE:
        if not isinstance(value, str):
            return "a JSON string is required"
        return None if value == "" or is_semver_range(value) else f"new SemanticVersioning.Range('{value}') throws"
    raise AssertionError(kind)


def _download_url(where, value, findings):
    """ConfigurationDownloader/PackageDownloader build `new Uri($"{url}api/...")`: the base must be an
    absolute URI whose path ends with '/', or the request goes to `.../xapi/...` and fails."""
    try:
        uri = parse_uri(value)
    except ValueError as error:
        findings.add("launcher-object", where, f"{error}: every download URL built from it throws", L_PACKAGE_DOWNLOADER)
        return
    if uri.scheme not in ("http", "https"):
        findings.add("launcher-object", where, f"scheme '{uri.scheme}' cannot be downloaded from", L_PACKAGE_DOWNLOADER)
    elif uri.path and not uri.path.endswith("/"):
        findings.add(
            "launcher-object",
            where,
            f"the path must end with '/': the launcher appends 'api/...' directly ({value}api/...)",
            L_PACKAGE_DOWNLOADER,
        )


# ------------------------------------------------------------------ shape the launcher relies on


def _document_shape(document, findings):
    raw = document.raw
    if field_value(raw, "helpers") is None:
        findings.add(
            "helpers-null",
            "helpers",
            "missing or null (ftCashBoxConfiguration's default is null): ProcessHostMonarcStartup iterates "
            "`helpers` after starting SCUs and queues, throws NullReferenceException and stops the launcher; "
            "write an empty array",
            L_MONARCH_STARTUP,
        )
    for key, source in (("ftQueues", L_CASHBOX_EXT), ("ftSignaturCreationDevices", L_MONARCH_STARTUP)):
        if field_value(raw, key, MISSING) is None:
            findings.add("config-null", key, "null: the launcher iterates it and throws NullReferenceException", source)
    seen = {}
    for package in document.packages:
        if package.id is None:
            continue
        if package.id in seen:
            findings.add(
                "duplicate-id",
                join(package.path, "Id"),
                f"same Id as {seen[package.id]}: ProcessHostMonarcStartup's Dictionary.Add throws and the launcher stops",
                L_MONARCH_STARTUP,
            )
        else:
            seen[package.id] = package.path


def _decrypt(document, findings, result, *, cashbox_id, access_token, client):
    """CashBoxConfigurationExt.Decrypt: constructs CashboxConfigEncryption (parsing the token) for every
    configuration, then decrypts every non-empty queue value whose key is `connectionstring` or ends
    with `_encrypted` (both lower-cased). Any exception is fatal (Commands/Common.cs)."""
    token = result.settings.get("accessToken") or access_token
    iv_id = result.settings.get("cashboxId") or cashbox_id or document.cashbox_id
    server_key = None  # stays None when the token or the CashBox id (the IV; see cashbox-id) is unusable
    if not token:
        findings.add(
            "access-token",
            "",
            "no access token: Convert.FromBase64String(null) throws in the CashboxConfigEncryption constructor; "
            'Common.cs logs Fatal "Could not parse Cashbox configuration." and exits 1',
            L_ENCRYPTION,
        )
    else:
        try:
            key = parse_access_token(token)
        except TokenError as error:
            findings.add(
                "access-token",
                "",
                f"{error}: this runs for every configuration, so Common.cs logs Fatal "
                '"Could not parse Cashbox configuration." and exits 1',
                L_ENCRYPTION,
            )
        else:
            if _first_byte(token) != 0x04:
                findings.add(
                    "access-token-prefix",
                    "",
                    "the token's first byte is not 0x04: Encryption.cs skips byte 0 unchecked, but the token is the "
                    "server's uncompressed SEC1 point (0x04|X|Y), as the launcher's own test token "
                    "(TestLauncherConfig.cs) is",
                    L_ENCRYPTION,
                )
            if iv_id is not None:
                server_key = key
    for queue in document.of("queue"):
        if queue.configuration is None:
            if queue.get("Configuration") is None:
                findings.add(
                    "configuration-null",
                    join(queue.path, "Configuration"),
                    "missing or null: Decrypt reads queue.Configuration.Keys and throws NullReferenceException (fatal)",
                    L_CASHBOX_EXT,
                )
            continue
        for key, value in queue.configuration.items():
            lowered = key.lower()
            if lowered != "connectionstring" and not lowered.endswith("_encrypted"):
                continue
            text = None if value is None else to_string(value)
            if not text:
                continue
            where = join(queue.path, f"Configuration.{key}")
            if server_key is None:
                result.failed.add((queue.path, key))
                continue  # the constructor already failed: one finding is enough
            if client is None:
                result.failed.add((queue.path, key))
                findings.add(
                    "decrypt",
                    where,
                    "a non-empty value the launcher decrypts, but no LauncherClient was given: it cannot be shown "
                    "to decrypt (a plain value makes the launcher fail)",
                    L_CASHBOX_EXT,
                )
                continue
            try:
                plain = client.decrypt(iv_id, token, text)
            except DecryptError as error:
                result.failed.add((queue.path, key))
                findings.add(
                    "decrypt",
                    where,
                    f"CashboxConfigEncryption.Decrypt throws ({error}); Common.cs logs Fatal "
                    '"Could not parse Cashbox configuration." and exits 1. Encrypt it for this launcher\'s key '
                    "(ECDH + SHA-256, AES-256-CBC, IV = CashBox id bytes)",
                    L_ENCRYPTION,
                )
                continue
            if "\ufffd" in plain:
                result.failed.add((queue.path, key))
                findings.add(
                    "decrypt",
                    where,
                    "decrypts to bytes that are not UTF-8: a different key or IV was used; Encoding.UTF8.GetString "
                    "silently turns them into garbage the package cannot use",
                    L_ENCRYPTION,
                )
                continue
            result.decrypted[(queue.path, key)] = plain


def _first_byte(token):
    return from_base64(token)[0]


# ------------------------------------------------------------------ packages


def _package(package, findings):
    where = package.path
    if package.configuration is None and package.kind != "queue":
        findings.add(
            "configuration-null",
            join(where, "Configuration"),
            "missing or null: HostCommand.ProcessPackageConfiguration calls ContainsKey on it and the package crashes",
            L_HOST_COMMAND,
        )
    for key, value in (package.configuration or {}).items():
        if value is None:
            findings.add(
                "config-value-null",
                join(where, f"Configuration.{key}"),
                "null: HostCommand passes `c.Value.ToString()` to the bootstrapper and throws NullReferenceException "
                '("Could not load IMiddlewareBootstrapper"); leave the key out instead',
                L_HOST_COMMAND,
            )
    if not package.name:
        findings.add(
            "package-name",
            join(where, "Package"),
            "empty: the launcher downloads api/download/{Package} and loads {Package}.dll",
            L_PACKAGE_DOWNLOADER,
        )
    elif package.name.lower().startswith("fiskaltrust.service."):
        findings.add(
            "legacy-package",
            join(where, "Package"),
            f"'{package.name}' is a 1.x package: HostCommand loads it with PluginLoader.LoadComponent"
            "<IMiddlewareBootstrapper>, which finds no such type ('Could not load IMiddlewareBootstrapper'); "
            "Launcher 2.0 needs fiskaltrust.Middleware.* packages",
            L_PLUGIN_LOADER,
        )
    _version(package, findings)


def _version(package, findings):
    """PackageDownloader.DownloadPackageAsync passes `Version` verbatim: no range is resolved for
    packages (GetConcreteVersionFromRange is only used for the launcher's own version). It downloads
    api/download/{name}?version={Version}, caches `{name}-{Version}.zip` and skips the download when
    `version.txt` equals `Version`: anything but one exact version freezes the machine on whatever the
    server answered the first time."""
    where = join(package.path, "Version")
    version = package.version
    if version is None or version == "":
        message = "empty: the launcher requests api/download/{name}?version= and caches it as '{name}-.zip'"
    elif not isinstance(version, str):
        return  # reported as config-type
    elif version.strip().lower() == "latest":
        message = (
            "'latest' is sent verbatim and cached as '{name}-latest.zip' with version.txt = 'latest': "
            "the first download is reused forever, the machine never updates"
        )
    elif is_exact_version(version):
        return
    elif is_semver_range(version):
        message = (
            f"'{version}' is a range, but Launcher 2.0 resolves no ranges for packages: it is sent verbatim and "
            "cached by that string, so the machine freezes on the first download (and '*<>|' are invalid in the "
            "cache file name on Windows)"
        )
    else:
        message = f"'{version}' is not a SemVer version the package server can serve"
    findings.add("package-version", where, message + "; write one exact version such as 1.3.62", L_PACKAGE_DOWNLOADER)


def _hosting(package, findings):
    """ProcessHostPlebeian.StartHosting for one package."""
    where = join(package.path, "Url")
    raw = package.get("Url")
    if raw is None:
        findings.add(
            "url-missing",
            where,
            "missing or null: StartHosting reads `uris.Length` and the package crashes; write [] for no endpoint",
            L_PLEBEIAN,
        )
        return
    if not isinstance(raw, list):
        return  # config-type
    hostable = 0
    for index, url in enumerate(raw):
        at = join(where, index)
        if not isinstance(url, str):
            findings.add("url-invalid", at, "not a string: `new Uri(null)` throws and the package crashes", L_PLEBEIAN)
            continue
        try:
            uri = parse_uri(url)
        except ValueError as error:
            findings.add("url-invalid", at, f"{error}: `new Uri(uri)` throws and the package crashes", L_PLEBEIAN)
            continue
        if uri.scheme not in HOSTING:
            findings.add(
                "hosting-scheme",
                at,
                f"scheme '{uri.scheme}': GetHostingType throws NotImplementedException "
                "(hosted: grpc, rest, http, https, net.tcp; net.pipe is skipped)",
                L_PLEBEIAN,
            )
            continue
        if HOSTING[uri.scheme] is None:
            continue  # net.pipe: `continue`, nothing is hosted
        if uri.port < 0:
            findings.add(
                "hosting-port",
                at,
                f"no port: Uri.Port of a {uri.scheme}:// URL without one is -1 and Kestrel's ListenAnyIP(-1) throws "
                '("Could not start hosting")',
                cite(LAUNCHER, "src/fiskaltrust.Launcher/Services/HostingService.cs"),
            )
            continue
        hostable += 1
    if raw and not hostable:
        findings.add(
            "no-host",
            where,
            'no URL the launcher can host (net.pipe is not hosted by Launcher 2.0): "No host could be started." '
            "and the package crashes; add a grpc://, rest:// or http(s):// URL",
            L_PLEBEIAN,
        )


def _port_conflicts(document, findings, settings):
    """Every package runs in its own process and Kestrel binds `ListenAnyIP(uri.Port)`, so two URLs
    on one port collide (the second fails to bind) unless `useHttpSysBinding` shares it (Windows,
    not for gRPC; README FAQ)."""
    ports = {}
    for package in document.packages:
        for index, url in enumerate(package.urls or []):
            try:
                uri = parse_uri(url)
            except ValueError:
                continue
            if HOSTING.get(uri.scheme) and uri.port >= 0:
                ports.setdefault(uri.port, []).append((package, index, uri))
    http_sys = settings.get("useHttpSysBinding") is True
    for port, uses in ports.items():
        if len(uses) < 2:
            continue
        if http_sys and all(u.scheme != "grpc" for _, _, u in uses):
            continue
        first = uses[0][0]
        for package, index, _ in uses[1:]:
            other = "the same package" if package is first else first.path
            findings.add(
                "port-conflict",
                join(join(package.path, "Url"), index),
                f"port {port} is already bound by {other}: each package is a separate process listening on "
                "ListenAnyIP(port), the second bind fails (useHttpSysBinding can share ports on Windows, not for gRPC)",
                L_README,
            )
