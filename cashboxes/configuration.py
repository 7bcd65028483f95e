"""The exact ftCashBoxConfiguration the middleware reads (brief, section 2.1).

`load()` gathers a CashBox's data in a fixed number of queries; `build()` is a pure function of
that data. With `reveal=False` every secret is replaced by MASK (the portal's own view).
"""

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from cashboxes import catalog, keys
from cashboxes.choices import ComponentState, LinkMode

MASK = "***"
# .NET DateTime ticks (100 ns since 0001-01-01) of the Unix epoch.
_EPOCH_TICKS = 621355968000000000
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, not a bind
_LINK_MODE = {LinkMode.NORMAL: 0, LinkMode.BACKUP: 1}  # ftSignaturCreationUnitAT.Mode


def ticks(moment=None):
    """.NET ticks of a moment (UTC), as DateTime.UtcNow.Ticks gives them."""
    moment = moment or datetime.now(UTC)
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return _EPOCH_TICKS + (delta.days * 86400 + delta.seconds) * 10**7 + delta.microseconds * 10


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


def reachable_url(url, scu_host, same_machine):
    """The SCU's URL as its queue reaches it: localhost on the same machine, else the SCU
    machine's address (its CashBox's host name, which follows a rename), whatever host the SCU
    listens on. Only a machine without an address of its own keeps the URL's host."""
    parts = urlsplit(url)
    if parts.hostname is None:
        return url
    if same_machine:
        host = "localhost"
    elif scu_host and scu_host.strip("[]") not in LOCAL_HOSTS:
        host = scu_host
    else:
        host = parts.hostname
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# ------------------------------------------------------------------ loading


def _component(obj, secret_names=()):
    return {
        "id": str(obj.id),
        "package": obj.package,
        "version": obj.version,
        "description": obj.description,
        "urls": list(obj.urls or []),
        "parameters": dict(obj.parameters or {}),
        "secrets": obj.secrets,
        "state": obj.state,
    }


def _scu(scu):
    data = _component(scu)
    option = scu.signing_option
    data.update(
        cashbox_id=str(scu.cashbox_id),
        host=scu.cashbox.hostname,
        placement=option.placement if option else catalog.COMPONENT,
        serial=scu.signing_device.serial if scu.signing_device_id else "",
        private_key_encrypted=scu.private_key_encrypted,
        certificate=scu.certificate,
    )
    return data


def _pos_system(pos_system):
    if pos_system is None:
        return None
    return {
        "id": str(pos_system.id),
        "brand": pos_system.brand,
        "model": pos_system.name,
        "software_version": pos_system.software_version,
        "type": pos_system.type,
    }


def load(cashbox):
    """Everything build() needs for one CashBox, in a fixed number of queries."""
    from django.db.models import Prefetch

    from cashboxes.models import CashBox, Queue, QueueScuLink

    cashbox = (
        CashBox.objects.select_related("outlet", "operator")
        .prefetch_related(
            Prefetch("queues", Queue.objects.select_related("pos_system")), "scus__signing_device", "scus__cashbox", "helpers"
        )
        .get(pk=cashbox.pk)
    )
    links = QueueScuLink.objects.filter(queue__cashbox=cashbox).select_related("scu__cashbox", "scu__signing_device")
    links_by_queue = {}
    for link in links:
        links_by_queue.setdefault(link.queue_id, []).append(link)
    org, outlet = cashbox.operator, cashbox.outlet
    return {
        "cashbox": {"id": str(cashbox.id), "hostname": cashbox.hostname, "description": cashbox.description},
        "account": {
            "id": str(org.id),
            "name": org.name,
            "street": org.address_line1,
            "zip": org.postal_code,
            "city": org.city,
            "country": org.country,
            "tax_id": org.tax_number,
            "vat_id": org.vat_id,
        },
        "outlet": {
            "id": str(outlet.id),
            "number": outlet.number,
            "name": outlet.name,
            "street": outlet.address_line1,
            "zip": outlet.postal_code,
            "city": outlet.city,
            "country": outlet.country,
            "vat_id": outlet.vat_id,
            "siret": outlet.siret,
        },
        "queues": [
            dict(
                _component(queue),
                country=queue.country,
                cashbox_identification=queue.cashbox_identification,
                timeout_ms=queue.timeout_ms,
                pos_system=_pos_system(queue.pos_system),
                start_moment=queue.start_moment,
                stop_moment=queue.stop_moment,
                links=[
                    {"mode": link.mode, "timeout_s": link.timeout_s, "scu": _scu(link.scu)}
                    for link in links_by_queue.get(queue.id, [])
                ],
            )
            for queue in cashbox.queues.all()
        ],
        "scus": [_scu(scu) for scu in cashbox.scus.all()],
        "helpers": [_component(helper) for helper in cashbox.helpers.all()],
    }


# ------------------------------------------------------------------ building


def _secret_names(package):
    _country, option = catalog.signing_option_for_package(package)
    if option:
        return option.secret_names
    for item in catalog.COUNTRIES.values():
        queue_package = item.queue_package(package)
        if queue_package:
            return {p.name for p in queue_package.parameters if p.secret}
    return set()


