"""Deployment packages: what the installer takes to each machine, signed by the portal.

Per CashBox a zip (`cashbox_package`) whose files follow the launcher that runs the machine
(`catalog.launcher_for`: Launcher 2.0 in Germany and Italy, Launcher 1.x in every other market,
the Android launcher on Android):

- Launcher 2.0: `launcher.configuration.json` (`ftCashBoxId`, `accessToken`, `configurationUrl` =
  this portal, `serviceFolder` of the machine's platform, `sandbox`); the install, test and
  uninstall scripts of the platform, `.cmd` (CRLF) on Windows, `.sh` (LF, executable) on Linux and
  macOS; and `Configuration-<cashboxId>.json`, the published configuration byte for byte as the
  launcher fetches it, for offline use, but only when it holds no value the launcher decrypts
  (`keys.is_encrypted_key`: a queue's connection string): the launcher would fail on that value
  in plain text, so such a configuration reaches it only from the portal, encrypted for its key.
- Launcher 1.x (`fiskaltrust.exe`; it fetches configurations from fiskaltrust's helipad only, so
  the package runs it offline): `fiskaltrust.exe.config` (appSettings `cashboxid`, `accesstoken`,
  `useoffline` true, `sandbox`, `servicefolder`; CRLF on Windows) and `configuration.json`, the
  published configuration as it is (Launcher 1.x decrypts nothing). No scripts: the launcher
  from fiskaltrust brings its own.
- Android (the app fetches its configuration from fiskaltrust's helipad at a fixed address):
  no launcher files; `configuration-for-reference-only.json`, the configuration with its
  secrets masked, for the person who creates the CashBox at fiskaltrust.

Every package has `README.md` for the person at that machine (its role, what runs on it, what to
plug in, ports and outbound hosts, the preflight checklist of the known pitfalls, how to install
and verify), and `MANIFEST.json` (SHA-256 and size of every other file, the CashBox id, the
published revision) and `MANIFEST.sig`, the portal's raw 64-byte Ed25519 signature of the
MANIFEST.json bytes.

Per outlet a bundle (`outlet_bundle`): every CashBox's package as `<description-slug>-<id>.zip`,
the topology drawing the caller passes (`topology.svg`), `ROLLOUT-CHECKLIST.md` (machines others
depend on first, then the tills; each with the steps of its own launcher) and its own
MANIFEST.json and MANIFEST.sig.

Deterministic: equal inputs give equal bytes (entries sorted, times 1980-01-01, fixed permissions,
no directory entries, JSON with sorted keys and fixed separators, fixed line endings). The inputs
are the published configuration, the CashBox's machine fields (description, role, platform, host
name; changing one raises its revision), the outlet's country (which decides the launcher), its
access token (rotating it does not raise the revision, yet changes the package), which queues of
other machines use its SCUs, the signing key and `portal_url`. Loading is two queries, for one
CashBox or a whole outlet; everything after it is a function of plain data.

The text is English whatever the request's language: a revision's package is one file for
everyone, and the one language an installer anywhere can be expected to read. Progress messages
and errors are for the portal's user and follow the active language.
"""

import hashlib
import html
import json
import re
import uuid
from functools import cache, lru_cache
from urllib.parse import urlsplit

from django.db import connection
from django.template.loader import get_template
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cashboxes import catalog, keys, package_text, zips
from cashboxes.choices import ComponentState, LinkMode, MachineRole, Platform
from cashboxes.configuration import MASK
from portal import signing

# The launcher takes its configuration from this portal (configurationUrl); `sandbox` only turns
# its other defaults (packages, helipad) to fiskaltrust's sandbox cloud. A portal that serves a
# sandbox would make this a setting; this one rolls out production machines.
SANDBOX = False
LAUNCHER_FILE = "launcher.configuration.json"
MANIFEST, SIGNATURE = "MANIFEST.json", "MANIFEST.sig"
# Launcher 1.x reads its settings from the .config file named after its executable and, with
# useoffline, the CashBox configuration from configuration.json next to it (brief 2.3, 2.4).
LAUNCHER_1_SETTINGS, LAUNCHER_1_CONFIGURATION = "fiskaltrust.exe.config", "configuration.json"
# The Android app reads no file: a name nobody takes for one a launcher reads.
ANDROID_REFERENCE = "configuration-for-reference-only.json"
LAUNCHER_NAMES = {
    catalog.LAUNCHER_2: "Launcher 2.0",
    catalog.LAUNCHER_1: "Launcher 1.x",
    catalog.ANDROID_LAUNCHER: "Android launcher",
}
# Launcher 1.x's `servicefolder`: the folder whose `service` subfolder holds the configuration and
# the receipt journals (%ProgramData%\fiskaltrust\service, /usr/share/fiskaltrust/service by
# default: fiskaltrust docs, middleware/setup.md; Launcher 2.0 migrates the value unchanged to
# its serviceFolder, LegacyConfigFileReader.cs). macOS keeps /usr/share read-only (System
# Integrity Protection), so there it is Launcher 2.0's folder.
LAUNCHER_1_SERVICE_FOLDERS = {
    Platform.WINDOWS: "C:/ProgramData/fiskaltrust",
    Platform.LINUX: "/usr/share/fiskaltrust",
    Platform.MACOS: "/Library/Application Support/fiskaltrust",
}
SCRIPTS = {
    Platform.WINDOWS: ("install.cmd", "test.cmd", "uninstall.cmd"),
    Platform.LINUX: ("install.sh", "test.sh", "uninstall.sh"),
    Platform.MACOS: ("install.sh", "test.sh", "uninstall.sh"),
    Platform.ANDROID: (),
}
PLATFORM_LABELS = {Platform.WINDOWS: "Windows", Platform.LINUX: "Linux", Platform.MACOS: "macOS", Platform.ANDROID: "Android"}
ROLE_LABELS = {
    MachineRole.POS: "a POS system (till)",
    MachineRole.SERVER: "the server (back office)",
    MachineRole.TERMINAL_HOST: "a terminal host (main POS)",
    MachineRole.DATA_CENTRE: "a machine in the data centre",
}
# Only these keep a listener on the machine itself; "0.0.0.0" and "::" listen on the network.
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
# Outbound connections every Launcher 2.0 makes (brief 2.3; launcher defaults without sandbox).
FISKALTRUST_HOSTS = (
    ("packages-2-0.fiskaltrust.cloud", 443, "Launcher 2.0 downloads the middleware packages"),
    ("helipad.fiskaltrust.cloud", 443, "upload of the receipt journals to fiskaltrust.Cloud"),
    ("dc.services.visualstudio.com", 443, "telemetry"),
)
# The Android launcher's one address (Constants/Urls.cs HELIPAD_PRODUCTION); Launcher 1.x
# offline makes no connection of its own (fiskaltrust docs, middleware/configuration.md).
HELIPAD = "https://helipad.fiskaltrust.cloud/"
ANDROID_HOSTS = (
    ("helipad.fiskaltrust.cloud", 443, "the Android launcher: its configuration, and upload of the receipt journals"),
)
# Further hosts an SCU package (or a hosted signing service, by its URL) talks to.
SIGNING_HOSTS = {
    "fiskaltrust.Middleware.SCU.DE.FiskalyCertified": (("kassensichv-middleware.fiskaly.com", 443, "fiskaly cloud TSE"),),
}
FCC_PACKAGES = {"fiskaltrust.Middleware.SCU.DE.SwissbitCloud", "fiskaltrust.Middleware.SCU.DE.DeutscheFiskal"}
DATABASE_QUEUES = {"fiskaltrust.Middleware.Queue.MySQL", "fiskaltrust.Middleware.Queue.EF"}
# Parameters of network SCUs that name the device they talk to.
DEVICE_URL_PARAMETERS = ("DeviceUrl", "ServerUrl", "Url")


