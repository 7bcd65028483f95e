"""Building deployment packages against writing the same files into zips directly.

Run by `make bench` (from the project root, `DEBUG=1 .venv/bin/python bench/build_packages.py`).
It builds a throwaway SQLite database in a temporary directory (migrate, one operator) with 100
published CashBoxes in 10 German outlets of the same shape (Launcher 2.0 packages, the largest
kind), a shape the wizard's scenarios produce:

- a Linux server whose Swissbit USB TSE (its SCU) signs for four Windows tills (queue only);
- five Windows tills with their own queue and fiskaly cloud TSE SCU, one of them with a helper.

Then it builds 1,000 packages twice, as the portal builds them:

- in outlet bundles (`outlet_bundle`, one job per outlet): 100 bundles of 10 packages, one load
  of two queries per outlet; how a dealer packages an estate. The target applies here.
- one at a time (`cashbox_package`, one job per CashBox): each of the 100 CashBoxes 10 times, two
  queries each. Shown for comparison, without a target: two queries for every few KiB of zip
  cost about half the zip writes by themselves (see "where a package's time goes"), and the job
  of one CashBox validates it first, which costs several times more than building its package.

The baseline writes the same files (taken from the built zips once, beforehand) into zips
directly with the zipfile module, each entry compressed as in the package (the inner packages of
a bundle stored, the rest deflated), 1,000 times. It prints the time per package of both, their
ratio (target: at most 1.5x), and where a package's time goes, step by step. Every figure is
the best of 5 tries; the tries of a build and of its baseline are taken in turn.

The package writer compresses the scripts (the same in every package of a platform) once per
process; everything else is built and compressed anew for every package: nothing is cached
between builds, so building the same packages again costs the same.

The settings are production's (DEBUG off, with generated keys), whatever DEBUG the caller sets:
DEBUG on records every query and slows the ORM, which a real worker does not. Always exits 0.
"""

import base64
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import throwaway  # noqa: E402 - bench/ is on the path when a bench runs

ROOT = throwaway.ROOT
PORTAL = "https://portal.example.com/"
OUTLETS, ROUNDS, REPEATS = 10, 10, 5
TARGET = 1.5
FISKALY = {
    "TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
    "ApiKey": "bench-key",
    "ApiSecret": "bench-secret",
    "AdminPin": "12345678",
}


def environment(workdir):
    throwaway.setup_django(
        workdir,
        DEBUG="0",
        SECRET_KEY="bench-" + base64.b64encode(os.urandom(48)).decode(),
        PACKAGE_SIGNING_KEY=base64.b64encode(os.urandom(32)).decode(),
    )


def estate():
    """10 outlets of 10 published CashBoxes each. Returns the outlets."""
    from cashboxes import services
    from cashboxes.choices import MachineRole, Platform
    from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice
    from portal.models import Organization

    operator = Organization.objects.create(
        name="Bench Operator", address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE", is_pos_operator=True
    )

    def cashbox(outlet, description, hostname, role=MachineRole.POS, platform=Platform.WINDOWS):
        return services.save(
            CashBox(
                operator=operator,
                outlet=outlet,
                description=description,
                hostname=hostname,
                machine_role=role,
                platform=platform,
            )
        )

    def component(model, box, package, url, parameters, **fields):
        item = model(operator=operator, cashbox=box, package=package, urls=[url], **fields)
        services.set_parameters(item, parameters)
        return services.save(item)

    def link(queue, scu):
        services.save(QueueScuLink(operator=operator, queue=queue, scu=scu))

    outlets = []
    for number in range(10, 10 + OUTLETS):  # above 2, which is reserved
        outlet = services.save(
            Outlet(
                operator=operator,
                number=number,
                name=f"Bench {number}",
                address_line1="Straße 1",
                postal_code="10115",
                city="Berlin",
                country="DE",
            )
        )
        outlets.append(outlet)
        server = cashbox(outlet, "Server", f"server{number}.local", MachineRole.SERVER, Platform.LINUX)
        device = services.save(
            SigningDevice(operator=operator, outlet=outlet, vendor="swissbit", serial=f"SB-{number}", host_cashbox=server)
        )
        swissbit = component(
            Scu,
            server,
            "fiskaltrust.Middleware.SCU.DE.Swissbit",
            f"grpc://server{number}.local:1401",
            {"devicePath": "/media/tse"},
        )
        swissbit.signing_device = device
        services.save(swissbit)
        boxes = [server]
        for till_number in range(1, 10):
            till = cashbox(outlet, f"Till {till_number}", f"till{number}-{till_number}.local")
            queue = component(
                Queue,
                till,
                "fiskaltrust.Middleware.Queue.SQLite",
                "grpc://localhost:1200",
                {},
                cashbox_identification=f"B{number}-T{till_number}",
            )
            if till_number <= 4:
                link(queue, swissbit)
            else:
                fiskaly = component(Scu, till, "fiskaltrust.Middleware.SCU.DE.FiskalyCertified", "grpc://localhost:1401", FISKALY)
                link(queue, fiskaly)
                if till_number == 5:
                    component(
                        Helper,
                        till,
                        "fiskaltrust.Middleware.Helper.LocalPosSystemApi",
                        "http://localhost:1500/helper",
                        {},
                        version="1.3.85",  # the portal knows no release of this helper: entered
                    )
            boxes.append(till)
        for box in boxes:
            services.rebuild(box)
    return outlets


def files_of(data):
    """(name, bytes, compression) of every entry of a zip."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(info.filename, archive.read(info.filename), info.compress_type) for info in archive.infolist()]


def zip_directly(entries):
    """The baseline: the same files into a zip with the zipfile module, each compressed as in the
    package, nothing else."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


