"""Every write rule of the configuration, with a good and a bad input, through services.save():
a refused write is a ValidationError with its message on the field the user has to change."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cashboxes import services
from cashboxes.choices import ComponentState, LinkMode, MachineRole, Platform
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu
from portal.choices import LinkStatus
from portal.models import OperatorLink
from tests import factories

TSS_ID = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SWISSBIT = "fiskaltrust.Middleware.SCU.DE.Swissbit"
SWISSBIT_CLOUD = "fiskaltrust.Middleware.SCU.DE.SwissbitCloud"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
FCC = {"FccId": "fcc-1", "FccSecret": "fcc-secret", "ErsCode": "ers-code", "ActivationToken": "activation-token"}


def refused(instance, field, message=None):
    """services.save(instance) fails with a message on `field`; returns the messages."""
    with pytest.raises(ValidationError) as error:
        services.save(instance)
    errors = error.value.message_dict
    assert field in errors, errors
    if message is not None:
        assert any(message in text for text in errors[field]), errors[field]
    return errors[field]


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def fiskaly_scu(cashbox, url="grpc://localhost:1401", device=None, **overrides):
    parameters = {"TssId": TSS_ID, **factories.FISKALY_SECRETS, **overrides}
    return factories.scu(cashbox, FISKALY, url=url, device=device, **parameters)


def unsaved_scu(cashbox, package=FISKALY, url="grpc://localhost:1401", device=None, **parameters):
    scu = Scu(operator=cashbox.operator, cashbox=cashbox, package=package, urls=[url] if url else [], signing_device=device)
    services.set_parameters(scu, parameters)
    return scu


def unsaved_queue(cashbox, identification="Q-1", url="grpc://localhost:1200", package=SQLITE):
    queue = Queue(operator=cashbox.operator, cashbox=cashbox, package=package, cashbox_identification=identification, urls=[url])
    services.set_parameters(queue, {})
    return queue


@pytest.fixture
def outlet(cast):
    return factories.outlet(cast.operator_org, 1)


@pytest.fixture
def till(outlet):
    return factories.cashbox(outlet, "Till 1", "till1.local")


# ---------------------------------------------------------------- outlets


def test_outlet_number_is_unique_per_operator(cast, outlet):
    duplicate = Outlet(operator=cast.operator_org, number=1, name="X", address_line1="S", postal_code="1", city="C", country="DE")
    refused(duplicate, "number", "already has an outlet with this number")
    factories.outlet(cast.operator2_org, 1)  # another operator may use the same number


def test_outlet_number_is_fixed_once_saved(outlet):
    outlet.number = 7
    refused(outlet, "number", "cannot be changed once saved")
    outlet = fresh(outlet)
    outlet.name = "Renamed"
    services.save(outlet)


def test_outlet_number_2_is_reserved(cast):
    outlet = Outlet(operator=cast.operator_org, number=2, name="X", address_line1="S", postal_code="1", city="C", country="DE")
    refused(outlet, "number", "Outlet number 2 is reserved")
    outlet.number = 3
    services.save(outlet)


def test_outlet_country_must_be_in_the_catalog(cast):
    outlet = Outlet(operator=cast.operator_org, number=3, name="X", address_line1="S", postal_code="1", city="C", country="ES")
    refused(outlet, "country", "The portal configures DE, AT, FR, IT")
    outlet.country = "AT"
    services.save(outlet)


def test_outlet_country_cannot_change_once_it_has_cashboxes(cast, outlet):
    empty = factories.outlet(cast.operator_org, 3)
    empty.country = "AT"
    services.save(empty)  # nothing depends on it yet
    factories.cashbox(outlet)
    outlet = fresh(outlet)
    outlet.country = "AT"
    refused(outlet, "country", "its country cannot change")


def test_french_outlet_needs_a_14_digit_siret(cast):
    outlet = Outlet(
        operator=cast.operator_org, number=3, name="X", address_line1="S", postal_code="1", city="Paris", country="FR"
    )
    refused(outlet, "siret", "needs its SIRET")
    outlet.siret = "1234567890123"
    refused(outlet, "siret", "exactly 14 digits")
    outlet.siret = "1234567890123A"
    refused(outlet, "siret", "exactly 14 digits")
    outlet.siret = "12345678901234"
    services.save(outlet)


# ---------------------------------------------------------------- CashBoxes


def test_cashbox_outlet_is_fixed_once_saved(cast, outlet, till):
    other = factories.outlet(cast.operator_org, 3)
    till.outlet = other
    refused(till, "outlet", "cannot be changed once saved")
    till = fresh(till)
    till.description = "Till at the door"
    services.save(till)


def test_cashbox_outlet_belongs_to_the_same_operator(cast, outlet):
    foreign = factories.outlet(cast.operator2_org, 1)
    cashbox = CashBox(operator=cast.operator_org, outlet=foreign, description="X", hostname="x.local")
    refused(cashbox, "outlet", "another PosOperator")


def test_cashbox_hostname_is_a_host_without_scheme_or_port(outlet):
    cashbox = CashBox(operator=outlet.operator, outlet=outlet, description="X", hostname="http://till:80")
    refused(cashbox, "hostname")
    cashbox.hostname = "192.168.0.10"
    services.save(cashbox)


def test_saving_a_stale_cashbox_keeps_its_revision_and_publication(till):
    stale = fresh(till)
    scu = fiskaly_scu(till)
    factories.link(factories.queue(till, "Q-1"), scu)
    publication = services.rebuild(till)
    stale.description = "Renamed"
    services.save(stale)
    reloaded = fresh(till)
    assert reloaded.published == publication
    assert reloaded.revision == publication.revision + 1
    assert reloaded.description == "Renamed"


# ---------------------------------------------------------------- links stay within one operator and outlet


def test_a_queue_links_only_to_a_scu_of_its_own_outlet(cast, outlet, till):
    elsewhere = factories.cashbox(factories.outlet(cast.operator_org, 3), "Far till", "far.local")
    far_scu = fiskaly_scu(elsewhere)
    queue = factories.queue(till, "Q-1")
    link = QueueScuLink(operator=cast.operator_org, queue=queue, scu=far_scu)
    refused(link, "scu", "The SCU is in another outlet")
    link.scu = fiskaly_scu(till)
    services.save(link)


def test_a_link_never_reaches_another_operators_scu(cast, till):
    foreign_till = factories.cashbox(factories.outlet(cast.operator2_org, 1), "B till", "b.local")
    foreign_scu = fiskaly_scu(foreign_till)
    queue = factories.queue(till, "Q-1")
    refused(QueueScuLink(operator=cast.operator_org, queue=queue, scu=foreign_scu), "scu", "another PosOperator")


def test_a_scu_never_uses_another_operators_device(cast, outlet, till):
    foreign_device = factories.device(factories.outlet(cast.operator2_org, 1), "fiskaly", cloud_account=TSS_ID)
    scu = unsaved_scu(till, device=foreign_device, TssId=TSS_ID, **factories.FISKALY_SECRETS)
    refused(scu, "signing_device", "another PosOperator")
    scu.signing_device = factories.device(outlet, "fiskaly", cloud_account=TSS_ID)
    services.save(scu)


def test_a_cloud_device_of_another_outlet_of_the_same_operator_is_allowed(cast, till):
    other_outlet = factories.outlet(cast.operator_org, 3)
    cloud = factories.device(other_outlet, "fiskaly", cloud_account=TSS_ID)
    scu = fiskaly_scu(till, device=cloud)
    assert scu.signing_device == cloud


def test_a_hardware_device_of_another_outlet_is_refused(cast, till):
    other_outlet = factories.outlet(cast.operator_org, 3)
    usb = factories.device(other_outlet, "swissbit", serial="SB-9")
    scu = unsaved_scu(till, SWISSBIT, device=usb, devicePath="D:")
    refused(scu, "signing_device", "Only the cloud part of a cloud TSE")


def test_a_device_must_be_of_the_scus_kind(outlet, till):
    usb = factories.device(outlet, "swissbit", serial="SB-9")
    scu = unsaved_scu(till, device=usb, TssId=TSS_ID, **factories.FISKALY_SECRETS)
    refused(scu, "signing_device", "This device is not a fiskaly cloud TSE")


# ---------------------------------------------------------------- in operation: kept for ever


@pytest.mark.parametrize("kind", ["queue", "scu", "helper"])
def test_a_component_that_was_in_operation_is_taken_out_of_operation_never_deleted(till, kind):
    component = {
        "queue": lambda: factories.queue(till, "Q-1"),
        "scu": lambda: fiskaly_scu(till),
        "helper": lambda: factories.helper(till),
    }[kind]()
    component.state = ComponentState.IN_OPERATION
    services.save(component)
    assert fresh(component).start_moment is not None

    with pytest.raises(ValidationError, match="was in operation and cannot be deleted"):
        services.delete(fresh(component))
    assert type(component).objects.filter(pk=component.pk).exists()

    services.take_out_of_operation(fresh(component))
    stopped = fresh(component)
    assert stopped.state == ComponentState.OUT_OF_OPERATION and stopped.stop_moment is not None
    with pytest.raises(ValidationError, match="was in operation and cannot be deleted"):
        services.delete(stopped)
    with pytest.raises(ValidationError, match="already out of operation"):
        services.take_out_of_operation(stopped)


@pytest.mark.parametrize("back_to", [ComponentState.CREATED, ComponentState.IN_OPERATION])
def test_a_component_never_goes_back_to_an_earlier_state(till, back_to):
    queue = factories.queue(till, "Q-1")
    queue.state = ComponentState.IN_OPERATION
    services.save(queue)
    if back_to == ComponentState.IN_OPERATION:
        services.take_out_of_operation(fresh(queue))
    queue = fresh(queue)
    queue.state = back_to if back_to == ComponentState.IN_OPERATION else ComponentState.CREATED
    refused(queue, "state", "never goes back")


def test_a_component_never_in_operation_can_be_deleted(till):
    queue = factories.queue(till, "Q-1")
    helper = factories.helper(till)
    services.delete(queue)
    services.delete(helper)
    assert not Queue.objects.filter(pk=queue.pk).exists()
    assert not Helper.objects.filter(pk=helper.pk).exists()


# ---------------------------------------------------------------- CashBoxIdentification


@pytest.mark.parametrize("value", ["TILL\t1", "KASSE-Ä", " TILL-1", "TILL-1 ", ""])
def test_cashbox_identification_is_printable_ascii_without_spaces_at_the_ends(till, value):
    refused(unsaved_queue(till, value), "cashbox_identification")


def test_cashbox_identification_with_inner_spaces_and_punctuation_is_fine_outside_germany(cast):
    vienna = factories.cashbox(factories.outlet(cast.operator_org, 5, "AT", city="Wien", postal_code="1010"), "Kassa")
    assert factories.queue(vienna, "Till 1/Front-Desk.2").cashbox_identification == "Till 1/Front-Desk.2"


@pytest.mark.parametrize("identification", ["Till 1", "T_1", "T.1", "A" * 31, "X"])
def test_a_german_cashbox_identification_is_2_to_30_letters_digits_and_dashes(till, identification):
    refused(unsaved_queue(till, identification), "cashbox_identification")


def test_cashbox_identification_is_unique_per_operator(cast, till):
    factories.queue(till, "TILL-1")
    second_till = factories.cashbox(till.outlet, "Till 2", "till2.local")
    refused(unsaved_queue(second_till, "TILL-1"), "cashbox_identification", "Another queue of this PosOperator")
    other_operator_till = factories.cashbox(factories.outlet(cast.operator2_org, 1))
    factories.queue(other_operator_till, "TILL-1")  # another operator may use it


def test_cashbox_identification_is_fixed_once_saved(till):
    queue = factories.queue(till, "TILL-1")
    queue.cashbox_identification = "TILL-2"
    refused(queue, "cashbox_identification", "cannot be changed once saved")


def test_french_cashbox_identification_has_at_most_20_characters(cast):
    till = factories.cashbox(factories.outlet(cast.operator_org, 5, "FR"))
    refused(unsaved_queue(till, "A" * 21), "cashbox_identification", "at most 20 characters")
    factories.queue(till, "A" * 20)


def test_german_cashbox_identification_may_be_longer_than_20_characters(till):
    factories.queue(till, "A" * 21)


# ---------------------------------------------------------------- URLs and ports


@pytest.mark.parametrize(
    "url,message",
    [
        ("localhost:1200", "is not a URL"),
        ("grpc://", "is not a URL"),
        ("grpc://localhost", "needs a port"),
        ("grpc://localhost:99999", "not a number between 0 and 65535"),
        ("grpc://localhost:port", "not a number between 0 and 65535"),
    ],
)
def test_urls_must_parse(till, url, message):
    refused(unsaved_queue(till, url=url), "urls", message)


@pytest.mark.parametrize("platform", [Platform.WINDOWS, Platform.LINUX, Platform.MACOS, Platform.ANDROID])
@pytest.mark.parametrize("url", ["grpc://localhost:1200", "rest://localhost:1500/queue"])
def test_grpc_and_rest_work_on_every_platform(outlet, platform, url):
    cashbox = factories.cashbox(outlet, platform=platform)
    factories.queue(cashbox, "Q-1", url=url)


@pytest.mark.parametrize("url", ["http://localhost:1200/fiskaltrust", "net.tcp://localhost:1201/fiskaltrust"])
def test_http_and_net_tcp_only_on_windows(outlet, url):
    factories.queue(factories.cashbox(outlet, "Win", platform=Platform.WINDOWS), "Q-WIN", url=url)
    for number, platform in enumerate([Platform.LINUX, Platform.MACOS, Platform.ANDROID]):
        cashbox = factories.cashbox(outlet, f"Box {number}", platform=platform)
        refused(unsaved_queue(cashbox, f"Q-{number}", url=url), "urls", "is not supported on")


def test_a_url_is_not_listed_twice(till):
    queue = unsaved_queue(till)
    queue.urls = ["grpc://localhost:1200", "grpc://localhost:1200"]
    refused(queue, "urls", "listed twice")


def test_no_two_components_of_one_cashbox_listen_on_the_same_port(outlet, till):
    fiskaly_scu(till, url="grpc://localhost:1401")
    refused(unsaved_queue(till, url="rest://localhost:1401/queue"), "urls", "Port 1401 is already used")
    helper = Helper(
        operator=till.operator, cashbox=till, package="fiskaltrust.Middleware.Helper.LocalPosSystemApi", version="1.3.85"
    )
    helper.urls = ["http://localhost:1401/helper"]
    refused(helper, "urls", "Port 1401 is already used")
    factories.queue(till, "Q-1", url="grpc://localhost:1200")
    other_machine = factories.cashbox(outlet, "Till 2", "till2.local")
    factories.queue(other_machine, "Q-2", url="grpc://localhost:1401")  # another machine: its own ports


def test_a_component_keeps_its_own_port_when_edited(till):
    queue = factories.queue(till, "Q-1", url="grpc://localhost:1200")
    queue.timeout_ms = 20000
    services.save(queue)


# ---------------------------------------------------------------- packages and platforms


def test_a_queue_package_must_be_in_the_catalog(till):
    refused(unsaved_queue(till, package="fiskaltrust.Middleware.Queue.Oracle"), "package", "Choose one of")


def test_a_package_must_run_on_the_machines_operating_system(outlet):
    android = factories.cashbox(outlet, "Tablet", "tablet.local", platform=Platform.ANDROID)
    queue = unsaved_queue(android, package="fiskaltrust.Middleware.Queue.EF")
    services.set_parameters(queue, {"connectionstring": "Server=db;Database=ft"})
    refused(queue, "package", "does not run on Android")
    fiskaly_scu(android)  # fiskaly runs everywhere
    mac = factories.cashbox(outlet, "Mac", "mac.local", platform=Platform.MACOS)
    refused(unsaved_scu(mac, SWISSBIT_CLOUD, **FCC), "package", "does not run on macOS")


def test_a_scu_package_must_be_of_the_outlets_country(till):
    refused(unsaved_scu(till, "fiskaltrust.Middleware.SCU.AT.PrimeSignHSM"), "package", "Choose an SCU package of this country")


def test_a_helper_package_must_be_in_the_catalog(till):
    helper = Helper(operator=till.operator, cashbox=till, package="my.own.helper", urls=["grpc://localhost:1600"])
    refused(helper, "package", "Choose one of")


def test_a_scu_on_the_machine_needs_a_url_and_a_hosted_one_has_none(cast, till):
    refused(unsaved_scu(till, url=None, TssId=TSS_ID, **factories.FISKALY_SECRETS), "urls", "give the URL its queues use")
    vienna = factories.cashbox(factories.outlet(cast.operator_org, 4, "AT"), "Wien", "wien.local")
    online = unsaved_scu(
        vienna,
        "signaturcloud-signing-atrustonline",
        url="grpc://localhost:1401",
        Url="https://atrust-online.signing.example.at/scu",
    )
    refused(online, "urls", "does not run on the machine")


# ---------------------------------------------------------------- SCUs per queue, per country


def test_a_german_queue_has_exactly_one_scu(till):
    queue = factories.queue(till, "Q-1")
    factories.link(queue, fiskaly_scu(till, url="grpc://localhost:1401"))
    second = QueueScuLink(operator=till.operator, queue=queue, scu=fiskaly_scu(till, url="grpc://localhost:1402"))
    refused(second, "scu", "a queue has exactly one SCU")


def test_backup_links_exist_only_in_austria(till):
    queue = factories.queue(till, "Q-1")
    link = QueueScuLink(operator=till.operator, queue=queue, scu=fiskaly_scu(till), mode=LinkMode.BACKUP)
    refused(link, "mode", "only in Austria")
    link.mode = LinkMode.NORMAL
    services.save(link)


@pytest.fixture
def vienna(cast):
    return factories.cashbox(factories.outlet(cast.operator_org, 4, "AT"), "Kasse Wien", "wien.local")


def test_an_austrian_queue_may_use_several_scus_with_modes(vienna):
    queue = factories.queue(vienna, "WIEN-1")
    card = factories.scu(vienna, "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", url="grpc://localhost:1401")
    online = factories.scu(
        vienna, "signaturcloud-signing-atrustonline", url=None, Url="https://atrust-online.signing.example.at/scu"
    )
    factories.link(queue, card)
    factories.link(queue, online, mode=LinkMode.BACKUP, timeout_s=30)
    assert queue.scu_links.count() == 2


def test_a_link_timeout_fits_in_one_byte(vienna):
    queue = factories.queue(vienna, "WIEN-1")
    online = factories.scu(
        vienna, "signaturcloud-signing-atrustonline", url=None, Url="https://atrust-online.signing.example.at/scu"
    )
    link = QueueScuLink(operator=vienna.operator, queue=queue, scu=online, timeout_s=256)
    refused(link, "timeout_s", "At most 255 seconds")
    link.timeout_s = 255
    services.save(link)


def test_a_queue_cannot_use_a_scu_of_another_country(cast, vienna):
    # Same outlet is impossible across countries, so the outlet rule answers first.
    german = fiskaly_scu(factories.cashbox(factories.outlet(cast.operator_org, 1), "DE", "de.local"))
    queue = factories.queue(vienna, "WIEN-1")
    refused(QueueScuLink(operator=vienna.operator, queue=queue, scu=german), "scu")


def test_a_one_client_tse_takes_one_queue(outlet):
    server = factories.cashbox(outlet, "Server", "server.local", MachineRole.SERVER)
    device = factories.device(outlet, "swissbit-cloud", cloud_account="fcc-1")
    assert device.max_clients == 1
    scu = factories.scu(server, SWISSBIT_CLOUD, url="grpc://localhost:1401", device=device, **FCC)
    first = factories.queue(factories.cashbox(outlet, "Till 1", "till1.local"), "T-1")
    factories.link(first, scu)
    second = factories.queue(factories.cashbox(outlet, "Till 2", "till2.local"), "T-2")
    refused(QueueScuLink(operator=outlet.operator, queue=second, scu=scu), "scu", "takes at most 1 queue as client")


def test_a_hundred_client_tse_takes_a_second_queue(outlet):
    server = factories.cashbox(outlet, "Server", "server.local", MachineRole.SERVER)
    device = factories.device(outlet, "swissbit", serial="SB-1", host_cashbox=server)
    assert device.max_clients == 100
    scu = factories.scu(server, SWISSBIT, url="grpc://localhost:1401", device=device, devicePath="D:")
    for number in (1, 2):
        factories.link(factories.queue(factories.cashbox(outlet, f"Till {number}", f"t{number}.local"), f"T-{number}"), scu)


# ---------------------------------------------------------------- SCU parameters against the catalog


def test_required_parameter_missing_is_refused(till):
    scu = unsaved_scu(till, **factories.FISKALY_SECRETS)
    refused(scu, "parameters.TssId", "This parameter is required")


def test_parameter_of_the_wrong_type_is_refused(till):
    refused(unsaved_scu(till, TssId="not-a-guid", **factories.FISKALY_SECRETS), "parameters.TssId", "Enter a GUID")
    scu = unsaved_scu(till, TssId=TSS_ID, FiskalyClientTimeout="soon", **factories.FISKALY_SECRETS)
    refused(scu, "parameters.FiskalyClientTimeout", "Enter a whole number")
    scu = unsaved_scu(till, TssId=TSS_ID, EnableTarFileExport="maybe", **factories.FISKALY_SECRETS)
    refused(scu, "parameters.EnableTarFileExport", "Enter true or false")


def test_unknown_parameter_is_refused(till):
    refused(
        unsaved_scu(till, TssId=TSS_ID, Colour="blue", **factories.FISKALY_SECRETS), "parameters", "Unknown parameters: Colour"
    )


def test_parameter_defaults_of_the_catalog_are_accepted(vienna):
    card = factories.scu(vienna, "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", url="grpc://localhost:1401")
    assert card.parameters["Reader"] == -1
    other = unsaved_scu(vienna, "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", url="grpc://localhost:1402", Reader=-2)
    refused(other, "parameters.Reader", "Enter a number of at least -1")


def test_french_scu_siret_must_be_the_outlets(cast):
    till = factories.cashbox(factories.outlet(cast.operator_org, 5, "FR", siret="73282932000074"))
    scu = unsaved_scu(till, "fiskaltrust.Middleware.SCU.FR.LNE", url=None, Siret="12345678901234", CompanyName="SARL")
    refused(scu, "parameters.Siret", "Siret must be the outlet's SIRET (73282932000074)")
    services.set_parameters(scu, {"Siret": "73282932000074", "CompanyName": "SARL"})
    services.save(scu)


# ---------------------------------------------------------------- secrets


def _raw_rows(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - a table name of ours
        return repr(cursor.fetchall())


def test_secrets_are_stored_encrypted(till):
    scu = fiskaly_scu(till)
    rows = _raw_rows(Scu)
    for secret in factories.FISKALY_SECRETS.values():
        assert secret not in rows
    assert fresh(scu).secrets == factories.FISKALY_SECRETS
    assert "ApiKey" not in fresh(scu).parameters
    assert till.access_token not in _raw_rows(CashBox)


def test_an_empty_secret_on_update_keeps_the_stored_one(till):
    scu = fresh(fiskaly_scu(till))
    services.set_parameters(scu, {"TssId": TSS_ID, "ApiKey": "", "ApiSecret": "new-secret", "AdminPin": None})
    services.save(scu)
    assert fresh(scu).secrets == {"ApiKey": "key-secret-1", "ApiSecret": "new-secret", "AdminPin": "pin-secret-3"}


def test_a_required_secret_never_given_is_refused(till):
    scu = unsaved_scu(till, TssId=TSS_ID, ApiKey="k", ApiSecret="s")
    refused(scu, "parameters.AdminPin", "This parameter is required")


# ---------------------------------------------------------------- revisions


@pytest.fixture
def published(cast, outlet, till):
    """A published till: fiskaly SCU with its device, a queue, a helper."""
    device = factories.device(outlet, "fiskaly", cloud_account=TSS_ID)
    scu = fiskaly_scu(till, device=device)
    queue = factories.queue(till, "Q-1")
    link = factories.link(queue, scu)
    helper = factories.helper(till)
    services.rebuild(till)
    assert not fresh(till).needs_rebuild
    return dict(cast=cast, outlet=outlet, till=till, device=device, scu=scu, queue=queue, link=link, helper=helper)


def _edit_queue(w):
    queue = fresh(w["queue"])
    queue.timeout_ms = 20000
    services.save(queue)


def _edit_scu(w):
    scu = fresh(w["scu"])
    services.set_parameters(scu, {"TssId": TSS_ID, "FiskalyClientTimeout": 60000})
    services.save(scu)


def _edit_helper(w):
    helper = fresh(w["helper"])
    helper.urls = ["http://localhost:1501/helper"]
    services.save(helper)


def _replace_link(w):
    QueueScuLink.objects.get(pk=w["link"].pk).delete()
    factories.link(w["queue"], fiskaly_scu(w["till"], url="grpc://localhost:1402"))


def _edit_cashbox(w):
    till = fresh(w["till"])
    till.hostname = "front-till.local"
    services.save(till)


def _edit_outlet(w):
    outlet = fresh(w["outlet"])
    outlet.name = "Renamed outlet"
    services.save(outlet)


def _edit_device(w):
    device = fresh(w["device"])
    device.description = "fiskaly TSS of the front till"
    services.save(device)


def _edit_operator(w):
    org = w["cast"].operator_org
    org.city = "Potsdam"
    org.save()


def _edit_dealer(w):
    dealer = w["cast"].dealer_org
    dealer.name = "Dealer A GmbH"
    dealer.save()


def _link_dealer(w):
    cast = w["cast"]
    OperatorLink.objects.create(dealer=cast.dealer2_org, operator=cast.operator_org, status=LinkStatus.ACTIVE)


def _edit_pos_system(w):
    pos_system = w["cast"].pos_system
    pos_system.software_version = "2"
    pos_system.save()


def _stop_queue(w):
    services.take_out_of_operation(fresh(w["queue"]))


CHANGES = {
    "queue edited": _edit_queue,
    "queue added": lambda w: factories.link(factories.queue(w["till"], "Q-2", url="grpc://localhost:1201"), w["scu"]),
    "queue taken out of operation": _stop_queue,
    "scu parameters edited": _edit_scu,
    "link replaced": _replace_link,
    "helper added": lambda w: factories.helper(w["till"], url="http://localhost:1502/second"),
    "helper edited": _edit_helper,
    "helper deleted": lambda w: services.delete(fresh(w["helper"])),
    "cashbox edited": _edit_cashbox,
    "outlet edited": _edit_outlet,
    "signing device edited": _edit_device,
    "operator master data edited": _edit_operator,
    "its PosSystem edited": _edit_pos_system,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_raises_the_revision_and_publishing_clears_it(published, change):
    till = published["till"]
    before = fresh(till).revision
    CHANGES[change](published)
    changed = fresh(till)
    assert changed.revision > before
    assert changed.needs_rebuild
    services.rebuild(changed)
    assert not fresh(till).needs_rebuild


@pytest.mark.parametrize("change", [_edit_dealer, _link_dealer], ids=["dealer master data edited", "dealer linked"])
def test_a_dealer_change_leaves_the_configuration_and_its_revision_alone(published, change):
    # Dealers are not in the master data: they are not the merchant's agencies.
    till = published["till"]
    before = fresh(till).revision
    change(published)
    assert fresh(till).revision == before
    assert not fresh(till).needs_rebuild


def test_rotating_the_access_token_does_not_ask_for_a_rebuild(published):
    till = fresh(published["till"])
    services.rotate_access_token(till)
    assert not fresh(till).needs_rebuild


def test_a_change_of_a_shared_scu_raises_the_revision_of_every_cashbox_using_it(outlet):
    server = factories.cashbox(outlet, "Server", "server.local", MachineRole.SERVER)
    scu = factories.scu(server, SWISSBIT, url="grpc://localhost:1401", devicePath="D:")
    till = factories.cashbox(outlet, "Till", "till.local")
    factories.link(factories.queue(till, "T-1"), scu)
    services.rebuild(till)
    scu = fresh(scu)
    scu.urls = ["grpc://localhost:1402"]
    services.save(scu)
    assert fresh(till).needs_rebuild