# ------------------------------------------------------------------ loading
#
# A package is mostly plain data, so its loading shows in the time per package: the two queries
# are written in SQL (names from the models' _meta, quoted; values are parameters), kept per
# database vendor. Compiling the equivalent ORM queries, a dozen joined fields each, cost about
# five times more than running them (bench/build_packages.py).

# (key, table alias, model name, field): the columns of a CashBox's row.
CASHBOX_COLUMNS = (
    ("id", "c", "CashBox", "id"),
    ("description", "c", "CashBox", "description"),
    ("machine_role", "c", "CashBox", "machine_role"),
    ("platform", "c", "CashBox", "platform"),
    ("hostname", "c", "CashBox", "hostname"),
    ("private_key_encrypted", "c", "CashBox", "private_key_encrypted"),
    ("published_id", "c", "CashBox", "published"),
    ("revision", "p", "CashBoxPublication", "revision"),
    ("configuration_encrypted", "p", "CashBoxPublication", "configuration_encrypted"),
    ("operator", "o", "Organization", "name"),
    ("outlet_id", "c", "CashBox", "outlet"),
    ("outlet_number", "t", "Outlet", "number"),
    ("outlet_name", "t", "Outlet", "name"),
    ("outlet_street", "t", "Outlet", "address_line1"),
    ("outlet_zip", "t", "Outlet", "postal_code"),
    ("outlet_city", "t", "Outlet", "city"),
    ("outlet_country", "t", "Outlet", "country"),
)
# An SCU with each queue that uses it (one row per link; an SCU without links comes once).
SCU_COLUMNS = (
    ("id", "s", "Scu", "id"),
    ("description", "s", "Scu", "description"),
    ("package", "s", "Scu", "package"),
    ("cashbox_id", "s", "Scu", "cashbox"),
    ("machine", "sc", "CashBox", "description"),
    ("hostname", "sc", "CashBox", "hostname"),
    ("device_kind", "d", "SigningDevice", "kind"),
    ("device_serial", "d", "SigningDevice", "serial"),
    ("link_mode", "l", "QueueScuLink", "mode"),
    ("queue_state", "q", "Queue", "state"),
    ("queue_cashbox_id", "q", "Queue", "cashbox"),
    ("queue", "q", "Queue", "cashbox_identification"),
    ("queue_machine", "qc", "CashBox", "description"),
    ("queue_hostname", "qc", "CashBox", "hostname"),
)


def _sql_names():
    """A function (model name, field name) -> quoted column, and (model name) -> quoted table."""
    from django.apps import apps

    quote = connection.ops.quote_name
    models = {
        "CashBox": apps.get_model("cashboxes", "CashBox"),
        "CashBoxPublication": apps.get_model("cashboxes", "CashBoxPublication"),
        "Outlet": apps.get_model("cashboxes", "Outlet"),
        "Scu": apps.get_model("cashboxes", "Scu"),
        "SigningDevice": apps.get_model("cashboxes", "SigningDevice"),
        "QueueScuLink": apps.get_model("cashboxes", "QueueScuLink"),
        "Queue": apps.get_model("cashboxes", "Queue"),
        "Organization": apps.get_model("portal", "Organization"),
    }

    def column(model, field="id"):
        return quote(models[model]._meta.get_field(field).column)

    def table(model):
        return quote(models[model]._meta.db_table)

    return column, table


def _select(columns, column):
    return ", ".join(f"{alias}.{column(model, field)}" for _key, alias, model, field in columns)


@lru_cache(maxsize=8)
def _cashbox_sql(vendor, by):
    """The CashBoxes of one CashBox id (by="id") or outlet id (by="outlet"), ordered like the UI."""
    column, table = _sql_names()
    # Names from the models' _meta, quoted; the id is a parameter.
    return (
        f"SELECT {_select(CASHBOX_COLUMNS, column)} FROM {table('CashBox')} c"  # noqa: S608
        f" JOIN {table('Organization')} o ON o.{column('Organization')} = c.{column('CashBox', 'operator')}"
        f" JOIN {table('Outlet')} t ON t.{column('Outlet')} = c.{column('CashBox', 'outlet')}"
        f" LEFT JOIN {table('CashBoxPublication')} p ON p.{column('CashBoxPublication')} = c.{column('CashBox', 'published')}"
        f" WHERE c.{column('CashBox', by)} = %s"
        f" ORDER BY c.{column('CashBox', 'description')}, c.{column('CashBox', 'created_at')}, c.{column('CashBox')}"
    )


@lru_cache(maxsize=8)
def _scu_sql(vendor):
    """The SCUs of some ids with every queue linked to them; the caller appends the ids' placeholders."""
    column, table = _sql_names()
    # Names from the models' _meta, quoted; the ids are parameters.
    return (
        f"SELECT {_select(SCU_COLUMNS, column)} FROM {table('Scu')} s"  # noqa: S608
        f" JOIN {table('CashBox')} sc ON sc.{column('CashBox')} = s.{column('Scu', 'cashbox')}"
        f" LEFT JOIN {table('SigningDevice')} d ON d.{column('SigningDevice')} = s.{column('Scu', 'signing_device')}"
        f" LEFT JOIN {table('QueueScuLink')} l ON l.{column('QueueScuLink', 'scu')} = s.{column('Scu')}"
        f" LEFT JOIN {table('Queue')} q ON q.{column('Queue')} = l.{column('QueueScuLink', 'queue')}"
        f" LEFT JOIN {table('CashBox')} qc ON qc.{column('CashBox')} = q.{column('Queue', 'cashbox')}"
        f" WHERE s.{column('Scu')} IN "
    )


