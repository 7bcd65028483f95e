"""What the portal knows per country: queue packages, signing options with their SCU packages
and parameters, platforms and URL schemes. Data plus small functions; adding a country or an
SCU package means adding data here (see docs/catalog.md), not touching views.

Facts from the domain brief (`../shared/domain/fiskaltrust-brief.md`, sections 2 and 3), which
cites the fiskaltrust middleware and documentation for each of them.
"""

import re
import uuid
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

# ------------------------------------------------------------------ parameters


@dataclass(frozen=True)
class Parameter:
    """One configuration parameter of a package."""

    name: str
    type: str = "string"  # string, int, bool, guid, path, host, port, url, pin, digits
    required: bool = False
    default: object = None
    secret: bool = False
    help: str = ""
    choices: tuple = ()
    length: int | None = None  # exact length (digits)
    minimum: int = 0  # smallest value of an int (-1 where the package reads it as "pick one")

    def clean(self, value):
        """The value converted to its type; raises ValueError with a message for the user."""
        if value in (None, ""):
            if self.required:
                raise ValueError(_("This parameter is required."))
            return None
        text = str(value).strip()
        if self.type == "int" or self.type == "port":
            try:
                number = int(text)
            except ValueError:
                raise ValueError(_("Enter a whole number."))
            if self.type == "port" and not 1 <= number <= 65535:
                raise ValueError(_("A port is between 1 and 65535."))
            if number < self.minimum:
                raise ValueError(_("Enter a number of at least %(n)d.") % {"n": self.minimum})
            return number
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            if text.lower() in {"true", "1", "yes", "on"}:
                return True
            if text.lower() in {"false", "0", "no", "off"}:
                return False
            raise ValueError(_("Enter true or false."))
        if self.type == "guid":
            try:
                return str(uuid.UUID(text))
            except ValueError:
                raise ValueError(_("Enter a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6."))
        if self.type == "host":
            if "://" in text or ":" in text.strip("[]") and not text.startswith("["):
                raise ValueError(_("Enter a host name or IP address without scheme or port."))
            if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", text):
                raise ValueError(_("Enter a host name or IP address."))
            return text
        if self.type == "url":
            if not re.match(r"^[a-z][a-z0-9+.\-]*://\S+$", text):
                raise ValueError(_("Enter a URL such as https://host:port/path."))
            return text
        if self.type == "path":
            if text.endswith(("/", "\\")) and len(text) > 1:
                raise ValueError(_("Leave out the trailing slash."))
            return text
        if self.type == "digits":
            if not text.isdigit() or (self.length and len(text) != self.length):
                raise ValueError(_("Enter exactly %(n)d digits.") % {"n": self.length})
            return text
        if self.choices and text not in self.choices:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(self.choices)})
        return text

    def as_dict(self):
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "secret": self.secret,
            "help": str(self.help),
            "choices": list(self.choices),
        }


def _proxy():
    return (
        Parameter("ProxyServer", "host"),
        Parameter("ProxyPort", "port"),
        Parameter("ProxyUsername"),
        Parameter("ProxyPassword", secret=True),
    )


def _host_keys():
    """What Launcher 2.0 reads from every package's Configuration to host it
    (middleware-launcher src/fiskaltrust.Launcher/Services/HostingService.cs)."""
    return (
        Parameter("messagesize", "int", help=_("Launcher 2.0: largest message in bytes; empty: 16 MiB")),
        Parameter("timeout", "int", help=_("Launcher 2.0: request timeout in seconds; empty: 15")),
    )


def _hosted(*parameters):
    """A package's parameters plus the launcher's host keys it does not have under another case."""
    taken = {p.name.lower() for p in parameters}
    return (*parameters, *(p for p in _host_keys() if p.name.lower() not in taken))


