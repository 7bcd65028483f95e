"""Validation rules (cashboxes.validation): every rule with a configuration that breaks it and one
that passes, in English and German; the snapshot loader's fixed number of queries; the scopes
(CashBox, outlet, operator, dealer); no secret values in snapshots or findings.

The rules are pure functions of a snapshot, so most cases are snapshots written here with `Snap`
(many broken states cannot even be saved through the write rules: they arise from later
changes, bulk writes or a changed catalog). The loader is tested against the database, and
`test_snapshot_builder_matches_the_loader` keeps the two shapes the same.
"""

import json
import uuid
from datetime import date
from types import ModuleType

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cashboxes import catalog, configuration, keys, services, validation, versions
from cashboxes.choices import ComponentState, LinkMode, MachineRole, Platform
from cashboxes.models import CashBox, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.choices import DealerRight, LinkStatus
from portal.models import OperatorLink
from tests import factories
from tests.conftest import make_org

TSS = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"
OTHER_TSS = "0b7c3c56-2f0e-4a36-bd55-4b7f0b2f6e11"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
EF = "fiskaltrust.Middleware.Queue.EF"
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SWISSBIT = "fiskaltrust.Middleware.SCU.DE.Swissbit"
SWISSBIT_CLOUD = "fiskaltrust.Middleware.SCU.DE.SwissbitCloud"
DIEBOLD = "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf"
ATRUST = "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard"
LNE = "fiskaltrust.Middleware.SCU.FR.LNE"
EPSON_RT = "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter"
SIRET = "12345678901234"
FISKALY_SECRET_NAMES = ["AdminPin", "ApiKey", "ApiSecret"]
FCC_SECRET_NAMES = ["ActivationToken", "ErsCode", "FccSecret"]
SWISSBIT_CLOUD_V2 = "fiskaltrust.Middleware.SCU.DE.SwissbitCloudV2"
CUSTOM_RT_SERVER = "fiskaltrust.Middleware.SCU.IT.CustomRTServer"
ATRUST_ONLINE = "signaturcloud-signing-atrustonline"
POS_SYSTEM = "7d8e2a51-3c1f-4b5e-9a0d-6e2f1c3b4a59"


# ---------------------------------------------------------------- snapshots by hand


def _id():
    return str(uuid.uuid4())


class Snap:
    """A snapshot written by hand, in the loader's shape, with one operator."""

    def __init__(self):
        self.operator = _id()
        self.data = {
            "scope": {"type": "operator", "id": self.operator, "label": "Operator", "cashbox": None},
            "operators": [{"id": self.operator, "name": "Operator"}],
            "outlets": [],
            "cashboxes": [],
            "queues": [],
            "scus": [],
            "helpers": [],
            "signing_devices": [],
            "links": [],
            "terminals": [],
        }

    def outlet(self, country="DE", number=1, siret=""):
        if country == "FR" and not siret:
            siret = SIRET
        row = {
            "id": _id(),
            "operator_id": self.operator,
            "number": number,
            "name": f"Outlet {number}",
            "country": country,
            "siret": siret,
            "vat_id": "",
        }
        self.data["outlets"].append(row)
        return row

    def cashbox(self, outlet, description="Till 1", hostname="till1.local", platform=Platform.WINDOWS, role=MachineRole.POS):
        row = {
            "id": _id(),
            "operator_id": self.operator,
            "outlet_id": outlet["id"],
            "description": description,
            "hostname": hostname,
            "platform": platform,
            "machine_role": role,
            "revision": 3,
            "published_revision": 3,
        }
        self.data["cashboxes"].append(row)
        return row

    def _component(self, cashbox, package, urls, parameters=None, secrets=(), state=ComponentState.CREATED, description=""):
        return {
            "id": _id(),
            "operator_id": self.operator,
            "outlet_id": cashbox["outlet_id"],
            "cashbox_id": cashbox["id"],
            "description": description,
            "package": package,
            "version": versions.newest(package) or "1.3.85",
            "urls": list(urls),
            "parameters": dict(parameters or {}),
            "state": state,
            "secrets": sorted(secrets) if secrets is not None else None,
        }

    def queue(self, cashbox, identification="Q-1", url="grpc://localhost:1200", package=SQLITE, **fields):
        country = next(o["country"] for o in self.data["outlets"] if o["id"] == cashbox["outlet_id"])
        row = self._component(cashbox, package, [url] if url else [], secrets=fields.pop("secrets", ()))
        row.update(
            country=country,
            cashbox_identification=identification,
            timeout_ms=15000,
            purchase_date="2024-01-02",
            commissioning_date=None,
            start_moment=None,
            stop_moment=None,
            pos_system_id=POS_SYSTEM,
        )
        row.update(fields)
        self.data["queues"].append(row)
        return row

    def scu(self, cashbox, package=FISKALY, url="grpc://localhost:1401", device=None, parameters=None, secrets=(), **fields):
        row = self._component(
            cashbox, package, [url] if url else [], parameters, secrets, description=fields.pop("description", "")
        )
        row["signing_device_id"] = device["id"] if device else None
        row["has_certificate"] = True
        row.update(fields)
        self.data["scus"].append(row)
        return row

    def fiskaly(self, cashbox, device, url="grpc://localhost:1401", **fields):
        return self.scu(cashbox, FISKALY, url, device, {"TssId": TSS}, FISKALY_SECRET_NAMES, **fields)

    def helper(self, cashbox, url="http://localhost:1500/helper", package="fiskaltrust.Middleware.Helper.LocalPosSystemApi"):
        row = self._component(cashbox, package, [url])
        self.data["helpers"].append(row)
        return row

    def device(self, outlet, vendor="fiskaly", kind="cloud", host=None, **fields):
        row = {
            "id": _id(),
            "operator_id": self.operator,
            "outlet_id": outlet["id"],
            "kind": kind,
            "vendor": vendor,
            "serial": "",
            "cloud_account": TSS if vendor == "fiskaly" else "",
            "max_clients": None,
            "bundle": False,
            "host_cashbox_id": host["id"] if host else None,
            "description": "",
            "clients": 0,
            "scu_count": 0,
            "registered_elsewhere": False,
        }
        row.update(fields)
        self.data["signing_devices"].append(row)
        return row

    def link(self, queue, scu, mode=LinkMode.NORMAL):
        row = {
            "id": _id(),
            "operator_id": self.operator,
            "queue_id": queue["id"],
            "scu_id": scu["id"],
            "mode": mode,
            "timeout_s": None,
            "queue_outlet_id": queue["outlet_id"],
            "scu_outlet_id": scu["outlet_id"],
        }
        self.data["links"].append(row)
        return row

    def terminal(self, queue, terminal_id="T01"):
        row = {"id": _id(), "queue_id": queue["id"], "name": f"Handheld {terminal_id}", "terminal_id": terminal_id}
        self.data["terminals"].append(row)
        return row