def _rows(sql, params, columns):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [key for key, *_rest in columns]
        return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def _uuid_text(value):
    """A UUID column's value as text with dashes (SQLite returns 32 hex digits, PostgreSQL a UUID)."""
    if value is None or isinstance(value, uuid.UUID):
        return value and str(value)
    if len(value) == 32:  # SQLite's form, cut into the dashed one without parsing it
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(uuid.UUID(value))


def _uuid_param(value):
    """A model instance's or an id's UUID as a query parameter, as Django's UUIDField passes it."""
    value = uuid.UUID(str(getattr(value, "pk", value)))
    return value if connection.features.has_native_uuid_field else value.hex


def load(*, cashbox=None, outlet=None):
    """Everything the packages of one CashBox or of an outlet's CashBoxes need, as plain data: two
    queries, whatever their number and size. `cashbox`, `outlet`: a model instance or its id.

    Raises ValueError naming every CashBox that was never published (rebuilt).
    """
    from portal import crypto

    by, target = ("id", cashbox) if cashbox is not None else ("outlet", outlet)
    rows = _rows(_cashbox_sql(connection.vendor, by), [_uuid_param(target)], CASHBOX_COLUMNS)
    never = [row for row in rows if row["published_id"] is None]
    if never:
        raise ValueError(
            _("%(names)s never published: rebuild before building a package.")
            % {"names": ", ".join(f"“{row['description']}” ({_uuid_text(row['id'])})" for row in never)}
        )
    machines = []
    for row in rows:
        body = crypto.decrypt(row["configuration_encrypted"])
        machines.append(
            {
                "id": _uuid_text(row["id"]),
                "description": row["description"],
                "role": row["machine_role"],
                "platform": row["platform"],
                "launcher": catalog.launcher_for(row["outlet_country"], row["platform"]),
                "hostname": row["hostname"],
                "access_token": keys.access_token(row["private_key_encrypted"]),
                "revision": row["revision"],
                "configuration_text": body,
                "configuration": json.loads(body),
                "operator": row["operator"],
                "outlet": {
                    "id": _uuid_text(row["outlet_id"]),
                    "number": row["outlet_number"],
                    "name": row["outlet_name"],
                    "street": row["outlet_street"],
                    "zip": row["outlet_zip"],
                    "city": row["outlet_city"],
                    "country": row["outlet_country"],
                },
            }
        )
    # The SCUs the configurations name (their own and those their queues sign with), each with
    # the queues of other machines that use it.
    scu_ids = sorted({scu_id for machine in machines for scu_id in _scu_ids(machine["configuration"])})
    scus, users = {}, {}
    if scu_ids:
        sql = _scu_sql(connection.vendor) + "(" + ", ".join(["%s"] * len(scu_ids)) + ")"
        scu_rows = _rows(sql, [_uuid_param(scu_id) for scu_id in scu_ids], SCU_COLUMNS)
    else:
        scu_rows = []
    for row in scu_rows:
        scu_id = _uuid_text(row["id"])
        scus[scu_id] = {
            "description": row["description"],
            "package": row["package"],
            "machine": row["machine"],
            "hostname": row["hostname"],
            "device_kind": row["device_kind"] or "",
            "device_serial": row["device_serial"] or "",
        }
        user_box = row["queue_cashbox_id"]  # compared as the database returns both
        if (
            user_box is not None
            and user_box != row["cashbox_id"]
            and row["link_mode"] != LinkMode.DEACTIVATED
            and row["queue_state"] != ComponentState.OUT_OF_OPERATION
        ):
            users.setdefault(scu_id, []).append(
                {"queue": row["queue"], "machine": row["queue_machine"], "hostname": row["queue_hostname"]}
            )
    for found in users.values():
        found.sort(key=lambda user: (user["machine"], user["queue"]))
    for machine in machines:
        machine["scus"] = scus
        machine["users"] = {scu_id: users.get(scu_id, []) for scu_id in _local_scu_ids(machine["configuration"])}
    return machines


def _local_scu_ids(configuration):
    return [scu["Id"] for scu in configuration.get("ftSignaturCreationDevices") or []]


def _scu_records(queue):
    """The queue's init_ftSignaturCreationUnitXX records as (SCU id, [urls])."""
    records = []
    for key, value in sorted((queue.get("Configuration") or {}).items()):
        if not key.startswith("init_ftSignaturCreationUnit"):
            continue
        if isinstance(value, str):  # the bootstrapper also takes a JSON-encoded string
            value = json.loads(value or "[]")
        suffix = key.removeprefix("init_ftSignaturCreationUnit")
        for record in value or []:
            url = record.get("Url")
            if isinstance(url, str) and url.startswith("["):
                urls = json.loads(url)
            else:
                urls = [url] if url else []
            records.append((record.get(f"ftSignaturCreationUnit{suffix}Id"), urls))
    return records


def _scu_ids(configuration):
    ids = set(_local_scu_ids(configuration))
    for queue in configuration.get("ftQueues") or []:
        ids.update(scu_id for scu_id, _urls in _scu_records(queue) if scu_id)
    return ids


# ------------------------------------------------------------------ per launcher (pure)


def launcher_of(machine):
    """The launcher that runs the machine (load() puts it in; catalog.launcher_for)."""
    return machine.get("launcher") or catalog.launcher_for(machine["outlet"]["country"], machine["platform"])


def service_folder(machine):
    """The service folder the machine's launcher uses ("" on Android: the app keeps its own data)."""
    if launcher_of(machine) == catalog.LAUNCHER_1:
        return LAUNCHER_1_SERVICE_FOLDERS.get(machine["platform"], "")
    return catalog.SERVICE_FOLDERS.get(machine["platform"], "")


def scripts_for(machine):
    """The package's scripts: Launcher 2.0's of the platform; none for the other launchers."""
    return SCRIPTS.get(machine["platform"], ()) if launcher_of(machine) == catalog.LAUNCHER_2 else ()


def encrypted_values(configuration):
    """(queue, key) of every non-empty queue Configuration value Launcher 2.0 decrypts
    (keys.is_encrypted_key), sorted; `queue` is its CashBoxIdentification or id."""
    found = set()
    for queue in configuration.get("ftQueues") or []:
        parameters = queue.get("Configuration") or {}
        for key, value in parameters.items():
            if value not in (None, "") and keys.is_encrypted_key(key):
                found.add((_identification(parameters) or queue.get("Id") or "", key))
    return sorted(found)


