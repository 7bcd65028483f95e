"""The configuration pages: outlets, CashBoxes, their parts, rebuild, configuration, access token."""

import json
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cashboxes import services, versions
from cashboxes.choices import ComponentState, MachineRole, Platform
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.choices import AuditAction
from portal.models import AuditEvent
from tests import factories
from tests.test_tenancy_cashboxes_ui import CASHBOX_UI

FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SWISSBIT = "fiskaltrust.Middleware.SCU.DE.Swissbit"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
MYSQL = "fiskaltrust.Middleware.Queue.MySQL"
HELPER = "fiskaltrust.Middleware.Helper.LocalPosSystemApi"
TSS_ID = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"
HTMX = {"HX-Request": "true"}


def htmx(target=None):
    return {**HTMX, "HX-Target": target} if target else HTMX


@pytest.fixture
def dealer(client, cast):
    client.force_login(cast.dealer)
    return client


def page(response):
    return response.content.decode()


def field_errors(response, name):
    """The messages shown under one field of a form (by the field's name)."""
    form = response.context["form"]
    return [str(error) for error in form.errors.get(name, [])]


def queue_data(identification="A-TILL-9", urls="grpc://localhost:1230", **extra):
    return {
        "cashbox_identification": identification,
        "package": SQLITE,
        "version": "",
        "urls": urls,
        "timeout_ms": 15000,
        **extra,
    }


def fiskaly_data(**extra):
    data = {
        "package": FISKALY,
        "version": "",
        "description": "fiskaly 2",
        "urls": "grpc://localhost:1420",
        "p_TssId": TSS_ID,
        "p_EnableTarFileExport": "on",
        "p_FiskalyClientTimeout": 120000,
        "p_ApiKey": "new-key",
        "p_ApiSecret": "new-secret",
        "p_AdminPin": "new-pin",
    }
    data.update(extra)
    return data


# ---------------------------------------------------------------- outlets


def test_dealer_creates_an_outlet_for_an_operator_it_may_change(dealer, cast):
    response = dealer.get(reverse("outlet-create"))
    choices = [str(pk) for pk, _label in response.context["form"].fields["operator"].choices if pk]
    assert choices == [str(cast.operator_org.pk)]  # not operator2 (dealer B's), not the dealer itself
    data = {"operator": cast.operator_org.pk, "number": 3, "name": "Filiale Nord", "address_line1": "Weg 1"}
    response = dealer.post(reverse("outlet-create"), data | {"postal_code": "20095", "city": "Hamburg", "country": "DE"})
    assert response.status_code == 302
    outlet = Outlet.objects.get(name="Filiale Nord")
    assert (outlet.operator, outlet.number) == (cast.operator_org, 3)


def test_operator_creates_an_outlet_of_its_own_without_choosing_an_operator(client, cast):
    client.force_login(cast.operator)
    response = client.get(reverse("outlet-create"))
    assert "operator" not in response.context["form"].fields
    data = {
        "operator": cast.operator2_org.pk,
        "number": 4,
        "name": "Own",
        "address_line1": "Weg 1",
        "postal_code": "1",
        "city": "C",
    }
    assert client.post(reverse("outlet-create"), data | {"country": "DE"}).status_code == 302
    assert Outlet.objects.get(name="Own").operator == cast.operator_org  # the posted operator is ignored


def test_dealer_cannot_add_an_outlet_to_another_dealers_operator(dealer, cast):
    data = {"operator": cast.operator2_org.pk, "number": 3, "name": "X", "address_line1": "W", "postal_code": "1", "city": "C"}
    response = dealer.post(reverse("outlet-create"), data | {"country": "DE"})
    assert response.status_code == 400
    assert field_errors(response, "operator")
    assert not Outlet.objects.filter(name="X").exists()


def test_outlet_with_a_taken_or_reserved_number_shows_the_error_on_the_number(dealer, cast, configs):
    base = {
        "operator": cast.operator_org.pk,
        "name": "Dup",
        "address_line1": "W",
        "postal_code": "1",
        "city": "C",
        "country": "DE",
    }
    response = dealer.post(reverse("outlet-create"), base | {"number": configs.a.outlet.number})
    assert response.status_code == 400
    assert field_errors(response, "number") == ["This PosOperator already has an outlet with this number."]
    response = dealer.post(reverse("outlet-create"), base | {"number": 2})
    assert field_errors(response, "number") == ["Outlet number 2 is reserved; choose another number."]


def test_french_outlet_without_its_siret_shows_the_error_on_the_siret(dealer, cast):
    data = {"operator": cast.operator_org.pk, "number": 9, "name": "Paris", "address_line1": "Rue 1", "postal_code": "75001"}
    response = dealer.post(reverse("outlet-create"), data | {"city": "Paris", "country": "FR"})
    assert response.status_code == 400
    assert field_errors(response, "siret") == ["An outlet in France needs its SIRET."]