def _fcc():
    """The Fiskal Cloud Connector set of SwissbitCloud and DeutscheFiskal."""
    return (
        Parameter("FccId", required=True, help=_("Id of the Fiskal Cloud Connector")),
        Parameter("FccSecret", required=True, secret=True),
        Parameter("ErsCode", required=True, secret=True),
        Parameter("ActivationToken", required=True, secret=True),
        Parameter("FccPort", "port", help=_("Empty: the connector's default, 20001")),
        Parameter("FccDirectory", "path"),
        Parameter("FccHeapMemory", "int", help=_("Java heap of the connector in MB; empty: Java's default")),
        Parameter("FccUri", "url"),
        Parameter("FccDownloadUri", "url"),
        Parameter("FccVersion"),
        Parameter("DontAddFccFirewallException", "bool"),
        *_proxy(),
        Parameter("CertificationId"),
        Parameter("ServiceFolder", "path"),
        Parameter("EnableFccMetrics", "bool"),
    )


# ------------------------------------------------------------------ signing options

HARDWARE, NETWORK, CLOUD, VIRTUAL = "hardware", "network", "cloud", "virtual"
# Where the SCU runs: a component of a CashBox with its own URL; a hosted service the queue
# calls by a fixed address; or inside the queue itself (France).
COMPONENT, SERVICE, IN_QUEUE = "component", "service", "in-queue"

WINDOWS, LINUX, MACOS, ANDROID = "windows", "linux", "macos", "android"
ALL_PLATFORMS = (WINDOWS, LINUX, MACOS, ANDROID)
PC_PLATFORMS = (WINDOWS, LINUX, MACOS)
# The launchers (see "launchers" below).
LAUNCHER_2, ANDROID_LAUNCHER, LAUNCHER_1 = "launcher-2.0", "android", "launcher-1.x"


@dataclass(frozen=True)
class SigningOption:
    id: str
    label: str
    kind: str  # hardware, network, cloud, virtual
    package: str
    max_clients: int | None  # queues per signing device; None: unlimited (or unknown, see limit_known)
    parameters: tuple = ()
    platforms: tuple = ALL_PLATFORMS
    placement: str = COMPONENT
    limit_known: bool = True
    vendor: str = ""
    note: str = ""
    # Queues that sign with it need a CashBoxIdentification of exactly this many characters
    # (half for the store, half for the till), or None.
    identification_length: int | None = None
    # Bought in a bundle, one device takes this many queues instead of max_clients (or None).
    bundle_max_clients: int | None = None
    # At least one of these parameters must be given (e.g. a serial port or a network address).
    required_one_of: tuple = ()
    # The portal makes a key pair and its own certificate for each SCU (France's virtual SCU).
    own_certificate: bool = False

    @property
    def secret_names(self):
        return {p.name for p in self.parameters if p.secret}

    def parameter(self, name):
        return next((p for p in self.parameters if p.name == name), None)

    def as_dict(self):
        return {
            "id": self.id,
            "label": str(self.label),
            "kind": self.kind,
            "package": self.package,
            "max_clients": self.max_clients,
            "max_clients_known": self.limit_known,
            "placement": self.placement,
            "platforms": list(self.platforms),
            "vendor": self.vendor,
            "note": str(self.note),
            "identification_length": self.identification_length,
            "parameters": [p.as_dict() for p in self.parameters],
        }


@dataclass(frozen=True)
class QueuePackage:
    package: str
    label: str
    parameters: tuple = ()
    platforms: tuple = ALL_PLATFORMS

    def as_dict(self):
        return {
            "package": self.package,
            "label": str(self.label),
            "platforms": list(self.platforms),
            "parameters": [p.as_dict() for p in self.parameters],
        }


@dataclass(frozen=True)
class HelperPackage:
    package: str
    label: str
    launchers: tuple = ()  # the launchers that load it

    def as_dict(self):
        return {"package": self.package, "label": str(self.label), "launchers": list(self.launchers)}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    signing_options: tuple
    queue_packages: tuple
    # CashBoxIdentification: printable; at most / exactly this many characters; a pattern it
    # must match, with the message that says why.
    identification_max: int = 64
    identification_exact: int | None = None
    identification_pattern: str = ""
    identification_rule: str = ""
    # How a queue links to SCUs: "one" (exactly one SCU, DE), "many" (AT: several with modes).
    scu_links: str = "one"
    init_suffix: str = ""  # DE -> init_ftQueueDE, init_ftSignaturCreationUnitDE
    helpers: tuple = ()
    remote_signing: bool = False  # may the signature be made outside the outlet?
    queue_parameters: tuple = ()  # country-specific queue parameters on top of the package's
    rules: tuple = field(default_factory=tuple)

    def signing_option(self, option_id):
        return next((o for o in self.signing_options if o.id == option_id), None)

    def option_for_package(self, package):
        return next((o for o in self.signing_options if o.package == package), None)

    def queue_package(self, package):
        return next((q for q in self.queue_packages if q.package == package), None)

    def as_dict(self):
        return {
            "code": self.code,
            "name": str(self.name),
            "signing_options": [o.as_dict() for o in self.signing_options],
            "queue_packages": [q.as_dict() for q in self.queue_packages],
            "helpers": [h.as_dict() for h in self.helpers],
            "cashbox_identification": {
                "max_length": self.identification_max,
                "exact_length": self.identification_exact,
                "pattern": self.identification_pattern,
                "rule": str(self.identification_rule),
            },
            "scu_links": self.scu_links,
            "remote_signing": self.remote_signing,
            "queue_parameters": [p.as_dict() for p in self.queue_parameters],
        }


