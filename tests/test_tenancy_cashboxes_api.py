"""The tenancy matrix of the configuration's API routes (see tests/test_tenancy_matrix.py).

The world: dealer A's operator (`operator`, full rights to dealer A) owns `configs.a`;
operator2 (of dealer B) owns `configs.b`. On an object of `configs.a`: the operator and dealer A
may read and write, dealer A's read-only member reads (403 on writes), the creator and dealer B
get 404, anonymous 401. Creating names the parent object in the body: for the creator and
dealer B it "does not exist" (400), as another tenant's object is never usable.
"""

import pytest

from tests import factories
from tests.tenancy import cases, expect, run_api_case

FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
SQLITE = "fiskaltrust.Middleware.Queue.SQLite"
HELPER = "fiskaltrust.Middleware.Helper.LocalPosSystemApi"


def a(name):
    """The pk of an object of configs.a (or of the extras of the world below)."""
    return lambda w: getattr(w.configs.a, name).pk


def body(**fields):
    """A request body whose values may be functions of the world."""
    return lambda w: {key: (str(value(w)) if callable(value) else value) for key, value in fields.items()}


def own(ok, reader=200):
    """On configs.a: dealer A and the operator `ok`, the read-only member `reader`, others 404."""
    return expect(404, dealer=ok, operator=ok, dealer_reader=reader)


def create(ok=201):
    """A create naming a parent of configs.a."""
    return expect(400, dealer=ok, operator=ok, dealer_reader=403)


def write(ok=200):
    return own(ok, reader=403)


OUTLET = dict(number=1, name="Main", address_line1="Straße 2", postal_code="10115", city="Berlin", country="DE")
CASHBOX = dict(outlet=a("outlet"), description="Till 1", hostname="till1.local", machine_role="pos", platform="windows")
QUEUE = dict(cashbox=a("cashbox"), package=SQLITE, cashbox_identification="A-TILL-1", urls=["grpc://localhost:1200"])
SCU = dict(cashbox=a("cashbox"), package=FISKALY, urls=["grpc://localhost:1401"], signing_device=a("device"))
HELPER_BODY = dict(cashbox=a("cashbox"), package=HELPER, version="1.3.85", urls=["http://localhost:1500/helper"])
DEVICE = dict(outlet=a("outlet"), vendor="fiskaly", cloud_account="5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10")
LINK = dict(queue=a("queue"), scu=a("scu"), mode="normal")
TERMINAL = dict(queue=a("queue"), name="Handheld", terminal_id="T1")


def urls(**fields):
    """Like body(), with `urls` kept a list."""
    make = body(**{k: v for k, v in fields.items() if k != "urls"})
    return lambda w: dict(make(w), urls=fields["urls"])