def test_outlet_number_is_shown_read_only_once_saved(dealer, configs):
    outlet = configs.a.outlet
    url = reverse("outlet-edit", args=[outlet.pk])
    html = page(dealer.get(url))
    assert re.search(r'<input[^>]*name="number"[^>]*disabled', html)
    data = {"number": 77, "name": "Renamed", "address_line1": "W", "postal_code": "1", "city": "C", "country": "DE"}
    assert dealer.post(url, data).status_code == 302
    outlet.refresh_from_db()
    assert (outlet.number, outlet.name) == (1, "Renamed")


def test_outlet_list_shows_number_name_city_country_and_cashbox_count(dealer, configs):
    html = page(dealer.get(reverse("outlets")))
    row = re.search(rf'<tr id="outlet-{configs.a.outlet.pk}">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[:6] == ["Operator of A", "1", "Outlet 1", "Berlin", "DE", "3"]
    assert configs.b.outlet.name not in html or str(configs.b.outlet.pk) not in html


# ---------------------------------------------------------------- CashBoxes


def test_dealer_creates_a_cashbox_in_the_operators_outlet(dealer, cast, configs):
    data = {"outlet": configs.a.outlet.pk, "description": "Till 3", "machine_role": "pos", "hostname": "till3.local"}
    response = dealer.post(reverse("cashbox-create"), data | {"platform": "linux"})
    cashbox = CashBox.objects.get(description="Till 3")
    assert response.url == reverse("cashbox-detail", args=[cashbox.pk])
    assert cashbox.operator == cast.operator_org  # from the outlet, not from the client
    assert (cashbox.machine_role, cashbox.hostname, cashbox.platform) == ("pos", "till3.local", "linux")


def test_cashbox_with_a_bad_host_name_shows_the_error_on_the_host_name(dealer, configs):
    data = {"outlet": configs.a.outlet.pk, "description": "Bad", "machine_role": "pos", "hostname": "http://till:80"}
    response = dealer.post(reverse("cashbox-create"), data | {"platform": "windows"})
    assert response.status_code == 400
    assert field_errors(response, "hostname") == ["Enter a host name or an IP address, without scheme or port."]


def test_cashbox_cannot_be_created_in_another_dealers_outlet(dealer, configs):
    data = {"outlet": configs.b.outlet.pk, "description": "Sneaky", "machine_role": "pos", "hostname": "x", "platform": "windows"}
    response = dealer.post(reverse("cashbox-create"), data)
    assert response.status_code == 400
    assert field_errors(response, "outlet")
    assert not CashBox.objects.filter(description="Sneaky").exists()


def test_cashbox_stays_in_its_outlet_when_edited(dealer, cast, configs):
    other = factories.outlet(cast.operator_org, number=5)
    cashbox = configs.a.cashbox
    data = {
        "outlet": other.pk,
        "description": "Till one",
        "machine_role": "pos",
        "hostname": "till1.local",
        "platform": "windows",
    }
    assert dealer.post(reverse("cashbox-edit", args=[cashbox.pk]), data).status_code == 302
    cashbox.refresh_from_db()
    assert (cashbox.outlet, cashbox.description) == (configs.a.outlet, "Till one")


def test_cashbox_list_marks_the_ones_that_need_a_rebuild_and_shows_when_they_were_last_seen(dealer, configs):
    services.rebuild(configs.a.server)
    CashBox.objects.filter(pk=configs.a.server.pk).update(last_fetch_address="10.0.0.7", last_fetch_at="2026-01-02T03:04:05Z")
    html = page(dealer.get(reverse("cashboxes")))
    server = re.search(rf'<tr id="cashbox-{configs.a.server.pk}"[^>]*>(.*?)</tr>', html, re.S)
    till = re.search(rf'<tr id="cashbox-{configs.a.cashbox.pk}" class="due">(.*?)</tr>', html, re.S)
    assert "needs rebuild" in till.group(1)
    assert "needs rebuild" not in server.group(1)
    assert "from 10.0.0.7" in server.group(1)
    assert "never" in till.group(1)
    assert str(configs.b.cashbox.pk) not in html


def test_cashbox_list_searches_and_filters_with_the_filterset(dealer, configs):
    html = page(dealer.get(reverse("cashboxes"), {"q": "A-TILL-2"}))  # a queue's CashBoxIdentification
    assert f"cashbox-{configs.a.till2.pk}" in html
    assert f"cashbox-{configs.a.cashbox.pk}" not in html
    html = page(dealer.get(reverse("cashboxes"), {"machine_role": "server"}))
    assert f"cashbox-{configs.a.server.pk}" in html and f"cashbox-{configs.a.till2.pk}" not in html
    html = page(dealer.get(reverse("cashboxes"), {"needs_rebuild": "false"}))
    assert "No CashBoxes." in html


def test_cashbox_page_shows_its_queues_scus_links_devices_helpers_and_terminals(dealer, configs):
    a = configs.a
    html = page(dealer.get(reverse("cashbox-detail", args=[a.cashbox.pk])))
    for part in ("queue", "scu", "link", "device", "helper", "terminal"):
        assert f'id="{part}-{getattr(a, part).pk}"' in html
    assert "A-TILL-1" in html and "fiskaly cloud TSE" in html and "Handheld" in html
    assert "Revision" in html and "needs rebuild" in html
    assert reverse("scu-delete", args=[a.scu.pk]) not in html  # linked: in use
    assert reverse("helper-delete", args=[a.helper.pk]) in html  # never in operation, not used
    server_page = page(dealer.get(reverse("cashbox-detail", args=[a.server.pk])))
    assert "A-TILL-2" in server_page  # the server's SCU is used by the queue of another till


def test_cashbox_page_gives_htmx_the_section_it_asks_for(dealer, configs):
    response = dealer.get(reverse("cashbox-detail", args=[configs.a.cashbox.pk]), headers=htmx("queues"))
    html = page(response)
    assert html.lstrip().startswith('<section id="queues"')
    assert "<html" not in html and 'id="scus"' not in html


def test_reader_sees_the_cashbox_page_without_any_way_to_change_it(client, cast, configs):
    client.force_login(cast.dealer_reader)
    html = page(client.get(reverse("cashbox-detail", args=[configs.a.cashbox.pk])))
    assert "A-TILL-1" in html
    for route in ("queue-create", "scu-create", "cashbox-token-reveal", "cashbox-edit"):
        assert reverse(route, args=[configs.a.cashbox.pk]) not in html


def test_a_new_scu_form_suggests_a_free_port_and_the_newest_release(dealer, configs):
    url = reverse("scu-create", args=[configs.a.cashbox.pk]) + f"?package={FISKALY}"
    html = page(dealer.get(url))
    assert 'value="grpc://localhost:1400"' not in html and "grpc://localhost:1400" in html  # a free port, suggested
    assert f'value="{versions.newest(FISKALY)}"' in html


# ---------------------------------------------------------------- queues


def test_queue_form_is_a_fragment_for_htmx_and_a_page_otherwise(dealer, configs):
    url = reverse("queue-create", args=[configs.a.cashbox.pk])
    fragment = page(dealer.get(url, headers=htmx("queues-form")))
    full = page(dealer.get(url))
    assert fragment.lstrip().startswith('<div class="part-form inline-form">')
    assert "<html" not in fragment and f'hx-post="{url}"' in fragment
    assert "<html" in full and "hx-post" not in full.split('<div class="part-form')[1]
    assert 'value="grpc://localhost:1201"' not in full and "grpc://localhost:1201" in full  # a free port, suggested


def test_queue_added_inline_comes_back_as_the_refreshed_sections(dealer, configs):
    cashbox = configs.a.cashbox
    response = dealer.post(reverse("queue-create", args=[cashbox.pk]), queue_data("A-TILL-9"), headers=htmx())
    html = page(response)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#queues" and response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<section id="queues"') and "A-TILL-9" in html
    assert '<section id="status" class="card status-bar due" hx-swap-oob="true">' in html
    assert '<div id="messages" hx-swap-oob="true"><p class="message success" role="status">A-TILL-9 saved.</p>' in html
    queue = Queue.objects.get(cashbox_identification="A-TILL-9")
    assert (queue.cashbox, queue.country, queue.urls) == (cashbox, "DE", ["grpc://localhost:1230"])


def test_queue_added_without_javascript_redirects_to_the_cashbox(dealer, configs):
    response = dealer.post(reverse("queue-create", args=[configs.a.cashbox.pk]), queue_data("A-TILL-9"))
    assert response.url == reverse("cashbox-detail", args=[configs.a.cashbox.pk]) + "#queues"


def test_queue_with_a_taken_identification_shows_the_error_on_the_field(dealer, configs):
    url = reverse("queue-create", args=[configs.a.cashbox.pk])
    response = dealer.post(url, queue_data("A-TILL-2"))  # the other till's queue
    assert response.status_code == 400
    assert field_errors(response, "cashbox_identification") == [
        "Another queue of this PosOperator has this CashBoxIdentification."
    ]
    fragment = dealer.post(url, queue_data("A-TILL-2"), headers=htmx())
    assert fragment.status_code == 200  # htmx swaps 2xx only: the fragment comes back with its message
    assert "Another queue of this PosOperator" in page(fragment) and "<html" not in page(fragment)


def test_queue_url_the_platform_cannot_serve_shows_the_error_on_the_urls(dealer, configs):
    response = dealer.post(reverse("queue-create", args=[configs.a.server.pk]), queue_data(urls="http://localhost:1250"))
    assert response.status_code == 400
    assert field_errors(response, "urls")[0].startswith("http:// is not supported on Linux")


def test_queue_on_a_port_the_machine_already_uses_shows_the_error_on_the_urls(dealer, configs):
    response = dealer.post(reverse("queue-create", args=[configs.a.cashbox.pk]), queue_data(urls="grpc://localhost:1401"))
    assert field_errors(response, "urls") == ["Port 1401 is already used by FiskalyCertified on this machine."]


def test_mysql_queue_needs_its_connection_string_and_sqlite_refuses_one(dealer, configs):
    url = reverse("queue-create", args=[configs.a.cashbox.pk])
    response = dealer.post(url, queue_data(package=MYSQL))
    assert field_errors(response, "p_connectionstring") == ["connectionstring: This parameter is required."]
    response = dealer.post(url, queue_data(p_connectionstring="Server=db;Password=x"))
    assert field_errors(response, "p_connectionstring") == ["SQLite does not use this parameter."]
    response = dealer.post(url, queue_data(package=MYSQL, p_connectionstring="Server=db;Password=x"))
    assert response.status_code == 302
    assert Queue.objects.get(cashbox_identification="A-TILL-9").secrets == {"connectionstring": "Server=db;Password=x"}


def test_queue_identification_is_read_only_once_saved(dealer, configs):
    queue = configs.a.queue
    url = reverse("queue-edit", args=[queue.pk])
    assert re.search(r'<input[^>]*name="cashbox_identification"[^>]*disabled', page(dealer.get(url)))
    response = dealer.post(url, queue_data("RENAMED", urls="grpc://localhost:1200", description="Front till"))
    assert response.status_code == 302
    queue.refresh_from_db()
    assert (queue.cashbox_identification, queue.description) == ("A-TILL-1", "Front till")


def test_queue_in_operation_is_taken_out_of_operation_and_never_deleted(dealer, configs):
    queue = configs.a.queue
    Queue.objects.filter(pk=queue.pk).update(state=ComponentState.IN_OPERATION)
    detail = page(dealer.get(reverse("cashbox-detail", args=[configs.a.cashbox.pk])))
    assert reverse("queue-retire", args=[queue.pk]) in detail
    assert reverse("queue-delete", args=[queue.pk]) not in detail
    response = dealer.post(reverse("queue-delete", args=[queue.pk]), follow=True)
    assert "was in operation and cannot be deleted" in page(response)
    response = dealer.post(reverse("queue-retire", args=[queue.pk]), headers=htmx())
    assert "is out of operation." in page(response)
    queue.refresh_from_db()
    assert queue.state == ComponentState.OUT_OF_OPERATION and queue.stop_moment is not None


def test_queue_never_in_operation_is_deleted(dealer, configs):
    spare = factories.queue(configs.a.cashbox, "A-SPARE", url="grpc://localhost:1210")
    assert reverse("queue-delete", args=[spare.pk]) in page(dealer.get(reverse("cashbox-detail", args=[configs.a.cashbox.pk])))
    dealer.post(reverse("queue-delete", args=[spare.pk]))
    assert not Queue.objects.filter(pk=spare.pk).exists()


def test_queue_with_links_is_not_deleted_and_the_page_says_why(dealer, configs):
    response = dealer.post(reverse("queue-delete", args=[configs.a.queue.pk]), headers=htmx())
    assert "A-TILL-1 is still in use (linked or referenced); remove that first." in page(response)
    assert Queue.objects.filter(pk=configs.a.queue.pk).exists()


# ---------------------------------------------------------------- SCUs


def test_scu_form_first_offers_the_signing_options_of_the_outlets_country(dealer, cast, configs):
    html = page(dealer.get(reverse("scu-create", args=[configs.a.cashbox.pk])))
    assert FISKALY in html and SWISSBIT in html and "ATrustSmartcard" not in html
    assert 'name="p_TssId"' not in html  # parameters come in step two
    vienna = factories.cashbox(factories.outlet(cast.operator_org, number=6, country="AT"), "Wien")
    html = page(dealer.get(reverse("scu-create", args=[vienna.pk])))
    assert "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard" in html and FISKALY not in html


def test_scu_parameter_fields_come_from_the_catalog(dealer, configs):
    url = reverse("scu-create", args=[configs.a.cashbox.pk])
    response = dealer.get(url, {"package": FISKALY}, headers=htmx("scus-form"))
    form = response.context["form"]
    assert form.fields["p_TssId"].required and form.fields["p_ApiKey"].required
    assert not form.fields["p_CertificationId"].required
    assert form["p_FiskalyClientTimeout"].value() == 120000  # the default, as initial value
    assert form.fields["p_EnableTarFileExport"].widget.input_type == "checkbox"
    html = page(response)
    assert re.search(r'<input type="password" name="p_ApiSecret"[^>]*required', html)
    assert re.search(r'<input type="number" name="p_ProxyPort"', html)
    assert '<input type="hidden" name="package" value="fiskaltrust.Middleware.SCU.DE.FiskalyCertified">' in html


def test_unknown_signing_option_sends_back_to_the_first_step(dealer, configs):
    response = dealer.post(
        reverse("scu-create", args=[configs.a.cashbox.pk]), {"package": "fiskaltrust.Middleware.SCU.AT.PrimeSignHSM"}
    )
    assert response.status_code == 400
    assert response.context["chooser"].errors["package"]


def test_fiskaly_scu_is_created_with_its_secrets_encrypted(dealer, configs):
    response = dealer.post(reverse("scu-create", args=[configs.a.cashbox.pk]), fiskaly_data())
    assert response.status_code == 302
    scu = Scu.objects.get(description="fiskaly 2")
    assert scu.parameters == {"TssId": TSS_ID, "EnableTarFileExport": True, "FiskalyClientTimeout": 120000}
    assert scu.secrets == {"ApiKey": "new-key", "ApiSecret": "new-secret", "AdminPin": "new-pin"}
    assert "new-key" not in scu.secrets_encrypted


def test_scu_with_a_bad_tss_id_or_without_a_secret_shows_the_error_on_that_field(dealer, configs):
    url = reverse("scu-create", args=[configs.a.cashbox.pk])
    response = dealer.post(url, fiskaly_data(p_TssId="not-a-guid"))
    assert response.status_code == 400
    assert field_errors(response, "p_TssId") == ["TssId: Enter a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6."]
    response = dealer.post(url, fiskaly_data(p_AdminPin=""))
    assert field_errors(response, "p_AdminPin") == ["This field is required."]


def test_stored_secret_shows_set_and_an_empty_field_keeps_it(dealer, configs):
    scu = configs.a.scu
    url = reverse("scu-edit", args=[scu.pk])
    response = dealer.get(url)
    assert not response.context["form"].fields["p_ApiKey"].required
    html = page(response)
    assert html.count('<span class="badge set">set</span>') == 3
    data = fiskaly_data(urls="grpc://localhost:1401", p_ApiKey="", p_ApiSecret="", p_AdminPin="rotated-pin")
    assert dealer.post(url, data).status_code == 302
    scu.refresh_from_db()
    assert scu.secrets == {**factories.FISKALY_SECRETS, "AdminPin": "rotated-pin"}


def test_secrets_never_appear_on_any_page(dealer, configs):
    a = configs.a
    typed = "typed-but-refused-secret"
    detail = reverse("cashbox-detail", args=[a.cashbox.pk])
    world = SimpleNamespace(configs=configs)
    every_page = [
        reverse(name, args=[pk(world)] if pk else []) for name, method, pk, _body, _status in CASHBOX_UI if method == "get"
    ]
    pages = [
        *(dealer.get(url) for url in every_page),
        *(dealer.get(url, headers=htmx("scus")) for url in every_page),
        dealer.get(reverse("cashboxes")),
        dealer.get(detail),
        dealer.get(detail, headers=htmx("scus")),
        dealer.get(reverse("scu-edit", args=[a.scu.pk])),
        dealer.get(reverse("scu-edit", args=[a.scu.pk]), headers=htmx("scus-form")),
        dealer.post(reverse("scu-edit", args=[a.scu.pk]), fiskaly_data(p_TssId="bad", p_ApiKey=typed)),
        dealer.post(reverse("scu-edit", args=[a.scu.pk]), fiskaly_data(p_TssId="bad", p_ApiKey=typed), headers=htmx()),
        dealer.get(reverse("scu-create", args=[a.cashbox.pk]), {"package": FISKALY}),
        dealer.get(reverse("cashbox-rebuild", args=[a.cashbox.pk])),
        dealer.get(reverse("cashbox-configuration", args=[a.cashbox.pk])),
        dealer.get(reverse("cashbox-configuration", args=[a.cashbox.pk]), {"download": "1"}),
        dealer.post(reverse("cashbox-rebuild", args=[a.cashbox.pk]), follow=True),
        dealer.get(reverse("cashbox-configuration", args=[a.cashbox.pk])),
        dealer.get(reverse("cashbox-configuration", args=[a.cashbox.pk]), {"revision": "current"}),
        dealer.post(reverse("link-create", args=[a.cashbox.pk]), {"queue": a.queue.pk, "scu": a.scu.pk}),
    ]
    for response in pages:
        html = page(response)
        for secret in [*factories.FISKALY_SECRETS.values(), typed]:
            assert secret not in html, response.request["PATH_INFO"]


# ---------------------------------------------------------------- links, helpers, terminals, devices


def test_link_offers_only_scus_of_the_same_outlet_and_country(dealer, cast, configs):
    other_outlet = factories.outlet(cast.operator_org, number=5)
    elsewhere = factories.scu(
        factories.cashbox(other_outlet, "Far", "far.local"), FISKALY, TssId=TSS_ID, **factories.FISKALY_SECRETS
    )
    form = dealer.get(reverse("link-create", args=[configs.a.till2.pk])).context["form"]
    offered = set(form.fields["scu"].queryset)
    assert offered == {configs.a.scu, configs.a.server_scu}
    assert elsewhere not in offered and configs.b.scu not in offered
    assert set(form.fields["queue"].queryset) == {configs.a.till2_queue}
    assert "mode" not in form.fields  # a German queue has exactly one SCU, no modes
    response = dealer.post(
        reverse("link-create", args=[configs.a.till2.pk]), {"queue": configs.a.till2_queue.pk, "scu": elsewhere.pk}
    )
    assert response.status_code == 400 and field_errors(response, "scu")


def test_second_scu_of_a_german_queue_shows_the_error_on_the_scu(dealer, configs):
    a = configs.a
    response = dealer.post(reverse("link-create", args=[a.cashbox.pk]), {"queue": a.queue.pk, "scu": a.server_scu.pk})
    assert response.status_code == 400
    assert field_errors(response, "scu") == ["In Germany a queue has exactly one SCU."]


def test_austrian_queue_links_with_a_mode(dealer, cast):
    outlet = factories.outlet(cast.operator_org, number=6, country="AT")
    till = factories.cashbox(outlet, "Wien", "wien.local")
    queue = factories.queue(till, "WIEN-1")
    online = factories.scu(
        till, "signaturcloud-signing-atrustonline", url=None, Url="https://atrust-online.signing.example.at/scu"
    )
    card = factories.scu(till, "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard", url="grpc://localhost:1402")
    url = reverse("link-create", args=[till.pk])
    assert "mode" in dealer.get(url).context["form"].fields
    dealer.post(url, {"queue": queue.pk, "scu": card.pk, "mode": "normal"})
    dealer.post(url, {"queue": queue.pk, "scu": online.pk, "mode": "backup", "timeout_s": 10})
    assert dict(QueueScuLink.objects.filter(queue=queue).values_list("scu", "mode")) == {card.pk: "normal", online.pk: "backup"}
    response = dealer.post(url, {"queue": queue.pk, "scu": card.pk, "mode": "deactivated"})
    assert field_errors(response, "scu") == ["This queue is already linked to this SCU."]


def test_link_is_removed_from_the_cashbox_page(dealer, configs):
    response = dealer.post(reverse("link-delete", args=[configs.a.link.pk]), headers=htmx())
    assert response["HX-Retarget"] == "#links"
    assert "No links yet" in page(response)
    assert not QueueScuLink.objects.filter(pk=configs.a.link.pk).exists()


def test_helper_is_added_with_free_parameters(dealer, configs):
    data = {"package": HELPER, "version": "1.3.85", "urls": "grpc://localhost:1600", "parameters": "mode=local\nretries=3"}
    assert dealer.post(reverse("helper-create", args=[configs.a.cashbox.pk]), data).status_code == 302
    helper = Helper.objects.get(urls=["grpc://localhost:1600"])
    assert helper.parameters == {"mode": "local", "retries": "3"}
    response = dealer.post(reverse("helper-create", args=[configs.a.cashbox.pk]), data | {"parameters": "no equals sign"})
    assert field_errors(response, "parameters") == ["Write one name=value per line."]


def test_terminal_with_an_id_its_queue_already_has_shows_the_error(dealer, configs):
    url = reverse("terminal-create", args=[configs.a.cashbox.pk])
    response = dealer.post(url, {"queue": configs.a.queue.pk, "name": "Second", "terminal_id": "T1"})
    assert response.status_code == 400
    assert field_errors(response, "terminal_id") == ["This queue already has a terminal with this cbTerminalID."]
    assert dealer.post(url, {"queue": configs.a.queue.pk, "name": "Second", "terminal_id": "T2"}).status_code == 302
    assert Terminal.objects.get(terminal_id="T2").queue == configs.a.queue
    assert dealer.post(url, {"queue": configs.b.queue.pk, "name": "X", "terminal_id": "T3"}).status_code == 400


def test_signing_device_takes_the_catalogs_client_limit_and_returns_to_its_cashbox(dealer, configs):
    url = reverse("device-create", args=[configs.a.server.pk])
    response = dealer.post(url, {"vendor": "cryptovision", "serial": "CV-1", "host_cashbox": configs.a.server.pk})
    assert response.url == reverse("cashbox-detail", args=[configs.a.server.pk]) + "#devices"
    device = SigningDevice.objects.get(serial="CV-1")
    assert (device.kind, device.max_clients, device.outlet) == ("hardware", 128, configs.a.outlet)
    edit = reverse("device-edit", args=[device.pk]) + f"?cashbox={configs.a.till2.pk}"
    response = dealer.post(edit, {"vendor": "cryptovision", "serial": "CV-2", "host_cashbox": configs.a.server.pk})
    assert response.url == reverse("cashbox-detail", args=[configs.a.till2.pk]) + "#devices"
    response = dealer.post(url, {"vendor": "atrust-smartcard"})
    assert response.status_code == 400 and field_errors(response, "vendor")


# ---------------------------------------------------------------- rebuild and configuration


def test_rebuild_shows_the_diff_first_then_publishes(dealer, configs):
    cashbox = CashBox.objects.get(pk=configs.a.cashbox.pk)
    url = reverse("cashbox-rebuild", args=[cashbox.pk])
    html = page(dealer.get(url))
    assert "init_ftSignaturCreationUnitDE" in html
    assert f"Publish revision {cashbox.revision}</button>" in html
    assert not CashBox.objects.get(pk=cashbox.pk).published_id  # looking publishes nothing
    response = dealer.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cashbox-detail", args=[cashbox.pk])
    assert f"Revision {cashbox.revision} published." in page(response)
    assert "up to date" in page(response)
    assert "Nothing to publish" in page(dealer.get(url))

    helper = configs.a.helper
    helper.version = "1.3.7"
    services.save(helper)
    html = page(dealer.get(url, headers=htmx("rebuild-slot")))
    assert html.lstrip().startswith('<div class="rebuild inline-form">')
    assert f"<code>helpers[{helper.pk}].Version</code>" in html
    assert f"<pre>{factories.HELPER_VERSION}</pre>" in html and "<pre>1.3.7</pre>" in html
    response = dealer.post(url, headers=htmx())
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("cashbox-detail", args=[cashbox.pk])
    assert CashBox.objects.get(pk=cashbox.pk).published.revision == CashBox.objects.get(pk=cashbox.pk).revision


def test_rebuild_with_problems_lists_them_and_offers_no_button(dealer, configs):
    factories.queue(configs.a.cashbox, "A-LONELY", url="grpc://localhost:1211")
    html = page(dealer.get(reverse("cashbox-rebuild", args=[configs.a.cashbox.pk])))
    assert "Queue A-LONELY has no SCU: link it to one first." in html
    assert "Publish revision" not in html
    response = dealer.post(reverse("cashbox-rebuild", args=[configs.a.cashbox.pk]), follow=True)
    assert "Queue A-LONELY has no SCU" in page(response)
    assert CashBox.objects.get(pk=configs.a.cashbox.pk).published_id is None


def test_reader_sees_the_pending_diff_but_cannot_publish(client, cast, configs):
    client.force_login(cast.dealer_reader)
    html = page(client.get(reverse("cashbox-rebuild", args=[configs.a.cashbox.pk])))
    assert "init_ftSignaturCreationUnitDE" in html and "Publish revision" not in html


def test_configuration_is_pretty_masked_json_with_a_download(dealer, configs):
    cashbox = CashBox.objects.get(pk=configs.a.cashbox.pk)
    url = reverse("cashbox-configuration", args=[cashbox.pk])
    response = dealer.get(url)
    shown = json.loads(
        re.search(r'<pre class="json" id="configuration-json">(.*?)</pre>', page(response), re.S).group(1).replace("&quot;", '"')
    )
    assert response.context["current"] and "nothing is published yet" in page(response)
    [scu] = shown["ftSignaturCreationDevices"]
    assert {scu["Configuration"][name] for name in factories.FISKALY_SECRETS} == {"***"}
    download = dealer.get(url, {"download": "1"})
    assert download["Content-Type"].startswith("application/json")
    assert download["Content-Disposition"] == f'attachment; filename="cashbox-{cashbox.pk}-r{cashbox.revision}.json"'
    assert json.loads(download.content)["ftCashBoxId"] == str(cashbox.pk)


def test_configuration_shows_the_published_snapshot_once_there_is_one(dealer, configs):
    cashbox = configs.a.cashbox
    publication = services.rebuild(cashbox)
    factories.helper(cashbox, url="grpc://localhost:1501")
    url = reverse("cashbox-configuration", args=[cashbox.pk])
    published = dealer.get(url)
    assert not published.context["current"] and published.context["revision"] == publication.revision
    assert json.loads(dealer.get(url, {"download": "1"}).content) == publication.configuration_masked
    current = dealer.get(url, {"revision": "current"})
    assert current.context["revision"] == CashBox.objects.get(pk=cashbox.pk).revision > publication.revision


# ---------------------------------------------------------------- access token


def test_reveal_shows_the_token_once_and_is_in_the_audit_log(dealer, cast, configs):
    cashbox = configs.a.cashbox
    detail = page(dealer.get(reverse("cashbox-detail", args=[cashbox.pk])))
    assert cashbox.access_token not in detail
    response = dealer.post(reverse("cashbox-token-reveal", args=[cashbox.pk]))
    assert response.status_code == 200 and cashbox.access_token in page(response)
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action=AuditAction.REVEAL, object_id=str(cashbox.pk)).get()
    assert event.actor == cast.dealer
    fragment = page(dealer.post(reverse("cashbox-token-reveal", args=[cashbox.pk]), headers=htmx()))
    assert fragment.lstrip().startswith('<section id="access-token"') and cashbox.access_token in fragment