_CONNECTION = Parameter("connectionstring", required=True, secret=True, help=_("Database connection string"))
QUEUE_PACKAGES = (
    QueuePackage("fiskaltrust.Middleware.Queue.SQLite", _("SQLite (local file)")),
    QueuePackage("fiskaltrust.Middleware.Queue.MySQL", _("MySQL"), (_CONNECTION,), PC_PLATFORMS),
    QueuePackage(
        "fiskaltrust.Middleware.Queue.EF", _("Microsoft SQL Server (Entity Framework)"), (_CONNECTION,), (WINDOWS, LINUX, MACOS)
    ),
)
# Launcher 2.0 loads only 2.0 helpers (an IMiddlewareBootstrapper: AssemblyLoading/PluginLoader.cs);
# the 1.x helpers fiskaltrust.service.helper.* run on Launcher 1.x only, and the Android launcher
# runs none of the configured helpers. The LocalPosSystemApi helper needs Launcher 2.0
# (fiskaltrust/docs posdealers/technical-operations/possystem-api-platforms/localpossystemapi-helper.md:
# "The minimum required Launcher version is 2.0.0-rc.25").
HELPERS = (
    HelperPackage("fiskaltrust.Middleware.Helper.LocalPosSystemApi", _("Local PosSystem API"), (LAUNCHER_2,)),
    HelperPackage("fiskaltrust.service.helper.posapi", _("PosSystem API helper (1.x)"), (LAUNCHER_1,)),
    HelperPackage("fiskaltrust.service.helper.rest", _("REST helper (1.x)"), (LAUNCHER_1,)),
)
_PC = (WINDOWS, LINUX)

# What the German queue reads from its Configuration besides its records
# (middleware queue/src/fiskaltrust.Middleware.Localization.QueueDE/QueueDEConfiguration.cs); the
# booleans carry the middleware's own defaults, the others are written only when given.
GERMAN_QUEUE = _hosted(
    Parameter("scu-timeout-ms", "int", help=_("How long the queue waits for the SCU, in ms")),
    Parameter("scu-max-retries", "int", help=_("How often the queue retries the SCU")),
    Parameter("TarFileExportMode", choices=("All", "None", "Erased"), help=_("TAR exports of the TSE; empty: All")),
    Parameter("CloseOpenTSETransactionsOnDailyClosing", "bool", default=False),
    Parameter("FlagOptionalSignatures", "bool", default=True),
)
ITALIAN_QUEUE = _hosted(
    Parameter("scu-timeout-ms", "int", help=_("How long the queue waits for the RT device, in ms")),
    Parameter("scu-max-retries", "int", help=_("How often the queue retries the RT device; empty: 1")),
)

