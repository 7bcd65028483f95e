"""Reading the configuration document the way every launcher does: Newtonsoft into
`ftCashBoxConfiguration` (CashBoxConfigurationExt.Deserialize in Launcher 2.0,
HelipadConfigurationProvider in the Android launcher; 1.x uses the same serialization package).

The result is a light view (`Document`, `Package`) the rule modules share; the type checks of the
root and of every PackageConfiguration are reported here, once, for all launchers.
"""

import json
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from .core import join
from .dotnet import parse_guid
from .newtonsoft import Sink, record, validate
from .records import CASHBOX_CONFIGURATION
from .sources import L_CASHBOX_EXT, M_CASHBOX_CONFIGURATION, M_PACKAGE_CONFIGURATION

KINDS = (("ftSignaturCreationDevices", "scu"), ("ftQueues", "queue"), ("helpers", "helper"))


@dataclass
class Package:
    """One entry of ftSignaturCreationDevices, ftQueues or helpers, as read (raw JSON values)."""

    kind: str
    index: int
    path: str
    raw: dict
    id: uuid.UUID | None = None
    name: str | None = None
    version: object = None
    configuration: dict | None = None
    urls: list | None = None

    def get(self, name, default=None):
        """The value Newtonsoft assigns to property `name` (see `field`)."""
        return field_value(self.raw, name, default)


@dataclass
class Document:
    raw: dict
    cashbox_id: uuid.UUID | None
    packages: list = dataclass_field(default_factory=list)

    def of(self, kind):
        return [p for p in self.packages if p.kind == kind]


MISSING = object()


def field_value(obj, name, default=None):
    """What Newtonsoft assigns to property `name` of a class read from `obj`: JSON properties map to
    class properties case-insensitively and are assigned in order, so the last matching key wins."""
    value = default
    for key, item in obj.items():
        if key.lower() == name.lower():
            value = item
    return value


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse(configuration, findings):
    """The document as a dict, or None after reporting why no launcher can read it."""
    if isinstance(configuration, dict):
        return configuration
    try:
        if isinstance(configuration, bytes):
            configuration = configuration.decode("utf-8-sig")
        doc = json.loads(configuration.lstrip("\ufeff"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, AttributeError) as error:
        findings.add("config-json", "", f"not a JSON document the launcher can parse: {error}", L_CASHBOX_EXT)
        return None
    if not isinstance(doc, dict):
        findings.add(
            "config-json",
            "",
            "the root must be a JSON object: JsonConvert.DeserializeObject<ftCashBoxConfiguration> throws "
            "(or returns null and the launcher throws 'Could not deserialize ftCashBoxConfiguration')",
            L_CASHBOX_EXT,
        )
        return None
    return doc


def read(doc, findings, extra_root_keys=()):
    """Type-check the root and the packages (Newtonsoft rules) and return the `Document` view."""
    sink = Sink()
    validate(doc, record(CASHBOX_CONFIGURATION), "", sink)
    for path, message in sink.errors:
        source = M_PACKAGE_CONFIGURATION if "[" in path else M_CASHBOX_CONFIGURATION
        findings.add("config-type", path, f"{message}: the launcher cannot read the configuration", source)
    for path, message in sink.unread:
        if "." not in path and "[" not in path and path.lower() in extra_root_keys:
            continue  # e.g. "launcher": read by Launcher 2.0 with System.Text.Json, not by this model
        findings.add("unread-field", path, message, M_CASHBOX_CONFIGURATION)

    cashbox_id = _guid(field_value(doc, "ftCashBoxId"))
    if cashbox_id is None or cashbox_id.int == 0:
        findings.add(
            "cashbox-id",
            "ftCashBoxId",
            "missing or not a GUID: Newtonsoft leaves Guid.Empty, and no init_ftQueue/init_ftCashBox can match it",
            M_CASHBOX_CONFIGURATION,
        )
    document = Document(doc, cashbox_id)
    for key, kind in KINDS:
        items = field_value(doc, key)
        if not isinstance(items, list):
            continue
        for index, raw in enumerate(items):
            if not isinstance(raw, dict):
                continue
            package = Package(kind, index, join(key, index), raw)
            package.id = _guid(package.get("Id"))
            name = package.get("Package")
            package.name = name if isinstance(name, str) else None
            package.version = package.get("Version")
            config = package.get("Configuration")
            package.configuration = config if isinstance(config, dict) else None
            urls = package.get("Url")
            package.urls = [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else None
            document.packages.append(package)
            if package.id is None or package.id.int == 0:
                findings.add(
                    "package-id",
                    join(package.path, "Id"),
                    "missing or empty: Newtonsoft leaves Guid.Empty; the launcher keys processes and files by this id",
                    M_PACKAGE_CONFIGURATION,
                )
    return document


def _guid(value):
    try:
        return parse_guid(value) if isinstance(value, str) else None
    except ValueError:
        return None
