"""The conformance suite itself: four small valid configurations pass, and every rule can fail.

The configurations are hand-written from the upstream models (storage/src/fiskaltrust.storage/Models,
fiskaltrust.storage.serialization), not produced by the portal, so a portal bug cannot hide here.
"""

import base64
import copy
import datetime
import json
import pathlib
import secrets
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conformance import (
    RULES,
    ConformanceError,
    LauncherClient,
    access_token_for,
    check,
    check_or_raise,
    encrypt_for,
    fr_private_key_value,
    legacy_connection_string,
    parse_access_token,
    read_keys,
)
from tests.conformance.dotnet import guid_bytes, parse_guid, parse_uri
from tests.conformance.newtonsoft import GUID, INT, LONG, conversion_error

TS = 638_500_000_000_000_000  # .NET ticks, as the portal writes TimeStamp
CASHBOX = "6f2a1c3e-8b4d-4e5f-9a0b-1c2d3e4f5a6b"
QUEUE = "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"
SCU = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
SCU2 = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"
MYSQL = "server=db.example;port=3306;user=ft;password='s3cr;et';"


class World:
    """One server key pair (the CashBox's access token) and one launcher key pair, made once."""

    def __init__(self):
        self.server_key = ec.generate_private_key(ec.SECP256R1())
        self.token = access_token_for(self.server_key.public_key())
        self.client = LauncherClient()
        self.fr_key = ec.generate_private_key(ec.SECP256R1())
        self.fr_certificate = _self_signed(self.fr_key)

    def encrypt(self, plaintext, client=None):
        client = client or self.client
        return encrypt_for(client.public_key_x509(), self.server_key, CASHBOX, plaintext)

    def check(self, configuration, launcher="2.0", **kwargs):
        kwargs.setdefault("access_token", self.token)
        kwargs.setdefault("client", self.client)
        if launcher != "2.0":
            kwargs.pop("access_token"), kwargs.pop("client")
        return check(configuration, launcher=launcher, **kwargs)