GERMANY = Country(
    code="DE",
    name=_("Germany"),
    init_suffix="DE",
    scu_links="one",
    # The queue registers its CashBoxIdentification as the TSE's client id
    # (middleware queue/src/fiskaltrust.Middleware.Localization.QueueDE/RequestCommands/RequestCommand.cs);
    # TSEs take at most 30 bytes (BSI TR-03153; scu-de Swissbit Interop/NativeWormAPI.cs), and
    # fiskaltrust's portal allows 2-30 letters, digits and dashes.
    identification_max=30,
    identification_pattern=r"[A-Za-z0-9-]{2,30}",
    identification_rule=_(
        "In Germany it becomes the TSE's client id: 2 to 30 letters (A-Z, a-z), digits and dashes, nothing else."
    ),
    queue_packages=QUEUE_PACKAGES,
    queue_parameters=GERMAN_QUEUE,
    helpers=HELPERS,
    signing_options=(
        SigningOption(
            "fiskaly",
            _("fiskaly cloud TSE"),
            CLOUD,
            "fiskaltrust.Middleware.SCU.DE.FiskalyCertified",
            None,
            (
                Parameter("TssId", "guid", required=True),
                Parameter("ApiKey", required=True, secret=True),
                Parameter("ApiSecret", required=True, secret=True),
                Parameter("AdminPin", required=True, secret=True),
                Parameter("EnableTarFileExport", "bool", default=True),
                Parameter("CertificationId"),
                Parameter("FiskalyClientTimeout", "int", default=120000),
                *_proxy(),
            ),
            vendor="fiskaly",
            note=_("Technically unlimited clients; fair use: 25 devices and 150,000 signatures a month per outlet."),
        ),
        SigningOption(
            "swissbit-cloud",
            _("Swissbit cloud TSE"),
            CLOUD,
            "fiskaltrust.Middleware.SCU.DE.SwissbitCloud",
            1,
            _fcc(),
            platforms=_PC,
            vendor="Swissbit",
            note=_(
                "Needs the Fiskal Cloud Connector (Java); Linux only on Ubuntu 20.04. One queue per TSE, "
                "up to 25 when bought in a bundle."
            ),
            bundle_max_clients=25,
        ),
        SigningOption(
            "swissbit-cloud-v2",
            _("Swissbit cloud TSE (V2, no connector)"),
            CLOUD,
            "fiskaltrust.Middleware.SCU.DE.SwissbitCloudV2",
            1,
            (
                Parameter("TseSerialNumber", required=True),
                Parameter("TseAccessToken", required=True, secret=True),
                Parameter("EnableTarFileExport", "bool", default=True),
                Parameter("CertificationId", default="BSI-K-TR-0612-2024"),
                Parameter("SwissbitCloudV2Timeout", "int", default=120000),
                *_proxy(),
            ),
            platforms=PC_PLATFORMS,
            vendor="Swissbit",
            note=_("Swissbit's cloud TSE without the Java connector. One queue per TSE, up to 25 when bought in a bundle."),
            bundle_max_clients=25,
        ),
        SigningOption(
            "deutsche-fiskal",
            _("Deutsche Fiskal cloud TSE"),
            CLOUD,
            "fiskaltrust.Middleware.SCU.DE.DeutscheFiskal",
            1,
            _fcc(),
            platforms=_PC,
            vendor="Deutsche Fiskal",
            note=_("Needs the Fiskal Cloud Connector (Java); Linux only on Ubuntu 20.04."),
        ),
        SigningOption(
            "swissbit",
            _("Swissbit USB/SD TSE"),
            HARDWARE,
            "fiskaltrust.Middleware.SCU.DE.Swissbit",
            100,
            (
                Parameter("devicePath", "path", required=True, help=_("Drive or mount path of the TSE, e.g. D: or /media/tse")),
                Parameter("adminPin", secret=True),
                Parameter("timeAdminPin", secret=True),
                Parameter("EnableTarFileExport", "bool", default=True),
                Parameter("StoreTemporaryExportFiles", "bool", default=False),
                Parameter("ServiceFolder", "path"),
            ),
            platforms=(WINDOWS, LINUX, ANDROID),
            vendor="Swissbit",
        ),
        SigningOption(
            "cryptovision",
            _("cryptovision microSD TSE"),
            HARDWARE,
            "fiskaltrust.Middleware.SCU.DE.CryptoVision",
            128,
            (
                Parameter("devicePath", "path", required=True),
                Parameter("adminPin", secret=True),
                Parameter("timeAdminPin", secret=True),
                Parameter("TseIOReadDelayMs", "int", default=10),
                Parameter("KeepAliveIntervalInSeconds", "int"),
            ),
            platforms=_PC,
            vendor="cryptovision",
        ),
        SigningOption(
            "diebold-nixdorf",
            _("Diebold Nixdorf USB TSE"),
            HARDWARE,
            "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf",
            None,
            (
                Parameter("ComPort", help=_("Serial port of a USB TSE, e.g. COM3 or /dev/ttyACM0")),
                Parameter("Url", "url", help=_("Instead of ComPort: the address of the TSE's network connector")),
                Parameter("AdminUser"),
                Parameter("AdminPin", secret=True),
                Parameter("TimeAdminUser"),
                Parameter("TimeAdminPin", secret=True),
            ),
            platforms=_PC,
            limit_known=False,
            vendor="Diebold Nixdorf",
            required_one_of=("ComPort", "Url"),
            note=_("The client limit is not published."),
        ),
        SigningOption(
            "epson",
            _("Epson TSE (printer or server)"),
            NETWORK,
            "fiskaltrust.Middleware.SCU.DE.Epson",
            100,
            (
                Parameter("Host", "host", required=True, help=_("Host of the Epson device, without port")),
                Parameter("Port", "port", default=8009),
                Parameter("DeviceId", default="local_TSE"),
                Parameter("Timeout", "int", default=60000),
            ),
            platforms=_PC,
            vendor="Epson",
        ),
    ),
)