# (route name, method, url argument from the world, request body, expected statuses)
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's).
CASHBOX_API = [
    ("api:catalog", "get", None, None, expect(200)),
    # outlets: no DELETE
    ("api:outlet-list", "get", None, None, expect(200)),
    ("api:outlet-list", "post", None, body(operator=lambda w: w.cast.operator_org.pk, **dict(OUTLET, number=7)), create()),
    ("api:outlet-detail", "get", a("outlet"), None, own(200)),
    ("api:outlet-detail", "put", a("outlet"), body(**OUTLET), write()),
    ("api:outlet-detail", "patch", a("outlet"), {"name": "Renamed"}, write()),
    ("api:outlet-detail", "delete", a("outlet"), None, expect(405)),
    # CashBoxes and their actions
    ("api:cashbox-list", "get", None, None, expect(200)),
    ("api:cashbox-list", "post", None, body(outlet=a("outlet"), description="New", hostname="new.local"), create()),
    ("api:cashbox-detail", "get", a("cashbox"), None, own(200)),
    ("api:cashbox-detail", "put", a("cashbox"), body(**CASHBOX), write()),
    ("api:cashbox-detail", "patch", a("cashbox"), {"description": "Renamed"}, write()),
    ("api:cashbox-detail", "delete", a("till2"), None, write(204)),
    ("api:cashbox-rebuild", "post", a("cashbox"), None, write()),
    ("api:cashbox-validate", "post", a("cashbox"), None, own(202, reader=202)),
    # Not rebuilt yet: the gate lets the writers through to the "rebuild first" answer.
    ("api:cashbox-package", "post", a("cashbox"), None, write(400)),
    ("api:outlet-validate", "post", a("outlet"), None, own(202, reader=202)),
    ("api:outlet-package", "post", a("outlet"), None, write(400)),
    # An operator's whole configuration: whoever may see it. Its dealer is no operator (403 for
    # those who may see the dealer); a dealer's operators: its own members only.
    ("api:organization-validate", "post", lambda w: w.cast.operator_org.pk, None, own(202, reader=202)),
    (
        "api:organization-validate",
        "post",
        lambda w: w.cast.dealer_org.pk,
        None,
        expect(404, dealer=403, dealer_reader=403, operator=403, creator=403),
    ),
    (
        "api:organization-validate-operators",
        "post",
        lambda w: w.cast.dealer_org.pk,
        None,
        expect(404, dealer=202, dealer_reader=202, operator=403, creator=403),
    ),
    (
        "api:organization-validate-operators",
        "post",
        lambda w: w.cast.operator_org.pk,
        None,
        expect(404, dealer=403, dealer_reader=403, operator=403),
    ),
    ("api:cashbox-access-token", "get", a("cashbox"), None, write()),
    ("api:cashbox-rotate-token", "post", a("cashbox"), None, write()),
    ("api:cashbox-configuration", "get", a("cashbox"), None, own(200)),
    # queues
    ("api:queue-list", "get", None, None, expect(200)),
    (
        "api:queue-list",
        "post",
        None,
        urls(cashbox=a("cashbox"), package=SQLITE, cashbox_identification="A-NEW", urls=["grpc://localhost:1300"]),
        create(),
    ),
    ("api:queue-detail", "get", a("queue"), None, own(200)),
    ("api:queue-detail", "put", a("queue"), urls(**QUEUE), write()),
    ("api:queue-detail", "patch", a("queue"), {"description": "Front"}, write()),
    ("api:queue-detail", "delete", a("spare_queue"), None, write(204)),
    ("api:queue-take-out-of-operation", "post", a("queue"), None, write()),
    # SCUs
    ("api:scu-list", "get", None, None, expect(200)),
    (
        "api:scu-list",
        "post",
        None,
        lambda w: {
            "cashbox": str(w.configs.a.cashbox.pk),
            "package": FISKALY,
            "urls": ["grpc://localhost:1402"],
            "parameters": {"TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a11", **factories.FISKALY_SECRETS},
        },
        create(),
    ),
    ("api:scu-detail", "get", a("scu"), None, own(200)),
    ("api:scu-detail", "put", a("scu"), urls(**SCU), write()),
    ("api:scu-detail", "patch", a("scu"), {"description": "Cloud TSE"}, write()),
    ("api:scu-detail", "delete", a("spare_scu"), None, write(204)),
    ("api:scu-take-out-of-operation", "post", a("scu"), None, write()),
    # helpers
    ("api:helper-list", "get", None, None, expect(200)),
    (
        "api:helper-list",
        "post",
        None,
        urls(cashbox=a("cashbox"), package=HELPER, version="1.3.85", urls=["rest://localhost:1600/helper"]),
        create(),
    ),
    ("api:helper-detail", "get", a("helper"), None, own(200)),
    ("api:helper-detail", "put", a("helper"), urls(**HELPER_BODY), write()),
    ("api:helper-detail", "patch", a("helper"), {"description": "POS API"}, write()),
    ("api:helper-detail", "delete", a("helper"), None, write(204)),
    ("api:helper-take-out-of-operation", "post", a("helper"), None, write()),
    # signing devices
    ("api:signingdevice-list", "get", None, None, expect(200)),
    ("api:signingdevice-list", "post", None, body(outlet=a("outlet"), vendor="epson", serial="E-1"), create()),
    ("api:signingdevice-detail", "get", a("device"), None, own(200)),
    ("api:signingdevice-detail", "put", a("device"), body(**DEVICE), write()),
    ("api:signingdevice-detail", "patch", a("device"), {"description": "fiskaly TSS"}, write()),
    ("api:signingdevice-detail", "delete", a("spare_device"), None, write(204)),
    # links of queues to SCUs
    ("api:queuesculink-list", "get", None, None, expect(200)),
    ("api:queuesculink-list", "post", None, body(queue=a("spare_queue"), scu=a("scu")), create()),
    ("api:queuesculink-detail", "get", a("link"), None, own(200)),
    ("api:queuesculink-detail", "put", a("link"), body(**LINK), write()),
    ("api:queuesculink-detail", "patch", a("link"), {"timeout_s": 5}, write()),
    ("api:queuesculink-detail", "delete", a("link"), None, write(204)),
    # terminals
    ("api:terminal-list", "get", None, None, expect(200)),
    ("api:terminal-list", "post", None, body(queue=a("queue"), name="Pad", terminal_id="T2"), create()),
    ("api:terminal-detail", "get", a("terminal"), None, own(200)),
    ("api:terminal-detail", "put", a("terminal"), body(**TERMINAL), write()),
    ("api:terminal-detail", "patch", a("terminal"), {"name": "Pad"}, write()),
    ("api:terminal-detail", "delete", a("terminal"), None, write(204)),
]


@pytest.fixture
def cb_world(world, configs):
    # Never-used components without links, for the DELETE cases.
    configs.a.spare_queue = factories.queue(configs.a.till2, "A-SPARE", url="grpc://localhost:1210")
    configs.a.spare_scu = factories.scu(
        configs.a.till2,
        FISKALY,
        url="grpc://localhost:1402",
        TssId="5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a12",
        **factories.FISKALY_SECRETS,
    )
    configs.a.spare_device = factories.device(configs.a.outlet, "epson", serial="E-9")
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(CASHBOX_API)))
def test_configuration_api_route_answers_each_role_as_the_tenancy_rules_say(cb_world, api, name, method, pk, body, role, status):
    run_api_case(cb_world, api, name, method, pk, body, role, status)


LIST_ROUTES = [
    "api:outlet-list",
    "api:cashbox-list",
    "api:queue-list",
    "api:scu-list",
    "api:helper-list",
    "api:signingdevice-list",
    "api:queuesculink-list",
    "api:terminal-list",
]


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_configuration_lists_never_show_another_dealers_objects(cb_world, api, name):
    """Dealer A sees configs.a in every list and nothing of configs.b; dealer B the reverse."""
    from django.urls import reverse

    def ids(user):
        response = api(user).get(reverse(name), {"page_size": 500})
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    def pks(config):
        return {str(getattr(obj, "pk", "")) for obj in vars(config).values()}

    a_side, b_side = pks(cb_world.configs.a), pks(cb_world.configs.b)
    seen_by_a, seen_by_b = ids(cb_world.cast.dealer), ids(cb_world.cast.dealer2)
    assert seen_by_a & a_side and not seen_by_a & b_side
    assert seen_by_b & b_side and not seen_by_b & a_side
    assert ids(cb_world.cast.creator) == set()
