"""The configuration's REST API: creating and changing through the write rules, secrets that
never come back, If-Match, rebuild and the launcher, tokens, deleting, filters and query counts.

Who may reach what is in tests/test_tenancy_cashboxes_api.py.
"""

import json
import logging
import uuid

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cashboxes import versions
from cashboxes.choices import ComponentState, MachineRole, Platform
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.api.errors import exception_handler
from portal.models import AuditEvent
from tests import factories

FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
HELPER = "fiskaltrust.Middleware.Helper.LocalPosSystemApi"
TSS_ID = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"
SECRET_VALUES = list(factories.FISKALY_SECRETS.values())


def url(name, obj=None):
    return reverse(f"api:{name}", args=[obj.pk] if obj is not None else [])


def fiskaly_scu_body(cashbox, port=1402, **extra):
    return {
        "cashbox": str(cashbox.pk),
        "package": FISKALY,
        "urls": [f"grpc://localhost:{port}"],
        "parameters": {"TssId": TSS_ID, **factories.FISKALY_SECRETS},
        **extra,
    }


def queue_body(cashbox, identification="A-NEW-1", port=1300, **extra):
    return {
        "cashbox": str(cashbox.pk),
        "package": SQLITE,
        "cashbox_identification": identification,
        "urls": [f"grpc://localhost:{port}"],
        **extra,
    }


@pytest.fixture
def operator_api(api, cast):
    return api(cast.operator)


@pytest.fixture
def dealer_api(api, cast):
    return api(cast.dealer)


# Creating through the API


