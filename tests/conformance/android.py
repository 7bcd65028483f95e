"""The Android launcher (fiskaltrust/middleware-launcher-android), Services/MiddlewareLauncher.cs.

What it does with a configuration (downloaded only from fiskaltrust's helipad, Constants/Urls.cs):
- every SCU package must be one of four; anything else throws and nothing starts;
- every queue is run by SQLiteQueueProvider, whatever its Package says;
- `helpers` are never started: it always starts its own Helipad helper;
- SCUs are registered under `new Uri(first grpc:// URL, else first URL).ToString()`, and a German
  queue finds its SCU by exactly that string (Signing/DESSCDClientFactory.cs); an Italian queue
  takes the first Italian SCU (Signing/ITSSCDClientFactory.cs); there is no AT client factory;
- values are not decrypted (no access-token key exchange).
"""

from .core import join
from .countries import record_url, same_guid
from .dotnet import parse_uri
from .middleware import SQLITE
from .records import COUNTRY_RECORDS
from .sources import A_DE_CLIENTS, A_GRPC_URLS, A_HELPER, A_IT_CLIENTS, A_LAUNCHER, A_REST_URLS, A_SQLITE_PROVIDER

SUPPORTED_SCUS = (
    "fiskaltrust.Middleware.SCU.DE.Swissbit",
    "fiskaltrust.Middleware.SCU.DE.FiskalyCertified",
    "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter",
    "fiskaltrust.Middleware.SCU.IT.CustomRTServer",
)


def primary_url(package):
    """`new Uri(Url.FirstOrDefault(x => x.StartsWith("grpc://")) ?? Url.First()).ToString()`; raises ValueError."""
    urls = package.urls or []
    if not urls:
        raise ValueError("no Url: Url.First() throws")
    chosen = next((u for u in urls if u.startswith("grpc://")), urls[0])
    return str(parse_uri(chosen))


def check_packages(document, findings):
    registered = {}
    for package in document.of("scu"):
        if package.configuration is None:
            findings.add(
                "configuration-null",
                join(package.path, "Configuration"),
                'missing or null: MiddlewareLauncher sets Configuration["sandbox"] and throws NullReferenceException',
                A_LAUNCHER,
            )
        if package.name not in SUPPORTED_SCUS:
            findings.add(
                "android-scu-package",
                join(package.path, "Package"),
                f"{package.name!r}: the Android launcher throws ArgumentException for any SCU package but "
                f"{', '.join(SUPPORTED_SCUS)}, and nothing starts",
                A_LAUNCHER,
            )
            continue
        try:
            url = primary_url(package)
        except ValueError as error:
            findings.add("android-url", join(package.path, "Url"), f"{error}: the SCU cannot be registered", A_LAUNCHER)
            continue
        if url in registered:
            findings.add(
                "android-url",
                join(package.path, "Url"),
                f"{url} is already the URL of {registered[url]}: AbstractScuList's Dictionary.Add throws",
                A_LAUNCHER,
            )
        registered[url] = package.path
    queues = document.of("queue")
    if not queues:
        findings.add(
            "android-queue-missing",
            "ftQueues",
            "no queue: HelipadHelperProvider hands posHosts.First() to the helper and throws",
            A_HELPER,
        )
    for package in queues:
        if package.configuration is None:
            findings.add(
                "configuration-null",
                join(package.path, "Configuration"),
                'missing or null: MiddlewareLauncher sets Configuration["sandbox"] and throws NullReferenceException',
                A_LAUNCHER,
            )
        if package.name != SQLITE:
            findings.add(
                "android-queue-package",
                join(package.path, "Package"),
                f"{package.name!r}: the Android launcher runs every queue with SQLiteQueueProvider "
                "(fiskaltrust.Middleware.Queue.SQLite); this package and its storage settings are ignored",
                A_SQLITE_PROVIDER,
            )
        urls = package.urls or []
        if not any(u.startswith("grpc") or u.startswith("rest") for u in urls):
            findings.add(
                "android-url",
                join(package.path, "Url"),
                "no grpc:// (gRPC app) or rest:// (HTTP app) URL: GetProtocolSpecificUrl throws "
                '"At least one gRPC/REST URL has to be set"',
                f"{A_GRPC_URLS} and {A_REST_URLS}",
            )
    for package in document.of("helper"):
        findings.add(
            "android-helper",
            package.path,
            f"{package.name!r} is never started: the Android launcher ignores `helpers` and always runs its own "
            "fiskaltrust.Middleware.Helper.Helipad",
            A_LAUNCHER,
        )


def check_queues(document, views, findings):
    """The queue side: can each queue's SCU client be found on Android?"""
    registered = {}
    for package in document.of("scu"):
        if package.name in SUPPORTED_SCUS:
            try:
                registered.setdefault(primary_url(package), package)
            except ValueError:
                continue
    it_scus = [p for p in document.of("scu") if p.name in SUPPORTED_SCUS and ".IT." in p.name]
    for view in views:
        if view.country == "AT":
            findings.add(
                "android-country",
                view.path("init_ftQueue"),
                "an Austrian queue: the Android launcher registers no IClientFactory<IATSSCD> (and runs no AT SCU), "
                "so the queue cannot reach any SCU",
                A_SQLITE_PROVIDER,
            )
        elif view.country == "IT" and not it_scus:
            findings.add(
                "android-it-scu",
                view.path("init_ftSignaturCreationUnitIT"),
                "no Italian SCU package in this configuration: ITSSCDClientFactory returns `_scus.First()` and throws",
                A_IT_CLIENTS,
            )
        elif view.country == "DE":
            _de_scu(view, registered, findings)


def _de_scu(view, registered, findings):
    _, own = view.country_record()
    _, _, scu_key, ref_field = COUNTRY_RECORDS["DE"]
    if own is None or not own.get(ref_field):
        return
    for index, scu in enumerate(view.records.get(scu_key) or []):
        if not same_guid(scu.get("ftSignaturCreationUnitDEId"), own[ref_field]):
            continue
        try:
            _, uri = record_url(scu.get("Url"))
        except ValueError:
            return  # scu-url
        if str(uri) not in registered:
            findings.add(
                "android-scu-url",
                join(join(view.path(scu_key), index), "Url"),
                f"{uri} is not the URL of an SCU package here ({', '.join(registered) or 'none'}): DESSCDClientFactory "
                "looks the SCU up with `_scus[configuration.Url]` and throws KeyNotFoundException",
                A_DE_CLIENTS,
            )
        return