def _self_signed(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fiskaltrust FR test")])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1234)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


@pytest.fixture(scope="module")
def world():
    return World()


def rules(violations):
    return {v.rule for v in violations}


def at_path(violations, rule):
    return [v.path for v in violations if v.rule == rule]


# ------------------------------------------------------------------ the four reference configurations


def _queue(country, package, configuration, urls):
    base = {
        "init_ftCashBox": {"ftCashBoxId": CASHBOX, "TimeStamp": TS},
        "init_ftQueue": [
            {
                "ftQueueId": QUEUE,
                "ftCashBoxId": CASHBOX,
                "ftCurrentRow": 0,
                "ftQueuedRow": 0,
                "ftReceiptNumerator": 0,
                "ftReceiptTotalizer": 0.0,
                "ftReceiptHash": None,
                "StartMoment": None,
                "StopMoment": None,
                "CountryCode": country,
                "Timeout": 15000,
                "TimeStamp": TS,
            }
        ],
    }
    base.update(configuration)
    return {"Id": QUEUE, "Package": package, "Version": "1.3.62", "Configuration": base, "Url": urls}


def _cashbox(scus, queue):
    return {"ftCashBoxId": CASHBOX, "TimeStamp": TS, "ftSignaturCreationDevices": scus, "ftQueues": [queue], "helpers": []}


def de_config(world, client=None):
    """Germany: a Swissbit TSE and a MySQL queue whose connection string is encrypted for `client`."""
    master_data = {
        "Account": {"AccountId": str(uuid.uuid4()), "AccountName": "Bäckerei Muster GmbH", "TaxId": "1234567890123"},
        "Outlet": {"OutletId": str(uuid.uuid4()), "OutletName": "Filiale 1", "Street": "Hauptstr. 1", "Zip": "10115"},
        "Agencies": [],
        "PosSystems": [{"PosSystemId": str(uuid.uuid4()), "Brand": "Kasse", "Model": "K1", "SoftwareVersion": "2.4"}],
    }
    queue = _queue(
        "DE",
        "fiskaltrust.Middleware.Queue.MySQL",
        {
            "connectionstring": world.encrypt(MYSQL, client),
            "init_ftQueueDE": [
                {
                    "ftQueueDEId": QUEUE,
                    "ftSignaturCreationUnitDEId": SCU,
                    "CashBoxIdentification": "KASSE-0001",
                    "TimeStamp": TS,
                }
            ],
            "init_ftSignaturCreationUnitDE": [
                {"ftSignaturCreationUnitDEId": SCU, "Url": json.dumps(["grpc://localhost:1400"]), "Mode": 0, "TimeStamp": TS}
            ],
            # the bootstrapper accepts a JSON-encoded string as well as JSON
            "init_masterData": json.dumps(master_data),
            "scu-timeout-ms": 15000,
            "TarFileExportMode": "Erased",
        },
        ["rest://localhost:1500/kasse1"],
    )
    scu = {
        "Id": SCU,
        "Package": "fiskaltrust.Middleware.SCU.DE.Swissbit",
        "Version": "1.3.62",
        "Configuration": {"devicePath": "E:", "adminPin": "12345", "timeAdminPin": "98765", "EnableTarFileExport": True},
        "Url": ["grpc://localhost:1400"],
    }
    return _cashbox([scu], queue)


def at_config(world):
    """Austria: an A-Trust smart card and an SQLite queue."""
    queue = _queue(
        "AT",
        "fiskaltrust.Middleware.Queue.SQLite",
        {
            "init_ftQueueAT": [
                {
                    "ftQueueATId": QUEUE,
                    "CashBoxIdentification": "AT-KASSE-1",
                    "EncryptionKeyBase64": base64.b64encode(bytes(range(32))).decode(),
                    "SignAll": False,
                    "ftCashNumerator": 0,
                    "ftCashTotalizer": 0.0,
                    "TimeStamp": TS,
                }
            ],
            "init_ftSignaturCreationUnitAT": [
                # Mode: low byte 0 = normal, bits 8-15 = 15 s timeout
                {"ftSignaturCreationUnitATId": SCU, "Url": "grpc://localhost:1401", "Mode": 15 << 8, "TimeStamp": TS}
            ],
        },
        ["grpc://localhost:1501"],
    )
    scu = {
        "Id": SCU,
        "Package": "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard",
        "Version": "1.3.40",
        "Configuration": {"ReaderTimeoutMs": 60000, "Shared": False},
        "Url": ["grpc://localhost:1401"],
    }
    return _cashbox([scu], queue)


def fr_config(world):
    """France: the signing unit is a record in the queue (key pair + certificate), no SCU package."""
    queue = _queue(
        "FR",
        "fiskaltrust.Middleware.Queue.SQLite",
        {
            "init_ftQueueFR": [
                {
                    "ftQueueFRId": QUEUE,
                    "ftSignaturCreationUnitFRId": SCU,
                    "Siret": "12345678901234",
                    "CashBoxIdentification": "FR-CAISSE-1",
                    "TimeStamp": TS,
                }
            ],
            "init_ftSignaturCreationUnitFR": [
                {
                    "ftSignaturCreationUnitFRId": SCU,
                    "Siret": "12345678901234",
                    "PrivateKey": fr_private_key_value(SCU, world.fr_key),
                    "CertificateBase64": world.fr_certificate,
                    "CertificateSerialNumber": "0x1234",
                    "TimeStamp": TS,
                }
            ],
        },
        ["grpc://localhost:1502"],
    )
    return _cashbox([], queue)


def it_config(world):
    """Italy: an Epson RT printer and an SQLite queue."""
    queue = _queue(
        "IT",
        "fiskaltrust.Middleware.Queue.SQLite",
        {
            "init_ftQueueIT": [
                {"ftQueueITId": QUEUE, "ftSignaturCreationUnitITId": SCU, "CashBoxIdentification": "FISK0001", "TimeStamp": TS}
            ],
            "init_ftSignaturCreationUnitIT": [
                {"ftSignaturCreationUnitITId": SCU, "Url": json.dumps(["grpc://localhost:1403"]), "TimeStamp": TS}
            ],
        },
        ["grpc://localhost:1503"],
    )
    scu = {
        "Id": SCU,
        "Package": "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter",
        "Version": "1.3.62",
        "Configuration": {"DeviceUrl": "http://192.168.0.100", "ServerTimeoutMs": 10000},
        "Url": ["grpc://localhost:1403"],
    }
    return _cashbox([scu], queue)


@pytest.mark.parametrize(
    ("build", "launcher"),
    [
        (de_config, "2.0"),
        (at_config, "2.0"),
        (at_config, "1.x"),
        (fr_config, "2.0"),
        (fr_config, "1.x"),
        (it_config, "2.0"),
        (it_config, "android"),
    ],
)
def test_each_reference_configuration_passes_its_launcher(world, build, launcher):
    assert world.check(build(world), launcher) == []


def test_the_configuration_may_be_given_as_the_json_text_the_launcher_downloads(world):
    assert world.check(json.dumps(de_config(world)).encode()) == []


def test_check_or_raise_lists_every_violation(world):
    config = de_config(world)
    config["ftQueues"][0]["Version"] = "latest"
    with pytest.raises(ConformanceError) as raised:
        check_or_raise(config, launcher="2.0", access_token=world.token, client=world.client)
    assert "package-version" in str(raised.value)
    assert rules(raised.value.violations) == {"package-version"}


# ------------------------------------------------------------------ the document every launcher reads


@pytest.mark.parametrize("text", ["{not json", "[]", "null"])
def test_a_document_that_is_not_a_json_object_is_rejected(world, text):
    assert rules(world.check(text, "1.x")) == {"config-json"}


def test_a_missing_cashbox_id_matches_no_queue_record(world):
    config = fr_config(world)
    del config["ftCashBoxId"]
    assert "cashbox-id" in rules(world.check(config, "1.x"))


def test_a_package_without_id_is_rejected(world):
    config = it_config(world)
    del config["ftSignaturCreationDevices"][0]["Id"]
    assert at_path(world.check(config), "package-id") == ["ftSignaturCreationDevices[0].Id"]


def test_a_null_queue_list_is_fatal_for_launcher_2_0(world):
    config = it_config(world)
    config["ftQueues"] = None
    assert "config-null" in rules(world.check(config))


# ------------------------------------------------------------------ Launcher 2.0: token and encryption


def test_an_access_token_that_is_not_a_p256_point_is_fatal(world):
    violations = world.check(de_config(world), access_token=secrets.token_urlsafe(32))
    assert "access-token" in rules(violations)


def test_a_65_byte_token_off_the_curve_is_fatal(world):
    token = base64.b64encode(b"\x04" + bytes(range(64))).decode()
    assert "access-token" in rules(world.check(de_config(world), access_token=token))


def test_the_token_is_required_even_without_encrypted_values(world):
    assert "access-token" in rules(world.check(it_config(world), access_token=None))


def test_the_launchers_own_test_token_is_a_valid_p256_point():
    # test/fiskaltrust.Launcher.IntegrationTest/Helpers/TestLauncherConfig.cs
    token = "BOQoYvuEFULhg/NFfkQ3kzrwOGdZRxgFYhjH59c8Fk93kA8EJeVRef013g3XZUq1cxJx6dDOGyi9QodBTDLHGpo="
    assert parse_access_token(token).curve.name == "secp256r1"


def test_a_token_that_is_not_an_uncompressed_sec1_point_is_flagged(world):
    point = base64.b64decode(world.token)
    token = base64.b64encode(b"\x02" + point[1:]).decode()
    assert rules(world.check(it_config(world), access_token=token)) == {"access-token-prefix"}


def test_a_plain_text_connection_string_makes_the_launcher_fail(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["connectionstring"] = MYSQL
    assert at_path(world.check(config), "decrypt") == ["ftQueues[0].Configuration.connectionstring"]


def test_a_connection_string_encrypted_for_another_launcher_key_does_not_decrypt(world):
    config = de_config(world, client=LauncherClient())
    assert "decrypt" in rules(world.check(config))


def test_an_encrypted_value_cannot_be_shown_to_decrypt_without_the_launcher_client(world):
    assert "decrypt" in rules(world.check(de_config(world), client=None))


def test_keys_ending_in_encrypted_are_decrypted_too_but_no_queue_reads_them(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["apikey_encrypted"] = "not base64!"
    violations = world.check(config)
    assert {"decrypt", "unread-key"} <= rules(violations)


def test_a_value_encrypted_with_encrypt_for_decrypts_with_the_launcher_client(world):
    value = world.encrypt("Server=x;Password=ü")
    assert world.client.decrypt(CASHBOX, world.token, value) == "Server=x;Password=ü"


def test_the_iv_is_the_cashbox_id_in_dotnet_guid_byte_order():
    # Guid.ToByteArray(): the first three groups little-endian (documented .NET behaviour)
    expected = bytes.fromhex("33221100554477668899aabbccddeeff")
    assert guid_bytes(parse_guid("00112233-4455-6677-8899-aabbccddeeff")) == expected


def test_the_key_is_sha256_of_the_raw_ecdh_secret(world):
    """DeriveKeyMaterial = SHA-256(shared secret): decrypt by hand with that key and the GUID IV."""
    import hashlib

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    secret = world.server_key.exchange(ec.ECDH(), world.client.private_key.public_key())
    cipher = Cipher(algorithms.AES(hashlib.sha256(secret).digest()), modes.CBC(uuid.UUID(CASHBOX).bytes_le))
    data = base64.b64decode(world.encrypt("abc"))
    plain = cipher.decryptor().update(data)
    assert plain == b"abc" + bytes([13] * 13)  # PKCS7


def test_the_request_body_is_formatted_like_configuration_downloader():
    client = LauncherClient()
    body = client.request_body()
    assert body == ('{ "publicKeyX509": "' + client.public_key_x509() + '" }').encode()
    key = serialization.load_der_public_key(base64.b64decode(json.loads(body)["publicKeyX509"]))
    assert key.curve.name == "secp256r1"


def test_a_queue_without_configuration_is_fatal_for_the_decryption(world):
    config = de_config(world)
    del config["ftQueues"][0]["Configuration"]
    assert "configuration-null" in rules(world.check(config))


# ------------------------------------------------------------------ Launcher 2.0: documents, packages, hosting


def test_a_bad_guid_is_rejected_by_newtonsoft(world):
    config = de_config(world)
    config["ftSignaturCreationDevices"][0]["Id"] = "not-a-guid"
    assert "ftSignaturCreationDevices[0].Id" in at_path(world.check(config), "config-type")


def test_a_non_integer_timestamp_is_rejected(world):
    config = it_config(world)
    config["TimeStamp"] = "yesterday"
    assert at_path(world.check(config), "config-type") == ["TimeStamp"]


def test_a_url_that_is_not_an_array_of_strings_is_rejected(world):
    config = it_config(world)
    config["ftQueues"][0]["Url"] = "grpc://localhost:1503"
    assert "ftQueues[0].Url" in at_path(world.check(config), "config-type")


def test_missing_helpers_stop_launcher_2_0(world):
    config = it_config(world)
    del config["helpers"]
    assert "helpers-null" in rules(world.check(config))
    assert "helpers-null" not in rules(world.check(config, "1.x"))


def test_version_latest_freezes_the_launcher_cache(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Version"] = "latest"
    violations = [v for v in world.check(config) if v.rule == "package-version"]
    assert len(violations) == 1 and "never updates" in violations[0].message


def test_a_version_range_is_not_resolved_for_packages(world):
    config = it_config(world)
    config["ftQueues"][0]["Version"] = "1.3.*"
    assert "package-version" in rules(world.check(config))


def test_an_empty_version_is_rejected(world):
    config = it_config(world)
    config["ftQueues"][0]["Version"] = ""
    assert "package-version" in rules(world.check(config))


def test_net_pipe_only_urls_cannot_be_hosted_by_launcher_2_0(world):
    config = at_config(world)
    config["ftQueues"][0]["Url"] = ["net.pipe://localhost/queue"]
    assert at_path(world.check(config), "no-host") == ["ftQueues[0].Url"]
    assert "no-host" not in rules(world.check(config, "1.x"))


def test_an_unsupported_scheme_makes_hosting_throw(world):
    config = it_config(world)
    config["ftQueues"][0]["Url"] = ["tcp://localhost:1503"]
    assert "hosting-scheme" in rules(world.check(config))


def test_a_grpc_url_without_port_cannot_be_bound(world):
    config = it_config(world)
    config["ftQueues"][0]["Url"] = ["grpc://localhost"]
    assert {"hosting-port", "no-host"} <= rules(world.check(config))


def test_two_packages_on_one_port_collide(world):
    config = it_config(world)
    config["ftQueues"][0]["Url"] = ["grpc://localhost:1403"]
    assert at_path(world.check(config), "port-conflict") == ["ftQueues[0].Url[0]"]


def test_a_1x_helper_does_not_load_in_launcher_2_0(world):
    config = it_config(world)
    helper_id = str(uuid.uuid4())
    config["helpers"] = [
        {
            "Id": helper_id,
            "Package": "fiskaltrust.service.helper.posapi",
            "Version": "1.3.5",
            "Configuration": {},
            "Url": ["http://localhost:1200/" + helper_id],
        }
    ]
    assert at_path(world.check(config), "legacy-package") == ["helpers[0].Package"]


def test_a_package_without_name_cannot_be_downloaded(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Package"] = ""
    assert "package-name" in rules(world.check(config))


def test_a_package_without_url_list_crashes_on_launcher_2_0(world):
    config = it_config(world)
    del config["ftSignaturCreationDevices"][0]["Url"]
    assert at_path(world.check(config), "url-missing") == ["ftSignaturCreationDevices[0].Url"]


def test_a_package_url_that_is_not_a_uri_crashes_the_package(world):
    config = it_config(world)
    config["ftQueues"][0]["Url"] = ["//localhost:1503"]
    assert at_path(world.check(config), "url-invalid") == ["ftQueues[0].Url[0]"]


def test_duplicate_package_ids_stop_the_launcher(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Id"] = QUEUE
    assert "duplicate-id" in rules(world.check(config))


def test_a_null_configuration_value_crashes_the_package_host(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Configuration"]["Password"] = None
    assert "config-value-null" in rules(world.check(config))


def test_launcher_settings_in_the_configuration_are_typed_strictly(world):
    config = it_config(world)
    config["launcher"] = {"sandbox": "true", "packagesUrl": "https://packages.example.com/portal"}
    violations = world.check(config)
    assert at_path(violations, "launcher-object") == ["launcher.sandbox", "launcher.packagesUrl"]


def test_valid_launcher_settings_pass(world):
    config = it_config(world)
    config["launcher"] = {"sandbox": True, "packagesUrl": "https://packages.example.com/", "launcherVersion": "2.0.*"}
    assert world.check(config) == []


# ------------------------------------------------------------------ the storage bootstrapper


def test_a_wrong_type_in_an_init_record_stops_the_queue(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueue"][0]["Timeout"] = "15 seconds"
    config["ftQueues"][0]["Configuration"]["init_ftQueueDE"][0]["UsedFailedMomentMin"] = 20240101
    paths = at_path(world.check(config), "init-record")
    assert paths == [
        "ftQueues[0].Configuration.init_ftQueue[0].Timeout",
        "ftQueues[0].Configuration.init_ftQueueDE[0].UsedFailedMomentMin",
    ]


def test_an_init_record_that_is_not_json_stops_the_queue(world):
    config = it_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueIT"] = "[{ftQueueITId:"
    assert "init-record" in rules(world.check(config))


def test_a_twice_encoded_init_record_is_a_string_not_a_list(world):
    config = it_config(world)
    records = config["ftQueues"][0]["Configuration"]["init_ftQueueIT"]
    config["ftQueues"][0]["Configuration"]["init_ftQueueIT"] = json.dumps(json.dumps(records))
    assert "init-record" in rules(world.check(config))


def test_a_queue_without_init_ftqueue_does_not_start(world):
    config = it_config(world)
    config["ftQueues"][0]["Configuration"]["Init_ftQueue"] = config["ftQueues"][0]["Configuration"].pop("init_ftQueue")
    assert {"init-ftqueue", "unread-key"} <= rules(world.check(config))


def test_init_ftqueue_must_describe_this_queue_and_cashbox(world):
    config = it_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueue"][0]["ftCashBoxId"] = str(uuid.uuid4())
    assert at_path(world.check(config), "record-link") == ["ftQueues[0].Configuration.init_ftQueue[0].ftCashBoxId"]


def test_an_unknown_country_code_has_no_localization(world):
    config = it_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueue"][0]["CountryCode"] = "it"
    assert "country-code" in rules(world.check(config))


def test_init_ftcashbox_is_required(world):
    config = fr_config(world)
    del config["ftQueues"][0]["Configuration"]["init_ftCashBox"]
    assert "init-ftcashbox" in rules(world.check(config))


def test_the_country_record_of_the_queue_must_exist(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueDE"][0]["ftQueueDEId"] = str(uuid.uuid4())
    assert {"country-record", "record-link"} <= rules(world.check(config))


def test_a_missing_referenced_scu_record_stops_signing(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueDE"][0]["ftSignaturCreationUnitDEId"] = SCU2
    assert at_path(world.check(config), "scu-reference") == [
        "ftQueues[0].Configuration.init_ftQueueDE[0].ftSignaturCreationUnitDEId"
    ]


def test_an_austrian_queue_needs_an_active_scu(world):
    config = at_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitAT"][0]["Mode"] = 99
    assert "scu-reference" in rules(world.check(config))


def test_unknown_record_fields_are_dropped(world):
    config = fr_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitFR"][0]["CompanyName"] = "Boulangerie"
    assert at_path(world.check(config), "unread-field") == [
        "ftQueues[0].Configuration.init_ftSignaturCreationUnitFR[0].CompanyName"
    ]


def test_a_1x_launcher_needs_a_raw_or_queue_encrypted_connection_string(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["connectionstring"] = MYSQL
    assert "connectionstring" in rules(world.check(config, "1.x"))
    config["ftQueues"][0]["Configuration"]["connectionstring"] = legacy_connection_string(QUEUE, MYSQL)
    assert "connectionstring" not in rules(world.check(config, "1.x"))
    config["ftQueues"][0]["Configuration"]["connectionstring"] = "raw:" + MYSQL
    assert "connectionstring" not in rules(world.check(config, "1.x"))


def test_a_decrypted_value_must_be_a_connection_string(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["connectionstring"] = world.encrypt("just a password")
    assert "connectionstring" in rules(world.check(config))


# ------------------------------------------------------------------ countries


def test_an_at_scu_url_that_is_not_an_absolute_uri_connects_no_scu(world):
    config = at_config(world)
    scu = config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitAT"][0]
    scu["Url"] = "signaturcloud-signing-atrustonline"
    violations = [v for v in world.check(config) if v.rule == "scu-url"]
    assert len(violations) == 1 and "NO SCU is connected" in violations[0].message


def test_an_at_scu_url_may_be_a_json_array(world):
    config = at_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitAT"][0]["Url"] = '["grpc://localhost:1401"]'
    assert world.check(config) == []


def test_an_at_encryption_key_must_be_an_aes_key(world):
    config = at_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueAT"][0]["EncryptionKeyBase64"] = base64.b64encode(b"short").decode()
    assert "at-encryption-key" in rules(world.check(config))


def test_an_fr_scu_record_without_private_key_cannot_sign(world):
    config = fr_config(world)
    del config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitFR"][0]["PrivateKey"]
    assert at_path(world.check(config), "fr-private-key") == [
        "ftQueues[0].Configuration.init_ftSignaturCreationUnitFR[0].PrivateKey"
    ]


def test_an_fr_private_key_encrypted_for_another_scu_cannot_be_imported(world):
    config = fr_config(world)
    record = config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitFR"][0]
    record["PrivateKey"] = fr_private_key_value(SCU2, world.fr_key)
    assert "fr-private-key" in rules(world.check(config))


def test_an_fr_private_key_in_pkcs8_is_not_the_format_cryptohelper_reads(world):
    config = fr_config(world)
    record = config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitFR"][0]
    der = world.fr_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    record["PrivateKey"] = base64.b64encode(der).decode()
    assert "fr-private-key" in rules(world.check(config))


def test_an_fr_certificate_must_be_base64(world):
    config = fr_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitFR"][0]["CertificateBase64"] = "-----BEGIN"
    assert "fr-certificate" in rules(world.check(config))


def test_a_german_cashbox_identification_of_31_characters_exceeds_the_tse_client_id(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueDE"][0]["CashBoxIdentification"] = "K" * 31
    assert at_path(world.check(config), "de-client-id") == ["ftQueues[0].Configuration.init_ftQueueDE[0].CashBoxIdentification"]


def test_thirty_characters_are_the_most_a_tse_takes(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueDE"][0]["CashBoxIdentification"] = "K" * 30
    assert world.check(config) == []


def test_a_german_cashbox_identification_must_be_a_printable_string(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftQueueDE"][0]["CashBoxIdentification"] = "Kasse_Küche"
    assert "de-client-id-charset" in rules(world.check(config))


def test_a_german_scu_url_with_an_unsupported_scheme_reaches_no_tse_on_launcher_2_0(world):
    config = de_config(world)
    record = config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitDE"][0]
    record["Url"] = json.dumps(["net.pipe://localhost/scu"])
    assert "scu-url" in rules(world.check(config))
    assert "scu-url" not in rules(world.check(config, "1.x"))


def test_a_half_configured_scu_switch_fails(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitDE"][0]["Mode"] = 0x00010000
    assert "de-scu-switch" in rules(world.check(config))
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitDE"][0]["ModeConfigurationJson"] = json.dumps(
        {"TargetScuId": SCU2}
    )
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitDE"].append(
        {
            "ftSignaturCreationUnitDEId": SCU2,
            "Url": '["grpc://localhost:1404"]',
            "Mode": 0x00020000,
            "ModeConfigurationJson": json.dumps({"SourceScuId": SCU}),
            "TimeStamp": TS,
        }
    )
    assert "de-scu-switch" not in rules(world.check(config))


def test_an_epson_rt_server_needs_an_eight_character_till_id(world):
    config = it_config(world)
    scu = config["ftSignaturCreationDevices"][0]
    scu["Package"] = "fiskaltrust.Middleware.SCU.IT.EpsonRTServer"
    scu["Configuration"] = {"ServerUrl": "https://192.168.0.10"}
    config["ftQueues"][0]["Configuration"]["init_ftQueueIT"][0]["CashBoxIdentification"] = "FISK001"
    assert "it-cashbox-identification" in rules(world.check(config))


def test_it_scu_packages_need_an_absolute_device_url(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Configuration"]["DeviceUrl"] = "192.168.0.100"
    assert "scu-setting" in rules(world.check(config))


# ------------------------------------------------------------------ configuration keys


def test_an_unread_key_such_as_enable_firmware_update_on_swissbit(world):
    config = de_config(world)
    config["ftSignaturCreationDevices"][0]["Configuration"]["EnableFirmwareUpdate"] = True
    assert at_path(world.check(config), "unread-key") == ["ftSignaturCreationDevices[0].Configuration.EnableFirmwareUpdate"]


def test_scu_keys_match_case_insensitively(world):
    config = de_config(world)
    config["ftSignaturCreationDevices"][0]["Configuration"]["DEVICEPATH"] = "F:"
    assert world.check(config) == []


def test_launcher_2_0_passes_every_value_as_text_so_a_number_is_no_bool(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Configuration"]["ForceRebootAfterDailyClosing"] = 1
    assert "key-type" in rules(world.check(config))  # "1" -> bool.TryParse fails
    assert "key-type" not in rules(world.check(config, "android"))  # 1 -> Convert.ToBoolean


def test_a_queue_key_with_a_wrong_type_throws(world):
    config = de_config(world)
    config["ftQueues"][0]["Configuration"]["TarFileExportMode"] = "Sometimes"
    config["ftQueues"][0]["Configuration"]["scu-max-retries"] = "three"
    assert at_path(world.check(config), "key-type") == [
        "ftQueues[0].Configuration.TarFileExportMode",
        "ftQueues[0].Configuration.scu-max-retries",
    ]


def test_queue_keys_of_another_market_are_unread(world):
    config = it_config(world)
    config["ftQueues"][0]["Configuration"]["TarFileExportMode"] = "All"
    assert at_path(world.check(config), "unread-key") == ["ftQueues[0].Configuration.TarFileExportMode"]


def test_read_keys_follow_the_configuration_classes():
    swissbit = read_keys("fiskaltrust.Middleware.SCU.DE.Swissbit")
    assert "EnableFirmwareUpdate" not in swissbit and "ChunkExportTransactionCount" not in swissbit
    assert swissbit["EnableTarFileExport"] == ("bool", True)
    assert read_keys("fiskaltrust.Middleware.SCU.DE.SwissbitCloud")["FccHeapMemory"] == ("int?", None)
    custom = read_keys("fiskaltrust.Middleware.SCU.IT.CustomRTServer")
    assert custom["SendReceiptsSync"] == ("bool", False) and custom["IgnoreRTServerErrors"] == ("bool", True)
    assert read_keys("fiskaltrust.Middleware.SCU.DE.SwissbitCloudV2")["TseSerialNumber"] == ("string", None)
    queue = read_keys("fiskaltrust.Middleware.Queue.SQLite", "DE")
    assert queue["scu-timeout-ms"] == ("long?", None) and queue["messagesize"][0] == "long"
    assert "init_ftQueue" in queue and "TarFileExportMode" in queue
    assert "TarFileExportMode" not in read_keys("fiskaltrust.Middleware.Queue.SQLite", "IT")


# ------------------------------------------------------------------ the Android launcher


def test_an_unsupported_scu_on_android_stops_the_launcher(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"][0]["Package"] = "fiskaltrust.Middleware.SCU.IT.EpsonRTServer"
    assert at_path(world.check(config, "android"), "android-scu-package") == ["ftSignaturCreationDevices[0].Package"]


def test_android_runs_every_queue_as_sqlite_and_ignores_helpers(world):
    config = de_config(world)
    config["helpers"] = [
        {"Id": str(uuid.uuid4()), "Package": "fiskaltrust.Middleware.Helper.LocalPosSystemApi", "Version": "1.0.0"}
    ]
    violations = world.check(config, "android")
    assert {"android-queue-package", "android-helper"} <= rules(violations)


def test_on_android_a_german_queue_finds_its_scu_by_url(world):
    config = de_config(world)
    config["ftQueues"][0]["Package"] = "fiskaltrust.Middleware.Queue.SQLite"
    del config["ftQueues"][0]["Configuration"]["connectionstring"]
    assert world.check(config, "android") == []
    config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitDE"][0]["Url"] = '["grpc://127.0.0.1:1400"]'
    assert "android-scu-url" in rules(world.check(config, "android"))


def test_android_needs_a_grpc_or_rest_queue_url(world):
    config = it_config(world)
    config["ftQueues"][0]["Url"] = ["http://localhost:1200/fiskaltrust"]
    assert at_path(world.check(config, "android"), "android-url") == ["ftQueues[0].Url"]


def test_android_needs_an_italian_scu_package_for_an_italian_queue(world):
    config = it_config(world)
    config["ftSignaturCreationDevices"] = []
    assert "android-it-scu" in rules(world.check(config, "android"))


def test_android_needs_at_least_one_queue(world):
    config = it_config(world)
    config["ftQueues"] = []
    assert "android-queue-missing" in rules(world.check(config, "android"))


def test_android_has_no_austrian_client(world):
    assert "android-country" in rules(world.check(at_config(world), "android"))


# ------------------------------------------------------------------ ported .NET primitives


@pytest.mark.parametrize(
    "text",
    [
        "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
        "0B7C9D1E2F3A4B5C8D6E7F8091A2B3C4",
        "{0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4}",
        "(0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4)",
        " 0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4 ",
    ],
)
def test_guid_formats_dotnet_accepts(text):
    assert conversion_error(text, GUID) is None


@pytest.mark.parametrize("text", ["urn:uuid:0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4", "0b7c9d1e-2f3a-4b5c-8d6e", ""])
def test_guid_formats_dotnet_rejects(text):
    assert conversion_error(text, GUID) is not None


def test_newtonsoft_int_and_long_conversions():
    assert conversion_error(1.5, INT) is not None  # ReadAsInt32: not a valid integer
    assert conversion_error("42", INT) is None
    assert conversion_error(True, LONG) is None  # Convert.ToInt64(true) == 1
    assert conversion_error(2**63, LONG) is not None


def test_dotnet_uri_parsing():
    assert parse_uri("grpc://localhost:1400").port == 1400
    assert parse_uri("grpc://localhost").port == -1
    assert parse_uri("https://host").port == 443
    assert str(parse_uri("GRPC://LocalHost:1400")) == "grpc://localhost:1400/"
    with pytest.raises(ValueError):
        parse_uri("signaturcloud-signing-atrustonline")


def test_every_rule_has_a_test_that_makes_it_fail():
    source = pathlib.Path(__file__).read_text()
    untested = [rule for rule in RULES if source.count(f'"{rule}"') < 1]
    assert untested == []


def test_the_configurations_are_not_changed_by_checking(world):
    config = de_config(world)
    before = copy.deepcopy(config)
    world.check(config)
    assert config == before