def test_rotate_asks_first_then_shows_the_new_token_and_the_old_one_stops_working(dealer, client, configs):
    cashbox = configs.a.cashbox
    old = cashbox.access_token
    url = reverse("cashbox-token-rotate", args=[cashbox.pk])
    confirm = dealer.get(url, headers=htmx("token-slot"))
    assert "Rotate now" in page(confirm)
    assert CashBox.objects.get(pk=cashbox.pk).access_token == old  # asking changes nothing
    response = dealer.post(url, headers=htmx())
    new = CashBox.objects.get(pk=cashbox.pk).access_token
    assert new != old and new in page(response) and old not in page(response)
    assert client.get(reverse("launcher-configuration", args=[cashbox.pk]), headers={"accesstoken": old}).status_code == 401


# ---------------------------------------------------------------- query counts


def count_queries(client, url):
    client.get(url)  # warm-up: session, content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_cashbox_list_runs_the_same_number_of_queries_for_2_or_50_cashboxes(dealer, cast):
    outlet = factories.outlet(cast.operator_org)
    for n in range(2):
        factories.queue(factories.cashbox(outlet, f"Till {n}", f"till{n}.local"), f"Q-{n}")
    few = count_queries(dealer, reverse("cashboxes"))
    few_outlets = count_queries(dealer, reverse("outlets"))
    for n in range(2, 50):
        factories.queue(
            factories.cashbox(factories.outlet(cast.operator_org, number=n + 1), f"Till {n}", f"till{n}.local"), f"Q-{n}"
        )
    assert CashBox.objects.count() == 50
    assert count_queries(dealer, reverse("cashboxes")) == few
    assert count_queries(dealer, reverse("outlets")) == few_outlets