def _configuration(component, reveal):
    values = dict(component["parameters"])
    for name, value in component["secrets"].items():
        values[name] = value if reveal else MASK
    return values


def _package(component, reveal, configuration=None):
    """A PackageConfiguration: exactly its properties (the portal's description is not one of them,
    fiskaltrust/middleware storage/src/fiskaltrust.storage.serialization/PackageConfiguration.cs)."""
    return {
        "Id": component["id"],
        "Package": component["package"],
        "Version": component["version"],
        "Configuration": configuration if configuration is not None else _configuration(component, reveal),
        "Url": list(component["urls"]),
    }


# Every country the portal configures pays in euro.
BASE_CURRENCY = "EUR"


def _master_data(data, queue):
    """init_masterData of a queue (MasterDataConfiguration: Account, Outlet, Agencies, PosSystems).
    Agencies are the principals of an Agenturgeschaeft (third parties the merchant sells for),
    not its dealers: the portal does not model them, so the list is empty."""
    account, outlet, pos_system = data["account"], data["outlet"], queue["pos_system"]
    return {
        "Account": {
            "AccountId": account["id"],
            "AccountName": account["name"],
            "Street": account["street"],
            "Zip": account["zip"],
            "City": account["city"],
            "Country": account["country"],
            "TaxId": account["tax_id"],
            "VatId": account["vat_id"],
        },
        "Outlet": {
            "OutletId": outlet["id"],
            "OutletName": outlet["name"],
            "Street": outlet["street"],
            "Zip": outlet["zip"],
            "City": outlet["city"],
            "Country": outlet["country"],
            "VatId": outlet["vat_id"],
            "LocationId": str(outlet["number"]),
        },
        "Agencies": [],
        "PosSystems": [
            {
                "PosSystemId": pos_system["id"],
                "Brand": pos_system["brand"],
                "Model": pos_system["model"],
                "SoftwareVersion": pos_system["software_version"],
                "BaseCurrency": BASE_CURRENCY,
                "Type": pos_system["type"],
            }
        ]
        if pos_system
        else [],
    }


def _scu_url(link, queue_cashbox):
    """What the queue writes into its init_ftSignaturCreationUnitXX record as Url."""
    scu = link["scu"]
    if scu["placement"] == catalog.SERVICE:
        return scu["parameters"].get("Url")  # the hosted service's own address
    if scu["placement"] == catalog.IN_QUEUE:
        return None
    same = scu["cashbox_id"] == queue_cashbox["id"]
    return json.dumps([reachable_url(url, scu["host"], same) for url in scu["urls"]])


def _queue_init(queue, data, stamp, reveal):
    """The init_* seed records of a queue (brief 2.1)."""
    cashbox = data["cashbox"]
    country = catalog.country(queue["country"])
    suffix = country.init_suffix
    links = [link for link in queue["links"] if link["mode"] != LinkMode.DEACTIVATED]
    init = {
        "init_ftQueue": [
            {
                "ftQueueId": queue["id"],
                "ftCashBoxId": cashbox["id"],
                "ftCurrentRow": 0,
                "ftQueuedRow": 0,
                "ftReceiptNumerator": 0,
                "ftReceiptTotalizer": 0.0,
                "ftReceiptHash": None,
                "StartMoment": _iso(queue["start_moment"]),
                "StopMoment": _iso(queue["stop_moment"]),
                "CountryCode": queue["country"],
                "Timeout": queue["timeout_ms"],
                "TimeStamp": stamp,
            }
        ],
        "init_ftCashBox": {"ftCashBoxId": cashbox["id"], "TimeStamp": stamp},
        "init_masterData": _master_data(data, queue),
    }
    record = {f"ftQueue{suffix}Id": queue["id"], "CashBoxIdentification": queue["cashbox_identification"], "TimeStamp": stamp}
    scu_records = []
    if suffix == "DE":
        scu = links[0]["scu"] if links else None
        record.update(
            ftSignaturCreationUnitDEId=scu["id"] if scu else None,
            LastHash=None,
            SSCDFailCount=0,
            SSCDFailMoment=None,
            SSCDFailQueueItemId=None,
            UsedFailedCount=0,
            UsedFailedMomentMin=None,
            UsedFailedMomentMax=None,
            UsedFailedQueueItemId=None,
            DailyClosingNumber=0,
        )
        if scu:
            scu_records.append(
                {
                    "ftSignaturCreationUnitDEId": scu["id"],
                    "Url": _scu_url(links[0], cashbox),
                    "TimeStamp": stamp,
                    "TseInfoJson": None,
                    "Mode": 0,
                    "ModeConfigurationJson": None,
                }
            )
    elif suffix == "AT":
        record.update(EncryptionKeyBase64=queue["secrets"].get("EncryptionKeyBase64") if reveal else MASK, SignAll=False)
        for link in links:
            mode = _LINK_MODE[link["mode"]] | ((link["timeout_s"] or 0) << 8)
            scu_records.append(
                {
                    "ftSignaturCreationUnitATId": link["scu"]["id"],
                    "Url": _scu_url(link, cashbox),
                    "ZDA": "",
                    "SN": link["scu"]["serial"],
                    "CertificateBase64": "",
                    "Mode": mode,
                    "TimeStamp": stamp,
                }
            )
    elif suffix == "FR":
        scu = links[0]["scu"] if links else None
        siret = data["outlet"]["siret"]
        record.update(ftSignaturCreationUnitFRId=scu["id"] if scu else None, Siret=siret)
        if scu:
            # The queue signs with PrivateKey and archives the certificate (brief 2.1; middleware
            # Queue/Helpers/CryptoHelper.cs, QueueFR/ArchiveProcessor.cs).
            key = scu["private_key_encrypted"]
            scu_records.append(
                {
                    "ftSignaturCreationUnitFRId": scu["id"],
                    "Siret": siret,
                    "PrivateKey": (keys.fr_private_key(scu["id"], key) if reveal else MASK) if key else None,
                    "CertificateBase64": scu["certificate"] or None,
                    "CertificateSerialNumber": keys.certificate_serial(scu["certificate"]) if scu["certificate"] else None,
                    "TimeStamp": stamp,
                }
            )
    elif suffix == "IT":
        scu = links[0]["scu"] if links else None
        record.update(ftSignaturCreationUnitITId=scu["id"] if scu else None, LastHash=None)
        if scu:
            scu_records.append(
                {
                    "ftSignaturCreationUnitITId": scu["id"],
                    "Url": _scu_url(links[0], cashbox),
                    "InfoJson": None,
                    "TimeStamp": stamp,
                }
            )
    init[f"init_ftQueue{suffix}"] = [record]
    init[f"init_ftSignaturCreationUnit{suffix}"] = scu_records
    return init