@cache
def _secret_names(package):
    """The parameters of a package the portal keeps as secrets (catalog), by package."""
    option = _option(package)
    if option:
        return frozenset(option.secret_names)
    names = set()
    for country in catalog.COUNTRIES.values():
        queue_package = country.queue_package(package)
        if queue_package:
            names |= {p.name for p in (*queue_package.parameters, *country.queue_parameters) if p.secret}
    return frozenset(names)


def masked(configuration):
    """A copy of a configuration with every secret value (catalog secrets, and the values
    Launcher 2.0 decrypts) replaced by MASK, for a copy kept for reference only."""

    def hide(values, secret):
        return {
            key: MASK
            if value not in (None, "") and (key in secret or keys.is_encrypted_key(key))
            # the init_ftQueueXX records (Austria's receipt counter key is in one)
            else [hide(item, secret) if isinstance(item, dict) else item for item in value]
            if isinstance(value, list)
            else value
            for key, value in values.items()
        }

    def mask(component):
        return {
            **component,
            "Configuration": hide(component.get("Configuration") or {}, _secret_names(component.get("Package") or "")),
        }

    copy = dict(configuration)
    for group in ("ftQueues", "ftSignaturCreationDevices", "helpers"):
        if configuration.get(group):
            copy[group] = [mask(component) for component in configuration[group]]
    return copy


# ------------------------------------------------------------------ describing (pure)


def normalized_portal_url(portal_url):
    """The portal's base URL ending with "/" (Launcher 2.0 appends `api/configuration/{id}`)."""
    parts = urlsplit(str(portal_url or ""))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(_("The portal URL must be an http(s) URL such as https://portal.example.com/."))
    return portal_url if portal_url.endswith("/") else portal_url + "/"


@lru_cache(maxsize=1024)
def _endpoint(url):
    """Scheme, host and port of a component URL; None for a named pipe or an unparsable URL.
    Kept per URL (the same few in every package); callers must not change the dict."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except (TypeError, ValueError):
        return None
    if not parts.hostname or parts.scheme == "net.pipe":
        return None
    return {
        "scheme": parts.scheme,
        "host": parts.hostname,
        "port": port or catalog.DEFAULT_PORTS.get(parts.scheme),
        "loopback": parts.hostname in LOOPBACK,
    }


def _address(host, port):
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")


def md(text):
    """Text for Markdown (a table cell too): its special characters escaped, on one line."""
    return _md(str(text or ""))


def code(text):
    """Text as a Markdown code span (backticks inside cannot end it early)."""
    return _code(str(text or ""))


# Kept per text: a package repeats the same host names, packages and labels many times.
@lru_cache(maxsize=4096)
def _md(text):
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


@lru_cache(maxsize=4096)
def _code(text):
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else ""


def _plural(n, one, many):
    return one if n == 1 else many


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _scu_name(scu_id, package, scus, description=""):
    known = scus.get(scu_id) or {}
    name = description or known.get("description") or ""
    return name or package.rsplit(".", 1)[-1]


@cache
def _option(package):
    """The signing option of an SCU package, or None (kept per process, like the catalog)."""
    return catalog.signing_option_for_package(package)[1]


def _label(option):
    """An option's label in English, whatever language is active (packages are English)."""
    return _english_label(option.package)


@cache
def _english_label(package):
    # Keyed by the package (one option each): hashing the option itself would hash all its
    # parameters and evaluate its lazy texts, every time.
    with translation.override("en"):
        return str(_option(package).label)