AUSTRIA = Country(
    code="AT",
    name=_("Austria"),
    init_suffix="AT",
    scu_links="many",
    queue_packages=QUEUE_PACKAGES,
    queue_parameters=(
        Parameter(
            "EncryptionKeyBase64",
            secret=True,
            help=_("AES-256 key of the receipt counter, registered at FinanzOnline; generated when left empty"),
        ),
    ),
    helpers=HELPERS,
    remote_signing=True,
    signing_options=(
        SigningOption(
            "atrust-smartcard",
            _("A-Trust smart card"),
            HARDWARE,
            "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard",
            None,
            (
                Parameter("Reader", "int", default=-1, minimum=-1, help=_("PC/SC reader index; -1 picks the first")),
                Parameter("SerialNumber"),
                Parameter("Shared", "bool", default=False),
                Parameter("ReaderTimeoutMs", "int", default=60000),
                Parameter("WatchdogTimeoutMs", "int", default=30000),
                Parameter("VerifySignature", "bool", default=False),
                Parameter("HealthCheck", "bool", default=False),
            ),
            platforms=_PC,
            vendor="A-Trust",
        ),
        SigningOption(
            "primesign-hsm",
            _("PrimeSign HSM"),
            NETWORK,
            "fiskaltrust.Middleware.SCU.AT.PrimeSignHSM",
            None,
            (
                Parameter("Url", "url", required=True),
                Parameter("SharedSecret", required=True, secret=True),
                Parameter("SslValidation", "bool", default=True),
            ),
            platforms=_PC,
            vendor="PrimeSign",
        ),
        SigningOption(
            "atrust-online",
            _("A-Trust online signature (SignatureCloud)"),
            CLOUD,
            "signaturcloud-signing-atrustonline",
            None,
            (
                Parameter(
                    "Url",
                    "url",
                    required=True,
                    help=_("The address of the hosted A-Trust online SCU the queue calls, as its provider gives it"),
                ),
            ),
            placement=SERVICE,
            vendor="A-Trust",
            note=_(
                "Hosted: nothing to install for the SCU; the queue calls the signing service at the address you enter "
                "(an absolute URL: the queue connects no SCU with anything else)."
            ),
        ),
    ),
)

FRANCE = Country(
    code="FR",
    name=_("France"),
    init_suffix="FR",
    scu_links="one",
    identification_max=20,
    queue_packages=QUEUE_PACKAGES,
    helpers=HELPERS,
    remote_signing=True,
    signing_options=(
        SigningOption(
            "fr-certificate",
            _("Certificate per outlet (virtual SCU)"),
            VIRTUAL,
            "fiskaltrust.Middleware.SCU.FR.LNE",
            None,
            (
                Parameter("Siret", "digits", required=True, length=14, help=_("The outlet's SIRET")),
                Parameter("CompanyName", required=True),
            ),
            placement=IN_QUEUE,
            vendor="fiskaltrust",
            note=_(
                "No device: the queue signs with a key pair the portal makes for this SCU. Its certificate is the "
                "portal's own, self-signed, not one issued by fiskaltrust's certification authority."
            ),
            own_certificate=True,
        ),
    ),
)