def germany():
    """A sound German outlet: a till with a queue and a fiskaly SCU on its cloud TSS."""
    s = Snap()
    s.place = s.outlet("DE")
    s.till = s.cashbox(s.place)
    s.tss = s.device(s.place)
    s.main_scu = s.fiskaly(s.till, s.tss)
    s.main_queue = s.queue(s.till, "DE-1")
    s.link(s.main_queue, s.main_scu)
    return s


def server_tse(s, vendor="swissbit", package=SWISSBIT, url="grpc://server.local:1401", tills=1, **device_fields):
    """A server whose USB TSE (through its SCU) serves `tills` tills' queues."""
    server = s.cashbox(s.place, "Server", "server.local", Platform.LINUX, MachineRole.SERVER)
    device = s.device(s.place, vendor, "hardware", host=server, serial="SB-1", **device_fields)
    parameters = {"ComPort": "/dev/ttyACM0"} if vendor == "diebold-nixdorf" else {"devicePath": "/media/tse"}
    scu = s.scu(server, package, url, device, parameters)
    for n in range(tills):
        till = s.cashbox(s.place, f"Till {n + 2}", f"till{n + 2}.local")
        s.link(s.queue(till, f"DE-{n + 2}"), scu)
    return server, device, scu


def shared_device(s, device, queues, package=FISKALY, parameters=None, secrets=FISKALY_SECRET_NAMES):
    """`queues` more tills whose queues sign with `device` through one SCU on a server."""
    server = s.cashbox(s.place, "Server", "server.local", Platform.LINUX, MachineRole.SERVER)
    scu = s.scu(server, package, "grpc://server.local:1401", device, parameters or {"TssId": TSS}, secrets)
    for n in range(queues):
        till = s.cashbox(s.place, f"Till {n + 2}", f"till{n + 2}.local")
        s.link(s.queue(till, f"DE-{n + 2}"), scu)
    return scu


def austria():
    s = Snap()
    s.place = s.outlet("AT")
    s.till = s.cashbox(s.place)
    s.card = s.device(s.place, "atrust-smartcard", "hardware", host=s.till, serial="AT-1")
    s.main_scu = s.scu(s.till, ATRUST, device=s.card, parameters={"Reader": -1})
    s.main_queue = s.queue(s.till, "AT-1", secrets=["EncryptionKeyBase64"])
    s.link(s.main_queue, s.main_scu)
    return s


def france():
    s = Snap()
    s.place = s.outlet("FR")
    s.till = s.cashbox(s.place)
    s.main_scu = s.scu(s.till, LNE, None, parameters={"Siret": SIRET, "CompanyName": "Société"})
    s.main_queue = s.queue(s.till, "FR-1")
    s.link(s.main_queue, s.main_scu)
    return s


def italy(identification="IT-1", package=EPSON_RT):
    """A sound Italian outlet: a till whose queue signs with an Epson RT printer, or with the
    device of another Italian `package` (the Epson RT server)."""
    s = Snap()
    s.place = s.outlet("IT")
    s.till = s.cashbox(s.place)
    option = catalog.country("IT").option_for_package(package)
    s.printer = s.device(s.place, option.id, option.kind)
    url = {"ServerUrl": "https://rt.example.it"} if option.parameter("ServerUrl") else {"DeviceUrl": "https://printer.local"}
    s.main_scu = s.scu(s.till, package, device=s.printer, parameters=url)
    s.main_queue = s.queue(s.till, identification)
    s.link(s.main_queue, s.main_scu)
    return s


def _with(make, change):
    def build():
        s = make()
        change(s)
        return s.data

    return build


def unchanged(make):
    return _with(make, lambda s: None)


# ---------------------------------------------------------------- the cases: (code, case, broken, passing)


def _other_outlet(s):
    other = s.outlet("DE", number=3)
    till = s.cashbox(other, "Till 3", "till3.local")
    s.link(s.queue(till, "DE-3"), s.main_scu)


def _foreign_queue(s):
    """An outlet's snapshot: a queue of another outlet (not loaded) uses this outlet's SCU."""
    s.link({"id": _id(), "outlet_id": _id()}, s.main_scu)


def _fcc_second_scu(s, port):
    s.scu(
        s.till,
        SWISSBIT_CLOUD,
        "grpc://localhost:1402",
        s.device(s.place, "swissbit-cloud", cloud_account="fcc-1"),
        {"FccId": "fcc-1", "FccPort": port},
        FCC_SECRET_NAMES,
    )
    s.scu(
        s.till,
        SWISSBIT_CLOUD,
        "grpc://localhost:1403",
        s.device(s.place, "swissbit-cloud", cloud_account="fcc-2"),
        {"FccId": "fcc-2", "FccPort": 20001},
        FCC_SECRET_NAMES,
    )


def _retire(item):
    item["state"] = ComponentState.OUT_OF_OPERATION


def _fair_use_queues(count):
    def change(s):
        for n in range(count - 1):
            s.link(s.queue(s.till, f"DE-X{n}", url=f"grpc://localhost:{1210 + n}"), s.main_scu)

    return change


def _fair_use_terminals(count):
    def change(s):
        s.main_queue["urls"] = ["grpc://till1.local:1200"]
        for n in range(count):
            s.terminal(s.main_queue, f"T{n:02d}")

    return change


def _two_scus_on(scu_package, vendor):
    def change(s):
        device = s.device(s.place, vendor, "hardware" if vendor == "swissbit" else "cloud", host=s.till)
        parameters = {"devicePath": "D:"} if vendor == "swissbit" else {"TssId": TSS}
        secrets = () if vendor == "swissbit" else FISKALY_SECRET_NAMES
        for port in (1411, 1412):
            s.scu(s.till, scu_package, f"grpc://localhost:{port}", device, parameters, secrets)

    return change


def _fcc_queues(count, bundle=False):
    def change(s):
        device = s.device(s.place, "swissbit-cloud", cloud_account="fcc-1", bundle=bundle, max_clients=25 if bundle else 1)
        shared_device(s, device, count, SWISSBIT_CLOUD, {"FccId": "fcc-1"}, FCC_SECRET_NAMES)

    return change


def _v2_queues(count, bundle=False):
    def change(s):
        device = s.device(s.place, "swissbit-cloud-v2", cloud_account="tse-1", bundle=bundle, max_clients=25 if bundle else 1)
        shared_device(s, device, count, SWISSBIT_CLOUD_V2, {"TseSerialNumber": "tse-1"}, ["TseAccessToken"])

    return change


def _hosted_scu(url):
    def change(s):
        online = s.scu(s.till, ATRUST_ONLINE, None, parameters={"Url": url} if url else {})
        s.link(s.main_queue, online, LinkMode.BACKUP)

    return change


