"""Validating a dealer's whole estate against merely loading it: time, queries and their ratio.

Run by `make bench` (from the project root, `DEBUG=1 .venv/bin/python bench/validate_estate.py`).
It builds a throwaway SQLite database in a temporary directory (migrate, then bulk writes) with
one dealer looking after 100 operators of 5 German outlets each, 20 CashBoxes an outlet: 10,000
CashBoxes. Half of the outlets give each till its own fiskaly cloud TSS; the other half run a
server whose Swissbit USB TSE serves the 19 tills (scenario "one SCU on a local server"). Every
fifth till has a handheld terminal; a few queues lack their purchase date; nothing is published
yet (each CashBox gets a NEEDS-REBUILD info), so the report is long, as after a real rollout.

It then times, best of three after a warm-up:
(a) cashboxes.validation.load(dealer): the snapshot loader alone, i.e. reading the same rows;
(b) cashboxes.validation.validate(dealer): loading plus every rule.
and prints both, with the number of queries, the findings by severity, and the ratio b / a
(target: at most 2). Always exits 0.
"""

import shutil
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import throwaway  # noqa: E402 - bench/ is on the path when a bench runs

ROOT = throwaway.ROOT
OPERATORS, OUTLETS_PER_OPERATOR, CASHBOXES_PER_OUTLET = 100, 5, 20
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SWISSBIT = "fiskaltrust.Middleware.SCU.DE.Swissbit"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
FISKALY_SECRETS = {"ApiKey": "bench-key", "ApiSecret": "bench-secret", "AdminPin": "12345678"}


def environment(workdir):
    throwaway.setup_django(workdir)


