"""Tenancy matrix rows of the scenario API (see tests/test_tenancy_matrix.py).

The scenarios and the advice are no tenant data: every signed-in role gets them. Plans are:
`w.plan` is a plan for the outlet of configs.a (dealer A's operator, who gave dealer A full
rights), filled in so that it can be applied. The operator and dealer A read and write it,
dealer A's read-only member reads (403 on writes), the creator and dealer B get 404. Making a
plan names the outlet: for the creator and dealer B it "does not exist" (400), a read-only
member is refused before (403).
"""

import pytest

from scenarios import apply
from scenarios.advisor import Inputs
from tests import factories
from tests.tenancy import cases, expect, run_api_case

INPUTS = {
    "country": "DE",
    "pos_systems": 2,
    "terminals": 0,
    "has_server": False,
    "signing": "fiskaly",
    "peak_receipts_per_minute": 20,
}
FISKALY = {"TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10", **factories.FISKALY_SECRETS}


def plan_pk(w):
    return w.plan.pk


def new_plan(w):
    return {**INPUTS, "scenario": "scu-per-pos", "outlet": str(w.configs.a.outlet.pk)}


def own(ok, reader=200):
    return expect(404, dealer=ok, operator=ok, dealer_reader=reader)


def write(ok=200):
    return own(ok, reader=403)


# (route name, method, url argument from the world, body, expected statuses).
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's)
# and `w.plan` (a plan for configs.a's outlet, ready to apply).
SCENARIO_API = [
    ("api:scenario-list", "get", None, None, expect(200)),
    ("api:scenario-recommend", "post", None, INPUTS, expect(200)),
    ("api:plan-list", "get", None, None, expect(200)),
    ("api:plan-list", "post", None, new_plan, expect(400, dealer=201, operator=201, dealer_reader=403)),
    ("api:plan-detail", "get", plan_pk, None, own(200)),
    ("api:plan-detail", "patch", plan_pk, {"machines": {"pos-1": {"hostname": "till1.shop.lan"}}}, write()),
    ("api:plan-detail", "put", plan_pk, INPUTS, expect(405)),
    ("api:plan-detail", "delete", plan_pk, None, expect(405)),
    ("api:plan-apply", "post", plan_pk, None, write()),
]


@pytest.fixture
def sc_world(world, configs):
    world.configs = configs
    plan = apply.make_plan("scu-per-pos", Inputs(**INPUTS), configs.a.outlet)
    world.plan = apply.fill(plan, parameters={scu["key"]: FISKALY for scu in plan.data["scus"]})
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(SCENARIO_API)))
def test_route_answers_each_role_as_the_tenancy_rules_say(sc_world, api, name, method, pk, body, role, status):
    run_api_case(sc_world, api, name, method, pk, body, role, status)


def test_lists_of_plans_never_show_another_dealers_plans(sc_world, api):
    from django.urls import reverse

    def ids(user):
        response = api(user).get(reverse("api:plan-list"))
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    mine = str(sc_world.plan.pk)
    assert mine in ids(sc_world.cast.dealer)
    assert mine in ids(sc_world.cast.operator)
    assert mine not in ids(sc_world.cast.dealer2)
    assert mine not in ids(sc_world.cast.creator)
