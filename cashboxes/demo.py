"""Demo configuration for seed_demo: CashBoxes of Café Sonnenschein in several scenarios."""

from cashboxes import services
from cashboxes.choices import MachineRole, Platform
from cashboxes.models import CashBox, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal

DEMO_FISKALY = {
    "TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
    "ApiKey": "demo_api_key_7Qm2",
    "ApiSecret": "demo_api_secret_Jx9P",
    "AdminPin": "12345678",
}
DEMO_MYSQL = "Server=db.mitte.local;Port=3306;Uid=fiskaltrust;Pwd=demo-db-password;"


def _outlet(operator, number, name, street, postal_code, city, country, **extra):
    outlet, _ = Outlet.objects.get_or_create(
        operator=operator,
        number=number,
        defaults=dict(name=name, address_line1=street, postal_code=postal_code, city=city, country=country, **extra),
    )
    return outlet


def _cashbox(outlet, description, role, hostname, platform=Platform.WINDOWS):
    cashbox = CashBox.objects.filter(outlet=outlet, description=description).first()
    if cashbox is None:
        cashbox = services.save(
            CashBox(
                operator=outlet.operator,
                outlet=outlet,
                description=description,
                machine_role=role,
                hostname=hostname,
                platform=platform,
            )
        )
    return cashbox


def _queue(cashbox, identification, url, package="fiskaltrust.Middleware.Queue.SQLite", **parameters):
    queue = Queue.objects.filter(operator=cashbox.operator, cashbox_identification=identification).first()
    if queue is None:
        queue = Queue(
            operator=cashbox.operator, cashbox=cashbox, package=package, cashbox_identification=identification, urls=[url]
        )
        services.set_parameters(queue, parameters)
        services.save(queue)
    return queue


def _scu(cashbox, description, package, url, parameters, device=None):
    scu = Scu.objects.filter(cashbox=cashbox, description=description).first()
    if scu is None:
        scu = Scu(
            operator=cashbox.operator,
            cashbox=cashbox,
            description=description,
            package=package,
            urls=[url] if url else [],
            signing_device=device,
        )
        services.set_parameters(scu, parameters)
        services.save(scu)
    return scu


def _device(outlet, vendor, description, **fields):
    device = SigningDevice.objects.filter(outlet=outlet, description=description).first()
    return device or services.save(
        SigningDevice(operator=outlet.operator, outlet=outlet, vendor=vendor, description=description, **fields)
    )


def _link(queue, scu, **fields):
    if not QueueScuLink.objects.filter(queue=queue, scu=scu).exists():
        services.save(QueueScuLink(operator=queue.operator, queue=queue, scu=scu, **fields))


def seed(orgs, stdout):
    operator = orgs["operator"]
    mitte = _outlet(operator, 1, "Café Sonnenschein Mitte", "Invalidenstraße 10", "10115", "Berlin", "DE", vat_id="DE123456789")
    prenzlauer = _outlet(operator, 3, "Café Sonnenschein Prenzlauer Berg", "Kastanienallee 5", "10435", "Berlin", "DE")
    wien = _outlet(operator, 4, "Café Sonnenschein Wien", "Mariahilfer Straße 20", "1070", "Wien", "AT")

    # Scenario "one SCU per POS system" with a fiskaly cloud TSE.
    till = _cashbox(mitte, "Kasse Theke", MachineRole.POS, "kasse-theke.local")
    fiskaly = _device(mitte, "fiskaly", "fiskaly TSS Mitte", cloud_account=DEMO_FISKALY["TssId"])
    scu = _scu(
        till, "fiskaly TSE", "fiskaltrust.Middleware.SCU.DE.FiskalyCertified", "grpc://localhost:1401", DEMO_FISKALY, fiskaly
    )
    queue = _queue(till, "MITTE-KASSE-1", "grpc://localhost:1200")
    _link(queue, scu)

    # Scenario "one SCU on a local server": a Swissbit TSE in the server, used by two tills.
    server = _cashbox(prenzlauer, "Server Backoffice", MachineRole.SERVER, "server.prenzlauer.local", Platform.LINUX)
    swissbit = _device(prenzlauer, "swissbit", "Swissbit TSE im Server", serial="SB-0042-1337", host_cashbox=server)
    server_scu = _scu(
        server,
        "Swissbit TSE",
        "fiskaltrust.Middleware.SCU.DE.Swissbit",
        "grpc://server.prenzlauer.local:1401",
        {"devicePath": "/media/tse"},
        swissbit,
    )
    for number in (1, 2):
        till = _cashbox(prenzlauer, f"Kasse {number}", MachineRole.POS, f"kasse{number}.prenzlauer.local")
        _link(_queue(till, f"PB-KASSE-{number}", "grpc://localhost:1200"), server_scu)
    Terminal.objects.get_or_create(
        operator=operator,
        queue=Queue.objects.get(operator=operator, cashbox_identification="PB-KASSE-1"),
        terminal_id="T1",
        defaults={"name": "Handheld 1"},
    )

    # Scenario "several POS share one cloud signature service": a second till on the same fiskaly
    # TSS, whose queue keeps its journal in the café's MySQL server.
    bar = _cashbox(mitte, "Kasse Bar", MachineRole.POS, "kasse-bar.local")
    bar_scu = _scu(
        bar, "fiskaly TSE", "fiskaltrust.Middleware.SCU.DE.FiskalyCertified", "grpc://localhost:1401", DEMO_FISKALY, fiskaly
    )
    bar_queue = _queue(
        bar,
        "MITTE-BAR-1",
        "grpc://localhost:1200",
        package="fiskaltrust.Middleware.Queue.MySQL",
        connectionstring=DEMO_MYSQL,
    )
    _link(bar_queue, bar_scu)

    # Austria: a till with an A-Trust smart card in its reader (Launcher 1.x).
    vienna_till = _cashbox(wien, "Kasse Wien", MachineRole.POS, "kasse.wien.local")
    card = _device(wien, "atrust-smartcard", "A-Trust Karte Wien", serial="ATRUST-4711", host_cashbox=vienna_till)
    card_scu = _scu(
        vienna_till, "A-Trust Smartcard", "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", "grpc://localhost:1401", {}, card
    )
    _link(_queue(vienna_till, "WIEN-KASSE-1", "grpc://localhost:1200"), card_scu)

    for cashbox in CashBox.objects.filter(operator=operator):
        services.rebuild(cashbox)
    stdout.write(f"Demo CashBoxes: {CashBox.objects.filter(operator=operator).count()} for {operator.name}")