def test_operator_creates_an_outlet_for_itself_without_naming_the_operator(operator_api, cast):
    response = operator_api.post(
        url("outlet-list"),
        {
            "number": 7,
            "name": "Airport",
            "address_line1": "Terminal 1",
            "postal_code": "12529",
            "city": "Schönefeld",
            "country": "DE",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["operator"] == str(cast.operator_org.pk)
    assert Outlet.objects.get(pk=response.json()["id"]).operator == cast.operator_org


def test_dealer_creates_an_outlet_for_the_operator_it_names(dealer_api, cast):
    response = dealer_api.post(
        url("outlet-list"),
        {"operator": str(cast.operator_org.pk), "number": 8, "name": "Mall", "address_line1": "Weg 3", "postal_code": "10115"}
        | {"city": "Berlin", "country": "DE"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Outlet.objects.get(pk=response.json()["id"]).operator == cast.operator_org


def test_dealer_must_name_the_operator_of_a_new_outlet(dealer_api):
    response = dealer_api.post(
        url("outlet-list"),
        {"number": 8, "name": "Mall", "address_line1": "Weg 3", "postal_code": "10115", "city": "Berlin", "country": "DE"},
        format="json",
    )

    assert response.status_code == 400
    assert "operator" in response.json()


def test_an_outlet_cannot_belong_to_a_dealer_or_to_another_dealers_operator(dealer_api, cast):
    base = {"number": 8, "name": "Mall", "address_line1": "Weg 3", "postal_code": "10115", "city": "Berlin", "country": "DE"}
    for operator in (cast.dealer_org, cast.operator2_org):
        response = dealer_api.post(url("outlet-list"), base | {"operator": str(operator.pk)}, format="json")

        assert response.status_code == 400
        assert list(response.json()) == ["operator"]
    assert not Outlet.objects.filter(number=8).exists()


def test_an_outlet_number_the_operator_already_uses_is_refused_on_the_number(operator_api, configs):
    response = operator_api.post(
        url("outlet-list"),
        {"number": 1, "name": "Twin", "address_line1": "Weg 3", "postal_code": "10115", "city": "Berlin", "country": "DE"},
        format="json",
    )

    assert response.status_code == 400
    assert "number" in response.json()


@pytest.mark.smoke
def test_dealer_creates_a_cashbox_whose_operator_comes_from_the_outlet_not_from_the_body(dealer_api, configs, cast):
    response = dealer_api.post(
        url("cashbox-list"),
        {
            "outlet": str(configs.a.outlet.pk),
            "description": "Till 3",
            "hostname": "till3.local",
            "platform": "linux",
            "operator": str(cast.operator2_org.pk),
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["operator"] == str(cast.operator_org.pk)
    assert body["needs_rebuild"] is True and body["published_revision"] == 0
    assert body["queues"] == [] and body["scus"] == []
    assert CashBox.objects.get(pk=body["id"]).operator == cast.operator_org


def test_a_queue_created_through_the_api_takes_country_and_outlet_from_its_cashbox(operator_api, configs):
    response = operator_api.post(url("queue-list"), queue_body(configs.a.cashbox), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country"] == "DE"
    assert body["outlet"] == str(configs.a.outlet.pk)
    assert body["state"] == ComponentState.CREATED
    assert body["secrets_set"] == []


def test_an_scu_created_through_the_api_shows_its_parameters_but_only_the_names_of_its_secrets(operator_api, configs):
    response = operator_api.post(
        url("scu-list"), fiskaly_scu_body(configs.a.cashbox, signing_device=str(configs.a.device.pk)), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["parameters"]["TssId"] == TSS_ID
    assert body["parameters"]["EnableTarFileExport"] is True  # the catalog's default
    assert not set(body["parameters"]) & set(factories.FISKALY_SECRETS)
    assert body["secrets_set"] == ["AdminPin", "ApiKey", "ApiSecret"]
    assert Scu.objects.get(pk=body["id"]).secrets == factories.FISKALY_SECRETS


def test_a_helper_a_device_a_link_and_a_terminal_are_created_through_the_api(operator_api, configs):
    a = configs.a
    helper = operator_api.post(
        url("helper-list"),
        {"cashbox": str(a.till2.pk), "package": HELPER, "version": "1.3.85", "urls": ["rest://localhost:1600/pos"]},
        format="json",
    )
    device = operator_api.post(
        url("signingdevice-list"), {"outlet": str(a.outlet.pk), "vendor": "swissbit", "serial": "SB-2"}, format="json"
    )
    spare = factories.queue(a.till2, "A-SPARE", url="grpc://localhost:1210")
    link = operator_api.post(url("queuesculink-list"), {"queue": str(spare.pk), "scu": str(a.scu.pk)}, format="json")
    terminal = operator_api.post(
        url("terminal-list"), {"queue": str(a.queue.pk), "name": "Pad", "terminal_id": "T2"}, format="json"
    )

    assert [r.status_code for r in (helper, device, link, terminal)] == [201] * 4, [
        r.json() for r in (helper, device, link, terminal)
    ]
    assert device.json()["kind"] == "hardware" and device.json()["max_clients"] == 100  # from the catalog
    assert link.json()["mode"] == "normal"
    assert Terminal.objects.get(pk=terminal.json()["id"]).operator == a.queue.operator


def test_an_austrian_queue_links_to_two_scus_one_as_backup(operator_api, cast):
    vienna = factories.outlet(cast.operator_org, number=5, country="AT", city="Wien", postal_code="1010")
    till = factories.cashbox(vienna, "Kassa", "kassa.local")
    queue = factories.queue(till, "AT-KASSA-1")
    card = factories.scu(till, "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard")
    online = factories.scu(
        till, "signaturcloud-signing-atrustonline", url=None, Url="https://atrust-online.signing.example.at/scu"
    )

    first = operator_api.post(url("queuesculink-list"), {"queue": str(queue.pk), "scu": str(card.pk)}, format="json")
    second = operator_api.post(
        url("queuesculink-list"), {"queue": str(queue.pk), "scu": str(online.pk), "mode": "backup"}, format="json"
    )

    assert first.status_code == 201 and second.status_code == 201, second.json()
    assert sorted(link.mode for link in queue.scu_links.all()) == ["backup", "normal"]
    assert response_is_free_of(operator_api.get(url("queue-detail", queue)), [queue.secrets["EncryptionKeyBase64"]])


# Bad input: 400 with the message on the right field


def test_an_http_url_on_a_linux_cashbox_is_refused_on_the_urls(operator_api, configs):
    response = operator_api.post(
        url("queue-list"), queue_body(configs.a.server, port=None) | {"urls": ["http://localhost:1300"]}, format="json"
    )

    assert response.status_code == 400
    assert "http:// is not supported on Linux" in response.json()["urls"][0]


def test_a_net_pipe_url_on_a_launcher_2_machine_is_refused_on_the_urls(operator_api, configs):
    response = operator_api.post(
        url("queue-list"), queue_body(configs.a.cashbox) | {"urls": ["net.pipe://localhost/q1"]}, format="json"
    )

    assert response.status_code == 400
    assert "Launcher 2.0 does not host net.pipe://" in response.json()["urls"][0]
    assert not Queue.objects.filter(cashbox_identification="A-NEW-1").exists()


def test_a_net_pipe_url_is_fine_on_a_windows_launcher_1_machine_in_austria(operator_api, cast):
    vienna = factories.outlet(cast.operator_org, number=6, country="AT", city="Wien", postal_code="1010")
    till = factories.cashbox(vienna, "Kassa", "kassa.local")

    response = operator_api.post(url("queue-list"), queue_body(till) | {"urls": ["net.pipe://localhost/q1"]}, format="json")

    assert response.status_code == 201, response.json()


def test_a_1x_helper_on_a_launcher_2_machine_is_refused_on_the_package(operator_api, configs):
    body = {
        "cashbox": str(configs.a.cashbox.pk),
        "package": "fiskaltrust.service.helper.rest",
        "urls": ["rest://localhost:1600/h"],
    }
    response = operator_api.post(url("helper-list"), body, format="json")

    assert response.status_code == 400
    assert "does not load on Launcher 2.0" in response.json()["package"][0]


def test_an_android_cashbox_gets_no_helper_and_no_mysql_queue(operator_api, cast):
    outlet = factories.outlet(cast.operator_org, number=6)
    tablet = factories.cashbox(outlet, "Tablet", "tablet.local", platform=Platform.ANDROID)
    body = {"cashbox": str(tablet.pk), "package": HELPER, "urls": ["rest://localhost:1600/h"]}

    helper = operator_api.post(url("helper-list"), body, format="json")
    mysql = operator_api.post(
        url("queue-list"),
        queue_body(tablet, package="fiskaltrust.Middleware.Queue.MySQL", parameters={"connectionstring": "Server=x"}),
        format="json",
    )

    assert helper.status_code == 400 and "runs no configured helpers" in helper.json()["package"][0]
    assert mysql.status_code == 400 and "does not run on Android" in mysql.json()["package"][0]


def test_an_android_cashbox_exists_only_where_the_android_launcher_serves(operator_api, cast):
    vienna = factories.outlet(cast.operator_org, number=6, country="AT", city="Wien", postal_code="1010")
    body = {"outlet": str(vienna.pk), "description": "Tablet", "hostname": "tablet.local", "platform": "android"}

    response = operator_api.post(url("cashbox-list"), body, format="json")

    assert response.status_code == 400
    assert "Germany and Italy only" in response.json()["platform"][0]


@pytest.mark.parametrize("version", ["latest", "^1.3.0", "1.3", "1.3.x", ""])
def test_a_component_pins_one_concrete_version_and_gets_the_newest_when_left_out(operator_api, configs, version):
    response = operator_api.post(url("queue-list"), queue_body(configs.a.cashbox) | {"version": version}, format="json")

    if version:
        assert response.status_code == 400
        assert "one concrete version" in response.json()["version"][0]
    else:
        assert response.status_code == 201, response.json()
        assert response.json()["version"] == versions.newest(SQLITE) == "1.3.85"


def test_a_queue_names_its_operators_pos_system_by_default_and_never_one_it_is_not_sold(operator_api, configs, cast):
    from portal.models import PosSystem

    unreleased = PosSystem.objects.create(creator=cast.creator_org, name="Beta", brand="B", type="T", software_version="0")
    default = operator_api.post(url("queue-list"), queue_body(configs.a.cashbox, port=1301), format="json")
    other = operator_api.post(
        url("queue-list"), queue_body(configs.a.cashbox, "A-NEW-2", port=1302, pos_system=str(unreleased.pk)), format="json"
    )

    assert default.status_code == 201 and default.json()["pos_system"] == str(cast.pos_system.pk)
    assert other.status_code == 400
    assert "does not exist" in other.json()["pos_system"][0]  # as for an id that is nowhere


def test_a_swissbit_cloud_tse_in_a_bundle_takes_25_queues_and_only_it_comes_in_bundles(operator_api, configs):
    outlet = str(configs.a.outlet.pk)
    alone = operator_api.post(url("signingdevice-list"), {"outlet": outlet, "vendor": "swissbit-cloud-v2"}, format="json")
    bundled = operator_api.post(
        url("signingdevice-list"), {"outlet": outlet, "vendor": "swissbit-cloud-v2", "bundle": True}, format="json"
    )
    fiskaly = operator_api.post(url("signingdevice-list"), {"outlet": outlet, "vendor": "fiskaly", "bundle": True}, format="json")

    assert (alone.status_code, alone.json()["max_clients"]) == (201, 1)
    assert (bundled.status_code, bundled.json()["max_clients"]) == (201, 25)
    assert fiskaly.status_code == 400 and "bundle" in fiskaly.json()


def test_a_version_below_the_documented_minimum_is_refused(operator_api, configs):
    response = operator_api.post(url("scu-list"), fiskaly_scu_body(configs.a.till2) | {"version": "1.3.20"}, format="json")

    assert response.status_code == 400
    assert "stable from version 1.3.23" in response.json()["version"][0]


def test_a_port_another_component_of_the_machine_listens_on_is_refused(operator_api, configs):
    response = operator_api.post(url("queue-list"), queue_body(configs.a.cashbox, port=1401), format="json")

    assert response.status_code == 400
    assert "Port 1401 is already used" in response.json()["urls"][0]


def test_a_german_queue_never_gets_a_second_scu(operator_api, configs):
    response = operator_api.post(
        url("queuesculink-list"), {"queue": str(configs.a.queue.pk), "scu": str(configs.a.server_scu.pk)}, format="json"
    )

    assert response.status_code == 400
    assert "exactly one SCU" in response.json()["scu"][0]
    assert configs.a.queue.scu_links.count() == 1


def test_a_german_link_is_never_a_backup(operator_api, configs):
    spare = factories.queue(configs.a.till2, "A-SPARE", url="grpc://localhost:1210")

    response = operator_api.post(
        url("queuesculink-list"), {"queue": str(spare.pk), "scu": str(configs.a.scu.pk), "mode": "backup"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["mode"]


def test_a_french_cashbox_identification_has_at_most_20_characters(operator_api, cast):
    paris = factories.outlet(cast.operator_org, number=6, country="FR", city="Paris", postal_code="75001")
    till = factories.cashbox(paris, "Caisse", "caisse.local")

    too_long = operator_api.post(url("queue-list"), queue_body(till, "F" * 21), format="json")
    just_right = operator_api.post(url("queue-list"), queue_body(till, "F" * 20), format="json")

    assert too_long.status_code == 400
    assert "at most 20 characters" in too_long.json()["cashbox_identification"][0]
    assert just_right.status_code == 201, just_right.json()


@pytest.mark.parametrize(
    "identification, accepted",
    [("A" * 31, False), ("A" * 30, True), ("T", False), ("T-1", True), ("TILL_1", False), ("TILL 1", False), ("KASSE-Ä1", False)],
)
def test_a_german_cashbox_identification_is_a_tse_client_id(operator_api, configs, identification, accepted):
    response = operator_api.post(url("queue-list"), queue_body(configs.a.cashbox, identification), format="json")

    if accepted:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400
        message = response.json()["cashbox_identification"][0]
        assert "TSE's client id" in message or "at most 30 characters" in message or "printable" in message.lower()


def test_the_cashbox_identification_of_a_queue_cannot_change(operator_api, configs):
    response = operator_api.patch(url("queue-detail", configs.a.queue), {"cashbox_identification": "A-OTHER"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"cashbox_identification": ["This cannot be changed once saved."]}
    configs.a.queue.refresh_from_db()
    assert configs.a.queue.cashbox_identification == "A-TILL-1"


def test_the_outlet_of_a_cashbox_cannot_change(operator_api, configs, cast):
    second = factories.outlet(cast.operator_org, number=3)

    response = operator_api.patch(url("cashbox-detail", configs.a.cashbox), {"outlet": str(second.pk)}, format="json")

    assert response.status_code == 400
    assert response.json() == {"outlet": ["This cannot be changed once saved."]}


def test_an_unknown_scu_parameter_is_refused_on_the_parameters(operator_api, configs):
    body = fiskaly_scu_body(configs.a.till2)
    body["parameters"]["Colour"] = "blue"

    response = operator_api.post(url("scu-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["parameters"] == ["Unknown parameters: Colour."]


def test_a_missing_required_scu_parameter_is_refused_on_its_own_key(operator_api, configs):
    body = fiskaly_scu_body(configs.a.till2)
    del body["parameters"]["TssId"]

    response = operator_api.post(url("scu-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["parameters.TssId"] == ["TssId: This parameter is required."]


@pytest.mark.smoke
def test_another_tenants_cashbox_in_the_body_is_refused_as_if_it_did_not_exist(operator_api, configs):
    theirs = operator_api.post(url("queue-list"), queue_body(configs.b.cashbox), format="json")
    nobodys_id = uuid.uuid4()
    nobodys = operator_api.post(url("queue-list"), queue_body(configs.b.cashbox) | {"cashbox": str(nobodys_id)}, format="json")

    assert theirs.status_code == 400
    assert list(theirs.json()) == ["cashbox"]
    # The same answer as for an id that exists nowhere: nothing tells them apart.
    assert theirs.json()["cashbox"][0].replace(str(configs.b.cashbox.pk), "?") == nobodys.json()["cashbox"][0].replace(
        str(nobodys_id), "?"
    )
    assert not Queue.objects.filter(cashbox_identification="A-NEW-1").exists()


def test_another_tenants_scu_queue_outlet_or_device_is_never_usable(operator_api, configs):
    a, b = configs.a, configs.b
    attempts = [
        ("queuesculink-list", {"queue": str(a.queue.pk), "scu": str(b.scu.pk)}, "scu"),
        ("terminal-list", {"queue": str(b.queue.pk), "name": "Pad", "terminal_id": "T9"}, "queue"),
        ("cashbox-list", {"outlet": str(b.outlet.pk), "description": "X"}, "outlet"),
        ("scu-list", fiskaly_scu_body(a.till2, signing_device=str(b.device.pk)), "signing_device"),
        (
            "signingdevice-list",
            {"outlet": str(a.outlet.pk), "vendor": "swissbit", "host_cashbox": str(b.server.pk)},
            "host_cashbox",
        ),
    ]
    for name, body, field in attempts:
        response = operator_api.post(url(name), body, format="json")

        assert response.status_code == 400, name
        assert field in response.json(), (name, response.json())


def test_moving_a_queue_to_another_tenants_cashbox_is_refused(operator_api, configs):
    response = operator_api.patch(url("queue-detail", configs.a.queue), {"cashbox": str(configs.b.cashbox.pk)}, format="json")

    assert response.status_code == 400
    configs.a.queue.refresh_from_db()
    assert configs.a.queue.cashbox == configs.a.cashbox


@pytest.mark.parametrize(
    "name,body",
    [
        ("queue-list", {"cashbox": "not-a-uuid", "package": SQLITE}),
        ("queue-list", {"package": SQLITE, "cashbox_identification": "X", "urls": "grpc://localhost:1"}),
        ("queue-list", {"package": SQLITE, "cashbox_identification": "X", "urls": [["nested"]]}),
        ("queue-list", {"package": SQLITE, "cashbox_identification": "X", "timeout_ms": -1}),
        ("queue-list", {"package": "no.such.package", "cashbox_identification": "X", "urls": ["grpc://localhost:1300"]}),
        ("queue-list", {"package": SQLITE, "cashbox_identification": "X\u0007", "urls": ["grpc://localhost:1300"]}),
        ("queue-list", {"package": SQLITE, "cashbox_identification": "X", "urls": ["grpc://localhost:99999"]}),
        ("queue-list", {"package": SQLITE, "cashbox_identification": "X", "urls": ["no url at all"]}),
        ("scu-list", {"package": FISKALY, "urls": ["grpc://localhost:1402"], "parameters": ["TssId"]}),
        ("scu-list", {"package": FISKALY, "urls": ["grpc://localhost:1402"], "parameters": {"TssId": "not-a-guid"}}),
        ("scu-list", {"package": "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", "urls": ["grpc://localhost:1402"]}),
        ("helper-list", {"package": "no.such.helper", "urls": ["grpc://localhost:1600"]}),
        ("helper-list", {"package": HELPER, "urls": ["grpc://localhost:1600"], "parameters": {"a": "b\u0000"}}),
        ("scu-list", {"package": FISKALY, "urls": ["grpc://localhost:1402"], "parameters": {"TssId": TSS_ID, "Certi\u0000": 1}}),
        ("cashbox-list", {"description": "X", "hostname": "http://till:80"}),
        ("cashbox-list", {"description": "X", "platform": "amiga"}),
        ("signingdevice-list", {"vendor": "no-such-vendor"}),
        ("terminal-list", {"name": "Pad", "terminal_id": "T\u0000"}),
    ],
)
def test_bad_input_is_a_400_and_leaves_nothing_written(operator_api, configs, name, body):
    parent = {"cashbox": str(configs.a.till2.pk), "outlet": str(configs.a.outlet.pk), "queue": str(configs.a.queue.pk)}
    needed = {
        "queue-list": ["cashbox"],
        "scu-list": ["cashbox"],
        "helper-list": ["cashbox"],
        "cashbox-list": ["outlet"],
        "signingdevice-list": ["outlet"],
        "terminal-list": ["queue"],
    }[name]
    data = {key: parent[key] for key in needed} | body
    models = (CashBox, Queue, Scu, Helper, SigningDevice, Terminal, QueueScuLink, AuditEvent)
    before = [model.objects.count() for model in models]

    response = operator_api.post(url(name), data, format="json")

    assert response.status_code == 400, response.content
    assert response.json() and "detail" not in response.json()
    assert [model.objects.count() for model in models] == before


def test_a_model_rule_without_a_field_comes_as_non_field_errors():
    for error in (DjangoValidationError("Broken."), DjangoValidationError({"__all__": ["Broken."]})):
        response = exception_handler(error, {})

        assert response.status_code == 400
        assert response.data == {"non_field_errors": ["Broken."]}
    nested = exception_handler(DjangoValidationError({"parameters.TssId": "TssId: required"}), {})
    assert nested.data == {"parameters.TssId": ["TssId: required"]}


# If-Match


@pytest.mark.smoke
def test_an_update_with_a_stale_if_match_is_412_and_one_without_is_allowed(operator_api, configs):
    detail = url("queue-detail", configs.a.queue)
    first = operator_api.get(detail)["ETag"]

    fresh = operator_api.patch(detail, {"description": "Front"}, format="json", HTTP_IF_MATCH=first)
    current = operator_api.get(detail)["ETag"]
    stale = operator_api.patch(detail, {"description": "Back"}, format="json", HTTP_IF_MATCH=first)
    blind = operator_api.patch(detail, {"description": "Side"}, format="json")

    assert fresh.status_code == 200
    assert fresh["ETag"] == current != first
    assert stale.status_code == 412
    assert blind.status_code == 200
    configs.a.queue.refresh_from_db()
    assert configs.a.queue.description == "Side"


def test_the_etag_an_update_returns_is_good_for_the_next_update(operator_api, configs):
    detail = url("cashbox-detail", configs.a.cashbox)
    tag = operator_api.get(detail)["ETag"]

    for description in ("One", "Two", "Three"):
        response = operator_api.put(
            detail,
            {"outlet": str(configs.a.outlet.pk), "description": description, "hostname": "till1.local"},
            format="json",
            HTTP_IF_MATCH=tag,
        )
        assert response.status_code == 200, response.json()
        tag = response["ETag"]

    assert tag == operator_api.get(detail)["ETag"]


def test_a_cashbox_etag_changes_when_a_component_raises_its_revision(operator_api, configs):
    detail = url("cashbox-detail", configs.a.cashbox)
    tag = operator_api.get(detail)["ETag"]

    operator_api.post(url("queue-list"), queue_body(configs.a.cashbox), format="json")

    assert operator_api.patch(detail, {"description": "X"}, format="json", HTTP_IF_MATCH=tag).status_code == 412


# Rebuild, the launcher and the access token


@pytest.mark.smoke
def test_rebuild_publishes_what_the_launcher_then_fetches_with_its_secrets(operator_api, configs, client):
    cashbox = configs.a.cashbox

    rebuilt = operator_api.post(url("cashbox-rebuild", cashbox))
    token = operator_api.get(url("cashbox-access-token", cashbox)).json()["accessToken"]
    fetched = client.get(f"/api/configuration/{cashbox.pk}", HTTP_ACCESSTOKEN=token)

    assert rebuilt.status_code == 200, rebuilt.json()
    assert rebuilt.json()["published_revision"] == rebuilt.json()["revision"]
    assert rebuilt.json()["diff"], "the first publication differs from nothing"
    assert fetched.status_code == 200
    configuration = fetched.json()
    assert configuration["ftCashBoxId"] == str(cashbox.pk)
    assert configuration["ftSignaturCreationDevices"][0]["Configuration"]["ApiSecret"] == "secret-secret-2"
    assert operator_api.get(url("cashbox-detail", cashbox)).json()["needs_rebuild"] is False


def test_rebuild_of_a_cashbox_with_a_queue_without_scu_is_400_with_the_reason(operator_api, configs):
    factories.queue(configs.a.till2, "A-LONELY", url="grpc://localhost:1210")

    response = operator_api.post(url("cashbox-rebuild", configs.a.till2))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Queue A-LONELY has no SCU: link it to one first."]}
    configs.a.till2.refresh_from_db()
    assert configs.a.till2.published is None


def test_the_configuration_preview_is_masked_and_lists_problems_and_the_diff(operator_api, configs):
    response = operator_api.get(url("cashbox-configuration", configs.a.cashbox))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"revision", "published_revision", "needs_rebuild", "configuration", "diff", "problems"}
    assert body["needs_rebuild"] is True and body["published_revision"] == 0 and body["problems"] == []
    assert body["configuration"]["ftSignaturCreationDevices"][0]["Configuration"]["ApiKey"] == "***"
    assert body["diff"]


@pytest.mark.smoke
def test_rotating_the_token_makes_the_old_one_401_at_the_launcher(operator_api, configs, client):
    cashbox = configs.a.cashbox
    operator_api.post(url("cashbox-rebuild", cashbox))
    old = operator_api.get(url("cashbox-access-token", cashbox)).json()["accessToken"]

    rotated = operator_api.post(url("cashbox-rotate-token", cashbox))
    new = rotated.json()["accessToken"]

    assert rotated.status_code == 200 and new != old
    assert client.get(f"/api/configuration/{cashbox.pk}", HTTP_ACCESSTOKEN=old).status_code == 401
    assert client.get(f"/api/configuration/{cashbox.pk}", HTTP_ACCESSTOKEN=new).status_code == 200
    assert operator_api.get(url("cashbox-access-token", cashbox)).json()["accessToken"] == new


def test_revealing_the_access_token_is_in_the_audit_log_and_never_cached(operator_api, configs, cast):
    response = operator_api.get(url("cashbox-access-token", configs.a.cashbox))

    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(object_id=str(configs.a.cashbox.pk), action="reveal").get()
    assert event.actor == cast.operator and event.via == "api"
    assert response.json()["accessToken"] not in json.dumps([event.before, event.after])


# Taking out of operation and deleting


def test_a_queue_taken_out_of_operation_is_never_deleted(operator_api, configs):
    spare = factories.queue(configs.a.till2, "A-SPARE", url="grpc://localhost:1210")

    taken_out = operator_api.post(url("queue-take-out-of-operation", spare))
    deleted = operator_api.delete(url("queue-detail", spare))

    assert taken_out.status_code == 200
    assert taken_out.json()["state"] == ComponentState.OUT_OF_OPERATION and taken_out.json()["stop_moment"]
    assert deleted.status_code == 400
    assert "take it out of operation instead" in deleted.json()["non_field_errors"][0]
    assert Queue.objects.filter(pk=spare.pk).exists()


def test_taking_out_of_operation_twice_is_400(operator_api, configs):
    operator_api.post(url("helper-take-out-of-operation", configs.a.helper))

    response = operator_api.post(url("helper-take-out-of-operation", configs.a.helper))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["It is already out of operation."]}


def test_a_never_used_queue_is_deleted(operator_api, configs):
    spare = factories.queue(configs.a.till2, "A-SPARE", url="grpc://localhost:1210")

    response = operator_api.delete(url("queue-detail", spare))

    assert response.status_code == 204
    assert not Queue.objects.filter(pk=spare.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(spare.pk), action="delete").exists()


def test_a_queue_still_linked_to_an_scu_is_not_deleted_until_unlinked(operator_api, configs):
    queue = configs.a.till2_queue

    linked = operator_api.delete(url("queue-detail", queue))
    operator_api.delete(url("queuesculink-detail", queue.scu_links.get()))
    unlinked = operator_api.delete(url("queue-detail", queue))

    assert linked.status_code == 400
    assert "still used by" in linked.json()["non_field_errors"][0]
    assert unlinked.status_code == 204


def test_a_cashbox_whose_components_were_never_used_is_deleted_with_them(operator_api, configs):
    till2, queue = configs.a.till2, configs.a.till2_queue

    response = operator_api.delete(url("cashbox-detail", till2))

    assert response.status_code == 204
    assert not CashBox.objects.filter(pk=till2.pk).exists()
    assert not Queue.objects.filter(pk=queue.pk).exists()
    assert not QueueScuLink.objects.filter(queue_id=queue.pk).exists()
    assert Scu.objects.filter(pk=configs.a.server_scu.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(queue.pk), action="delete").exists()


def test_a_cashbox_with_a_component_once_in_operation_is_not_deleted(operator_api, configs):
    operator_api.post(url("queue-take-out-of-operation", configs.a.till2_queue))

    response = operator_api.delete(url("cashbox-detail", configs.a.till2))

    assert response.status_code == 400
    assert "A-TILL-2" in response.json()["non_field_errors"][0]
    assert CashBox.objects.filter(pk=configs.a.till2.pk).exists()


def test_a_cashbox_whose_scu_serves_another_cashbox_is_not_deleted(operator_api, configs):
    response = operator_api.delete(url("cashbox-detail", configs.a.server))

    assert response.status_code == 400
    assert "A-TILL-2" in response.json()["non_field_errors"][0]
    assert Scu.objects.filter(pk=configs.a.server_scu.pk).exists()


def test_a_signing_device_is_deleted_only_while_no_scu_uses_it(operator_api, configs):
    spare = factories.device(configs.a.outlet, "epson", serial="E-9")

    used = operator_api.delete(url("signingdevice-detail", configs.a.device))
    unused = operator_api.delete(url("signingdevice-detail", spare))

    assert used.status_code == 400
    assert "still used by" in used.json()["non_field_errors"][0]
    assert unused.status_code == 204
    assert SigningDevice.objects.filter(pk=configs.a.device.pk).exists()


def test_outlets_are_never_deleted(operator_api, configs):
    assert operator_api.delete(url("outlet-detail", configs.a.outlet)).status_code == 405


# Secrets are write-only


def response_is_free_of(response, secrets):
    text = response.content.decode()
    return response.status_code < 500 and not any(secret in text for secret in secrets)


def test_secrets_never_appear_in_a_portal_api_response_the_audit_log_or_the_logs(operator_api, configs, caplog):
    caplog.set_level(logging.DEBUG)
    a = configs.a
    created = operator_api.post(url("scu-list"), fiskaly_scu_body(a.till2), format="json")
    scu = Scu.objects.get(pk=created.json()["id"])
    responses = [
        created,
        operator_api.patch(url("scu-detail", scu), {"parameters": {"TssId": TSS_ID, "ApiKey": "key-secret-1"}}, format="json"),
        operator_api.put(url("scu-detail", scu), fiskaly_scu_body(a.till2), format="json"),
        operator_api.get(url("scu-detail", scu)),
        operator_api.get(url("scu-list")),
        operator_api.get(url("scu-list"), {"package": FISKALY}),
        operator_api.get(url("cashbox-list")),
        operator_api.get(url("cashbox-detail", a.cashbox)),
        operator_api.get(url("cashbox-configuration", a.cashbox)),
        operator_api.post(url("cashbox-rebuild", a.cashbox)),
        operator_api.get(url("cashbox-configuration", a.cashbox)),
        operator_api.post(url("scu-take-out-of-operation", scu)),
        operator_api.get(reverse("api:auditevent-list"), {"page_size": 500}),
        operator_api.get(reverse("api:catalog")),
    ]

    assert all(response.status_code < 300 for response in responses), [r.status_code for r in responses]
    assert all(response_is_free_of(response, SECRET_VALUES) for response in responses)
    assert Scu.objects.get(pk=scu.pk).secrets == factories.FISKALY_SECRETS
    stored = json.dumps(list(AuditEvent.objects.values_list("before", "after")))
    assert not any(secret in stored for secret in SECRET_VALUES)
    assert not any(secret in caplog.text for secret in SECRET_VALUES)


def test_parameters_without_secrets_keep_the_stored_secrets(operator_api, configs):
    response = operator_api.patch(
        url("scu-detail", configs.a.scu),
        {"parameters": {"TssId": TSS_ID, "ApiKey": "", "FiskalyClientTimeout": 5000}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["secrets_set"] == ["AdminPin", "ApiKey", "ApiSecret"]
    assert response.json()["parameters"]["FiskalyClientTimeout"] == 5000
    configs.a.scu.refresh_from_db()
    assert configs.a.scu.secrets == factories.FISKALY_SECRETS


def test_a_new_secret_replaces_the_stored_one(operator_api, configs):
    response = operator_api.patch(
        url("scu-detail", configs.a.scu), {"parameters": {"TssId": TSS_ID, "AdminPin": "pin-changed-0451"}}, format="json"
    )

    assert response.status_code == 200
    assert "pin-changed-0451" not in response.content.decode()
    configs.a.scu.refresh_from_db()
    assert configs.a.scu.secrets["AdminPin"] == "pin-changed-0451"


# Filters


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_cashboxes_filter_by_search_role_platform_outlet_and_needs_rebuild(operator_api, configs):
    a = configs.a
    operator_api.post(url("cashbox-rebuild", a.cashbox))
    everything = {str(a.cashbox.pk), str(a.server.pk), str(a.till2.pk)}

    assert ids(operator_api.get(url("cashbox-list"))) == everything
    assert ids(operator_api.get(url("cashbox-list"), {"q": "A-TILL-2"})) == {str(a.till2.pk)}
    assert ids(operator_api.get(url("cashbox-list"), {"q": "server.local"})) == {str(a.server.pk)}
    assert ids(operator_api.get(url("cashbox-list"), {"machine_role": MachineRole.SERVER})) == {str(a.server.pk)}
    assert ids(operator_api.get(url("cashbox-list"), {"platform": Platform.WINDOWS})) == {str(a.cashbox.pk), str(a.till2.pk)}
    assert ids(operator_api.get(url("cashbox-list"), {"needs_rebuild": "false"})) == {str(a.cashbox.pk)}
    assert ids(operator_api.get(url("cashbox-list"), {"needs_rebuild": "true"})) == everything - {str(a.cashbox.pk)}
    assert ids(operator_api.get(url("cashbox-list"), {"outlet": str(a.outlet.pk)})) == everything


def test_a_filter_on_another_tenants_outlet_finds_nothing_of_theirs(operator_api, configs):
    response = operator_api.get(url("cashbox-list"), {"outlet": str(configs.b.outlet.pk)})

    assert response.status_code == 400
    assert list(response.json()) == ["outlet"]


def test_queues_filter_by_activity_state_cashbox_and_country(operator_api, configs):
    a = configs.a
    operator_api.post(url("queue-take-out-of-operation", a.till2_queue))

    assert ids(operator_api.get(url("queue-list"), {"active": "true"})) == {str(a.queue.pk)}
    assert ids(operator_api.get(url("queue-list"), {"active": "false"})) == {str(a.till2_queue.pk)}
    assert ids(operator_api.get(url("queue-list"), {"state": "out-of-operation"})) == {str(a.till2_queue.pk)}
    assert ids(operator_api.get(url("queue-list"), {"cashbox": str(a.cashbox.pk)})) == {str(a.queue.pk)}
    assert ids(operator_api.get(url("queue-list"), {"country": "AT"})) == set()


# The catalog


def test_the_catalog_lists_each_country_with_its_signing_options_and_german_client_limits(operator_api):
    response = operator_api.get(reverse("api:catalog"))

    assert response.status_code == 200
    countries = {country["code"]: country for country in response.json()["countries"]}
    assert {"DE", "AT", "FR", "IT"} <= set(countries)
    options = {option["id"]: option for option in countries["DE"]["signing_options"]}
    for option in options.values():
        assert {"id", "label", "kind", "package", "max_clients", "parameters"} <= set(option)
    assert {
        key: options[key]["max_clients"] for key in ("swissbit-cloud", "deutsche-fiskal", "swissbit", "epson", "cryptovision")
    } == {
        "swissbit-cloud": 1,
        "deutsche-fiskal": 1,
        "swissbit": 100,
        "epson": 100,
        "cryptovision": 128,
    }
    assert options["fiskaly"]["max_clients"] is None
    api_key = next(p for p in options["fiskaly"]["parameters"] if p["name"] == "ApiKey")
    assert api_key["secret"] is True and api_key["required"] is True


# Query counts


def grow(outlet, count):
    """`count` CashBoxes in the outlet, each with a queue and a fiskaly SCU."""
    for n in range(count):
        till = factories.cashbox(outlet, f"Till {n}", f"t{n}.local")
        factories.queue(till, f"Q-{outlet.number}-{n}")
        factories.scu(till, FISKALY, TssId=TSS_ID, **factories.FISKALY_SECRETS)


def queries_for(client, name):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(name), {"page_size": 100})
    assert response.status_code == 200
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("name", ["cashbox-list", "queue-list", "scu-list"])
def test_a_list_runs_the_same_number_of_queries_for_2_and_50_cashboxes(dealer_api, cast, name):
    dealer_api.get(reverse("api:api-me"))  # the token's first use writes last_used_at: not measured
    few = factories.outlet(cast.operator_org, number=10)
    grow(few, 2)
    small, small_count = queries_for(dealer_api, name)

    many = factories.outlet(cast.operator_org, number=11)
    grow(many, 48)
    large, large_count = queries_for(dealer_api, name)

    assert (small_count, large_count) == (2, 50)
    assert small == large
