"""Every configuration the portal produces, as its launcher gets it, through the launcher
conformance suite (tests/conformance): the golden estates, the demo data, and the wizard's plan
for every allowed scenario and signing option in Germany, Austria, France and Italy.

A Launcher 2.0 machine's configuration is fetched from the launcher endpoint with a
LauncherClient's public key in the body (and its encrypted values decrypted by the suite); an
Android machine's from the helipad-style endpoint; a Launcher 1.x machine's is what its package's
configuration.json holds.
"""

import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cashboxes import catalog, packages, services, versions
from cashboxes.models import CashBox
from portal import crypto
from scenarios import advisor, apply
from scenarios.advisor import Inputs
from tests import factories
from tests.conformance import LauncherClient, android, check, parse_access_token, read_keys
from tests.test_configuration_golden import austrian_box, fiskaly_box, french_box, shared_tse  # noqa: F401 - fixtures

SUITE_LAUNCHER = {catalog.LAUNCHER_2: "2.0", catalog.ANDROID_LAUNCHER: "android", catalog.LAUNCHER_1: "1.x"}


def served(cashbox):
    """The violations of the CashBox's published configuration as its launcher gets it."""
    cashbox = CashBox.objects.select_related("outlet", "published").get(pk=cashbox.pk)
    if cashbox.needs_rebuild:
        services.rebuild(cashbox)
        cashbox = CashBox.objects.select_related("outlet", "published").get(pk=cashbox.pk)
    launcher, token = cashbox.launcher, cashbox.access_token
    # No launcher gets "latest" (Launcher 2.0 would freeze on its first download; the others get
    # the same pinned versions).
    assert '"latest"' not in crypto.decrypt(cashbox.published.configuration_encrypted)
    if launcher == catalog.LAUNCHER_1:
        text = packages.launcher_1_configuration(cashbox.published.configuration)
        return check(text, launcher="1.x")
    client = Client()
    if launcher == catalog.ANDROID_LAUNCHER:
        response = client.get(
            reverse("launcher-configuration-helipad"), headers={"cashboxid": str(cashbox.pk), "accesstoken": token}
        )
        assert response.status_code == 200, response.content
        return check(response.content, launcher="android")
    launcher_client = LauncherClient()
    response = client.generic(
        "GET",
        reverse("launcher-configuration", args=[str(cashbox.pk)]),
        launcher_client.request_body(),
        content_type="application/json",
        headers={"accesstoken": token},
    )
    assert response.status_code == 200, response.content
    return check(response.content, launcher="2.0", cashbox_id=str(cashbox.pk), access_token=token, client=launcher_client)


def assert_conform(cashboxes):
    found = {f"{box.description} ({box.launcher})": served(box) for box in cashboxes}
    problems = {name: [f"{v.rule} {v.path}: {v.message}" for v in violations] for name, violations in found.items() if violations}
    import os

    if os.environ.get("DUMP_VIOLATIONS"):
        with open(os.environ["DUMP_VIOLATIONS"], "a") as dump:
            for name, lines in problems.items():
                for line in lines:
                    dump.write(f"{name}\t{line}\n")
    assert problems == {}
    assert found, "nothing was checked"


# ---------------------------------------------------------------- the golden estates


@pytest.mark.parametrize("estate", ["fiskaly_box", "shared_tse", "austrian_box", "french_box"])
def test_every_golden_configuration_is_one_the_middleware_runs(request, estate):
    request.getfixturevalue(estate)
    assert_conform(CashBox.objects.all())


def test_a_mysql_queue_conforms_on_launcher_2_and_on_launcher_1(cast):
    german = factories.cashbox(factories.outlet(cast.operator_org, 5), "Kasse DB", "kasse-db.local")
    austrian = factories.cashbox(factories.outlet(cast.operator_org, 6, "AT", city="Wien", postal_code="1010"), "Kassa DB")
    for till, country in ((german, "DE"), (austrian, "AT")):
        option = catalog.country(country).signing_options[0]
        scu = factories.scu(till, option.package, url="grpc://localhost:1401", **sample_parameters(option, till.outlet))
        queue = factories.queue(
            till, f"{country}-DB-1", package="fiskaltrust.Middleware.Queue.MySQL", connectionstring="Server=db;Uid=ft;Pwd=x;"
        )
        factories.link(queue, scu)
    assert_conform([german, austrian])


# ---------------------------------------------------------------- the demo data


def test_the_demo_data_is_all_configurations_the_middleware_runs(db, settings):
    settings.DEBUG = True  # seed_demo runs only with DEBUG on (the test runner turns it off)
    call_command("seed_demo", stdout=_Null())
    assert_conform(CashBox.objects.all())


def test_a_launcher_2_client_fetches_every_demo_cashbox_and_decrypts_the_mysql_connection_string(db, settings):
    from cashboxes.demo import DEMO_MYSQL

    settings.DEBUG = True
    call_command("seed_demo", stdout=_Null())
    decrypted = []
    for cashbox in CashBox.objects.select_related("outlet"):
        assert parse_access_token(cashbox.access_token)  # a P-256 point, as Encryption.cs reads it
        if cashbox.launcher != catalog.LAUNCHER_2:
            continue
        launcher = LauncherClient()
        response = Client().generic(
            "GET",
            reverse("launcher-configuration", args=[str(cashbox.pk)]),
            launcher.request_body(),
            content_type="application/json",
            headers={"accesstoken": cashbox.access_token},
        )
        assert response.status_code == 200
        for queue in response.json()["ftQueues"]:
            if "connectionstring" in queue["Configuration"]:
                value = queue["Configuration"]["connectionstring"]
                decrypted.append(launcher.decrypt(str(cashbox.pk), cashbox.access_token, value))
    assert decrypted == [DEMO_MYSQL]