def build_cashbox(outlet, name, size):
    """A CashBox with `size` queues (each linked to its own SCU, with a terminal), SCUs, helpers."""
    cashbox = factories.cashbox(outlet, name, f"{name}.local", role=MachineRole.SERVER, platform=Platform.WINDOWS)
    for n in range(size):
        queue = factories.queue(cashbox, f"{name}-Q{n}", url=f"grpc://localhost:{2000 + n}")
        scu = factories.scu(cashbox, FISKALY, url=f"grpc://localhost:{3000 + n}", TssId=TSS_ID, **factories.FISKALY_SECRETS)
        factories.link(queue, scu)
        factories.terminal(queue, f"T{n}")
        factories.helper(cashbox, url=f"grpc://localhost:{4000 + n}")
        factories.device(outlet, "swissbit", serial=f"{name}-{n}", host_cashbox=cashbox)
    return cashbox


def test_cashbox_page_runs_the_same_number_of_queries_for_2_or_50_parts(dealer, cast):
    small = build_cashbox(factories.outlet(cast.operator_org, number=1), "small", 2)
    large = build_cashbox(factories.outlet(cast.operator_org, number=3), "large", 50)
    assert large.queues.count() == 50
    url = reverse("cashbox-detail", args=[small.pk])
    assert count_queries(dealer, reverse("cashbox-detail", args=[large.pk])) == count_queries(dealer, url)


