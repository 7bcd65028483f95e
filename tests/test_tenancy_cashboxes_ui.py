"""The tenancy matrix of the configuration's pages (see tests/test_tenancy_matrix.py).

Every object is one of `configs.a`, owned by dealer A's operator (`operator`, full rights to
dealer A). Dealer A and the operator may read and write it (200 / 302), dealer A's read-only
member may read it (200) but not write (403), the creator and dealer B never see it (404),
anonymous users are sent to the login. Parts that a successful POST deletes are made fresh by
the url argument (one per case), so each role acts on its own.
"""

import pytest

from tests import factories
from tests.tenancy import cases, run_ui_case, ui

FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
HELPER = "fiskaltrust.Middleware.Helper.LocalPosSystemApi"
TSS_ID = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"

# Expected statuses on one object of configs.a
READ = ui(404, dealer=200, dealer_reader=200, operator=200)
WRITE_FORM = ui(404, dealer=200, dealer_reader=403, operator=200)
WRITE = ui(404, dealer=302, dealer_reader=403, operator=302)
SHOWN_ONCE = ui(404, dealer=200, dealer_reader=403, operator=200)  # the access token, on the page


def spare_queue(w):
    return factories.queue(w.configs.a.cashbox, "A-SPARE", url="grpc://localhost:1210")


def spare_scu(w):
    return factories.scu(w.configs.a.cashbox, FISKALY, url="grpc://localhost:1410", TssId=TSS_ID, **factories.FISKALY_SECRETS)


def outlet_body(w):
    a = w.configs.a.outlet
    return {
        "operator": w.cast.operator_org.pk,
        "number": 7,
        "name": "Seven",
        "address_line1": a.address_line1,
        "postal_code": a.postal_code,
        "city": a.city,
        "country": "DE",
    }


def cashbox_body(w):
    return {
        "outlet": w.configs.a.outlet.pk,
        "description": "New till",
        "machine_role": "pos",
        "hostname": "new.local",
        "platform": "windows",
    }


def queue_body(identification):
    return {
        "cashbox_identification": identification,
        "package": SQLITE,
        "version": "",
        "urls": "grpc://localhost:1220",
        "timeout_ms": 15000,
    }


def scu_body(**extra):
    return {
        "package": FISKALY,
        "version": "",
        "description": "fiskaly 2",
        "urls": "grpc://localhost:1420",
        "p_TssId": TSS_ID,
        "p_FiskalyClientTimeout": 120000,
        **{f"p_{name}": value for name, value in factories.FISKALY_SECRETS.items()},
        **extra,
    }