class _Null:
    def write(self, text):
        pass


# ---------------------------------------------------------------- the wizard


def sample_value(parameter, outlet):
    """A plausible value a dealer would enter for a catalog parameter."""
    if parameter.default is not None:
        return parameter.default
    return {
        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, parameter.name)),
        "url": "https://signing.example.com:8443/",
        "host": "printer.shop.lan",
        "path": "/media/tse",
        "port": 20001,
        "int": 1,
        "bool": False,
        "digits": outlet.siret or "1" * (parameter.length or 1),
    }.get(parameter.type, f"{parameter.name.lower()}-value")


def sample_parameters(option, outlet):
    """What a dealer fills in: the required parameters, the defaults, and the first of a choice
    (e.g. a Diebold Nixdorf TSE's ComPort, or else its Url)."""
    wanted = {p.name for p in option.parameters if p.required or p.default is not None} | set(option.required_one_of[:1])
    return {p.name: sample_value(p, outlet) for p in option.parameters if p.name in wanted}


SHAPES = [
    # (POS systems, terminals, a server, data centre)
    (1, 0, False, False),
    (3, 0, True, False),
    (3, 0, False, False),
    (2, 4, False, False),
    (1, 3, True, False),
    (2, 3, False, True),
]


def wizard_cases():
    for country in catalog.COUNTRIES.values():
        for option in country.signing_options:
            yield pytest.param(country.code, option.id, id=f"{country.code}-{option.id}")


@pytest.mark.parametrize("country, signing", list(wizard_cases()))
def test_every_allowed_scenario_of_the_wizard_applies_to_configurations_the_middleware_runs(cast, country, signing):
    option = catalog.country(country).signing_option(signing)
    extra = {"FR": {"siret": "12345678901234"}}.get(country, {})
    applied, number = set(), 10
    for pos, terminals, server, data_centre in SHAPES:
        inputs = Inputs(country, pos, terminals, server, signing, 12, data_centre=data_centre and country == "DE")
        if advisor.validate(inputs):
            continue
        for verdict in advisor.assess(inputs):
            if not verdict["allowed"] or verdict["id"] in applied:
                continue
            outlet = factories.outlet(cast.operator_org, number, country, **extra)
            number += 1
            plan = apply.make_plan(verdict["id"], inputs, outlet)
            parameters = sample_parameters(option, outlet)
            plan = apply.fill(plan, parameters={scu["key"]: parameters for scu in plan.data["scus"]})
            assert apply.check(plan) == [], verdict["id"]
            result = apply.apply(plan)
            assert_conform(CashBox.objects.filter(pk__in=result["cashboxes"], queues__isnull=False).distinct())
            applied.add(verdict["id"])
    if not applied and not versions.newest(option.package):
        # The advisor refuses an option without a known release (the CashBox is built by hand).
        assert "No released version" in str(advisor.validate(inputs)["signing"])
        return
    assert applied, f"no scenario is allowed for {country} with {signing}"


# ---------------------------------------------------------------- the catalog against the middleware


def catalog_packages():
    for country in catalog.COUNTRIES.values():
        for option in country.signing_options:
            if option.placement == catalog.COMPONENT:
                yield pytest.param(country.code, option.package, option.parameters, id=f"{country.code}-{option.id}")
        for queue in country.queue_packages:
            parameters = (*queue.parameters, *country.queue_parameters)
            yield pytest.param(country.code, queue.package, parameters, id=f"{country.code}-{queue.package.rsplit('.', 1)[-1]}")


@pytest.mark.parametrize("country, package, parameters", list(catalog_packages()))
def test_the_catalog_offers_only_keys_the_middleware_reads_with_its_defaults(country, package, parameters):
    read = read_keys(package, country)
    for parameter in parameters:
        if parameter.name == "EncryptionKeyBase64":
            continue  # Austria's receipt counter key: written into init_ftQueueAT, not as a key
        name = next((key for key in read if key == parameter.name), None) or next(
            (key for key in read if key.lower() == parameter.name.lower()), None
        )
        assert name, f"{package} reads no key {parameter.name}"
        if parameter.default is not None:
            assert parameter.default == read[name][1], f"{parameter.name}: the middleware's default is {read[name][1]!r}"


def test_android_offers_exactly_the_scus_the_android_launcher_starts():
    offered = {
        option.package
        for country in catalog.COUNTRIES.values()
        for option in country.signing_options
        if catalog.ANDROID in option.platforms and option.placement == catalog.COMPONENT
    }
    assert offered == set(android.SUPPORTED_SCUS)
    queues = {q.package for c in catalog.COUNTRIES.values() for q in c.queue_packages if catalog.ANDROID in q.platforms}
    assert queues == {"fiskaltrust.Middleware.Queue.SQLite"}