ITALY = Country(
    code="IT",
    name=_("Italy"),
    init_suffix="IT",
    scu_links="one",
    queue_packages=QUEUE_PACKAGES,
    queue_parameters=ITALIAN_QUEUE,
    helpers=HELPERS,
    signing_options=(
        SigningOption(
            "epson-rt-printer",
            _("Epson RT printer"),
            NETWORK,
            "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter",
            None,
            (
                Parameter("DeviceUrl", "url", required=True),
                Parameter("ClientTimeoutMs", "int", default=15000),
                Parameter("ServerTimeoutMs", "int"),
                Parameter("ForceRebootAfterDailyClosing", "bool", default=False),
            ),
            vendor="Epson",
        ),
        SigningOption(
            "custom-rt-printer",
            _("Custom RT printer"),
            NETWORK,
            "fiskaltrust.Middleware.SCU.IT.CustomRTPrinter",
            None,
            (
                Parameter("DeviceUrl", "url", required=True),
                Parameter("Username", required=True),
                Parameter("Password", required=True, secret=True),
                Parameter("ClientTimeoutMs", "int", default=15000),
            ),
            platforms=PC_PLATFORMS,
            vendor="Custom",
        ),
        SigningOption(
            "custom-rt-server",
            _("Custom RT server"),
            NETWORK,
            "fiskaltrust.Middleware.SCU.IT.CustomRTServer",
            None,
            (
                Parameter("ServerUrl", "url", required=True),
                Parameter("Username", required=True),
                Parameter("Password", required=True, secret=True),
                Parameter("SendReceiptsSync", "bool", default=False),
                Parameter("IgnoreRTServerErrors", "bool", default=True),
                Parameter("RTServerHttpTimeoutInMs", "int", default=5000),
            ),
            vendor="Custom",
            note=_("Each queue's CashBoxIdentification has exactly 8 characters (4 for the shop, 4 for the till)."),
            # CustomRTServerSCU.cs takes Substring(0, 4) as the shop and Substring(4, 4) as the till.
            identification_length=8,
        ),
        SigningOption(
            "epson-rt-server",
            _("Epson RT server"),
            NETWORK,
            "fiskaltrust.Middleware.SCU.IT.EpsonRTServer",
            None,  # clients (tills) per server: not published
            (
                Parameter("ServerUrl", "url", required=True),
                Parameter("Username", default="epson"),
                Parameter("Password", secret=True, help=_("Leave empty for the server's default password, epson")),
                Parameter("DisableSSLValidation", "bool", default=False),
                Parameter("SendReceiptsSync", "bool", default=True),
                Parameter("IgnoreRTServerErrors", "bool", default=False),
                Parameter("MaxDocumentSendRetries", "int", default=5),
                Parameter("ServerBusyRetries", "int", default=5),
                Parameter("ServerBusyRetryDelayInMs", "int", default=2000),
                Parameter("PerformServerZReportOnDailyClosing", "bool", default=False),
                Parameter("RTServerHttpTimeoutInMs", "int", default=15000),
                Parameter("ServerCommandTimeoutInMs", "int", default=10000),
                Parameter("ServiceFolder", "path"),
                Parameter("CacheDirectory", "path"),
            ),
            platforms=PC_PLATFORMS,
            limit_known=False,
            vendor="Epson",
            note=_("Each queue's CashBoxIdentification has exactly 8 characters (4 for the store, 4 for the till)."),
            identification_length=8,
        ),
    ),
)


def _with_host_keys(country):
    """In the countries Launcher 2.0 serves, every SCU it hosts also takes its host keys."""
    options = tuple(
        replace(option, parameters=_hosted(*option.parameters)) if option.placement == COMPONENT else option
        for option in country.signing_options
    )
    return replace(country, signing_options=options)


COUNTRIES = {country.code: country for country in (_with_host_keys(GERMANY), AUSTRIA, FRANCE, _with_host_keys(ITALY))}


def country(code):
    return COUNTRIES.get(code)


def country_choices():
    return [(c.code, c.name) for c in COUNTRIES.values()]


def signing_option_for_package(package):
    """The signing option (in any country) whose SCU package this is."""
    for item in COUNTRIES.values():
        option = item.option_for_package(package)
        if option:
            return item, option
    return None, None


