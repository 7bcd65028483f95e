"""Golden configurations: the exact ftCashBoxConfiguration (brief 2.1) of one CashBox per
scenario, built by the pure configuration.build() from configuration.load() with a fixed stamp,
checked key by key and invariant by invariant. Then rebuild and its publications.
"""

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError

from cashboxes import configuration, services, versions
from cashboxes.choices import LinkMode, MachineRole, Platform
from cashboxes.models import CashBox, CashBoxPublication
from tests import factories
from tests.conformance.crypto import read_fr_private_scalar

STAMP = configuration.ticks(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
TSS_ID = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SWISSBIT = "fiskaltrust.Middleware.SCU.DE.Swissbit"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
ROOT_KEYS = {"ftCashBoxId", "ftSignaturCreationDevices", "ftQueues", "helpers", "TimeStamp"}
COMPONENT_KEYS = {"Id", "Package", "Version", "Configuration", "Url"}


def built(cashbox, reveal=True, stamp=STAMP):
    return configuration.build(configuration.load(cashbox), stamp, reveal=reveal)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def assert_component_shape(component):
    # Description is accepted as well (templates carry it); nothing else.
    assert COMPONENT_KEYS <= set(component) <= COMPONENT_KEYS | {"Description"}
    assert isinstance(component["Url"], list) and all(isinstance(url, str) for url in component["Url"])
    assert isinstance(component["Configuration"], dict)


def assert_shape(config):
    assert set(config) == ROOT_KEYS
    for component in config["ftSignaturCreationDevices"] + config["ftQueues"] + config["helpers"]:
        assert_component_shape(component)
    assert json.loads(json.dumps(config)) == config  # plain JSON, nothing Python-only


def only(items):
    assert len(items) == 1, items
    return items[0]


def url_list(value):
    """init_ftSignaturCreationUnitXX.Url: a JSON-encoded list inside a string."""
    assert isinstance(value, str)
    urls = json.loads(value)
    assert isinstance(urls, list) and urls
    return urls


# ---------------------------------------------------------------- ticks


def test_ticks_are_dotnet_ticks_of_the_moment_in_utc():
    assert configuration.ticks(datetime(2000, 1, 1, tzinfo=UTC)) == 630822816000000000
    assert configuration.ticks(datetime(1970, 1, 1, tzinfo=UTC)) == 621355968000000000
    berlin_midnight = datetime(2000, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    assert configuration.ticks(berlin_midnight) == 630822816000000000
    assert configuration.ticks(datetime(2000, 1, 1, 0, 0, 0, 1, tzinfo=UTC)) == 630822816000000010


# ---------------------------------------------------------------- (a) DE, fiskaly cloud TSE


@pytest.fixture
def fiskaly_box(cast):
    outlet = factories.outlet(cast.operator_org, 1, vat_id="DE123456789")
    till = factories.cashbox(outlet, "Till 1", "till1.local")
    device = factories.device(outlet, "fiskaly", cloud_account=TSS_ID)
    scu = factories.scu(till, FISKALY, url="grpc://localhost:1401", device=device, TssId=TSS_ID, **factories.FISKALY_SECRETS)
    queue = factories.queue(till, "MITTE-1", url="grpc://localhost:1200")
    factories.link(queue, scu)
    return outlet, till, scu, queue


def test_de_fiskaly_configuration_has_exactly_the_root_keys_and_component_keys(fiskaly_box):
    _outlet, till, scu, queue = fiskaly_box
    config = built(till)
    assert_shape(config)
    assert config["ftCashBoxId"] == str(till.id)
    assert config["TimeStamp"] == STAMP
    assert config["helpers"] == []
    device = only(config["ftSignaturCreationDevices"])
    assert (device["Id"], device["Package"], device["Url"]) == (str(scu.id), FISKALY, ["grpc://localhost:1401"])
    assert device["Version"] == versions.newest(FISKALY) == "1.3.83"  # pinned, never "latest"
    queue_package = only(config["ftQueues"])
    assert (queue_package["Id"], queue_package["Package"], queue_package["Url"]) == (
        str(queue.id),
        SQLITE,
        ["grpc://localhost:1200"],
    )


def test_de_fiskaly_queue_carries_its_init_records_with_matching_ids(fiskaly_box):
    _outlet, till, scu, queue = fiskaly_box
    config = built(till)
    queue_config = only(config["ftQueues"])["Configuration"]
    record = only(queue_config["init_ftQueue"])
    assert record["ftQueueId"] == str(queue.id) == only(config["ftQueues"])["Id"]
    assert record["ftCashBoxId"] == config["ftCashBoxId"]
    assert record["CountryCode"] == "DE"
    assert record["Timeout"] == 15000
    assert record["TimeStamp"] == STAMP
    assert (record["ftCurrentRow"], record["ftQueuedRow"], record["ftReceiptNumerator"]) == (0, 0, 0)

    de = only(queue_config["init_ftQueueDE"])
    assert de["ftQueueDEId"] == str(queue.id)
    assert de["ftSignaturCreationUnitDEId"] == str(scu.id) == only(config["ftSignaturCreationDevices"])["Id"]
    assert de["CashBoxIdentification"] == "MITTE-1"

    assert queue_config["init_ftCashBox"] == {"ftCashBoxId": str(till.id), "TimeStamp": STAMP}


def test_de_fiskaly_scu_record_url_is_a_json_list_in_a_string_reaching_the_scu_on_localhost(fiskaly_box):
    _outlet, till, scu, _queue = fiskaly_box
    config = built(till)
    scu_record = only(only(config["ftQueues"])["Configuration"]["init_ftSignaturCreationUnitDE"])
    assert scu_record["ftSignaturCreationUnitDEId"] == str(scu.id)
    urls = url_list(scu_record["Url"])
    device_urls = only(config["ftSignaturCreationDevices"])["Url"]
    for url in urls:
        assert url in device_urls
        assert urlsplit(url).hostname == "localhost"


def test_de_fiskaly_master_data_comes_from_the_organization_and_the_outlet(fiskaly_box, cast):
    outlet, till, _scu, _queue = fiskaly_box
    master = only(built(till)["ftQueues"])["Configuration"]["init_masterData"]
    org = cast.operator_org
    assert master["Account"] == {
        "AccountId": str(org.id),
        "AccountName": "Operator of A",
        "Street": org.address_line1,
        "Zip": org.postal_code,
        "City": org.city,
        "Country": "DE",
        "TaxId": org.tax_number,
        "VatId": org.vat_id,
    }
    assert master["Outlet"] == {
        "OutletId": str(outlet.id),
        "OutletName": "Outlet 1",
        "Street": "Straße 1",
        "Zip": "10115",
        "City": "Berlin",
        "Country": "DE",
        "VatId": "DE123456789",
        "LocationId": "1",
    }
    # Agencies are Agenturgeschaeft principals, not the operator's dealers (MasterDataService.cs).
    assert master["Agencies"] == []
    pos_system = cast.pos_system  # the one PosSystem its dealer sells: every new queue names it
    assert master["PosSystems"] == [
        {
            "PosSystemId": str(pos_system.id),
            "Brand": pos_system.brand,
            "Model": pos_system.name,
            "SoftwareVersion": pos_system.software_version,
            "BaseCurrency": "EUR",
            "Type": pos_system.type,
        }
    ]


def test_de_fiskaly_scu_configuration_reveals_secrets_only_when_asked(fiskaly_box):
    _outlet, till, _scu, _queue = fiskaly_box
    revealed = only(built(till)["ftSignaturCreationDevices"])["Configuration"]
    assert revealed["TssId"] == TSS_ID
    assert (revealed["ApiKey"], revealed["ApiSecret"], revealed["AdminPin"]) == (
        "key-secret-1",
        "secret-secret-2",
        "pin-secret-3",
    )
    assert revealed["EnableTarFileExport"] is True  # catalog default
    assert revealed["FiskalyClientTimeout"] == 120000

    masked_config = built(till, reveal=False)
    masked = only(masked_config["ftSignaturCreationDevices"])["Configuration"]
    assert masked["TssId"] == TSS_ID  # not a secret
    assert (masked["ApiKey"], masked["ApiSecret"], masked["AdminPin"]) == ("***", "***", "***")
    text = json.dumps(masked_config)
    for secret in factories.FISKALY_SECRETS.values():
        assert secret not in text


def test_build_is_a_pure_function_of_the_loaded_data(fiskaly_box):
    _outlet, till, _scu, _queue = fiskaly_box
    data = configuration.load(till)
    assert configuration.build(data, STAMP) == configuration.build(data, STAMP)
    assert configuration.build(data, STAMP + 1)["TimeStamp"] == STAMP + 1


def test_a_helper_is_listed_under_helpers(fiskaly_box):
    _outlet, till, _scu, _queue = fiskaly_box
    helper = factories.helper(till, url="http://localhost:1500/possystemapi")
    item = only(built(till)["helpers"])
    assert_component_shape(item)
    assert (item["Id"], item["Url"]) == (str(helper.id), ["http://localhost:1500/possystemapi"])


# ---------------------------------------------------------------- (b) DE, Swissbit on a server shared by two tills


@pytest.fixture
def shared_tse(cast):
    outlet = factories.outlet(cast.operator_org, 3)
    server = factories.cashbox(outlet, "Server", "server.local", MachineRole.SERVER, Platform.LINUX)
    device = factories.device(outlet, "swissbit", serial="SB-1", host_cashbox=server)
    scu = factories.scu(server, SWISSBIT, url="grpc://server.local:1401", device=device, devicePath="/media/tse")
    tills = []
    for number in (1, 2):
        till = factories.cashbox(outlet, f"Till {number}", f"till{number}.local")
        queue = factories.queue(till, f"PB-{number}")
        factories.link(queue, scu)
        tills.append((till, queue))
    return server, scu, tills


def test_swissbit_scu_is_in_the_server_configuration_only(shared_tse):
    server, scu, tills = shared_tse
    server_config = built(server)
    assert_shape(server_config)
    device = only(server_config["ftSignaturCreationDevices"])
    assert (device["Id"], device["Package"]) == (str(scu.id), SWISSBIT)
    assert device["Configuration"]["devicePath"] == "/media/tse"
    assert device["Url"] == ["grpc://server.local:1401"]
    assert server_config["ftQueues"] == []
    for till, queue in tills:
        till_config = built(till)
        assert_shape(till_config)
        assert till_config["ftSignaturCreationDevices"] == []
        assert only(till_config["ftQueues"])["Id"] == str(queue.id)


def test_each_till_reaches_the_server_scu_by_the_server_address_never_localhost(shared_tse):
    _server, scu, tills = shared_tse
    for till, queue in tills:
        queue_config = only(built(till)["ftQueues"])["Configuration"]
        assert only(queue_config["init_ftQueueDE"])["ftSignaturCreationUnitDEId"] == str(scu.id)
        record = only(queue_config["init_ftSignaturCreationUnitDE"])
        assert record["ftSignaturCreationUnitDEId"] == str(scu.id)
        urls = url_list(record["Url"])
        assert urls == ["grpc://server.local:1401"]
        assert all(urlsplit(url).hostname not in configuration.LOCAL_HOSTS for url in urls)
        assert only(queue_config["init_ftQueue"])["ftCashBoxId"] == str(till.id)
        assert only(queue_config["init_ftQueueDE"])["ftQueueDEId"] == str(queue.id)


def test_a_scu_listening_on_all_interfaces_is_reached_by_its_machine_address(cast):
    outlet = factories.outlet(cast.operator_org, 3)
    server = factories.cashbox(outlet, "Server", "10.0.0.5", MachineRole.SERVER, Platform.LINUX)
    scu = factories.scu(server, SWISSBIT, url="grpc://0.0.0.0:1401", devicePath="/media/tse")
    till = factories.cashbox(outlet, "Till", "till.local")
    factories.link(factories.queue(till, "T-1"), scu)
    record = only(only(built(till)["ftQueues"])["Configuration"]["init_ftSignaturCreationUnitDE"])
    assert url_list(record["Url"]) == ["grpc://10.0.0.5:1401"]


def test_renaming_the_server_bumps_both_tills_and_the_rebuilt_till_has_the_new_address(shared_tse):
    server, _scu, tills = shared_tse
    for till, _queue in [(server, None), *tills]:
        services.rebuild(till)
    assert not any(refreshed(till).needs_rebuild for till, _queue in tills)
    revisions = [refreshed(till).revision for till, _queue in tills]

    server = CashBox.objects.get(pk=server.pk)
    server.hostname = "tse-server.local"
    services.save(server)

    for (till, queue), before in zip(tills, revisions, strict=True):
        till = refreshed(till)
        assert till.revision == before + 1
        assert till.needs_rebuild
        publication = services.rebuild(till)
        record = only(only(publication.configuration["ftQueues"])["Configuration"]["init_ftSignaturCreationUnitDE"])
        assert url_list(record["Url"]) == ["grpc://tse-server.local:1401"]
        assert publication.diff == [
            {
                "path": f"ftQueues[{queue.id}].Configuration.init_ftSignaturCreationUnitDE[0].Url",
                "before": '["grpc://server.local:1401"]',
                "after": '["grpc://tse-server.local:1401"]',
            }
        ]


def test_a_till_cannot_publish_when_the_scu_machine_has_no_address(cast):
    outlet = factories.outlet(cast.operator_org, 3)
    server = factories.cashbox(outlet, "Server", "localhost", MachineRole.SERVER, Platform.LINUX)
    scu = factories.scu(server, SWISSBIT, url="grpc://localhost:1401", devicePath="/media/tse")
    till = factories.cashbox(outlet, "Till", "till.local")
    factories.link(factories.queue(till, "T-1"), scu)
    with pytest.raises(ValidationError) as error:
        services.rebuild(till)
    assert "T-1 uses an SCU on another machine that has no address" in error.value.messages[0]


def test_reachable_url_puts_an_ipv6_address_in_brackets():
    assert configuration.reachable_url("grpc://[::1]:1401", "fd00::5", False) == "grpc://[fd00::5]:1401"
    assert configuration.reachable_url("grpc://server:1401/x", "server", True) == "grpc://localhost:1401/x"
    assert configuration.reachable_url("net.pipe://localhost/abc", "server", False) == "net.pipe://server/abc"


# ---------------------------------------------------------------- (c) AT, several SCUs with modes


ATRUST_ONLINE = "https://atrust-online.signing.example.at/scu"


@pytest.fixture
def austrian_box(cast):
    outlet = factories.outlet(cast.operator_org, 4, "AT", name="Wien", postal_code="1070", city="Wien")
    till = factories.cashbox(outlet, "Kasse Wien", "kasse.wien.local")
    card_device = factories.device(outlet, "atrust-smartcard", serial="ATRUST-0815")
    card = factories.scu(till, "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", url="grpc://localhost:1500", device=card_device)
    hsm = factories.scu(
        till,
        "fiskaltrust.Middleware.SCU.AT.PrimeSignHSM",
        url="grpc://localhost:1501",
        version="1.3.85",  # no release is known to the portal: the dealer enters it
        Url="https://hsm.example.at:8443",
        SharedSecret="hsm-shared-secret",
    )
    online = factories.scu(till, "signaturcloud-signing-atrustonline", url=None, Url=ATRUST_ONLINE)
    queue = factories.queue(till, "WIEN-1")
    factories.link(queue, card, mode=LinkMode.NORMAL, timeout_s=5)
    factories.link(queue, online, mode=LinkMode.BACKUP, timeout_s=10)
    factories.link(queue, hsm, mode=LinkMode.DEACTIVATED)
    return till, queue, card, hsm, online


def test_at_queue_lists_its_active_scus_with_mode_and_timeout(austrian_box):
    till, queue, card, _hsm, online = austrian_box
    config = built(till)
    assert_shape(config)
    queue_config = only(config["ftQueues"])["Configuration"]
    assert only(queue_config["init_ftQueue"])["CountryCode"] == "AT"
    at = only(queue_config["init_ftQueueAT"])
    assert at["ftQueueATId"] == str(queue.id)
    assert at["CashBoxIdentification"] == "WIEN-1"

    records = {record["ftSignaturCreationUnitATId"]: record for record in queue_config["init_ftSignaturCreationUnitAT"]}
    assert set(records) == {str(card.id), str(online.id)}  # the deactivated link is left out
    normal, backup = records[str(card.id)], records[str(online.id)]
    assert normal["Mode"] == 0 | (5 << 8)
    assert backup["Mode"] == 1 | (10 << 8)
    assert (normal["Mode"] & 0xFF, normal["Mode"] >> 8) == (0, 5)
    assert (backup["Mode"] & 0xFF, backup["Mode"] >> 8) == (1, 10)
    assert url_list(normal["Url"]) == ["grpc://localhost:1500"]
    assert normal["SN"] == "ATRUST-0815"
    assert backup["Url"] == ATRUST_ONLINE  # the hosted service's own address, an absolute URI (ATSSCDProvider.cs)


def test_at_hosted_scu_is_not_a_signature_creation_device_of_the_cashbox(austrian_box):
    till, _queue, card, hsm, online = austrian_box
    devices = {device["Id"]: device for device in built(till)["ftSignaturCreationDevices"]}
    assert set(devices) == {str(card.id), str(hsm.id)}
    assert str(online.id) not in devices
    assert devices[str(card.id)]["Configuration"]["Reader"] == -1  # the catalog default
    assert devices[str(hsm.id)]["Configuration"]["SharedSecret"] == "hsm-shared-secret"
    masked = {device["Id"]: device for device in built(till, reveal=False)["ftSignaturCreationDevices"]}
    assert masked[str(hsm.id)]["Configuration"]["SharedSecret"] == "***"


def test_at_encryption_key_is_generated_once_and_masked_unless_revealed(austrian_box):
    till, queue, _card, _hsm, _online = austrian_box
    key = queue.secrets["EncryptionKeyBase64"]
    assert len(base64.b64decode(key)) == 32
    queue_config = only(built(till)["ftQueues"])["Configuration"]
    assert only(queue_config["init_ftQueueAT"])["EncryptionKeyBase64"] == key
    masked = only(built(till, reveal=False)["ftQueues"])["Configuration"]
    assert only(masked["init_ftQueueAT"])["EncryptionKeyBase64"] == "***"
    assert "EncryptionKeyBase64" not in queue_config  # the queue reads it from its record only
    assert key not in json.dumps(masked)

    queue.timeout_ms = 20000
    services.save(queue)
    assert refreshed(queue).secrets["EncryptionKeyBase64"] == key  # kept: it is registered at FinanzOnline


# ---------------------------------------------------------------- (d) FR, virtual SCU in the queue


@pytest.fixture
def french_box(cast):
    outlet = factories.outlet(cast.operator_org, 5, "FR", siret="73282932000074", city="Paris", postal_code="75001")
    till = factories.cashbox(outlet, "Caisse 1", "caisse1.local")
    scu = factories.scu(
        till, "fiskaltrust.Middleware.SCU.FR.LNE", url=None, Siret="73282932000074", CompanyName="Operator of A SARL"
    )
    queue = factories.queue(till, "PARIS-CAISSE-01")
    factories.link(queue, scu)
    return outlet, till, scu, queue


def test_fr_queue_signs_with_the_outlet_certificate_in_the_queue(french_box):
    _outlet, till, scu, queue = french_box
    config = built(till)
    assert_shape(config)
    assert config["ftSignaturCreationDevices"] == []  # placement in-queue: no component
    queue_config = only(config["ftQueues"])["Configuration"]
    assert only(queue_config["init_ftQueue"])["CountryCode"] == "FR"
    fr = only(queue_config["init_ftQueueFR"])
    assert fr["ftQueueFRId"] == str(queue.id)
    assert fr["ftSignaturCreationUnitFRId"] == str(scu.id)
    assert fr["Siret"] == "73282932000074"
    assert fr["CashBoxIdentification"] == "PARIS-CAISSE-01"
    record = only(queue_config["init_ftSignaturCreationUnitFR"])
    assert (record["ftSignaturCreationUnitFRId"], record["Siret"]) == (str(scu.id), "73282932000074")
    # The queue signs with the SCU's key (CryptoHelper.cs reads it decrypted with the SCU's id) and
    # archives the portal's own certificate for it under its serial number.
    certificate = x509.load_der_x509_certificate(base64.b64decode(record["CertificateBase64"]))
    assert record["CertificateSerialNumber"] == format(certificate.serial_number, "X")
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Operator of A SARL"
    scalar = read_fr_private_scalar(str(scu.id), record["PrivateKey"])
    assert ec.derive_private_key(scalar, ec.SECP256R1()).public_key() == certificate.public_key()
    masked = only(only(built(till, reveal=False)["ftQueues"])["Configuration"]["init_ftSignaturCreationUnitFR"])
    assert masked["PrivateKey"] == "***"


def test_fr_cashbox_identification_has_at_most_20_characters(french_box):
    _outlet, till, _scu, _queue = french_box
    factories.queue(till, "X" * 20, url="grpc://localhost:1201")
    with pytest.raises(ValidationError) as error:
        factories.queue(till, "Y" * 21, url="grpc://localhost:1202")
    assert error.value.message_dict["cashbox_identification"] == ["In this country it has at most 20 characters."]


# ---------------------------------------------------------------- rebuild and publications


def test_rebuild_publishes_an_immutable_snapshot(fiskaly_box):
    _outlet, till, _scu, _queue = fiskaly_box
    publication = services.rebuild(till)
    assert refreshed(till).published == publication
    assert publication.revision == till.revision
    assert publication.configuration["TimeStamp"] == publication.timestamp_ticks
    assert publication.configuration_masked == configuration.build(
        configuration.load(till), publication.timestamp_ticks, reveal=False
    )
    with pytest.raises(ValueError, match="immutable"):
        publication.save()
    reloaded = CashBoxPublication.objects.get(pk=publication.pk)
    with pytest.raises(ValueError, match="immutable"):
        reloaded.save()


def test_timestamp_increases_on_every_rebuild(fiskaly_box):
    _outlet, till, _scu, queue = fiskaly_box
    stamps = [services.rebuild(till).timestamp_ticks]
    for timeout in (16000, 17000):
        queue.timeout_ms = timeout
        services.save(queue)
        stamps.append(services.rebuild(till).timestamp_ticks)
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_rebuild_diff_lists_the_changed_paths(fiskaly_box):
    _outlet, till, scu, _queue = fiskaly_box
    first = services.rebuild(till)
    assert first.diff  # against nothing: everything is new
    services.set_parameters(scu, {"TssId": TSS_ID, "FiskalyClientTimeout": 60000})
    services.save(scu)
    second = services.rebuild(till)
    assert second.revision > first.revision
    assert second.diff == [
        {
            "path": f"ftSignaturCreationDevices[{scu.id}].Configuration.FiskalyClientTimeout",
            "before": 120000,
            "after": 60000,
        }
    ]


def test_rebuild_with_nothing_changed_returns_the_same_publication(fiskaly_box):
    _outlet, till, _scu, _queue = fiskaly_box
    first = services.rebuild(till)
    assert services.rebuild(till) == first
    assert services.rebuild(CashBox.objects.get(pk=till.pk)) == first
    assert CashBoxPublication.objects.filter(cashbox=till).count() == 1


def test_a_de_queue_without_scu_cannot_be_rebuilt(cast):
    outlet = factories.outlet(cast.operator_org, 1)
    till = factories.cashbox(outlet)
    factories.queue(till, "LONELY-1")
    with pytest.raises(ValidationError) as error:
        services.rebuild(till)
    assert error.value.messages == ["Queue LONELY-1 has no SCU: link it to one first."]
    assert not CashBoxPublication.objects.filter(cashbox=till).exists()
    assert refreshed(till).needs_rebuild
