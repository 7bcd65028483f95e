"""Deployment packages: contents, manifest, signature, determinism, the outlet bundle, and the
signing key's setting."""

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from django.utils import translation
from django.utils.text import slugify

from cashboxes import packages, services
from cashboxes.choices import MachineRole, Platform
from portal import env, signing
from tests import factories
from tests.conformance import check
from tests.conformance.crypto import storage_decrypt
from tests.conformance.dotnet import from_base64, guid_bytes

ROOT = Path(__file__).resolve().parent.parent
PORTAL = "https://portal.example.com"
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
TSS = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"


def unzip(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def published(*cashboxes):
    for cashbox in cashboxes:
        services.rebuild(cashbox)
    return cashboxes[0]


def publication(cashbox):
    cashbox.refresh_from_db()
    return cashbox.published


def till_with_fiskaly(outlet, description, platform, identification):
    """A till with its own queue and fiskaly SCU on the given platform, published."""
    till = factories.cashbox(outlet, description, f"{slugify(description)}.local", platform=platform)
    scu = factories.scu(till, FISKALY, TssId=TSS, **factories.FISKALY_SECRETS)
    factories.link(factories.queue(till, identification), scu)
    return published(till)


@pytest.fixture
def estate(configs):
    """Dealer A's outlet: Till 1 (Windows, fiskaly), the Server (Linux, Swissbit USB TSE) and
    Till 2 (Windows, signing through the Server's SCU), all published."""
    a = configs.a
    published(a.cashbox, a.server, a.till2)
    return a


# Contents


@pytest.mark.smoke
def test_a_package_takes_two_queries(estate, django_assert_num_queries):
    with django_assert_num_queries(2):
        packages.cashbox_package(estate.till2, PORTAL)


def test_a_windows_package_holds_the_launcher_files_the_windows_scripts_and_the_manifest(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    assert set(files) == {
        "launcher.configuration.json",
        f"Configuration-{estate.cashbox.pk}.json",
        "install.cmd",
        "test.cmd",
        "uninstall.cmd",
        "README.md",
        "MANIFEST.json",
        "MANIFEST.sig",
    }


def test_the_launcher_configuration_has_the_launcher_2_keys_pointing_at_this_portal(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    assert json.loads(files["launcher.configuration.json"]) == {
        "ftCashBoxId": str(estate.cashbox.pk),
        "accessToken": estate.cashbox.access_token,
        "configurationUrl": PORTAL + "/",
        "serviceFolder": "C:/ProgramData/fiskaltrust",
        "sandbox": False,
    }


def test_the_service_folder_follows_the_machines_platform(estate):
    files = unzip(packages.cashbox_package(estate.server, PORTAL + "/"))

    launcher = json.loads(files["launcher.configuration.json"])
    assert launcher["serviceFolder"] == "/var/lib/fiskaltrust"
    assert launcher["configurationUrl"] == PORTAL + "/"


def test_the_configuration_is_the_published_one_secrets_included(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    configuration = json.loads(files[f"Configuration-{estate.cashbox.pk}.json"])
    assert configuration == publication(estate.cashbox).configuration
    scu = configuration["ftSignaturCreationDevices"][0]["Configuration"]
    assert (scu["ApiKey"], scu["ApiSecret"], scu["AdminPin"]) == ("key-secret-1", "secret-secret-2", "pin-secret-3")


def test_the_configuration_is_byte_for_byte_what_the_launcher_fetches(estate, client):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    response = client.get(f"/api/configuration/{estate.cashbox.pk}", headers={"accesstoken": estate.cashbox.access_token})

    assert response.status_code == 200
    assert files[f"Configuration-{estate.cashbox.pk}.json"] == response.content


def test_a_cashbox_never_published_is_refused_with_a_clear_message(configs):
    till = factories.cashbox(configs.a.outlet, "New till", "new.local")

    with pytest.raises(ValueError, match="never published: rebuild"):
        packages.cashbox_package(till, PORTAL)


@pytest.mark.parametrize("url", ["portal.example.com", "ftp://portal.example.com/", ""])
def test_a_portal_url_that_is_not_http_is_refused(estate, url):
    with pytest.raises(ValueError, match="portal URL"):
        packages.cashbox_package(estate.cashbox, url)


# Manifest and signature


@pytest.mark.smoke
def test_the_manifest_lists_every_other_file_with_its_sha256_and_size(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    manifest = json.loads(files["MANIFEST.json"])
    assert manifest["cashbox"] == str(estate.cashbox.pk)
    assert manifest["revision"] == publication(estate.cashbox).revision
    assert set(manifest["files"]) == set(files) - {"MANIFEST.json", "MANIFEST.sig"}
    for name, entry in manifest["files"].items():
        assert entry == {"sha256": hashlib.sha256(files[name]).hexdigest(), "size": len(files[name])}


@pytest.mark.smoke
def test_the_signature_verifies_with_the_portals_public_key(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))
    key = load_pem_public_key(signing.public_key_pem().encode())

    key.verify(files["MANIFEST.sig"], files["MANIFEST.json"])  # raises if it does not
    assert len(files["MANIFEST.sig"]) == 64
    assert signing.verify(files["MANIFEST.json"], files["MANIFEST.sig"])


def test_a_tampered_manifest_fails_the_signature(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))
    tampered = files["MANIFEST.json"].replace(b'"size": ', b'"size": 1', 1)
    key = load_pem_public_key(signing.public_key_pem().encode())

    with pytest.raises(InvalidSignature):
        key.verify(files["MANIFEST.sig"], tampered)
    assert not signing.verify(tampered, files["MANIFEST.sig"])
    assert not signing.verify(files["MANIFEST.json"], b"not a signature")


def test_another_key_does_not_verify_the_signature(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))
    other = Ed25519PrivateKey.generate().public_key()

    with pytest.raises(InvalidSignature):
        other.verify(files["MANIFEST.sig"], files["MANIFEST.json"])


# Determinism


@pytest.mark.smoke
def test_the_same_revision_builds_the_same_bytes(estate):
    assert packages.cashbox_package(estate.cashbox, PORTAL) == packages.cashbox_package(estate.cashbox, PORTAL)


def test_the_package_is_the_same_whatever_the_request_language(estate):
    english = packages.cashbox_package(estate.server, PORTAL)

    translation.activate("de")
    assert packages.cashbox_package(estate.server, PORTAL) == english


def test_a_new_revision_builds_another_package(estate):
    before = packages.cashbox_package(estate.cashbox, PORTAL)
    estate.queue.timeout_ms = 20000
    services.save(estate.queue)
    services.rebuild(estate.cashbox)

    after = packages.cashbox_package(estate.cashbox, PORTAL)

    assert after != before
    assert json.loads(unzip(after)["MANIFEST.json"])["revision"] == json.loads(unzip(before)["MANIFEST.json"])["revision"] + 1


def test_a_rotated_access_token_is_in_the_next_package(estate):
    before = packages.cashbox_package(estate.cashbox, PORTAL)

    token = services.rotate_access_token(estate.cashbox)

    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))
    assert json.loads(files["launcher.configuration.json"])["accessToken"] == token
    assert json.loads(files["MANIFEST.json"])["revision"] == json.loads(unzip(before)["MANIFEST.json"])["revision"]