def describe(machine, portal_url):
    """What the README and the rollout checklist say about one machine: plain data, Markdown-ready."""
    configuration = machine["configuration"]
    scus_known = machine["scus"]
    users = machine["users"]
    platform = machine["platform"]
    launcher = launcher_of(machine)
    folder = service_folder(machine)
    portal = normalized_portal_url(portal_url)
    local_ids = set(_local_scu_ids(configuration))
    ports, outbound, plug, preflight, role, after = [], {}, [], [], [], []
    hardware = fcc = cloud = shared_scu = diebold = False
    remote_machines = {}

    def add_port(endpoint, what, inbound, why):
        ports.append(
            {
                "port": str(endpoint["port"]) if endpoint["port"] else "(none in the URL)",
                "scheme": endpoint["scheme"],
                "what": what,
                "inbound": "yes" if inbound else "no",
                "why": why,
            }
        )

    def add_outbound(host, port, why):
        key = (host, port or 0)
        outbound.setdefault(key, {"address": code(_address(host, port)), "why": []})
        if why not in outbound[key]["why"]:
            outbound[key]["why"].append(why)

    if launcher == catalog.LAUNCHER_2:
        portal_parts = urlsplit(portal)
        add_outbound(
            portal_parts.hostname, portal_parts.port or catalog.DEFAULT_PORTS[portal_parts.scheme], "this portal: configuration"
        )
        for host, port, why in FISKALTRUST_HOSTS:
            add_outbound(host, port, why)
    elif launcher == catalog.ANDROID_LAUNCHER:
        for host, port, why in ANDROID_HOSTS:
            add_outbound(host, port, why)

    # SCUs on this machine
    scus = []
    for scu in configuration.get("ftSignaturCreationDevices") or []:
        scu_id, package = scu["Id"], scu["Package"]
        parameters = scu.get("Configuration") or {}
        option = _option(package)
        known = scus_known.get(scu_id) or {}
        name = _scu_name(scu_id, package, scus_known, scu.get("Description") or "")
        scu_users = users.get(scu_id) or []
        kind = known.get("device_kind") or (option.kind if option else "")
        label = _label(option) if option else package
        device = label + (f", serial {known['device_serial']}" if known.get("device_serial") else "")
        user_text = _join([f"{md(u['queue'])} on {md(u['machine'])} ({code(u['hostname'])})" for u in scu_users])
        scus.append(
            {
                "name": md(name),
                "id": code(scu_id),
                "package": code(package),
                "version": code(scu.get("Version") or ""),
                "device": md(device),
                "urls": ", ".join(code(url) for url in scu.get("Url") or []) or "-",
                "users": user_text or "queues on this machine",
            }
        )
        for url in scu.get("Url") or []:
            endpoint = _endpoint(url)
            if endpoint:
                inbound = bool(scu_users) or not endpoint["loopback"]
                why = (
                    "queues on other machines sign here" if scu_users else ("listens on the network" if inbound else "local only")
                )
                add_port(endpoint, f"SCU {md(name)}", inbound, why)
        if scu_users:
            shared_scu = True
            machines = sorted({f"{md(u['machine'])} ({code(u['hostname'])})" for u in scu_users})
            role.append(
                f"Its SCU {md(name)} also signs for {len(scu_users)} "
                f"{_plural(len(scu_users), 'queue', 'queues')} on other machines: {_join(machines)}. "
                "Install and start this machine first, and keep it running while they work."
            )
        if kind == catalog.HARDWARE:
            hardware = True
            if "ComPort" in parameters:
                diebold = True
                plug.append(
                    f"The {md(device)}: plug it into a USB port of this machine directly (no hub). "
                    f"It shows up as serial port {code(parameters['ComPort'])}."
                )
            elif "devicePath" in parameters:
                plug.append(
                    f"The {md(device)}: plug it into a USB port (or the SD slot) of this machine directly, not "
                    f"through a hub. It must show up as {code(parameters['devicePath'])}"
                    + (" (its drive letter)." if platform == Platform.WINDOWS else " (where it is mounted).")
                )
            else:
                reader = parameters.get("Reader")
                plug.append(
                    f"The {md(device)}: put it into the card reader of this machine"
                    + (f" (reader {code(reader)})." if reader not in (None, "", -1) else ".")
                )
        elif kind == catalog.NETWORK:
            targets = _device_targets(parameters)
            for host, port in targets:
                add_outbound(host, port, f"{label} (local network)")
            where = _join([code(_address(host, port)) for host, port in targets]) or "its address"
            plug.append(f"Nothing for the {md(label)}: it is a network device at {where}; it must be on and reachable.")
        elif kind == catalog.CLOUD:
            cloud = True
            plug.append(f"Nothing for the {md(label)}: it is a cloud service, reached over the internet.")
        for host, port, why in SIGNING_HOSTS.get(package, ()):
            add_outbound(host, port, why)
        if package in FCC_PACKAGES:
            fcc = True
            fcc_port = parameters.get("FccPort") or 20001
            add_port({"scheme": "http", "port": fcc_port}, f"Fiskal Cloud Connector of {md(name)}", False, "local only")
            for parameter in ("FccUri", "FccDownloadUri"):
                endpoint = _endpoint(parameters.get(parameter) or "")
                if endpoint:
                    add_outbound(endpoint["host"], endpoint["port"], f"Fiskal Cloud Connector ({parameter})")
            add_outbound(f"the {label} cloud", None, "the Fiskal Cloud Connector and its download (vendor's host list)")
        if parameters.get("ProxyServer"):
            add_outbound(str(parameters["ProxyServer"]), parameters.get("ProxyPort"), f"proxy of SCU {name}")

    # Queues on this machine
    queues = []
    for queue in configuration.get("ftQueues") or []:
        parameters = queue.get("Configuration") or {}
        first = (parameters.get("init_ftQueue") or [{}])[0]
        identification = _identification(parameters) or queue["Id"]
        signs = []
        for scu_id, urls in _scu_records(queue):
            known = scus_known.get(scu_id) or {}
            option = _option(known.get("package", ""))
            if scu_id in local_ids:
                signs.append(f"SCU {md(_scu_name(scu_id, known.get('package', 'SCU'), scus_known))} on this machine")
            elif option and option.placement == catalog.SERVICE:
                signs.append(f"{md(_label(option))} (hosted)")
                endpoint = _endpoint(urls[0] if urls else "")
                if endpoint:
                    add_outbound(endpoint["host"], endpoint["port"], f"the hosted SCU ({_label(option)})")
                cloud = True
            elif option and option.placement == catalog.IN_QUEUE:
                signs.append(f"{md(_label(option))}, inside the queue")
            else:
                machine_name = known.get("machine") or "another machine"
                where = ", ".join(code(url) for url in urls) or "-"
                signs.append(f"SCU on {md(machine_name)} at {where}")
                for url in urls:
                    endpoint = _endpoint(url)
                    if endpoint:
                        add_outbound(endpoint["host"], endpoint["port"], f"SCU on {machine_name}")
                        remote_machines[(machine_name, _address(endpoint["host"], endpoint["port"]))] = endpoint
                role.append(
                    f"Queue {md(identification)} signs through the SCU on {md(machine_name)} ({where}): "
                    "that machine must be installed and running first."
                )
        queues.append(
            {
                "identification": md(identification),
                "country": first.get("CountryCode") or "",
                "id": code(queue["Id"]),
                "package": code(queue["Package"]),
                "urls": ", ".join(code(url) for url in queue.get("Url") or []) or "-",
                "signs": "; ".join(signs) or "-",
            }
        )
        for url in queue.get("Url") or []:
            endpoint = _endpoint(url)
            if endpoint:
                inbound = not endpoint["loopback"]
                add_port(
                    endpoint,
                    f"queue {md(identification)}",
                    inbound,
                    "POS systems or terminals on other devices call it" if inbound else "the POS system on this machine calls it",
                )
        if queue["Package"] in DATABASE_QUEUES:
            preflight.append(
                f"The database server of queue {md(identification)}'s connection string is reachable from here, "
                "and its database user may create tables."
            )

    helpers = []
    for helper in configuration.get("helpers") or []:
        helpers.append(
            {"package": code(helper["Package"]), "urls": ", ".join(code(url) for url in helper.get("Url") or []) or "-"}
        )
        for url in helper.get("Url") or []:
            endpoint = _endpoint(url)
            if endpoint:
                inbound = not endpoint["loopback"]
                add_port(
                    endpoint, f"helper {code(helper['Package'].rsplit('.', 1)[-1])}", inbound, "" if inbound else "local only"
                )

    # The role, in sentences
    intro = [
        f"This machine is {ROLE_LABELS.get(machine['role'], md(machine['role']))} of outlet "
        f"{md(machine['outlet']['number'])} {md(machine['outlet']['name'])}."
    ]
    if len(queues) == 1:
        intro.append(
            "It runs 1 queue, a cash register in the legal sense: the POS system sends every receipt to the queue's URL, "
            "and the queue has it signed."
        )
    elif queues:
        intro.append(
            f"It runs {len(queues)} queues, each a cash register in the legal sense: each POS system sends every receipt "
            "to its queue's URL, and the queue has it signed."
        )
    else:
        intro.append("It runs no queue: no POS system sends receipts here.")
    if cloud:
        intro.append("Signatures come from a cloud service: this machine needs a permanent internet connection.")
    if not plug:
        plug.append("Nothing: this machine has no signing device of its own.")

    # The preflight checklist: the known pitfalls that apply here (brief section 6).
    checks = [
        (
            "The ports in the table below are free on this device: no other app listens on them."
            if platform == Platform.ANDROID
            else "The ports in the table below are free on this machine: no other program listens on them "
            + (
                "(`netstat -ano | findstr LISTENING`)."
                if platform == Platform.WINDOWS
                else "(`ss -ltnp` on Linux, `lsof -iTCP -sTCP:LISTEN` on macOS)."
            )
        )
        + " Two components cannot share a port.",
        'Inbound ports marked "yes" are open in this machine\'s firewall for the outlet network, and the outbound '
        "connections below are allowed by the firewall (and proxy) of the outlet.",
    ]
    if launcher == catalog.LAUNCHER_2:
        checks.append(f"This machine reaches the portal: {code(portal + 'healthz')} answers in a browser or with `curl`.")
    elif launcher == catalog.ANDROID_LAUNCHER:
        checks.append(
            f"The device has the internet at the first start of the app: it fetches the configuration from {code(HELIPAD)}."
        )
    else:
        checks.append(
            "The scripts of the launcher you downloaded set none of the settings of "
            f"{code(LAUNCHER_1_SETTINGS)} themselves (no `-cashboxid=`, `-accesstoken=` or `-useoffline=`): "
            "a parameter there writes over the value of the file."
        )
    if hardware and launcher != catalog.ANDROID_LAUNCHER:
        checks += [
            "USB power saving is off for the TSE's port: "
            + (
                'Device Manager, each USB Root Hub, Power Management: untick "Allow the computer to turn off this device"; '
                'and the power plan\'s "USB selective suspend" is disabled.'
                if platform == Platform.WINDOWS
                else "boot with `usbcore.autosuspend=-1`, or write `-1` to the TSE's `power/autosuspend_delay_ms`."
            ),
            "The TSE is plugged in directly, not through a USB hub or docking station.",
            "The virus scanner leaves the TSE "
            + ("drive" if platform == Platform.WINDOWS else "device")
            + " and the service folder "
            + code(folder)
            + " alone (exclude both).",
            "This machine is not a virtual machine: a USB or SD TSE passed through to a VM fails with errors such as "
            '"Invalid Response from TSE". Use a physical machine, or a network, server or cloud TSE.',
        ]
    if diebold:
        checks.append(
            "No other program holds the TSE's COM port (the Diebold Nixdorf web service must not run), "
            "and the port in the configuration is the one the TSE got."
        )
    if fcc:
        checks += [
            "The Fiskal Cloud Connector (Java) is downloaded and installed at the first start: the first start needs "
            "the internet and administrator rights (it adds a firewall exception).",
            "On Linux the Fiskal Cloud Connector runs on Ubuntu 20.04 only.",
            "This is the final machine: the first start pairs the cloud TSE with this computer for good.",
            "The cloud TSE takes one queue as client. Export its data regularly: large TAR exports fail with TOO_MANY_RECORDS.",
        ]
    if shared_scu:
        checks += [
            f"This machine keeps its address: the other machines reach it as {code(machine['hostname'])}.",
            "Its TSE is shared: when one queue is taken out of operation, its POS system sends the stop receipt with "
            "the flag `0x0000000001000000` (client de-registration only); without it the stop receipt deactivates "
            "the TSE for every queue.",
        ]
    for (machine_name, address), endpoint in sorted(remote_machines.items()):
        test = (
            f"`Test-NetConnection {endpoint['host']} -Port {endpoint['port']}`"
            if platform == Platform.WINDOWS
            else f"`nc -zv {endpoint['host']} {endpoint['port']}`"
        )
        checks.append(f"{md(machine_name)} is installed and running, and {code(address)} answers from here ({test}).")
    checks += preflight
    service = ""
    if launcher == catalog.LAUNCHER_2:
        if platform == Platform.LINUX:
            after.append(
                "If the service does not start because it cannot write the keyring (a known issue of Launcher 2.0 as a "
                'Linux service), add `"useLegacyDataProtection": true` to launcher.configuration.json and install again.'
            )
        service = service_name(machine)
        after.append(
            "Changes made in the portal reach this machine only after a rebuild there and a restart of the middleware "
            + {
                Platform.WINDOWS: f"(`Restart-Service {service}` in PowerShell as administrator)",
                Platform.LINUX: f"(`sudo systemctl restart {service}`)",
                Platform.MACOS: f"(`sudo launchctl kickstart -k system/{service}`)",
            }.get(platform, "")
            + "; in offline mode not at all."
        )
    elif launcher == catalog.LAUNCHER_1:
        after.append(
            "Changes made in the portal reach this machine only with a new package: after a rebuild there, put the new "
            f"{code(LAUNCHER_1_CONFIGURATION)} in place of this one and restart the middleware's service."
        )
    else:
        after.append(
            "Changes made in this portal do not reach this device: make them at fiskaltrust too. The app takes them "
            "from fiskaltrust's helipad when it starts."
        )

    outbound_rows = [
        {"address": value["address"], "why": md("; ".join(value["why"]))}
        for _key, value in sorted(outbound.items(), key=lambda item: (item[0][0].startswith("the "), item[0]))
    ]
    ports.sort(key=lambda row: (row["port"], row["what"]))
    return {
        "intro": intro,
        "role": role,
        "queues": queues,
        "scus": scus,
        "helpers": helpers,
        "plug": plug,
        "ports": ports,
        "outbound": outbound_rows,
        "checks": checks,
        "after": after,
        "service": service,
        "shared": shared_scu,
        "order": _order(machine, shared_scu),
    }


