"""Builders of configuration objects for tests, through the services (so every rule applies)."""

from types import SimpleNamespace

from cashboxes import services
from cashboxes.choices import MachineRole, Platform
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal

FISKALY_SECRETS = {"ApiKey": "key-secret-1", "ApiSecret": "secret-secret-2", "AdminPin": "pin-secret-3"}


def outlet(operator, number=1, country="DE", **fields):
    defaults = dict(name=f"Outlet {number}", address_line1="Straße 1", postal_code="10115", city="Berlin", country=country)
    if country == "FR":
        defaults["siret"] = "12345678901234"
    defaults.update(fields)
    return services.save(Outlet(operator=operator, number=number, **defaults))


def cashbox(outlet, description="Till", hostname="till.local", role=MachineRole.POS, platform=Platform.WINDOWS):
    return services.save(
        CashBox(
            operator=outlet.operator,
            outlet=outlet,
            description=description,
            hostname=hostname,
            machine_role=role,
            platform=platform,
        )
    )


def queue(cashbox, identification, url="grpc://localhost:1200", package="fiskaltrust.Middleware.Queue.SQLite", **parameters):
    item = Queue(operator=cashbox.operator, cashbox=cashbox, package=package, cashbox_identification=identification, urls=[url])
    services.set_parameters(item, parameters)
    return services.save(item)


def scu(cashbox, package, url="grpc://localhost:1401", device=None, description="", version="", **parameters):
    item = Scu(
        operator=cashbox.operator,
        cashbox=cashbox,
        package=package,
        version=version,
        urls=[url] if url else [],
        signing_device=device,
        description=description,
    )
    services.set_parameters(item, parameters)
    return services.save(item)


def device(outlet, vendor, **fields):
    return services.save(SigningDevice(operator=outlet.operator, outlet=outlet, vendor=vendor, **fields))


def link(queue, scu, **fields):
    return services.save(QueueScuLink(operator=queue.operator, queue=queue, scu=scu, **fields))


# The portal knows no release of the LocalPosSystemApi helper, so its version is entered.
HELPER_VERSION = "1.3.85"


def helper(cashbox, url="http://localhost:1500/helper", package="fiskaltrust.Middleware.Helper.LocalPosSystemApi"):
    return services.save(Helper(operator=cashbox.operator, cashbox=cashbox, package=package, urls=[url], version=HELPER_VERSION))


def terminal(queue, terminal_id="T1", name="Handheld"):
    return services.save(Terminal(operator=queue.operator, queue=queue, terminal_id=terminal_id, name=name))


def estate(operator, prefix="A"):
    """One outlet of an operator: a till with a fiskaly SCU, and a server whose Swissbit TSE
    serves a second till. Returns the objects by name."""
    place = outlet(operator)
    till = cashbox(place, "Till 1", "till1.local")
    fiskaly_device = device(place, "fiskaly", cloud_account="5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10")
    fiskaly = scu(
        till,
        "fiskaltrust.Middleware.SCU.DE.FiskalyCertified",
        device=fiskaly_device,
        TssId="5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
        **FISKALY_SECRETS,
    )
    till_queue = queue(till, f"{prefix}-TILL-1")
    till_link = link(till_queue, fiskaly)
    server = cashbox(place, "Server", "server.local", MachineRole.SERVER, Platform.LINUX)
    swissbit_device = device(place, "swissbit", serial="SB-1", host_cashbox=server)
    swissbit = scu(
        server,
        "fiskaltrust.Middleware.SCU.DE.Swissbit",
        url="grpc://server.local:1401",
        device=swissbit_device,
        devicePath="/media/tse",
    )
    till2 = cashbox(place, "Till 2", "till2.local")
    till2_queue = queue(till2, f"{prefix}-TILL-2")
    link(till2_queue, swissbit)
    return SimpleNamespace(
        outlet=place,
        cashbox=till,
        queue=till_queue,
        scu=fiskaly,
        device=fiskaly_device,
        link=till_link,
        helper=helper(till),
        terminal=terminal(till_queue),
        server=server,
        server_scu=swissbit,
        server_device=swissbit_device,
        till2=till2,
        till2_queue=till2_queue,
    )