def test_zip_entries_are_sorted_with_fixed_times_and_permissions(estate):
    archive = zipfile.ZipFile(io.BytesIO(packages.cashbox_package(estate.server, PORTAL)))
    infos = archive.infolist()

    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert not any(info.is_dir() for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {info.filename: info.external_attr >> 16 for info in infos}
    assert {name: mode for name, mode in modes.items() if name.endswith(".sh")} == {
        "install.sh": 0o100755,
        "test.sh": 0o100755,
        "uninstall.sh": 0o100755,
    }
    assert {mode for name, mode in modes.items() if not name.endswith(".sh")} == {0o100644}


# Scripts per platform


def test_windows_scripts_are_cmd_files_with_crlf_calling_the_launcher(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    assert not any(name.endswith(".sh") for name in files)
    for name, command in (("install.cmd", "install"), ("test.cmd", "run"), ("uninstall.cmd", "uninstall")):
        text = files[name].decode()
        assert text.count("\r\n") == text.count("\n") > 0, name
        assert f'fiskaltrust.Launcher.exe" {command} --launcher-configuration-file "%~dp0launcher.configuration.json"' in text
    assert "doctor --launcher-configuration-file" in files["test.cmd"].decode()
    assert "net.exe session" in files["install.cmd"].decode()  # administrator rights


def test_linux_scripts_are_shell_scripts_with_lf_calling_the_launcher(estate):
    files = unzip(packages.cashbox_package(estate.server, PORTAL))

    assert not any(name.endswith(".cmd") for name in files)
    for name, command in (("install.sh", "install"), ("test.sh", "run"), ("uninstall.sh", "uninstall")):
        text = files[name].decode()
        assert text.startswith("#!/bin/sh\n") and "\r" not in text, name
        assert f'"$launcher" {command} --launcher-configuration-file "$here/launcher.configuration.json"' in text
    assert '"$launcher" doctor' in files["test.sh"].decode()
    assert "--log-level debug" in files["test.sh"].decode()


def test_the_scripts_are_valid_shell(estate):
    files = unzip(packages.cashbox_package(estate.server, PORTAL))

    for name in ("install.sh", "test.sh", "uninstall.sh"):
        result = subprocess.run(["sh", "-n"], input=files[name], capture_output=True, timeout=10)
        assert result.returncode == 0, (name, result.stderr)


def test_the_shell_scripts_read_the_cashbox_id_from_the_launcher_configuration(estate, tmp_path):
    files = unzip(packages.cashbox_package(estate.server, PORTAL))
    (tmp_path / "launcher.configuration.json").write_bytes(files["launcher.configuration.json"])
    line = next(line for line in files["install.sh"].decode().splitlines() if line.startswith("cashbox="))

    result = subprocess.run(
        ["sh", "-c", f'here=.; {line}; echo "$cashbox"'], cwd=tmp_path, capture_output=True, text=True, timeout=10
    )

    assert result.stdout.strip() == str(estate.server.pk)


def test_a_macos_package_runs_the_launcher_as_a_launchd_daemon(configs):
    mac = till_with_fiskaly(configs.a.outlet, "Mac till", Platform.MACOS, "A-MAC-1")

    files = unzip(packages.cashbox_package(mac, PORTAL))

    assert json.loads(files["launcher.configuration.json"])["serviceFolder"] == "/Library/Application Support/fiskaltrust"
    assert "launchctl bootstrap system" in files["install.sh"].decode()
    assert "launchctl bootout" in files["uninstall.sh"].decode()
    assert subprocess.run(["sh", "-n"], input=files["install.sh"], capture_output=True, timeout=10).returncode == 0


def test_an_android_package_has_no_scripts_and_no_launcher_files(configs):
    android = till_with_fiskaly(configs.a.outlet, "Handheld till", Platform.ANDROID, "A-AND-1")

    files = unzip(packages.cashbox_package(android, PORTAL))

    assert not any(name.endswith((".sh", ".cmd")) for name in files)
    assert not {"launcher.configuration.json", "fiskaltrust.exe.config", "configuration.json"} & set(files)
    assert f"Configuration-{android.pk}.json" not in files
    assert "Android launcher" in files["README.md"].decode()


# Packages per launcher: Launcher 2.0 (DE, IT), Launcher 1.x (every other market), Android

MYSQL = "fiskaltrust.Middleware.Queue.MySQL"
CONNECTION = "Server=db.local;Port=3306;Database=ft;Uid=ft;Pwd=db-secret-4;"
LAUNCHER_2_FILES = {"launcher.configuration.json", "install.cmd", "test.cmd", "uninstall.cmd"}


def app_settings(data):
    """The appSettings of a fiskaltrust.exe.config as {key: value}."""
    root = ElementTree.fromstring(data)  # noqa: S314 - the package's own bytes, read back
    return {item.get("key"): item.get("value") for item in root.find("appSettings")}


def every_text(files):
    return "\n".join(data.decode() for name, data in files.items() if name != "MANIFEST.sig")


def till_with_mysql(outlet, description, platform=Platform.WINDOWS, identification="DB-1"):
    """A till whose MySQL queue holds a connection string and signs with a cloud or virtual SCU
    of the outlet's country, published."""
    till = factories.cashbox(outlet, description, f"{slugify(description)}.local", platform=platform)
    if outlet.country == "DE":
        scu = factories.scu(till, FISKALY, TssId=TSS, **factories.FISKALY_SECRETS)
    elif outlet.country == "AT":
        scu = factories.scu(
            till, "signaturcloud-signing-atrustonline", url=None, Url="https://atrust-online.signing.example.at/scu"
        )
    else:
        scu = factories.scu(
            till,
            "fiskaltrust.Middleware.SCU.FR.LNE",
            url=None,
            Siret=outlet.siret,
            CompanyName="Operator of A",
        )
    factories.link(factories.queue(till, identification, package=MYSQL, connectionstring=CONNECTION), scu)
    return published(till)


def test_a_german_tills_package_has_the_launcher_2_files_and_its_token_is_a_p256_point(estate):
    files = unzip(packages.cashbox_package(estate.cashbox, PORTAL))

    assert LAUNCHER_2_FILES | {f"Configuration-{estate.cashbox.pk}.json"} <= set(files)
    assert not {"fiskaltrust.exe.config", "configuration.json"} & set(files)
    point = base64.b64decode(json.loads(files["launcher.configuration.json"])["accessToken"], validate=True)
    assert len(point) == 65 and point[0] == 0x04  # uncompressed P-256 point, as Launcher 2.0 reads it
    assert "| Launcher | Launcher 2.0 |" in files["README.md"].decode()


def test_a_german_till_with_a_mysql_queue_gets_no_offline_configuration_and_its_readme_says_why(configs):
    till = till_with_mysql(configs.a.outlet, "Database till", identification="A-DB-1")

    files = unzip(packages.cashbox_package(till, PORTAL))

    assert set(files) == LAUNCHER_2_FILES | {"README.md", "MANIFEST.json", "MANIFEST.sig"}
    assert CONNECTION not in every_text(files) and "db-secret-4" not in every_text(files)
    text = files["README.md"].decode()
    assert "no offline copy of the configuration" in text
    assert "`connectionstring` of queue A-DB-1" in text
    assert '"Could not parse Cashbox configuration"' in text
    assert "**This package holds a secret**: the CashBox's access token." in text
    assert set(json.loads(files["MANIFEST.json"])["files"]) == set(files) - {"MANIFEST.json", "MANIFEST.sig"}


def test_any_value_launcher_2_decrypts_keeps_the_offline_configuration_out():
    configuration = {
        "ftQueues": [
            {"Id": "q1", "Configuration": {"ConnectionString": "x", "init_ftQueueDE": [{"CashBoxIdentification": "Q-1"}]}},
            {"Id": "q2", "Configuration": {"ApiKey_Encrypted": "y", "connectionstring": ""}},
            {"Id": "q3", "Configuration": {"timeout": 1000}},
        ]
    }

    assert packages.encrypted_values(configuration) == [("Q-1", "ConnectionString"), ("q2", "ApiKey_Encrypted")]
    assert packages.encrypted_values({"ftQueues": [{"Id": "q", "Configuration": {"connectionstring": None}}]}) == []


@pytest.mark.parametrize(
    ("country", "platform", "folder", "newline"),
    [
        ("AT", Platform.WINDOWS, "C:/ProgramData/fiskaltrust", "\r\n"),
        ("FR", Platform.WINDOWS, "C:/ProgramData/fiskaltrust", "\r\n"),
        ("AT", Platform.LINUX, "/usr/share/fiskaltrust", "\n"),
        ("FR", Platform.MACOS, "/Library/Application Support/fiskaltrust", "\n"),
    ],
)
def test_a_launcher_1_till_gets_fiskaltrust_exe_config_offline_and_configuration_json_with_the_connection_string(
    configs, country, platform, folder, newline
):
    outlet = factories.outlet(configs.a.outlet.operator, number=7, country=country)
    till = till_with_mysql(outlet, "Kassa", platform)

    files = unzip(packages.cashbox_package(till, PORTAL))

    assert set(files) == {"fiskaltrust.exe.config", "configuration.json", "README.md", "MANIFEST.json", "MANIFEST.sig"}
    assert app_settings(files["fiskaltrust.exe.config"]) == {
        "cashboxid": str(till.pk),
        "accesstoken": till.access_token,
        "useoffline": "true",
        "sandbox": "false",
        "servicefolder": folder,
    }
    settings = files["fiskaltrust.exe.config"].decode()
    assert settings.count(newline) == settings.count("\n") > 0
    configuration = json.loads(files["configuration.json"])
    # Launcher 1.x decrypts nothing, so the queue gets its connection string encrypted with its own id,
    # which MySQLBootstrapper.cs decrypts (a plain one would fail its base64 decoding).
    queue = configuration["ftQueues"][0]
    value = queue["Configuration"]["connectionstring"]
    assert value != CONNECTION and CONNECTION.encode() not in files["configuration.json"]
    assert storage_decrypt(from_base64(value), guid_bytes(queue["Id"])).decode() == CONNECTION
    queue["Configuration"]["connectionstring"] = CONNECTION
    assert configuration == publication(till).configuration
    assert check(files["configuration.json"], launcher="1.x") == []


def test_a_launcher_1_readme_says_which_launcher_to_get_and_that_it_runs_offline(configs):
    outlet = factories.outlet(configs.a.outlet.operator, number=7, country="AT")
    till = till_with_mysql(outlet, "Kassa")
    linux = till_with_mysql(outlet, "Kassa Linux", Platform.LINUX, "DB-2")

    text, unix = readme(till), readme(linux)

    assert "| Launcher | Launcher 1.x |" in text
    assert "Launcher 2.0 serves only Germany" in text
    assert "only from fiskaltrust's helipad" in text
    assert "the .NET Launcher" in text and "the Mono Launcher" in unix
    assert "next to `fiskaltrust.exe`" in text
    assert "`install-service.cmd` as administrator" in text and "`sudo ./install-service.sh`" in unix
    assert "Changes made in the portal reach this machine only with a new package" in text
    assert "launcher.configuration.json" not in text and "portal.example.com:443" not in text
    assert "`useLegacyDataProtection`" not in unix


def test_an_android_tablets_package_says_it_fetches_from_fiskaltrusts_helipad_and_holds_no_secret(configs):
    tablet = till_with_fiskaly(configs.a.outlet, "Tablet", Platform.ANDROID, "A-TAB-1")

    files = unzip(packages.cashbox_package(tablet, PORTAL))

    assert set(files) == {packages.ANDROID_REFERENCE, "README.md", "MANIFEST.json", "MANIFEST.sig"}
    text = files["README.md"].decode()
    assert "fiskaltrust's helipad (https://helipad.fiskaltrust.cloud/)" in text
    assert "an address built into the app" in text
    assert "must be created at fiskaltrust too" in text
    assert f"`{tablet.pk}`" in text and "`cashboxid` and `accesstoken`" in text
    everything = every_text(files)
    assert tablet.access_token not in everything
    for secret in factories.FISKALY_SECRETS.values():
        assert secret not in everything
    reference = json.loads(files[packages.ANDROID_REFERENCE])
    assert reference["ftSignaturCreationDevices"][0]["Configuration"]["ApiSecret"] == "***"
    assert reference["ftSignaturCreationDevices"][0]["Configuration"]["TssId"] == TSS


def test_an_android_cashbox_has_sqlite_queues_only_so_no_connection_string_reaches_its_package(configs):
    tablet = till_with_fiskaly(configs.a.outlet, "Tablet", Platform.ANDROID, "A-TAB-1")

    with pytest.raises(ValidationError, match="does not run on Android"):
        factories.queue(tablet, "A-TAB-2", url="grpc://localhost:1300", package=MYSQL, connectionstring=CONNECTION)

    reference = json.loads(unzip(packages.cashbox_package(tablet, PORTAL))[packages.ANDROID_REFERENCE])
    assert {queue["Package"] for queue in reference["ftQueues"]} == {"fiskaltrust.Middleware.Queue.SQLite"}
    assert packages.encrypted_values(reference) == []


def test_packages_of_every_launcher_are_deterministic_and_list_every_file(configs):
    austria = factories.outlet(configs.a.outlet.operator, number=7, country="AT")
    tills = [
        till_with_mysql(austria, "Kassa"),
        till_with_fiskaly(configs.a.outlet, "Tablet", Platform.ANDROID, "A-TAB-1"),
        till_with_mysql(configs.a.outlet, "Database till", identification="A-DB-1"),
    ]

    for till in tills:
        data = packages.cashbox_package(till, PORTAL)
        assert data == packages.cashbox_package(till, PORTAL)
        files = unzip(data)
        assert set(json.loads(files["MANIFEST.json"])["files"]) == set(files) - {"MANIFEST.json", "MANIFEST.sig"}
        assert signing.verify(files["MANIFEST.json"], files["MANIFEST.sig"])


# The README


def readme(cashbox):
    return unzip(packages.cashbox_package(cashbox, PORTAL))["README.md"].decode()


def test_the_server_readme_says_what_to_plug_in_which_port_to_open_and_who_depends_on_it(estate):
    text = readme(estate.server)

    assert "the server (back office)" in text
    assert "Swissbit USB/SD TSE, serial SB-1" in text
    assert "`/media/tse`" in text
    assert "| 1401 | grpc | SCU Swissbit | yes | queues on other machines sign here |" in text
    assert "A-TILL-2 on Till 2 (`till2.local`)" in text
    assert "Install and start this machine first" in text
    assert "0x0000000001000000" in text  # a stop receipt must not deactivate the shared TSE


def test_the_readme_of_a_hardware_tse_machine_has_the_usb_checks(estate):
    text = readme(estate.server)

    assert "USB power saving is off" in text
    assert "not through a USB hub" in text
    assert "virus scanner" in text
    assert "not a virtual machine" in text
    assert "useLegacyDataProtection" in text  # Linux service


def test_the_readme_of_a_cloud_tse_till_lists_the_hosts_and_skips_the_usb_checks(estate):
    text = readme(estate.cashbox)

    assert "| A-TILL-1 | DE |" in text
    assert "`grpc://localhost:1200`" in text
    assert "SCU FiskalyCertified on this machine" in text
    assert "`kassensichv-middleware.fiskaly.com:443`" in text
    assert "`portal.example.com:443`" in text
    assert "`packages-2-0.fiskaltrust.cloud:443`" in text
    assert "permanent internet connection" in text
    assert "USB power saving" not in text
    assert "`https://portal.example.com/healthz`" in text


def test_the_readme_of_a_till_signing_on_the_server_names_it_and_how_to_reach_it(estate):
    text = readme(estate.till2)

    assert "SCU on Server at `grpc://server.local:1401`" in text
    assert "`Test-NetConnection server.local -Port 1401`" in text
    assert "that machine must be installed and running first" in text


def test_the_readme_says_how_to_verify_the_signature(estate):
    text = readme(estate.cashbox)

    assert "openssl pkeyutl -verify -pubin -inkey portal-signing-key.pem -rawin -in MANIFEST.json -sigfile MANIFEST.sig" in text
    assert "key.verify(" in text
    assert signing.fingerprint() in text
    assert f"{PORTAL}/api/v1/signing-key/" in text


@pytest.mark.parametrize("kind", ["launcher-2.0", "launcher-1.x", "android"])
def test_the_readme_python_snippet_verifies_an_unzipped_package(estate, tmp_path, kind):
    if kind == "launcher-1.x":
        till = till_with_mysql(factories.outlet(estate.outlet.operator, number=7, country="AT"), "Kassa")
    elif kind == "android":
        till = till_with_fiskaly(estate.outlet, "Tablet", Platform.ANDROID, "A-TAB-1")
    else:
        till = estate.cashbox
    files = unzip(packages.cashbox_package(till, PORTAL))
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "portal-signing-key.pem").write_text(signing.public_key_pem())
    snippet = files["README.md"].decode().split("```python\n")[1].split("```")[0]

    result = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert "package verified" in result.stdout


def test_the_readme_openssl_commands_verify_an_unzipped_package(estate, tmp_path):
    version = (
        subprocess.run(["openssl", "version"], capture_output=True, text=True, check=False) if shutil.which("openssl") else None
    )
    if version is None or not version.stdout.startswith("OpenSSL 3"):
        pytest.skip("needs OpenSSL 3 (pkeyutl -rawin)")
    files = unzip(packages.cashbox_package(estate.server, PORTAL))
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "portal-signing-key.pem").write_text(signing.public_key_pem())
    commands = files["README.md"].decode().split("```sh\n")[1].split("```")[0]

    result = subprocess.run(["sh", "-e", "-c", commands], cwd=tmp_path, capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert signing.fingerprint() in result.stdout
    assert "Signature Verified Successfully" in result.stdout
    manifest = json.loads(files["MANIFEST.json"])
    for name, entry in manifest["files"].items():
        assert f"({name})= {entry['sha256']}" in result.stdout


def test_a_description_cannot_break_the_readme_tables(configs):
    till = till_with_fiskaly(configs.a.outlet, "Till | <b>*x*</b>", Platform.WINDOWS, "A-ODD-1")

    text = readme(till)

    assert r"# Till \| \<b\>\*x\*\</b\>: fiskaltrust Middleware package" in text
    assert "<b>" not in text


def test_a_french_queue_signs_inside_itself_without_a_device(configs):
    outlet = factories.outlet(configs.a.outlet.operator, number=7, country="FR")
    till = factories.cashbox(outlet, "Caisse", "caisse.local")
    scu = factories.scu(
        till,
        "fiskaltrust.Middleware.SCU.FR.LNE",
        url=None,
        Siret=outlet.siret,
        CompanyName="Operator of A",
    )
    factories.link(factories.queue(till, "FR-1"), scu)
    published(till)

    text = readme(till)

    assert "Certificate per outlet (virtual SCU), inside the queue" in text
    assert "Nothing: this machine has no signing device of its own." in text


# The outlet bundle


@pytest.mark.smoke
def test_the_outlet_bundle_holds_every_package_the_drawing_and_the_checklist(estate):
    bundle = unzip(packages.outlet_bundle(estate.outlet, PORTAL, drawing="<svg>topology</svg>"))

    names = {
        f"till-1-{estate.cashbox.pk}.zip": estate.cashbox,
        f"server-{estate.server.pk}.zip": estate.server,
        f"till-2-{estate.till2.pk}.zip": estate.till2,
    }
    assert set(bundle) == {*names, "topology.svg", "ROLLOUT-CHECKLIST.md", "MANIFEST.json", "MANIFEST.sig"}
    for name, cashbox in names.items():
        assert bundle[name] == packages.cashbox_package(cashbox, PORTAL)
    assert bundle["topology.svg"] == b"<svg>topology</svg>"


def test_the_outlet_bundle_is_signed_and_lists_the_revisions(estate):
    bundle = unzip(packages.outlet_bundle(estate.outlet, PORTAL))

    manifest = json.loads(bundle["MANIFEST.json"])
    assert manifest["outlet"] == str(estate.outlet.pk)
    assert manifest["cashboxes"] == {
        str(box.pk): publication(box).revision for box in (estate.cashbox, estate.server, estate.till2)
    }
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(bundle[name]).hexdigest()
    assert "topology.svg" not in bundle  # no drawing given
    assert signing.verify(bundle["MANIFEST.json"], bundle["MANIFEST.sig"])


def test_the_rollout_checklist_puts_the_server_first(estate):
    text = unzip(packages.outlet_bundle(estate.outlet, PORTAL))["ROLLOUT-CHECKLIST.md"].decode()

    server, till1, till2 = (text.index(f"({host}, ") for host in ("`server.local`", "`till1.local`", "`till2.local`"))
    assert server < till1 < till2
    assert "## 1. Server" in text
    assert "Open inbound TCP port 1401 (SCU Swissbit)" in text
    assert "Other machines sign through this one" in text
    assert "- [ ] Plug in: The Swissbit USB/SD TSE, serial SB-1" in text


def test_the_outlet_bundle_is_deterministic(estate):
    assert packages.outlet_bundle(estate.outlet, PORTAL, drawing="<svg/>") == packages.outlet_bundle(
        estate.outlet, PORTAL, drawing="<svg/>"
    )


def test_the_rollout_checklist_gives_each_machine_the_steps_of_its_own_launcher(estate):
    tablet = till_with_fiskaly(estate.outlet, "Tablet", Platform.ANDROID, "A-TAB-1")

    bundle = unzip(packages.outlet_bundle(estate.outlet, PORTAL))

    assert bundle[f"tablet-{tablet.pk}.zip"] == packages.cashbox_package(tablet, PORTAL)
    text = bundle["ROLLOUT-CHECKLIST.md"].decode()
    # Each machine's section by its name ("## 2. Tablet (`tablet.local`, Android)").
    sections = {section.split(" (", 1)[0].split(". ", 1)[1]: section for section in text.split("\n## ")[1:-1]}
    assert "Create this CashBox at fiskaltrust too" in sections["Tablet"]
    assert "Launcher 2.0" not in sections["Tablet"] and "launcher.configuration.json" not in sections["Tablet"]
    assert "Put the fiskaltrust Launcher 2.0 next to the files." in sections["Till 1"]
    assert "Create this CashBox at fiskaltrust" not in sections["Till 1"]


def test_an_austrian_outlets_checklist_has_the_launcher_1_steps(configs):
    outlet = factories.outlet(configs.a.outlet.operator, number=7, country="AT")
    till_with_mysql(outlet, "Kassa")
    till_with_mysql(outlet, "Kassa Linux", Platform.LINUX, "DB-2")

    text = unzip(packages.outlet_bundle(outlet, PORTAL))["ROLLOUT-CHECKLIST.md"].decode()

    assert "Download fiskaltrust's Launcher 1.x (.NET Launcher)" in text
    assert "Download fiskaltrust's Launcher 1.x (Mono Launcher)" in text
    assert "Run the launcher's `install-service.cmd` as administrator" in text
    assert "Run the launcher's `sudo ./install-service.sh`" in text
    assert "Launcher 2.0 next to" not in text and "install.cmd`" not in text


def test_an_outlet_with_an_unpublished_cashbox_gets_no_bundle(estate):
    factories.cashbox(estate.outlet, "Not yet", "notyet.local", role=MachineRole.POS)

    with pytest.raises(ValueError, match="Not yet"):
        packages.outlet_bundle(estate.outlet, PORTAL)


def test_an_outlet_without_cashboxes_gets_no_bundle(configs):
    empty = factories.outlet(configs.a.outlet.operator, number=9)

    with pytest.raises(ValueError, match="no CashBox"):
        packages.outlet_bundle(empty, PORTAL)


def test_progress_is_reported_up_to_100(estate):
    calls = []

    packages.outlet_bundle(estate.outlet, PORTAL, progress=lambda percent, message: calls.append((percent, message)))
    packages.cashbox_package(estate.cashbox, PORTAL, progress=lambda percent, message: calls.append((percent, message)))

    bundle, single = calls[: calls.index((100, "Bundle ready")) + 1], calls[calls.index((100, "Bundle ready")) + 1 :]
    for part in (bundle, single):
        percents = [percent for percent, _message in part]
        assert percents == sorted(percents) and percents[-1] == 100
        assert all(isinstance(message, str) and message for _percent, message in part)


def test_loading_an_outlet_takes_two_queries_whatever_its_size(estate, django_assert_num_queries):
    for number in range(3):
        till_with_fiskaly(estate.outlet, f"Extra {number}", Platform.WINDOWS, f"A-EXTRA-{number}")

    with django_assert_num_queries(2):
        machines = packages.load(outlet=estate.outlet)

    assert len(machines) == 6


# The signing key's setting (PACKAGE_SIGNING_KEY)


def raw(key):
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def pem(key, fmt=serialization.PrivateFormat.PKCS8):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


@pytest.mark.smoke
def test_a_pem_signing_key_is_read(monkeypatch):
    key = Ed25519PrivateKey.generate()
    monkeypatch.setenv("PACKAGE_SIGNING_KEY", pem(key))

    assert env.env_ed25519_key("PACKAGE_SIGNING_KEY") == raw(key)


@pytest.mark.parametrize(
    "write",
    [
        lambda key: pem(key).replace("\n", "\\n"),  # one-line environment files
        lambda key: pem(key, serialization.PrivateFormat.OpenSSH),
        lambda key: base64.b64encode(raw(key)).decode(),
        lambda key: base64.urlsafe_b64encode(raw(key)).decode().rstrip("="),
    ],
    ids=["pem-escaped-newlines", "openssh", "base64", "base64-url-safe-unpadded"],
)
def test_the_other_signing_key_forms_are_read(monkeypatch, write):
    key = Ed25519PrivateKey.generate()
    monkeypatch.setenv("PACKAGE_SIGNING_KEY", write(key))

    assert env.env_ed25519_key("PACKAGE_SIGNING_KEY") == raw(key)


@pytest.mark.parametrize(
    "value",
    [
        "not a key",
        base64.b64encode(b"x" * 31).decode(),
        base64.b64encode(b"x" * 64).decode(),
        "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----",
        pem(Ed448PrivateKey.generate()),
    ],
    ids=["words", "31-bytes", "64-bytes", "broken-pem", "ed448-pem"],
)
def test_a_malformed_signing_key_is_refused_naming_the_variable_not_the_value(monkeypatch, value):
    monkeypatch.setenv("PACKAGE_SIGNING_KEY", value)

    with pytest.raises(ImproperlyConfigured, match=r"Environment variable PACKAGE_SIGNING_KEY=.*is invalid") as error:
        env.env_ed25519_key("PACKAGE_SIGNING_KEY")
    assert value not in str(error.value)


def test_without_the_variable_debug_derives_a_key_from_the_secret_key(monkeypatch):
    monkeypatch.delenv("PACKAGE_SIGNING_KEY", raising=False)

    key = env.env_ed25519_key("PACKAGE_SIGNING_KEY", fallback_seed="dev-secret")

    assert len(key) == 32
    assert key == env.env_ed25519_key("PACKAGE_SIGNING_KEY", fallback_seed="dev-secret")
    assert key != env.env_ed25519_key("PACKAGE_SIGNING_KEY", fallback_seed="other-secret")
    assert env.env_ed25519_key("PACKAGE_SIGNING_KEY") is None  # production: no key


def test_without_a_key_signing_is_refused_naming_the_variable():
    with (
        override_settings(PACKAGE_SIGNING_KEY=None),
        pytest.raises(ImproperlyConfigured, match="PACKAGE_SIGNING_KEY is required"),
    ):
        signing.sign(b"manifest")


def test_the_configured_key_signs(monkeypatch):
    key = Ed25519PrivateKey.generate()

    with override_settings(PACKAGE_SIGNING_KEY=raw(key)):
        signature = signing.sign(b"manifest")
        assert (
            signing.public_key_pem()
            == key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        )

    key.public_key().verify(signature, b"manifest")


def test_a_malformed_signing_key_stops_start_up_naming_it():
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL", "REDIS_URL", "PACKAGE_SIGNING_KEY"}
    }
    environment.update(DEBUG="1", PACKAGE_SIGNING_KEY="c2hvcnQ=")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Environment variable PACKAGE_SIGNING_KEY" in result.stderr
    assert "c2hvcnQ=" not in result.stderr