# ---------------------------------------------------------------- what the middleware does with it


def test_taking_a_queue_out_of_operation_asks_for_the_out_of_operation_receipt_first(dealer, configs):
    queue = Queue.objects.get(pk=configs.a.queue.pk)
    queue.state = ComponentState.IN_OPERATION
    services.save(queue)
    html = page(dealer.get(reverse("cashbox-detail", args=[configs.a.cashbox.pk])))
    assert "Send the out-of-operation receipt from the POS first" in html


def test_a_queue_that_has_run_says_the_middleware_keeps_its_timeout(dealer, configs):
    queue = Queue.objects.get(pk=configs.a.queue.pk)
    url = reverse("queue-edit", args=[queue.pk])
    assert "keeps the timeout it started with" not in page(dealer.get(url))
    CashBox.objects.filter(pk=configs.a.cashbox.pk).update(last_fetch_at=timezone.now())  # a launcher fetched it
    assert "keeps the timeout it started with" in page(dealer.get(url))


def test_a_french_scu_shows_the_portals_own_certificate(dealer, cast):
    paris = factories.outlet(cast.operator_org, 6, "FR", city="Paris", postal_code="75001")
    till = factories.cashbox(paris, "Caisse", "caisse.local")
    scu = factories.scu(till, "fiskaltrust.Middleware.SCU.FR.LNE", url=None, Siret=paris.siret, CompanyName="Café SARL")
    html = page(dealer.get(reverse("cashbox-detail", args=[till.pk])))
    assert scu.certificate_serial and scu.certificate_serial in html
    assert "not issued by fiskaltrust" in html