def all_queue_packages():
    return sorted({q.package for c in COUNTRIES.values() for q in c.queue_packages})


def all_helper_packages():
    return sorted({h.package for c in COUNTRIES.values() for h in c.helpers})


def helper_package(package):
    return next((h for h in HELPERS if h.package == package), None)


def as_dict():
    return {"countries": [c.as_dict() for c in COUNTRIES.values()]}


# ------------------------------------------------------------------ launchers

# What runs a CashBox's packages on its machine decides what the configuration may contain.
# - Launcher 2.0 (fiskaltrust/middleware-launcher): only the German and Italian markets use it
#   (its README, FAQ). It fetches the configuration from this portal (configurationUrl).
# - The Android launcher (fiskaltrust/middleware-launcher-android): Germany and Italy; it always
#   fetches the configuration from fiskaltrust's helipad at a fixed address
#   (Constants/Urls.cs, HelipadConfigurationProvider.cs), never from this portal. It starts the
#   SQLite queue and the SCUs DE.Swissbit, DE.FiskalyCertified, IT.EpsonRTPrinter and
#   IT.CustomRTServer (Services/MiddlewareLauncher.cs), so only these list ANDROID among their
#   platforms, and no configured helper (it adds its own helipad helper).
# - Launcher 1.x (fiskaltrust.exe, .NET on Windows, Mono elsewhere) everywhere else (AT, FR): it
#   fetches from fiskaltrust's helipad too, or reads configuration.json with useoffline=true.
LAUNCHER_LABELS = {
    LAUNCHER_2: _("Launcher 2.0"),
    ANDROID_LAUNCHER: _("Android launcher"),
    LAUNCHER_1: _("Launcher 1.x"),
}
LAUNCHER_2_COUNTRIES = ("DE", "IT")
ANDROID_COUNTRIES = ("DE", "IT")


def launcher_for(country, platform):
    """Which launcher runs a CashBox of this country on this operating system."""
    if platform == ANDROID:
        return ANDROID_LAUNCHER
    return LAUNCHER_2 if country in LAUNCHER_2_COUNTRIES else LAUNCHER_1


def launcher_note(launcher):
    """What the dealer must know about where that launcher takes its configuration from."""
    if launcher == ANDROID_LAUNCHER:
        return _(
            "An Android CashBox fetches its configuration from fiskaltrust's helipad, not from this portal: "
            "the Android launcher has no setting for another address."
        )
    if launcher == LAUNCHER_1:
        return _(
            "Launcher 2.0 serves only Germany and Italy; here the middleware runs on Launcher 1.x, which fetches "
            "its configuration from fiskaltrust's helipad or reads it offline (the package's configuration.json)."
        )
    return ""


# ------------------------------------------------------------------ URLs and platforms

# Launcher 2.0 hosts grpc:// and rest:// everywhere and SOAP/WCF (http(s)://, net.tcp://) on
# Windows; it does not host net.pipe:// (ProcessHost/ProcessHostPlebeian.cs GetHostingType: "No
# host could be started"), and a queue reaches its SCU by gRPC, REST or SOAP only
# (Clients/DESSCDClientFactory.cs). Launcher 1.x on Windows also hosts net.pipe:// links.
SCHEMES = {
    WINDOWS: ("grpc", "rest", "http", "https", "net.tcp"),
    LINUX: ("grpc", "rest"),
    MACOS: ("grpc", "rest"),
    ANDROID: ("grpc", "rest"),
}
LAUNCHER_1_WINDOWS_SCHEMES = (*SCHEMES[WINDOWS], "net.pipe")
DEFAULT_PORTS = {"http": 80, "https": 443}
SERVICE_FOLDERS = {
    WINDOWS: "C:/ProgramData/fiskaltrust",
    LINUX: "/var/lib/fiskaltrust",
    MACOS: "/Library/Application Support/fiskaltrust",
    ANDROID: "",
}


def schemes_for(platform, launcher=LAUNCHER_2):
    if platform == WINDOWS and launcher == LAUNCHER_1:
        return LAUNCHER_1_WINDOWS_SCHEMES
    return SCHEMES.get(platform, SCHEMES[LINUX])