def service_name(machine):
    """The service the install script sets up: the launcher's default name, or the launchd label."""
    if machine["platform"] == Platform.MACOS:
        return f"cloud.fiskaltrust.{machine['id']}"
    return f"fiskaltrust-{machine['id']}"


def _identification(parameters):
    """The CashBoxIdentification of a queue, from its init_ftQueueXX record."""
    for key, value in sorted(parameters.items()):
        record = value[0] if key.startswith("init_ftQueue") and isinstance(value, list) and value else None
        if isinstance(record, dict) and record.get("CashBoxIdentification"):
            return record["CashBoxIdentification"]
    return ""


def _device_targets(parameters):
    """(host, port) of the network device an SCU talks to, from its parameters."""
    if parameters.get("Host"):
        return [(str(parameters["Host"]), parameters.get("Port") or None)]
    for name in DEVICE_URL_PARAMETERS:
        endpoint = _endpoint(str(parameters.get(name) or ""))
        if endpoint:
            return [(endpoint["host"], endpoint["port"])]
    return []


def _order(machine, shared_scu):
    """Rollout order: what others depend on first, then terminal hosts, then tills."""
    if shared_scu or machine["role"] in (MachineRole.SERVER, MachineRole.DATA_CENTRE):
        return 0
    return 1 if machine["role"] == MachineRole.TERMINAL_HOST else 2


