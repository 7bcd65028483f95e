"""SCU packages: the keys each one reads (keys.py) and the settings without which it cannot start.

Each ScuBootstrapper deserializes the whole Configuration dictionary into its configuration class
with Newtonsoft (case-insensitive, unknown keys dropped); the settings rules port the places that
then use a value: `new Uri(...)` for device/server URLs, the DieboldNixdorf COM-port/network choice,
and the CustomRTServer master data it re-parses.
"""

import json

from .core import join
from .dotnet import parse_uri
from .keys import LAUNCHER_INJECTED, SCU_PACKAGES, find, keys_for, value_error
from .newtonsoft import GUID, STRING, Model, Sink, record, validate
from .sources import MIDDLEWARE, cite

_IT = "scu-it/src/fiskaltrust.Middleware.SCU.IT."
# package -> (setting, file that throws without it / with a relative URL)
_URL_SETTINGS = {
    "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter": ("DeviceUrl", _IT + "EpsonRTPrinter/LocalEpsonFpMateClient.cs"),
    "fiskaltrust.Middleware.SCU.IT.CustomRTPrinter": ("DeviceUrl", _IT + "CustomRTPrinter/Clients/CustomRTPrinterClient.cs"),
    "fiskaltrust.Middleware.SCU.IT.CustomRTServer": ("ServerUrl", _IT + "CustomRTServer/CustomRTServerClient.cs"),
    "fiskaltrust.Middleware.SCU.IT.EpsonRTServer": ("ServerUrl", _IT + "EpsonRTServer/EpsonRTServerClient.cs"),
}
_DIEBOLD = cite(MIDDLEWARE, "scu-de/src/fiskaltrust.Middleware.SCU.DE.DieboldNixdorf/ScuBootstrapper.cs")
_PRIMESIGN = cite(MIDDLEWARE, "scu-at/src/fiskaltrust.Middleware.SCU.AT.PrimeSignHSM/PrimeSignSCU.cs")
_CUSTOM_RT_CONFIG = cite(MIDDLEWARE, _IT + "CustomRTServer/CustomRTServerConfiguration.cs")
CUSTOM_RT_ACCOUNT = Model(
    "AccountMasterData (CustomRTServer)",
    {
        "AccountId": GUID,
        "AccountName": STRING,
        "Street": STRING,
        "Zip": STRING,
        "City": STRING,
        "Country": STRING,
        "TaxId": STRING,
        "VatId": STRING,
    },
    _CUSTOM_RT_CONFIG,
)


def setting(config, name):
    """The value Newtonsoft ends up with for property `name`: the last key matching it case-insensitively."""
    value = None
    for key, item in config.items():
        if key.lower() == name.lower():
            value = item
    return value


def check(document, findings, *, launcher, configurations):
    for package in document.of("scu"):
        spec = SCU_PACKAGES.get(package.name)
        config = configurations.get(package.path)
        if spec is None or config is None:
            continue
        keys = keys_for(package.name)
        model = spec["model"]
        for key, value in config.items():
            where = join(package.path, f"Configuration.{key}")
            found = find(keys, key)
            if found is None:
                if key in LAUNCHER_INJECTED:
                    continue
                readonly = model.match(key) in model.readonly
                message = (
                    f"{model.name}.{model.match(key)} has no setter: Newtonsoft reads and drops the value"
                    if readonly
                    else f"{model.name} has no property '{key}': Newtonsoft drops it, the package never sees it"
                )
                findings.add("unread-key", where, message, spec["source"])
                continue
            if value is None and (launcher == "2.0" or model.ignore_null_values):
                continue  # 2.0 reports config-value-null; NullValueHandling.Ignore skips nulls
            problem = value_error(found, value)
            if problem:
                findings.add("key-type", where, problem[0], found.source)
        _settings(package, config, findings)


def _settings(package, config, findings):
    name = package.name
    if name in _URL_SETTINGS:
        key, path = _URL_SETTINGS[name]
        _required_url(package, config, key, cite(MIDDLEWARE, path), findings)
    elif name == "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf":
        url, com_port = setting(config, "Url"), setting(config, "ComPort")
        if url:
            _absolute(package, "Url", url, _DIEBOLD, "`new Uri(configuration.Url)` for the TCP connector throws", findings)
        elif not com_port:
            findings.add(
                "scu-setting",
                join(package.path, "Configuration.ComPort"),
                "neither ComPort nor Url: the SCU opens a serial port without a name (set ComPort, or Url for the "
                "network connector)",
                _DIEBOLD,
            )
    elif name == "fiskaltrust.Middleware.SCU.AT.PrimeSignHSM":
        url = setting(config, "Url")
        if url:
            _absolute(package, "Url", url, _PRIMESIGN, "`new Uri(configuration.Url)` throws", findings)
    if name == "fiskaltrust.Middleware.SCU.IT.CustomRTServer":
        _custom_rt_account(package, config, findings)


def _required_url(package, config, key, source, findings):
    value = setting(config, key)
    if not value:
        findings.add(
            "scu-setting",
            join(package.path, f"Configuration.{key}"),
            f"missing: the client throws NullReferenceException ('{key} is not set') when the SCU starts",
            source,
        )
        return
    _absolute(package, key, value, source, "HttpClient.BaseAddress = new Uri(...) throws", findings)


def _absolute(package, key, value, source, consequence, findings):
    try:
        parse_uri(value if isinstance(value, str) else "")
    except ValueError as error:
        findings.add("scu-setting", join(package.path, f"Configuration.{key}"), f"{error}: {consequence}", source)


def _custom_rt_account(package, config, findings):
    """CustomRTServerClient/SCU: `JsonConvert.DeserializeObject<AccountMasterData>(AccountMasterData)` if non-empty."""
    value = setting(config, "AccountMasterData")
    if not isinstance(value, str) or not value:
        return
    where = join(package.path, "Configuration.AccountMasterData")
    try:
        parsed = json.loads(value)
    except ValueError as error:
        findings.add("scu-setting", where, f"not JSON ({error}): DeserializeObject<AccountMasterData> throws", _CUSTOM_RT_CONFIG)
        return
    sink = Sink()
    validate(parsed, record(CUSTOM_RT_ACCOUNT), where, sink)
    for path, message in sink.errors:
        findings.add("scu-setting", path, f"{message}: the Custom RT Server SCU throws when it starts", _CUSTOM_RT_CONFIG)