def _once(function, items, rounds):
    started = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            function(item)
    return time.perf_counter() - started


def timed(function, items, rounds=ROUNDS, repeats=REPEATS):
    """Seconds for `rounds` passes of function over items: the best of `repeats` tries (one
    warm-up pass first), so that a busy neighbour on a shared machine does not decide a figure."""
    _once(function, items, 1)
    return min(_once(function, items, rounds) for _ in range(repeats))


def compared(build, build_items, baseline, baseline_items, rounds=ROUNDS, repeats=REPEATS):
    """(build seconds, baseline seconds): tries of the two taken in turn, the best of each, so that
    both are measured in the same conditions (a slow spell does not favour one side)."""
    _once(build, build_items, 1)
    _once(baseline, baseline_items, 1)
    builds, baselines = [], []
    for _ in range(repeats):
        builds.append(_once(build, build_items, rounds))
        baselines.append(_once(baseline, baseline_items, rounds))
    return min(builds), min(baselines)


def report(title, build, baseline, count, target=True):
    ratio = build / baseline
    print()
    print(f"{title}:")
    print(f"  build:           {build / count * 1000:6.3f} ms per package ({build:.2f} s in all)")
    print(f"  zip writes only: {baseline / count * 1000:6.3f} ms per package ({baseline:.2f} s in all)")
    if target:
        print(f"  ratio {ratio:.2f} (target at most {TARGET}): {'PASS' if ratio <= TARGET else 'BELOW TARGET'}")
    else:
        print(f"  ratio {ratio:.2f} (no target: loaded one by one)")


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-packages-"))
    try:
        started = time.perf_counter()
        environment(workdir)

        from cashboxes import packages
        from cashboxes.models import CashBox
        from portal import signing

        outlets = estate()
        cashboxes = list(CashBox.objects.order_by("outlet__number", "description"))
        print(
            f"throwaway SQLite database with {len(cashboxes)} published CashBoxes ready in {time.perf_counter() - started:.1f} s"
        )

        built = {box.pk: packages.cashbox_package(box, PORTAL) for box in cashboxes}
        contents = [files_of(built[box.pk]) for box in cashboxes]
        sizes = [sum(len(data) for _name, data, _method in entries) for entries in contents]
        print(
            f"a package: {statistics.mean(len(entries) for entries in contents):.0f} files, "
            f"{statistics.mean(sizes) / 1024:.1f} KiB unzipped, {statistics.mean(map(len, built.values())) / 1024:.1f} KiB zipped (mean)"
        )
        count = len(cashboxes) * ROUNDS

        # 1,000 packages in outlet bundles: one load per outlet of 10.
        bundles = {outlet.pk: packages.outlet_bundle(outlet, PORTAL, drawing="<svg/>") for outlet in outlets}
        bundle_contents = [files_of(bundles[outlet.pk]) for outlet in outlets]
        inner = [files_of(data) for entries in bundle_contents for name, data, _method in entries if name.endswith(".zip")]

        def bundle_baseline(_):
            for entries in inner:
                zip_directly(entries)
            for entries in bundle_contents:
                zip_directly(entries)

        bundle_time, bundle_base = compared(
            lambda outlet: packages.outlet_bundle(outlet, PORTAL, drawing="<svg/>"), outlets, bundle_baseline, [None]
        )
        report(f"{count} packages in {OUTLETS * ROUNDS} outlet bundles of 10 (outlet_bundle)", bundle_time, bundle_base, count)

        # 1,000 packages one at a time, as the job of one CashBox builds its package.
        full, baseline = compared(lambda box: packages.cashbox_package(box, PORTAL), cashboxes, zip_directly, contents)
        report(
            f"{count} packages one at a time ({len(cashboxes)} CashBoxes x {ROUNDS}, cashbox_package)",
            full,
            baseline,
            count,
            target=False,
        )

        # Where a package's time goes (the same steps, one at a time, each in its own loop).
        machines = {box.pk: packages.load(cashbox=box.pk)[0] for box in cashboxes}
        fingerprint = signing.fingerprint()
        package_files = {box.pk: packages.package_files(machines[box.pk], PORTAL, fingerprint) for box in cashboxes}
        manifests = {box.pk: packages.manifest(package_files[box.pk], cashbox=str(box.pk), revision=1) for box in cashboxes}
        every = {
            box.pk: {**package_files[box.pk], packages.MANIFEST: manifests[box.pk], packages.SIGNATURE: b"s" * 64}
            for box in cashboxes
        }
        shared = {box.pk: packages.scripts_for(machines[box.pk]) for box in cashboxes}
        steps = {
            "load one CashBox (2 queries)": timed(lambda box: packages.load(cashbox=box.pk), cashboxes),
            "files (README, JSON, scripts)": timed(
                lambda box: packages.package_files(machines[box.pk], PORTAL, fingerprint), cashboxes
            ),
            "manifest and signature": timed(
                lambda box: signing.sign(packages.manifest(package_files[box.pk], cashbox=str(box.pk), revision=1)), cashboxes
            ),
            "zip (packages.write_zip)": timed(lambda box: packages.write_zip(every[box.pk], shared[box.pk]), cashboxes),
        }
        total = sum(steps.values())
        print()
        print("where a package's time goes (each step in its own loop):")
        for label, seconds in steps.items():
            print(f"  {label:31s} {seconds / count * 1000:6.3f} ms  {seconds / total:5.1%}")
        print(f"  zipfile, the same files:        {baseline / count * 1000:6.3f} ms (the baseline)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