CASES = [
    ("QUEUE-WITHOUT-SCU", "no link", _with(germany, lambda s: s.data["links"].clear()), unchanged(germany)),
    (
        "QUEUE-WITHOUT-SCU",
        "only a deactivated link",
        _with(germany, lambda s: s.data["links"][0].update(mode=LinkMode.DEACTIVATED)),
        _with(germany, lambda s: (s.data["links"].clear(), _retire(s.main_queue))),
    ),
    ("LINK-OTHER-OUTLET", "", _with(germany, _other_outlet), unchanged(germany)),
    ("LINK-OTHER-OUTLET", "queue outside the snapshot", _with(germany, _foreign_queue), unchanged(germany)),
    (
        "PORT-COLLISION",
        "URLs",
        _with(germany, lambda s: s.helper(s.till, "grpc://localhost:1200")),
        _with(germany, lambda s: s.helper(s.till, "grpc://localhost:1500")),
    ),
    (
        "PORT-COLLISION",
        "Fiskal Cloud Connector",
        _with(germany, lambda s: _fcc_second_scu(s, 20001)),
        _with(germany, lambda s: _fcc_second_scu(s, 20002)),
    ),
    (
        "URL-SCHEME-PLATFORM",
        "",
        _with(germany, lambda s: (s.till.update(platform=Platform.LINUX), s.main_queue.update(urls=["http://localhost:1200"]))),
        _with(germany, lambda s: s.main_queue.update(urls=["http://localhost:1200"])),
    ),
    (
        "PACKAGE-UNKNOWN",
        "",
        _with(germany, lambda s: s.main_queue.update(package="fiskaltrust.Middleware.Queue.InMemory")),
        unchanged(germany),
    ),
    (
        "PACKAGE-PLATFORM",
        "",
        _with(germany, lambda s: (s.main_queue.update(package=EF), s.till.update(platform=Platform.ANDROID))),
        _with(germany, lambda s: s.main_queue.update(package=EF)),
    ),
    (
        "PARAMETERS-REQUIRED",
        "",
        _with(germany, lambda s: s.main_scu.update(secrets=["AdminPin", "ApiSecret"])),
        unchanged(germany),
    ),
    ("SECRETS-UNREADABLE", "", _with(germany, lambda s: s.main_scu.update(secrets=None)), unchanged(germany)),
    (
        "SCU-URL-UNREACHABLE",
        "listens on localhost",
        _with(germany, lambda s: server_tse(s, url="grpc://localhost:1401")),
        _with(germany, lambda s: server_tse(s, url="grpc://server.local:1401")),
    ),
    (
        "SCU-URL-UNREACHABLE",
        "machine without address",
        _with(germany, lambda s: server_tse(s)[0].update(hostname="localhost")),
        _with(germany, lambda s: server_tse(s)[0].update(hostname="192.168.1.10")),
    ),
    ("SCU-URL-UNREACHABLE", "no URL", _with(germany, lambda s: s.main_scu.update(urls=[])), unchanged(germany)),
    (
        "TERMINALS-URL-UNREACHABLE",
        "",
        _with(germany, lambda s: s.terminal(s.main_queue)),
        _with(germany, lambda s: (s.main_queue.update(urls=["grpc://till1.local:1200"]), s.terminal(s.main_queue))),
    ),
    (
        "HARDWARE-DEVICE-MACHINE",
        "",
        _with(germany, lambda s: server_tse(s)[1].update(host_cashbox_id=s.till["id"])),
        _with(germany, lambda s: server_tse(s)),
    ),
    (
        "DEVICE-OTHER-OUTLET",
        "",
        _with(germany, lambda s: server_tse(s)[1].update(outlet_id=s.outlet("DE", 3)["id"])),
        _with(germany, lambda s: s.tss.update(outlet_id=s.outlet("DE", 3)["id"])),
    ),
    (
        "SCU-DEVICE-VENDOR",
        "",
        _with(germany, lambda s: s.tss.update(vendor="swissbit", kind="hardware")),
        unchanged(germany),
    ),
    ("INIT-IDS", "unknown country", _with(germany, lambda s: s.main_queue.update(country="ES")), unchanged(germany)),
    (
        "INIT-IDS",
        "another country than the outlet's",
        _with(germany, lambda s: s.main_queue.update(country="IT")),
        unchanged(germany),
    ),
    ("NEEDS-REBUILD", "changed", _with(germany, lambda s: s.till.update(published_revision=2)), unchanged(germany)),
    ("NEEDS-REBUILD", "never published", _with(germany, lambda s: s.till.update(published_revision=None)), unchanged(germany)),
    (
        "OUT-OF-OPERATION-LINKED",
        "linked",
        _with(germany, lambda s: _retire(s.main_queue)),
        _with(germany, lambda s: (_retire(s.main_queue), s.data["links"][0].update(mode=LinkMode.DEACTIVATED))),
    ),
    (
        "OUT-OF-OPERATION-LINKED",
        "terminals",
        _with(germany, lambda s: (_retire(s.main_queue), s.data["links"].clear(), s.terminal(s.main_queue))),
        _with(germany, lambda s: (_retire(s.main_queue), s.data["links"].clear())),
    ),
    (
        "SCU-OUT-OF-OPERATION-IN-USE",
        "",
        _with(germany, lambda s: _retire(s.main_scu)),
        _with(germany, lambda s: (_retire(s.main_scu), _retire(s.main_queue))),
    ),
    ("SCU-UNUSED", "", _with(germany, lambda s: s.fiskaly(s.till, s.tss, "grpc://localhost:1402")), unchanged(germany)),
    ("CASHBOX-EMPTY", "", _with(germany, lambda s: s.cashbox(s.place, "Spare", "spare.local")), unchanged(germany)),
    (
        "DE-QUEUE-ONE-SCU",
        "two SCUs",
        _with(germany, lambda s: s.link(s.main_queue, s.fiskaly(s.till, s.tss, "grpc://localhost:1402"))),
        _with(
            germany,
            lambda s: s.link(s.main_queue, s.fiskaly(s.till, s.tss, "grpc://localhost:1402"), LinkMode.DEACTIVATED),
        ),
    ),
    ("DE-QUEUE-ONE-SCU", "backup", _with(germany, lambda s: s.data["links"][0].update(mode=LinkMode.BACKUP)), unchanged(germany)),
    (
        "FR-QUEUE-ONE-SCU",
        "",
        _with(france, lambda s: s.link(s.main_queue, s.scu(s.till, LNE, None, parameters={"Siret": SIRET}))),
        unchanged(france),
    ),
    (
        "IT-QUEUE-ONE-SCU",
        "",
        _with(italy, lambda s: s.link(s.main_queue, s.scu(s.till, EPSON_RT, "grpc://localhost:1402", s.printer))),
        unchanged(italy),
    ),
    ("DE-SCU-ONE-TSE", "no TSE", _with(germany, lambda s: s.main_scu.update(signing_device_id=None)), unchanged(germany)),
    ("DE-SCU-ONE-TSE", "another TSS", _with(germany, lambda s: s.tss.update(cloud_account=OTHER_TSS)), unchanged(germany)),
    (
        "DE-TSE-CLIENT-LIMIT",
        "device limit",
        _with(germany, lambda s: server_tse(s, tills=3, max_clients=2)),
        _with(germany, lambda s: server_tse(s, tills=2, max_clients=2)),
    ),
    (
        "DE-TSE-CLIENT-LIMIT",
        "counted over other outlets",
        _with(germany, lambda s: server_tse(s, tills=1, max_clients=2)[1].update(clients=3)),
        _with(germany, lambda s: server_tse(s, tills=1, max_clients=2)[1].update(clients=2)),
    ),
    (
        "DE-TSE-CLIENT-LIMIT-UNKNOWN",
        "",
        _with(germany, lambda s: server_tse(s, "diebold-nixdorf", DIEBOLD, tills=2)),
        _with(germany, lambda s: server_tse(s, "diebold-nixdorf", DIEBOLD, tills=1)),
    ),
    ("DE-CLOUD-FCC-SINGLE-CLIENT", "", _with(germany, _fcc_queues(2)), _with(germany, _fcc_queues(1))),
    (
        "DE-CLOUD-FCC-SINGLE-CLIENT",
        "bundle",
        _with(germany, _fcc_queues(26, bundle=True)),
        _with(germany, _fcc_queues(25, bundle=True)),
    ),
    ("DE-TSE-CLIENT-LIMIT", "Swissbit cloud V2", _with(germany, _v2_queues(2)), _with(germany, _v2_queues(2, bundle=True))),
    ("DE-CLOUD-FCC-SETUP", "", _with(germany, _fcc_queues(1)), unchanged(germany)),
    (
        "DE-TSE-ONE-SCU",
        "",
        _with(germany, _two_scus_on(SWISSBIT, "swissbit")),
        _with(germany, _two_scus_on(FISKALY, "fiskaly")),
    ),
    (
        "DE-TSE-ONE-OPERATOR",
        "",
        _with(germany, lambda s: s.main_queue.update(operator_id=_id())),
        unchanged(germany),
    ),
    (
        "DE-TSE-REGISTERED-ELSEWHERE",
        "",
        _with(germany, lambda s: s.tss.update(registered_elsewhere=True)),
        unchanged(germany),
    ),
    (
        "DE-OUTLET-NEEDS-TSE",
        "",
        _with(germany, lambda s: s.main_scu.update(signing_device_id=None)),
        _with(germany, lambda s: (s.main_scu.update(signing_device_id=None), _retire(s.main_queue))),
    ),
    ("DE-FAIR-USE-QUEUES", "", _with(germany, _fair_use_queues(26)), _with(germany, _fair_use_queues(25))),
    ("DE-FAIR-USE-DEVICES", "", _with(germany, _fair_use_terminals(25)), _with(germany, _fair_use_terminals(24))),
    (
        "DE-SHARED-TSE-STOP-RECEIPT",
        "",
        _with(germany, lambda s: shared_device(s, s.tss, 1)),
        unchanged(germany),
    ),
    (
        "DE-TSE-THROUGHPUT",
        "",
        _with(germany, lambda s: shared_device(s, s.tss, 15)),
        _with(germany, lambda s: shared_device(s, s.tss, 14)),
    ),
    ("DE-TAX-OFFICE-DATES", "purchase", _with(germany, lambda s: s.main_queue.update(purchase_date=None)), unchanged(germany)),
    (
        "DE-TAX-OFFICE-DATES",
        "commissioning",
        _with(germany, lambda s: s.main_queue.update(state=ComponentState.IN_OPERATION)),
        _with(germany, lambda s: s.main_queue.update(state=ComponentState.IN_OPERATION, commissioning_date="2024-01-03")),
    ),
    (
        "DE-HARDWARE-TSE-PAIN-POINTS",
        "USB",
        _with(germany, lambda s: server_tse(s)),
        _with(germany, lambda s: server_tse(s)[1].update(host_cashbox_id=None)),
    ),
    (
        "DE-HARDWARE-TSE-PAIN-POINTS",
        "COM port",
        _with(germany, lambda s: server_tse(s, "diebold-nixdorf", DIEBOLD)),
        unchanged(germany),
    ),
    ("DE-DATA-CENTRE", "", _with(germany, lambda s: s.till.update(machine_role=MachineRole.DATA_CENTRE)), unchanged(germany)),
    (
        "AT-BACKUP-SSCD",
        "",
        _with(austria, lambda s: s.data["links"][0].update(mode=LinkMode.BACKUP)),
        _with(austria, lambda s: s.link(s.main_queue, s.scu(s.till, ATRUST, "grpc://localhost:1402", s.card), LinkMode.BACKUP)),
    ),
    ("AT-ENCRYPTION-KEY", "", _with(austria, lambda s: s.main_queue.update(secrets=[])), unchanged(austria)),
    ("FR-SCU-PER-OUTLET", "SIRET", _with(france, lambda s: s.place.update(siret="99999999999999")), unchanged(france)),
    (
        "FR-SCU-PER-OUTLET",
        "two outlets",
        _with(france, lambda s: s.link(s.queue(s.cashbox(s.outlet("FR", 3), "Till 3", "till3.local"), "FR-3"), s.main_scu)),
        unchanged(france),
    ),
    (
        "FR-IDENTIFICATION-LENGTH",
        "",
        _with(france, lambda s: s.main_queue.update(cashbox_identification="F" * 21)),
        _with(france, lambda s: s.main_queue.update(cashbox_identification="F" * 20)),
    ),
    (
        "IT-RT-SERVER-ID-8",
        "",
        lambda: italy("IT-1234", validation.EPSON_RT_SERVER).data,
        lambda: italy("ST01TL01", validation.EPSON_RT_SERVER).data,
    ),
    (
        "IT-RT-SERVER-ID-8",
        "Custom",
        lambda: italy("IT-1234", CUSTOM_RT_SERVER).data,
        lambda: italy("ST01TL01", CUSTOM_RT_SERVER).data,
    ),
    # What the launchers and the middleware read (cashboxes/validation/middleware.py).
    (
        "VERSION-NOT-PINNED",
        "latest",
        _with(germany, lambda s: s.main_queue.update(version="latest")),
        unchanged(germany),
    ),
    (
        "VERSION-NOT-PINNED",
        "below the minimum",
        _with(germany, lambda s: s.main_scu.update(version="1.3.20")),
        _with(germany, lambda s: s.main_scu.update(version="1.3.23")),
    ),
    (
        "LAUNCHER-NET-PIPE",
        "",
        _with(germany, lambda s: s.main_queue.update(urls=["net.pipe://localhost/q1"])),
        _with(austria, lambda s: s.main_queue.update(urls=["net.pipe://localhost/q1"])),  # Launcher 1.x hosts it
    ),
    (
        "LAUNCHER-HELPER",
        "1.x helper on Launcher 2.0",
        _with(germany, lambda s: s.helper(s.till, package="fiskaltrust.service.helper.rest")),
        _with(germany, lambda s: s.helper(s.till)),
    ),
    (
        "LAUNCHER-HELPER",
        "on Android",
        _with(germany, lambda s: (s.till.update(platform=Platform.ANDROID), s.helper(s.till))),
        _with(germany, lambda s: s.till.update(platform=Platform.ANDROID)),
    ),
    (
        "ANDROID-COUNTRY",
        "",
        _with(austria, lambda s: s.till.update(platform=Platform.ANDROID)),
        _with(germany, lambda s: s.till.update(platform=Platform.ANDROID)),
    ),
    ("ANDROID-HELIPAD", "", _with(germany, lambda s: s.till.update(platform=Platform.ANDROID)), unchanged(germany)),
    (
        "DE-IDENTIFICATION-CLIENT-ID",
        "",
        _with(germany, lambda s: s.main_queue.update(cashbox_identification="Kasse 1 / Theke")),
        _with(germany, lambda s: s.main_queue.update(cashbox_identification="Kasse-1-Theke")),
    ),
    ("HOSTED-SCU-URL", "", _with(austria, _hosted_scu("")), _with(austria, _hosted_scu("https://scu.example.at/sign"))),
    (
        "HOSTED-SCU-URL",
        "a placeholder",
        _with(austria, _hosted_scu("signaturcloud-signing-atrustonline")),
        unchanged(austria),
    ),
    ("FR-SCU-CERTIFICATE", "", _with(france, lambda s: s.main_scu.update(has_certificate=False)), unchanged(france)),
    (
        "PARAMETERS-UNREAD",
        "",
        _with(germany, lambda s: server_tse(s)[2]["parameters"].update(EnableFirmwareUpdate=False)),
        _with(germany, lambda s: server_tse(s)[2]["parameters"].update(EnableTarFileExport=False)),
    ),
    ("DE-POS-SYSTEM", "", _with(germany, lambda s: s.main_queue.update(pos_system_id=None)), unchanged(germany)),
    (
        "PARAMETERS-REQUIRED",
        "ComPort or Url",
        _with(germany, lambda s: server_tse(s, "diebold-nixdorf", DIEBOLD)[2].update(parameters={})),
        _with(
            germany, lambda s: server_tse(s, "diebold-nixdorf", DIEBOLD)[2].update(parameters={"Url": "http://dn.local:10001"})
        ),
    ),
]