def organization(name, **roles):
    from portal.models import Organization

    return Organization(name=name, address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE", **roles)


def generate():
    """The dealer and its estate, in bulk. Returns the dealer."""
    from cashboxes import keys
    from cashboxes.choices import MachineRole, Platform
    from cashboxes.models import CashBox, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
    from portal import crypto
    from portal.models import OperatorLink, Organization

    dealer = organization("Bench Dealer", is_pos_dealer=True)
    operators = [organization(f"Operator {n:03d}", is_pos_operator=True) for n in range(OPERATORS)]
    Organization.objects.bulk_create([dealer, *operators])
    OperatorLink.objects.bulk_create([OperatorLink(dealer=dealer, operator=operator) for operator in operators])
    rows = {"outlets": [], "cashboxes": [], "devices": [], "scus": [], "queues": [], "links": [], "terminals": []}
    # One key pair for all: making 10,000 would only slow the set-up down.
    private_key = keys.new_private_key()
    secrets = crypto.encrypt_json(FISKALY_SECRETS)
    for o, operator in enumerate(operators):
        for number in (1, 3, 4, 5, 6):  # outlet number 2 is reserved
            outlet = Outlet(
                operator=operator,
                number=number,
                name=f"Shop {o}-{number}",
                address_line1="Straße 1",
                postal_code="10115",
                city="Berlin",
                country="DE",
            )
            rows["outlets"].append(outlet)
            with_server = number % 2 == 0

            def cashbox(description, hostname, role=MachineRole.POS, platform=Platform.WINDOWS, outlet=outlet, operator=operator):
                item = CashBox(
                    operator=operator,
                    outlet=outlet,
                    description=description,
                    hostname=hostname,
                    machine_role=role,
                    platform=platform,
                    private_key_encrypted=private_key,
                )
                rows["cashboxes"].append(item)
                return item

            def component(model, box, package, url, outlet=outlet, operator=operator, **fields):
                return model(operator=operator, outlet=outlet, cashbox=box, package=package, urls=[url], **fields)

            if with_server:
                server = cashbox("Server", f"srv-{o}-{number}.local", MachineRole.SERVER, Platform.LINUX)
                tse = SigningDevice(
                    operator=operator,
                    outlet=outlet,
                    vendor="swissbit",
                    kind="hardware",
                    serial=f"SB-{o}-{number}",
                    host_cashbox=server,
                )
                shared = component(
                    Scu,
                    server,
                    SWISSBIT,
                    f"grpc://srv-{o}-{number}.local:1401",
                    signing_device=tse,
                    parameters={"devicePath": "/media/tse"},
                )
                rows["devices"].append(tse)
                rows["scus"].append(shared)
            for t in range(CASHBOXES_PER_OUTLET - (1 if with_server else 0)):
                till = cashbox(f"Till {t + 1}", f"till-{o}-{number}-{t + 1}.local")
                if with_server:
                    scu = shared
                else:
                    tss = str(uuid.uuid4())
                    device = SigningDevice(operator=operator, outlet=outlet, vendor="fiskaly", kind="cloud", cloud_account=tss)
                    scu = component(Scu, till, FISKALY, "grpc://localhost:1401", signing_device=device, parameters={"TssId": tss})
                    scu.secrets_encrypted = secrets
                    rows["devices"].append(device)
                    rows["scus"].append(scu)
                queue = component(
                    Queue,
                    till,
                    SQLITE,
                    f"grpc://till-{o}-{number}-{t + 1}.local:1200",
                    country="DE",
                    cashbox_identification=f"{number}-{t + 1}",
                    purchase_date=None if t == 7 else date(2024, 1, 2),
                )
                rows["queues"].append(queue)
                rows["links"].append(QueueScuLink(operator=operator, queue=queue, scu=scu))
                if t % 5 == 0:
                    rows["terminals"].append(Terminal(operator=operator, queue=queue, name="Handheld", terminal_id="T01"))
    Outlet.objects.bulk_create(rows["outlets"], batch_size=2000)
    CashBox.objects.bulk_create(rows["cashboxes"], batch_size=2000)
    SigningDevice.objects.bulk_create(rows["devices"], batch_size=2000)
    Scu.objects.bulk_create(rows["scus"], batch_size=2000)
    Queue.objects.bulk_create(rows["queues"], batch_size=2000)
    QueueScuLink.objects.bulk_create(rows["links"], batch_size=2000)
    Terminal.objects.bulk_create(rows["terminals"], batch_size=2000)
    return dealer, {name: len(items) for name, items in rows.items()}


def best_of(function, runs=3):
    """(best seconds, queries of one run, result of the last run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, queries, result = None, 0, None
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = function()
            seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
        queries = len(captured)
    return best, queries, result


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        started = time.perf_counter()
        environment(workdir)
        dealer, counts = generate()
        print(f"throwaway SQLite database with {', '.join(f'{n} {name}' for name, n in counts.items())}")
        print(f"  ready in {time.perf_counter() - started:.1f} s")

        from cashboxes import validation

        dealer = validation.Operators(dealer)  # all the dealer's operators
        validation.validate(dealer)  # warm-up: imports, translations, the first connection
        load_s, load_q, snapshot = best_of(lambda: validation.load(dealer))
        validate_s, validate_q, result = best_of(lambda: validation.validate(dealer))
        print(f"(a) load only:  {load_s:6.2f} s, {load_q} queries, {len(snapshot['cashboxes'])} CashBoxes")
        print(f"(b) validate:   {validate_s:6.2f} s, {validate_q} queries, {len(validation.RULES)} rules")
        summary = result["summary"]
        codes = {}
        for finding in result["findings"]:
            codes[finding["code"]] = codes.get(finding["code"], 0) + 1
        print(
            f"    findings: {summary['error']} errors, {summary['warning']} warnings, {summary['info']} infos "
            f"({', '.join(f'{code} {n}' for code, n in sorted(codes.items()))})"
        )
        ratio = validate_s / load_s
        print(f"ratio validate / load: {ratio:.2f}; target: at most 2")
        print("PASS" if ratio <= 2 else "BELOW TARGET")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