# ------------------------------------------------------------------ files (pure)


def dumps(data):
    """JSON as the package writes it: sorted keys, fixed separators, two-space indent, final LF."""
    return (json.dumps(data, sort_keys=True, indent=2, separators=(",", ": ")) + "\n").encode()


def launcher_configuration(machine, portal_url):
    """launcher.configuration.json of Launcher 2.0 (brief 2.4)."""
    data = {
        "ftCashBoxId": machine["id"],
        "accessToken": machine["access_token"],
        "configurationUrl": normalized_portal_url(portal_url),
        "sandbox": SANDBOX,
    }
    folder = catalog.SERVICE_FOLDERS.get(machine["platform"], "")
    if folder:
        data["serviceFolder"] = folder
    return data


def _render(name, context, crlf=False):
    text = get_template(f"cashboxes/package/{name}").render(context)
    text = text.replace("\r\n", "\n").rstrip("\n") + "\n"
    return (text.replace("\n", "\r\n") if crlf else text).encode()


@cache
def _scripts(platform):
    """The scripts of a platform: the same for every CashBox (they read launcher.configuration.json),
    so rendered once per process."""
    context = {
        "macos": platform == Platform.MACOS,
        "service_folder": catalog.SERVICE_FOLDERS.get(platform, ""),
        "launcher_file": LAUNCHER_FILE,
    }
    with translation.override("en"):
        return {name: _render(name, context, crlf=name.endswith(".cmd")) for name in SCRIPTS.get(platform, ())}


def launcher_1_settings(machine):
    """fiskaltrust.exe.config of Launcher 1.x: the appSettings of an offline CashBox (brief 2.4),
    CRLF on Windows."""
    settings = (
        ("cashboxid", machine["id"]),
        ("accesstoken", machine["access_token"]),
        ("useoffline", "true"),
        ("sandbox", "true" if SANDBOX else "false"),
        ("servicefolder", service_folder(machine)),
    )
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<configuration>",
        "  <appSettings>",
        *(f'    <add key="{html.escape(key)}" value="{html.escape(value)}" />' for key, value in settings),
        "  </appSettings>",
        "</configuration>",
        "",
    ]
    return ("\r\n" if machine["platform"] == Platform.WINDOWS else "\n").join(lines).encode()


def launcher_1_configuration(configuration):
    """configuration.json of Launcher 1.x: the published configuration, except that a queue's
    connection string is encrypted with the queue's own id, as the queue decrypts it when no
    launcher did (keys.storage_encrypt): Launcher 1.x decrypts nothing. Serialised as published."""
    copy = json.loads(json.dumps(configuration))
    for queue in copy.get("ftQueues") or []:
        settings = queue.get("Configuration") or {}
        for key, value in settings.items():
            if key.lower() == "connectionstring" and isinstance(value, str) and value and not value.startswith("raw:"):
                settings[key] = keys.storage_encrypt(queue["Id"], value)
    return json.dumps(copy, sort_keys=True, separators=(",", ":"))


def _android_variant(configuration):
    """Which of the Android launcher's two apps serves the queues' URLs (one per protocol)."""
    schemes = {urlsplit(url).scheme for queue in configuration.get("ftQueues") or [] for url in queue.get("Url") or []}
    variants = [name for name, found in (("gRPC", "grpc" in schemes), ("HTTP", bool(schemes - {"grpc"}))) if found]
    if len(variants) == 1:
        return f"its {variants[0]} variant, for the queue's {variants[0]} URL"
    return "the gRPC variant for gRPC queue URLs, the HTTP variant for the others"


def _launcher_files(machine, portal):
    """The files the machine's launcher reads (or, on Android, the reference copy), and the README
    facts about them: ({path: bytes}, {README context})."""
    launcher = launcher_of(machine)
    text = machine["configuration_text"]
    if launcher == catalog.LAUNCHER_1:
        files = {
            LAUNCHER_1_SETTINGS: launcher_1_settings(machine),
            LAUNCHER_1_CONFIGURATION: launcher_1_configuration(machine["configuration"]).encode(),
        }
        return files, {"configuration_name": LAUNCHER_1_CONFIGURATION, "settings_name": LAUNCHER_1_SETTINGS}
    if launcher == catalog.ANDROID_LAUNCHER:
        return {ANDROID_REFERENCE: dumps(masked(machine["configuration"]))}, {
            "configuration_name": ANDROID_REFERENCE,
            "android_variant": _android_variant(machine["configuration"]),
        }
    files = {LAUNCHER_FILE: dumps(launcher_configuration(machine, portal))}
    configuration_name = f"Configuration-{machine['id']}.json"
    # Launcher 2.0 decrypts these values in the file it reads offline too: a plain one stops it.
    encrypted = encrypted_values(machine["configuration"])
    if not encrypted:
        # As published: the bytes the portal serves the launcher (sorted keys, compact).
        files[configuration_name] = text.encode()
    return files, {
        "configuration_name": configuration_name,
        "offline_copy": not encrypted,
        "encrypted": [f"{code(key)} of queue {md(queue)}" for queue, key in encrypted],
    }


def package_files(machine, portal_url, fingerprint, info=None):
    """The files of a CashBox's package without the manifest: {path: bytes}. `info`: describe()'s
    result when the caller has it already."""
    portal = normalized_portal_url(portal_url)
    platform = machine["platform"]
    launcher = launcher_of(machine)
    files, facts = _launcher_files(machine, portal)
    scripts = scripts_for(machine)
    if scripts:
        files.update(_scripts(platform))
    info = info or describe(machine, portal)
    outlet = machine["outlet"]
    files["README.md"] = package_text.readme(
        {
            **info,
            **facts,
            "machine": {
                "id": machine["id"],
                "description": md(machine["description"]),
                "hostname": code(machine["hostname"]),
                "platform": PLATFORM_LABELS.get(platform, platform),
                "revision": machine["revision"],
            },
            "platform": platform,
            "launcher": launcher,
            "launcher_name": LAUNCHER_NAMES.get(launcher, launcher),
            "windows": platform == Platform.WINDOWS,
            "android": platform == Platform.ANDROID,
            "macos": platform == Platform.MACOS,
            "operator": md(machine["operator"]),
            "outlet": md(
                f"{outlet['number']} {outlet['name']}, {outlet['street']}, {outlet['zip']} {outlet['city']} ({outlet['country']})"
            ),
            "portal": portal,
            "helipad": HELIPAD,
            "service_folder": service_folder(machine),
            "scripts": sorted(scripts),
            "files": sorted([*files, "README.md"]),
            "fingerprint": fingerprint,
        },
    )
    return files