# (route name, method, url argument from the world, form data, expected statuses)
CASHBOX_UI = [
    ("outlets", "get", None, None, ui(200)),
    ("outlet-create", "get", None, None, ui(403, dealer=200, dealer2=200, operator=200)),
    # dealer B may add outlets to its own operator, not to dealer A's: the choice is refused.
    ("outlet-create", "post", None, outlet_body, ui(403, dealer=302, dealer2=400, operator=302)),
    ("outlet-edit", "get", lambda w: w.configs.a.outlet.pk, None, WRITE_FORM),
    ("outlet-edit", "post", lambda w: w.configs.a.outlet.pk, outlet_body, WRITE),
    ("cashboxes", "get", None, None, ui(200)),
    # Starting a job redirects to its page; a package is refused (message, redirect) until rebuilt.
    ("outlet-validate", "post", lambda w: w.configs.a.outlet.pk, None, ui(404, dealer=302, dealer_reader=302, operator=302)),
    ("outlet-package", "post", lambda w: w.configs.a.outlet.pk, None, ui(404, dealer=302, dealer_reader=403, operator=302)),
    ("cashbox-validate", "post", lambda w: w.configs.a.cashbox.pk, None, ui(404, dealer=302, dealer_reader=302, operator=302)),
    ("cashbox-package", "post", lambda w: w.configs.a.cashbox.pk, None, ui(404, dealer=302, dealer_reader=403, operator=302)),
    (
        "organization-validate",
        "post",
        lambda w: w.cast.operator_org.pk,
        None,
        ui(404, dealer=302, dealer_reader=302, operator=302),
    ),
    (
        "organization-validate",
        "post",
        lambda w: w.cast.dealer_org.pk,
        None,
        ui(404, dealer=403, dealer_reader=403, operator=403, creator=403),
    ),
    (
        "organization-validate-operators",
        "post",
        lambda w: w.cast.dealer_org.pk,
        None,
        ui(404, dealer=302, dealer_reader=302, operator=403, creator=403),
    ),
    (
        "organization-validate-operators",
        "post",
        lambda w: w.cast.operator_org.pk,
        None,
        ui(404, dealer=403, dealer_reader=403, operator=403),
    ),
    ("cashbox-create", "get", None, None, ui(403, dealer=200, dealer2=200, operator=200)),
    ("cashbox-create", "post", None, cashbox_body, ui(403, dealer=302, dealer2=400, operator=302)),
    ("cashbox-detail", "get", lambda w: w.configs.a.cashbox.pk, None, READ),
    ("cashbox-edit", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    ("cashbox-edit", "post", lambda w: w.configs.a.cashbox.pk, cashbox_body, WRITE),
    ("cashbox-rebuild", "get", lambda w: w.configs.a.cashbox.pk, None, READ),
    ("cashbox-rebuild", "post", lambda w: w.configs.a.cashbox.pk, None, WRITE),
    ("cashbox-configuration", "get", lambda w: w.configs.a.cashbox.pk, None, READ),
    ("cashbox-token-reveal", "post", lambda w: w.configs.a.cashbox.pk, None, SHOWN_ONCE),
    ("cashbox-token-rotate", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    ("cashbox-token-rotate", "post", lambda w: w.configs.a.cashbox.pk, None, SHOWN_ONCE),
    ("queue-create", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    ("queue-create", "post", lambda w: w.configs.a.cashbox.pk, queue_body("A-NEW-1"), WRITE),
    ("queue-edit", "get", lambda w: w.configs.a.queue.pk, None, WRITE_FORM),
    ("queue-edit", "post", lambda w: w.configs.a.queue.pk, queue_body("A-TILL-1") | {"urls": "grpc://localhost:1200"}, WRITE),
    ("queue-retire", "post", lambda w: w.configs.a.queue.pk, None, WRITE),
    ("queue-delete", "post", lambda w: spare_queue(w).pk, None, WRITE),
    ("scu-create", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    ("scu-create", "post", lambda w: w.configs.a.cashbox.pk, scu_body(), WRITE),
    ("scu-edit", "get", lambda w: w.configs.a.scu.pk, None, WRITE_FORM),
    ("scu-edit", "post", lambda w: w.configs.a.scu.pk, scu_body(urls="grpc://localhost:1401", p_ApiKey=""), WRITE),
    ("scu-retire", "post", lambda w: w.configs.a.scu.pk, None, WRITE),
    ("scu-delete", "post", lambda w: spare_scu(w).pk, None, WRITE),
    ("helper-create", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    (
        "helper-create",
        "post",
        lambda w: w.configs.a.cashbox.pk,
        {"package": HELPER, "version": "1.3.85", "urls": "grpc://localhost:1600"},
        WRITE,
    ),
    ("helper-edit", "get", lambda w: w.configs.a.helper.pk, None, WRITE_FORM),
    ("helper-edit", "post", lambda w: w.configs.a.helper.pk, {"version": "1.3.7", "urls": "http://localhost:1500/helper"}, WRITE),
    ("helper-retire", "post", lambda w: w.configs.a.helper.pk, None, WRITE),
    ("helper-delete", "post", lambda w: w.configs.a.helper.pk, None, WRITE),
    ("terminal-create", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    (
        "terminal-create",
        "post",
        lambda w: w.configs.a.cashbox.pk,
        lambda w: {"queue": w.configs.a.queue.pk, "name": "Pad", "terminal_id": "T2"},
        WRITE,
    ),
    ("terminal-edit", "get", lambda w: w.configs.a.terminal.pk, None, WRITE_FORM),
    (
        "terminal-edit",
        "post",
        lambda w: w.configs.a.terminal.pk,
        lambda w: {"queue": w.configs.a.queue.pk, "name": "Pad", "terminal_id": "T1"},
        WRITE,
    ),
    ("terminal-delete", "post", lambda w: w.configs.a.terminal.pk, None, WRITE),
    ("device-create", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    ("device-create", "post", lambda w: w.configs.a.cashbox.pk, {"vendor": "epson", "serial": "EP-9"}, WRITE),
    ("device-edit", "get", lambda w: w.configs.a.device.pk, None, WRITE_FORM),
    ("device-edit", "post", lambda w: w.configs.a.device.pk, {"vendor": "fiskaly", "description": "Cloud TSS"}, WRITE),
    ("device-delete", "post", lambda w: factories.device(w.configs.a.outlet, "epson", serial="EP-1").pk, None, WRITE),
    ("link-create", "get", lambda w: w.configs.a.cashbox.pk, None, WRITE_FORM),
    (
        "link-create",
        "post",
        lambda w: w.configs.a.cashbox.pk,
        lambda w: {"queue": spare_queue(w).pk, "scu": w.configs.a.scu.pk},
        WRITE,
    ),
    ("link-edit", "get", lambda w: w.configs.a.link.pk, None, WRITE_FORM),
    ("link-edit", "post", lambda w: w.configs.a.link.pk, lambda w: {"scu": w.configs.a.scu.pk}, WRITE),
    ("link-delete", "post", lambda w: w.configs.a.link.pk, None, WRITE),
]


@pytest.fixture
def cb_world(world, configs):
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(CASHBOX_UI)))
def test_configuration_page_answers_each_role_as_the_tenancy_rules_say(cb_world, client, name, method, pk, body, role, status):
    run_ui_case(cb_world, client, name, method, pk, body, role, status)