def build(data, stamp, reveal=True):
    """The ftCashBoxConfiguration of one CashBox. `stamp`: .NET ticks of this revision."""
    queues = []
    for queue in data["queues"]:
        configuration = _configuration(queue, reveal)
        # The Austrian receipt counter's key lives in init_ftQueueAT only; the queue reads no such key.
        configuration.pop("EncryptionKeyBase64", None)
        configuration.update(_queue_init(queue, data, stamp, reveal))
        queues.append(_package(queue, reveal, configuration))
    return {
        "ftCashBoxId": data["cashbox"]["id"],
        "ftSignaturCreationDevices": [_package(scu, reveal) for scu in data["scus"] if scu["placement"] == catalog.COMPONENT],
        "ftQueues": queues,
        "helpers": [_package(helper, reveal) for helper in data["helpers"]],
        "TimeStamp": stamp,
    }


def problems(data):
    """Why this CashBox cannot be published yet (structural gaps), as messages."""
    from django.utils.translation import gettext as _

    found = []
    for queue in data["queues"]:
        if queue["state"] == ComponentState.OUT_OF_OPERATION:
            continue
        active = [link for link in queue["links"] if link["mode"] != LinkMode.DEACTIVATED]
        if not active:
            found.append(_("Queue %(id)s has no SCU: link it to one first.") % {"id": queue["cashbox_identification"]})
        for link in active:
            scu = link["scu"]
            if scu["placement"] == catalog.SERVICE and not scu["parameters"].get("Url"):
                found.append(
                    _("Queue %(id)s signs with a hosted SCU that has no address: enter its Url on the SCU.")
                    % {"id": queue["cashbox_identification"]}
                )
            if scu["placement"] != catalog.COMPONENT or scu["cashbox_id"] == data["cashbox"]["id"]:
                continue
            hosts = {urlsplit(reachable_url(url, scu["host"], False)).hostname for url in scu["urls"]}
            if hosts & LOCAL_HOSTS:
                found.append(
                    _("Queue %(id)s uses an SCU on another machine that has no address: give that CashBox its host name.")
                    % {"id": queue["cashbox_identification"]}
                )
    return found


def diff(before, after, path=""):
    """Flat list of changes between two JSON values: [{"path", "before", "after"}]."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in sorted(set(before) | set(after)):
            if key == "TimeStamp":
                continue  # changes on every rebuild
            changes += diff(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return changes
    if isinstance(before, list) and isinstance(after, list) and all(isinstance(i, dict) and "Id" in i for i in before + after):
        by_id_before = {i["Id"]: i for i in before}
        by_id_after = {i["Id"]: i for i in after}
        changes = []
        for key in sorted(set(by_id_before) | set(by_id_after)):
            changes += diff(by_id_before.get(key), by_id_after.get(key), f"{path}[{key}]")
        return changes
    if isinstance(before, list) and isinstance(after, list) and all(isinstance(i, dict) for i in before + after):
        # init_* records: compared field by field, so their TimeStamp is left out as above.
        changes = []
        for index in range(max(len(before), len(after))):
            item_before = before[index] if index < len(before) else None
            item_after = after[index] if index < len(after) else None
            changes += diff(item_before, item_after, f"{path}[{index}]")
        return changes
    if before != after:
        return [{"path": path, "before": before, "after": after}]
    return []