def manifest(files, **header):
    return dumps(
        {
            **header,
            "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)} for name, data in files.items()},
        }
    )


def write_zip(files, shared=()):
    """A zip of {path: bytes}, the same bytes for the same files. `shared`: names of files many
    packages hold (the scripts), compressed once per process."""
    return zips.write(
        [
            (
                name,
                files[name],
                # Zips inside the bundle are compressed already, a signature is random bytes.
                zips.STORED if name.endswith(".zip") or name == SIGNATURE else zips.DEFLATED,
                0o755 if name.endswith(".sh") else 0o644,
            )
            for name in sorted(files)
        ],
        shared,
    )


def signed_zip(files, shared=(), **header):
    """files plus MANIFEST.json (header and each file's SHA-256 and size) and MANIFEST.sig, zipped."""
    body = manifest(files, **header)
    return write_zip({**files, MANIFEST: body, SIGNATURE: signing.sign(body)}, shared)


# ------------------------------------------------------------------ the entry points


def _report(progress, percent, message):
    if progress is not None:
        progress(percent, message)


def cashbox_package(cashbox, portal_url: str, progress=None) -> bytes:
    """The signed deployment package (zip bytes) of a CashBox's published configuration.

    `cashbox`: a CashBox or its id (the caller has checked the user may see it). Raises
    ValueError when the CashBox was never published. `progress(percent, message)` is called along
    the way when given.
    """
    portal = normalized_portal_url(portal_url)
    _report(progress, 5, _("Loading the CashBox"))
    (machine,) = load(cashbox=cashbox)
    _report(progress, 40, _("Writing the files"))
    files = package_files(machine, portal, signing.fingerprint())
    _report(progress, 80, _("Signing the package"))
    data = signed_zip(files, scripts_for(machine), cashbox=machine["id"], revision=machine["revision"])
    _report(progress, 100, _("Package ready"))
    return data


def package_name(machine):
    return f"{slugify(machine['description']) or 'cashbox'}-{machine['id']}.zip"


def outlet_bundle(outlet, portal_url: str, progress=None, drawing: str | None = None) -> bytes:
    """One signed zip with the packages of all of an outlet's CashBoxes, the topology drawing
    (`drawing`, an SVG document the caller renders, e.g. scenarios.topology.render_outlet) and a
    rollout checklist. `outlet`: an Outlet or its id. Raises ValueError when the outlet has no
    CashBox or one was never published.
    """
    portal = normalized_portal_url(portal_url)
    _report(progress, 2, _("Loading the outlet's CashBoxes"))
    outlet_id = getattr(outlet, "pk", outlet)
    machines = load(outlet=outlet_id)
    if not machines:
        raise ValueError(_("Outlet %(outlet)s has no CashBox to package.") % {"outlet": outlet})
    fingerprint = signing.fingerprint()
    count = {"n": len(machines)}
    # In phases, each over every machine (describe, write, sign, zip): a phase's code and data
    # stay in the processor's caches, which makes a bundle about a fifth faster than building
    # one package after the other (bench/build_packages.py).
    _report(progress, 10, _("Writing the files of %(n)d packages") % count)
    infos = [describe(machine, portal) for machine in machines]
    contents = [package_files(machine, portal, fingerprint, info) for machine, info in zip(machines, infos, strict=True)]
    _report(progress, 40, _("Signing %(n)d packages") % count)
    manifests = [
        manifest(content, cashbox=machine["id"], revision=machine["revision"])
        for machine, content in zip(machines, contents, strict=True)
    ]
    signatures = [signing.sign(body) for body in manifests]
    _report(progress, 55, _("Zipping %(n)d packages") % count)
    files, rollout = {}, []
    for machine, info, content, body, signature in zip(machines, infos, contents, manifests, signatures, strict=True):
        name = package_name(machine)
        files[name] = write_zip({**content, MANIFEST: body, SIGNATURE: signature}, scripts_for(machine))
        rollout.append((machine, info, name))
    _report(progress, 92, _("Writing the rollout checklist"))
    if drawing:
        files["topology.svg"] = drawing.encode() if isinstance(drawing, str) else bytes(drawing)
    files["ROLLOUT-CHECKLIST.md"] = rollout_checklist(
        machines[0]["outlet"], machines[0]["operator"], rollout, portal, bool(drawing)
    )
    _report(progress, 96, _("Signing the bundle"))
    data = signed_zip(
        files,
        outlet=str(outlet_id),
        cashboxes={machine["id"]: machine["revision"] for machine in machines},
    )
    _report(progress, 100, _("Bundle ready"))
    return data


def rollout_checklist(outlet, operator, rollout, portal, has_drawing):
    """ROLLOUT-CHECKLIST.md: the machines in the order to install them, each with its steps."""
    ordered = sorted(rollout, key=lambda item: (item[1]["order"], item[0]["description"], item[0]["id"]))
    steps = []
    for position, (machine, info, name) in enumerate(ordered, start=1):
        platform = machine["platform"]
        scripts = scripts_for(machine)
        steps.append(
            {
                "launcher": launcher_of(machine),
                "position": position,
                "description": md(machine["description"]),
                "hostname": code(machine["hostname"]),
                "role": ROLE_LABELS.get(machine["role"], md(machine["role"])),
                "platform": PLATFORM_LABELS.get(platform, platform),
                "package": code(name),
                "plug": [line for line in info["plug"] if not line.startswith("Nothing")],
                "inbound": [row for row in info["ports"] if row["inbound"] == "yes"],
                "test": next((s for s in scripts if s.startswith("test")), ""),
                "install": next((s for s in scripts if s.startswith("install")), ""),
                "windows": platform == Platform.WINDOWS,
                "android": platform == Platform.ANDROID,
                "service": info["service"],
                "helipad": HELIPAD,
                "queues": info["queues"],
                "shared": info["shared"],
            }
        )
    return package_text.rollout_checklist(
        {
            "outlet": md(
                f"{outlet['number']} {outlet['name']}, {outlet['street']}, {outlet['zip']} {outlet['city']} ({outlet['country']})"
            ),
            "operator": md(operator),
            "machines": steps,
            "portal": portal,
            "has_drawing": has_drawing,
        },
    )