def _codes(result):
    return {finding["code"] for finding in result["findings"]}


def _case_id(case):
    code, variant, _broken, _passing = case
    return f"{code}-{variant}" if variant else code


def test_every_rule_has_a_breaking_and_a_passing_case():
    assert {rule.code for rule in validation.RULES} == {case[0] for case in CASES}
    assert len({rule.code for rule in validation.RULES}) == len(validation.RULES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_rule_finds_the_broken_configuration(case):
    code, _variant, broken, _passing = case
    result = validation.validate_snapshot(broken())
    severity = next(rule.severity for rule in validation.RULES if rule.code == code)
    found = [finding for finding in result["findings"] if finding["code"] == code]
    assert found, result["findings"]
    for finding in found:
        assert finding["severity"] == severity
        assert set(finding) == {"code", "severity", "message", "hint", "object"}
        assert set(finding["object"]) == {"type", "id", "label", "cashbox"}
        assert finding["message"] and finding["hint"]
        assert "%(" not in finding["message"] and "%(" not in finding["hint"]
    assert result["summary"][severity] >= len(found)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_rule_passes_the_sound_configuration(case):
    code, _variant, _broken, passing = case
    result = validation.validate_snapshot(passing())
    assert code not in _codes(result), [f for f in result["findings"] if f["code"] == code]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_rule_speaks_german_with_the_same_codes(case):
    _code, _variant, broken, _passing = case
    snapshot = broken()
    english = validation.validate_snapshot(snapshot)
    with translation.override("de"):
        german = validation.validate_snapshot(snapshot)
    assert [(f["code"], f["severity"], f["object"]) for f in german["findings"]] == [
        (f["code"], f["severity"], f["object"]) for f in english["findings"]
    ]
    for finding in german["findings"]:
        assert isinstance(finding["message"], str) and finding["message"]
        assert isinstance(finding["hint"], str) and finding["hint"]
    with translation.override("de"):
        for message, text in zip(german["findings"], english["findings"], strict=True):
            # Where the German catalogue has the message, it is rendered in German.
            if translation.gettext(text["hint"]) != text["hint"]:
                assert message["hint"] != text["hint"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_message_and_hint_goes_through_gettext(case, monkeypatch):
    """A fake catalogue marks each translated string: every message and hint carries the mark."""
    _code, _variant, broken, _passing = case
    # The rules live in a module per area, each with its own gettext names.
    modules = [m for m in vars(validation).values() if isinstance(m, ModuleType) and hasattr(m, "_")]
    assert validation.middleware in modules
    for module in modules:
        monkeypatch.setattr(module, "_", lambda text: f"«{text}»")
        if hasattr(module, "ngettext"):
            monkeypatch.setattr(module, "ngettext", lambda one, many, n: f"«{one if n == 1 else many}»")
    for finding in validation.validate_snapshot(broken())["findings"]:
        assert finding["message"].startswith("«"), finding
        assert finding["hint"].startswith("«"), finding


def test_the_sound_configurations_have_no_findings():
    for make in (germany, austria, france, italy, lambda: italy("ST01TL01", validation.EPSON_RT_SERVER)):
        assert validation.validate_snapshot(make().data)["findings"] == []


def test_rule_titles_render_in_both_languages():
    for rule in validation.describe_rules():
        assert rule["title"] and rule["severity"] in validation.SEVERITIES
    with translation.override("de"):
        assert all(isinstance(rule["title"], str) and rule["title"] for rule in validation.describe_rules())


# ---------------------------------------------------------------- INIT-IDS against configuration.build()


def _build_input(estate, cashbox):
    """configuration.build()'s input for a CashBox of a snapshot (secrets masked)."""
    outlet = estate.outlets[cashbox["outlet_id"]]

    def component(item):
        keys = ("id", "package", "version", "description", "urls", "parameters", "state")
        return dict({key: item[key] for key in keys}, secrets=dict.fromkeys(item["secrets"] or (), configuration.MASK))

    def scu_input(scu):
        option = estate.option(scu)
        host = estate.cashboxes.get(scu["cashbox_id"])
        device = estate.devices.get(scu["signing_device_id"])
        return dict(
            component(scu),
            cashbox_id=scu["cashbox_id"],
            host=host["hostname"] if host else "",
            placement=option.placement if option else "component",
            private_key_encrypted="",
            certificate="",
            serial=device["serial"] if device else "",
        )

    empty = {"street": "", "zip": "", "city": "", "country": outlet["country"], "vat_id": "", "tax_id": ""}
    return {
        "cashbox": {"id": cashbox["id"], "hostname": cashbox["hostname"], "description": cashbox["description"]},
        "account": dict(empty, id=cashbox["operator_id"], name="Operator"),
        "outlet": dict(empty, id=outlet["id"], number=outlet["number"], name=outlet["name"], siret=outlet["siret"]),
        "agencies": [],
        "queues": [
            dict(
                component(queue),
                country=queue["country"],
                cashbox_identification=queue["cashbox_identification"],
                timeout_ms=queue["timeout_ms"],
                pos_system=None,  # the snapshot holds no PosSystem: no master data to check
                start_moment=None,
                stop_moment=None,
                links=[
                    {"mode": link["mode"], "timeout_s": link["timeout_s"], "scu": scu_input(estate.scus[link["scu_id"]])}
                    for link in estate.links_of_queue.get(queue["id"], ())
                    if link["scu_id"] in estate.scus
                ],
            )
            for queue in estate.queues_of_cashbox.get(cashbox["id"], ())
        ],
        "scus": [scu_input(scu) for scu in estate.scus_of_cashbox.get(cashbox["id"], ())],
        "helpers": [component(helper) for helper in estate.helpers_of_cashbox.get(cashbox["id"], ())],
    }


def built_problems(estate, cashbox):
    """Build the CashBox's configuration and hold it to the invariants of brief 2.1."""
    outlet_suffix = catalog.country(estate.outlets[cashbox["outlet_id"]]["country"]).init_suffix
    try:
        built = configuration.build(_build_input(estate, cashbox), 0, reveal=False)
    except Exception as error:
        return [f"cannot be built: {error!r}"]
    problems = []
    root = built["ftCashBoxId"]
    local = {item["Id"] for item in built["ftSignaturCreationDevices"]}
    for package in built["ftQueues"]:
        conf, queue_id = package["Configuration"], package["Id"]
        base = conf["init_ftQueue"][0]
        record = (conf.get(f"init_ftQueue{outlet_suffix}") or [{}])[0]
        if root != cashbox["id"] or base["ftQueueId"] != queue_id or base["ftCashBoxId"] != root:
            problems.append("init_ftQueue ids")
        if conf["init_ftCashBox"]["ftCashBoxId"] != root:
            problems.append("init_ftCashBox id")
        if record.get(f"ftQueue{outlet_suffix}Id") != queue_id:
            problems.append(f"init_ftQueue{outlet_suffix} of the outlet's country")
        records = {
            item[f"ftSignaturCreationUnit{outlet_suffix}Id"]: item
            for item in conf.get(f"init_ftSignaturCreationUnit{outlet_suffix}", [])
        }
        referenced = record.get(f"ftSignaturCreationUnit{outlet_suffix}Id")
        if referenced and referenced not in records:
            problems.append("the referenced SCU has no record")
        for scu_id, item in records.items():
            scu = estate.scus[scu_id]
            if (estate.option(scu) is None or estate.option(scu).placement == "component") and scu["cashbox_id"] == root:
                if scu_id not in local:
                    problems.append("a local SCU is missing from ftSignaturCreationDevices")
                if item.get("Url") and set(json.loads(item["Url"])) != {
                    configuration.reachable_url(u, "", True) for u in scu["urls"]
                }:
                    problems.append("the SCU record's URL is not the SCU's")
    return problems


def _init_ids_cases():
    for code, variant, broken, passing in CASES:
        yield pytest.param(broken, id=f"{_case_id((code, variant, 0, 0))}-broken")
        yield pytest.param(passing, id=f"{_case_id((code, variant, 0, 0))}-passing")


@pytest.mark.parametrize("make", list(_init_ids_cases()))
def test_init_ids_agrees_with_building_the_configuration(make):
    """On every snapshot of the cases: INIT-IDS finds something on a CashBox exactly when its
    built configuration breaks an invariant of brief 2.1."""
    snapshot = make()
    estate = validation.Estate(snapshot)
    found = {f["object"]["cashbox"] for f in validation.validate_snapshot(snapshot)["findings"] if f["code"] == "INIT-IDS"}
    for cashbox in estate.cashboxes.values():
        assert bool(built_problems(estate, cashbox)) == (cashbox["id"] in found), cashbox["description"]


def test_the_build_check_sees_a_build_that_writes_the_wrong_queue_id(monkeypatch):
    """The test's own check is not blind: a build() that writes a wrong id fails it."""
    snapshot = germany().data
    estate = validation.Estate(snapshot)
    real = configuration._queue_init

    def wrong(queue, data, stamp, reveal):
        init = real(queue, data, stamp, reveal)
        init["init_ftQueue"][0]["ftQueueId"] = _id()
        return init

    assert built_problems(estate, snapshot["cashboxes"][0]) == []
    monkeypatch.setattr(configuration, "_queue_init", wrong)
    assert built_problems(estate, snapshot["cashboxes"][0]) == ["init_ftQueue ids"]


def test_findings_are_sorted_by_machine_then_severity():
    s = germany()
    spare = s.cashbox(s.place, "A spare", "spare.local")  # sorts before "Till 1"
    s.till.update(published_revision=2)  # info on Till 1
    s.main_queue.update(purchase_date=None)  # warning on Till 1
    s.data["links"].clear()  # error on Till 1
    s.main_scu.update(signing_device_id=None)  # outlet: no TSE (error, no machine)
    findings = validation.validate_snapshot(s.data)["findings"]
    machines = [f["object"]["cashbox"] for f in findings]
    assert machines[0] is None  # the outlet's findings come first
    assert machines.index(spare["id"]) < machines.index(s.till["id"])
    till = [f["severity"] for f in findings if f["object"]["cashbox"] == s.till["id"]]
    assert till == sorted(till, key=["error", "warning", "info"].index)


def test_progress_goes_from_0_to_100():
    calls = []
    validation.validate_snapshot(germany().data, progress=lambda percent, message: calls.append((percent, message)))
    percents = [percent for percent, _message in calls]
    assert percents == sorted(percents) and percents[-1] == 100 and percents[0] == 0
    assert all(isinstance(message, str) and message for _percent, message in calls)


def test_a_cashbox_scope_keeps_the_findings_about_that_cashbox():
    s = germany()
    _server, _device, scu = server_tse(s, url="grpc://localhost:1401")  # unreachable from Till 2
    spare = s.cashbox(s.place, "Spare", "spare.local")
    s.data["scope"] = {"type": "cashbox", "id": s.till["id"], "label": "Till 1", "cashbox": s.till["id"]}
    assert _codes(validation.validate_snapshot(s.data)) == set()
    till2 = next(c for c in s.data["cashboxes"] if c["description"] == "Till 2")
    s.data["scope"] = {"type": "cashbox", "id": till2["id"], "label": "Till 2", "cashbox": till2["id"]}
    found = validation.validate_snapshot(s.data)["findings"]
    # The SCU is on the server, but Till 2's queue cannot reach it: Till 2's report says so.
    assert [(f["code"], f["object"]["id"]) for f in found if f["severity"] == "error"] == [("SCU-URL-UNREACHABLE", scu["id"])]
    s.data["scope"] = {"type": "cashbox", "id": spare["id"], "label": "Spare", "cashbox": spare["id"]}
    assert _codes(validation.validate_snapshot(s.data)) == {"CASHBOX-EMPTY"}


# ---------------------------------------------------------------- the loader, against the database


def _bulk_estate(operator, number, count):
    """An outlet with `count` tills, each with a queue, a fiskaly SCU on its own TSS, a link and
    a terminal; written in bulk (fast) with secrets like the services write them."""
    outlet = factories.outlet(operator, number)
    cashboxes, devices, scus, queues, links, terminals = [], [], [], [], [], []
    for n in range(count):
        cashbox = CashBox(
            operator=operator,
            outlet=outlet,
            description=f"Till {n}",
            hostname=f"till{n}.local",
            private_key_encrypted=keys.new_private_key(),
        )
        device = SigningDevice(operator=operator, outlet=outlet, vendor="fiskaly", kind="cloud", cloud_account=str(uuid.uuid4()))
        scu = Scu(
            operator=operator,
            outlet=outlet,
            cashbox=cashbox,
            package=FISKALY,
            urls=["grpc://localhost:1401"],
            parameters={"TssId": device.cloud_account},
            signing_device=device,
        )
        scu.set_secrets(factories.FISKALY_SECRETS)
        queue = Queue(
            operator=operator,
            outlet=outlet,
            cashbox=cashbox,
            package=SQLITE,
            country=outlet.country,
            cashbox_identification=f"{number}-{n}",
            urls=["grpc://localhost:1200"],
            purchase_date=date(2024, 1, 2),
        )
        cashboxes.append(cashbox)
        devices.append(device)
        scus.append(scu)
        queues.append(queue)
        links.append(QueueScuLink(operator=operator, queue=queue, scu=scu))
        terminals.append(Terminal(operator=operator, queue=queue, name="Handheld", terminal_id="T1"))
    CashBox.objects.bulk_create(cashboxes)
    SigningDevice.objects.bulk_create(devices)
    Scu.objects.bulk_create(scus)
    Queue.objects.bulk_create(queues)
    QueueScuLink.objects.bulk_create(links)
    Terminal.objects.bulk_create(terminals)
    return outlet


def _queries(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


@pytest.mark.django_db
def test_loading_takes_the_same_number_of_queries_for_2_and_50_cashboxes(cast):
    small_outlet = _bulk_estate(cast.operator_org, 1, 2)
    big_outlet = _bulk_estate(cast.operator2_org, 1, 50)
    small_box = CashBox.objects.filter(outlet=small_outlet).first()
    big_box = CashBox.objects.filter(outlet=big_outlet).first()
    pairs = [
        (small_box, big_box),
        (small_outlet, big_outlet),
        (cast.operator_org, cast.operator2_org),
        (validation.Operators(cast.dealer_org), validation.Operators(cast.dealer2_org)),
    ]
    for small, big in pairs:
        assert _queries(validation.load, small) == _queries(validation.load, big), type(small).__name__
        assert _queries(validation.validate, small) == _queries(validation.validate, big)
    assert len(validation.load(validation.Operators(cast.dealer2_org))["cashboxes"]) == 50


@pytest.mark.django_db
def test_loading_a_dealer_takes_a_fixed_baseline_of_queries(cast, django_assert_num_queries):
    _bulk_estate(cast.operator_org, 1, 3)
    with django_assert_num_queries(11):
        validation.validate(validation.Operators(cast.dealer_org))


@pytest.mark.django_db
def test_snapshot_builder_matches_the_loader(cast):
    estate = factories.estate(cast.operator_org, "A")
    snapshot = validation.load(estate.outlet)
    json.dumps(snapshot)  # plain data
    hand = germany()
    hand.helper(hand.till)
    hand.terminal(hand.main_queue)
    for kind in ("outlets", "cashboxes", "queues", "scus", "helpers", "signing_devices", "links", "terminals"):
        assert set(snapshot[kind][0]) == set(hand.data[kind][0]), kind
    assert set(snapshot["scope"]) == set(hand.data["scope"])


@pytest.mark.django_db
def test_the_factory_estate_has_no_errors(cast):
    estate = factories.estate(cast.operator_org, "A")
    result = validation.validate(cast.operator_org)
    assert result["summary"]["error"] == 0, result["findings"]
    assert validation.has_errors(estate.cashbox) is False
    assert validation.errors_by_cashbox(estate.outlet) == {}


@pytest.mark.django_db
def test_a_queue_without_scu_blocks_the_package_of_its_cashbox_only(cast):
    estate = factories.estate(cast.operator_org, "A")
    spare = factories.cashbox(estate.outlet, "Till 3", "till3.local")
    factories.queue(spare, "A-TILL-3")
    assert validation.has_errors(spare) is True
    assert validation.has_errors(estate.cashbox) is False
    blocked = validation.errors_by_cashbox(estate.outlet)
    assert set(blocked) == {str(spare.pk)}
    assert [f["code"] for f in blocked[str(spare.pk)]] == ["QUEUE-WITHOUT-SCU"]


@pytest.mark.django_db
def test_snapshots_and_findings_hold_no_secret_values(cast):
    estate = factories.estate(cast.operator_org, "A")
    austria_outlet = factories.outlet(cast.operator_org, 5, country="AT")
    at_till = factories.cashbox(austria_outlet, "AT Till", "at.local")
    at_queue = factories.queue(at_till, "AT-1")
    key = Queue.objects.get(pk=at_queue.pk).secrets["EncryptionKeyBase64"]
    secrets = [*factories.FISKALY_SECRETS.values(), key, estate.cashbox.access_token, estate.server.access_token]
    snapshot = validation.load(cast.operator_org)
    result = validation.validate(cast.operator_org)
    text = json.dumps(snapshot) + json.dumps(result)
    for secret in secrets:
        assert secret not in text
    scu = next(s for s in snapshot["scus"] if s["id"] == str(estate.scu.pk))
    assert scu["secrets"] == FISKALY_SECRET_NAMES  # which secrets are set, not what they are
    assert next(q for q in snapshot["queues"] if q["id"] == str(at_queue.pk))["secrets"] == ["EncryptionKeyBase64"]


def _object_ids(result):
    return {finding["object"]["id"] for finding in result["findings"]}


def _all_ids(operator):
    ids = set()
    for model in (Outlet, CashBox, Queue, Scu, SigningDevice):
        ids |= {str(pk) for pk in model.objects.filter(operator=operator).values_list("pk", flat=True)}
    return ids


@pytest.mark.django_db
def test_a_dealer_validates_its_active_operators_only(cast):
    factories.estate(cast.operator_org, "A")
    factories.estate(cast.operator2_org, "B")  # dealer B's operator
    revoked = make_org("Former customer", is_pos_operator=True)
    OperatorLink.objects.create(dealer=cast.dealer_org, operator=revoked, right=DealerRight.FULL, status=LinkStatus.REVOKED)
    factories.estate(revoked, "R")
    asking = make_org("Prospect", is_pos_operator=True)
    OperatorLink.objects.create(dealer=cast.dealer_org, operator=asking, right=DealerRight.FULL, status=LinkStatus.REQUESTED)
    factories.estate(asking, "P")

    snapshot = validation.load(validation.Operators(cast.dealer_org))
    assert [o["id"] for o in snapshot["operators"]] == [str(cast.operator_org.pk)]
    assert {c["operator_id"] for c in snapshot["cashboxes"]} == {str(cast.operator_org.pk)}
    result = validation.validate(validation.Operators(cast.dealer_org))
    assert _object_ids(result) <= _all_ids(cast.operator_org)
    assert result["findings"]
    for other in (cast.operator2_org, revoked, asking):
        assert not _object_ids(result) & _all_ids(other)
    assert _object_ids(validation.validate(validation.Operators(cast.dealer2_org))) <= _all_ids(cast.operator2_org)


@pytest.mark.django_db
def test_an_operator_an_outlet_and_a_cashbox_are_scopes(cast):
    estate = factories.estate(cast.operator_org, "A")
    second = factories.outlet(cast.operator_org, 3)
    lone = factories.cashbox(second, "Lone till", "lone.local")
    factories.queue(lone, "A-LONE")
    factories.estate(cast.operator2_org, "B")

    operator = validation.validate(cast.operator_org)
    assert _object_ids(operator) <= _all_ids(cast.operator_org)
    assert {"QUEUE-WITHOUT-SCU", "DE-OUTLET-NEEDS-TSE"} <= _codes(operator)

    first_outlet = validation.validate(estate.outlet)
    assert "QUEUE-WITHOUT-SCU" not in _codes(first_outlet)
    assert len(validation.load(estate.outlet)["outlets"]) == 1

    assert {f["object"]["cashbox"] for f in validation.validate(lone)["findings"]} <= {str(lone.pk), None}
    till = validation.validate(estate.cashbox)
    assert {f["object"]["cashbox"] for f in till["findings"]} <= {str(estate.cashbox.pk), None}
    assert validation.load(estate.cashbox)["scope"] == {
        "type": "cashbox",
        "id": str(estate.cashbox.pk),
        "label": "Till 1",
        "cashbox": str(estate.cashbox.pk),
    }
    with pytest.raises(TypeError):
        validation.load(estate.queue)


@pytest.mark.django_db
def test_a_tse_configured_for_two_operators_is_found_without_showing_the_other(cast):
    mine = factories.estate(cast.operator_org, "A")
    theirs = factories.estate(cast.operator2_org, "B")
    SigningDevice.objects.filter(pk=theirs.server_device.pk).update(serial="SB-B")
    SigningDevice.objects.filter(pk=theirs.device.pk).update(cloud_account=OTHER_TSS)
    assert "DE-TSE-REGISTERED-ELSEWHERE" not in _codes(validation.validate(cast.operator_org))
    # Dealer B's operator enters the same USB TSE (vendor and serial) as operator A.
    SigningDevice.objects.filter(pk=theirs.server_device.pk).update(serial=mine.server_device.serial)
    found = [
        f
        for f in validation.validate(validation.Operators(cast.dealer_org))["findings"]
        if f["code"] == "DE-TSE-REGISTERED-ELSEWHERE"
    ]
    assert [f["object"]["id"] for f in found] == [str(mine.server_device.pk)]
    assert cast.operator2_org.name not in json.dumps(found)
    assert "DE-TSE-REGISTERED-ELSEWHERE" in _codes(validation.validate(cast.operator2_org))
    # A warning: the other operator's entry cannot block this operator's packages.
    assert validation.has_errors(mine.server) is False


@pytest.mark.django_db
def test_a_cloud_tse_shared_by_two_outlets_counts_its_clients_in_both(cast):
    first = factories.outlet(cast.operator_org, 1)
    second = factories.outlet(cast.operator_org, 3)
    device = factories.device(first, "swissbit-cloud", cloud_account="fcc-1")
    fcc = {"FccId": "fcc-1", "FccSecret": "s", "ErsCode": "e", "ActivationToken": "a"}
    for number, outlet in ((1, first), (2, second)):
        till = factories.cashbox(outlet, f"Till {number}", f"till{number}.local")
        scu = factories.scu(till, SWISSBIT_CLOUD, device=device, **fcc)
        queue = factories.queue(till, f"A-{number}")
        # The write rule refuses a second client; a bulk write (or a changed limit) does not.
        QueueScuLink.objects.bulk_create([QueueScuLink(operator=cast.operator_org, queue=queue, scu=scu)])
    assert "DE-CLOUD-FCC-SINGLE-CLIENT" in _codes(validation.validate(second))
    assert "DE-CLOUD-FCC-SINGLE-CLIENT" in _codes(validation.validate(first))


@pytest.mark.django_db
def test_a_tse_counts_the_queues_in_operation_or_to_be_as_clients(cast):
    estate = factories.estate(cast.operator_org, "A")
    till3 = factories.cashbox(estate.outlet, "Till 3", "till3.local")
    retired = factories.queue(till3, "A-TILL-3")
    factories.link(retired, estate.server_scu)

    def device():
        return next(d for d in validation.load(estate.outlet)["signing_devices"] if d["id"] == str(estate.server_device.pk))

    assert (device()["clients"], device()["scu_count"]) == (2, 1)
    retired.state = ComponentState.IN_OPERATION
    services.save(retired)
    services.take_out_of_operation(retired)
    assert device()["clients"] == 1


@pytest.mark.django_db
def test_validation_sees_a_platform_changed_after_the_components_were_saved(cast):
    estate = factories.estate(cast.operator_org, "A")
    factories.helper(estate.till2, url="http://localhost:1500/helper")  # SOAP: Windows only
    assert "URL-SCHEME-PLATFORM" not in _codes(validation.validate(estate.till2))
    estate.till2.platform = Platform.LINUX
    services.save(estate.till2)  # the CashBox's own write rules do not look at its components
    assert validation.has_errors(estate.till2) is True
    assert "URL-SCHEME-PLATFORM" in _codes(validation.validate(estate.till2))


@pytest.mark.django_db
@pytest.mark.parametrize("identification,found", [("ST01TL1", True), ("ST01TL01", False), ("ST01TILL01", True)])
def test_an_epson_rt_server_queue_needs_an_identification_of_8_characters(cast, identification, found):
    """From saved objects: the write rules accept any Italian CashBoxIdentification (the queue
    is saved before it is linked to the server), so the length is a validation finding."""
    outlet = factories.outlet(cast.operator_org, 4, country="IT")
    till = factories.cashbox(outlet)
    server = factories.device(outlet, "epson-rt-server")
    scu = factories.scu(till, validation.EPSON_RT_SERVER, device=server, ServerUrl="https://rt.example.it", Password="x")
    queue = factories.queue(till, identification)
    factories.link(queue, scu)
    assert scu.parameters["Username"] == "epson" and "Password" not in scu.parameters  # a default; a secret
    result = validation.validate(outlet)
    errors = [(f["code"], f["object"]["id"]) for f in result["findings"] if f["severity"] == "error"]
    assert errors == ([("IT-RT-SERVER-ID-8", str(queue.pk))] if found else []), result["findings"]
    assert validation.has_errors(till) is found
