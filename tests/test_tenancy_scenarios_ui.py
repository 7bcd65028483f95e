"""Tenancy matrix rows of the rollout wizard (see tests/test_tenancy_matrix.py).

Drafts belong to the organization that works on them: dealer A's draft (for its operator's outlet
`configs.a.outlet`, with a plan ready to apply) is seen by dealer A's members (200), changed only
with the write right (302, the read-only member 403), and is a 404 for everyone else, the
operator included: the operator sees the CashBoxes once they exist, not the dealer's drafts.
"""

import pytest

from scenarios import apply
from scenarios.advisor import Inputs
from scenarios.models import WizardDraft
from tests.tenancy import cases, run_ui_case, ui

MACHINES = {
    "pos_systems": 2,
    "terminals": 0,
    "has_server": True,
    "virtualised_server": False,
    "internet": "stable",
    "data_centre": False,
}
SIGNING = {"signing": "swissbit", "peak_receipts_per_minute": 20.0, "monthly_receipts": None}


def draft_of_a(w):
    """Dealer A's draft at the review step: a server-scu plan for configs.a.outlet, filled."""
    outlet = w.configs.a.outlet
    plan = apply.make_plan("server-scu", Inputs("DE", 2, 0, True, "swissbit", 20.0), outlet, w.cast.dealer)
    apply.fill(plan, parameters={scu["key"]: {"devicePath": "/media/tse"} for scu in plan.data["scus"]})
    answers = {"operator": str(outlet.operator_id), "outlet": str(outlet.pk), **MACHINES, **SIGNING, "scenario": "server-scu"}
    return WizardDraft.objects.create(owner=w.cast.dealer_org, user=w.cast.dealer, step="plan", answers=answers, plan=plan).pk


def outlet_body(w):
    return {"operator": w.cast.operator_org.pk, "outlet": w.configs.a.outlet.pk}


MACHINES_BODY = {"pos_systems": 2, "terminals": 0, "has_server": "on", "internet": "stable"}
SIGNING_BODY = {"signing": "swissbit", "peak_receipts_per_minute": "20"}
PLAN_BODY = {
    "machine__server__hostname": "backoffice.local",
    "machine__server__platform": "linux",
    "machine__pos-1__hostname": "till1.local",
    "machine__pos-1__platform": "windows",
    "machine__pos-2__hostname": "till2.local",
    "machine__pos-2__platform": "windows",
    "scu__scu-1__devicePath": "/media/tse",
    "action": "save",
}

SEES = ui(404, dealer=200, dealer_reader=200)
CHANGES = ui(404, dealer=302, dealer_reader=403)

# (route name, method, url argument from the world, body, expected statuses).
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's).
SCENARIO_UI = [
    ("wizard", "get", None, None, ui(200)),
    # Starting needs the write right and a PosOperator to plan for (dealer B has its own).
    ("wizard-start", "post", None, None, ui(403, dealer=302, dealer2=302, operator=302)),
    ("wizard-outlet", "get", draft_of_a, None, SEES),
    ("wizard-outlet", "post", draft_of_a, outlet_body, CHANGES),
    ("wizard-machines", "get", draft_of_a, None, SEES),
    ("wizard-machines", "post", draft_of_a, MACHINES_BODY, CHANGES),
    ("wizard-signing", "get", draft_of_a, None, SEES),
    ("wizard-signing", "post", draft_of_a, SIGNING_BODY, CHANGES),
    ("wizard-scenarios", "get", draft_of_a, None, SEES),
    ("wizard-scenarios", "post", draft_of_a, {"scenario": "server-scu"}, CHANGES),
    ("wizard-plan", "get", draft_of_a, None, SEES),
    ("wizard-plan", "post", draft_of_a, PLAN_BODY, CHANGES),
    ("wizard-apply", "get", draft_of_a, None, SEES),
    ("wizard-apply", "post", draft_of_a, None, CHANGES),
    ("wizard-delete", "post", draft_of_a, None, CHANGES),
]


@pytest.fixture
def sc_world(world, configs):
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(SCENARIO_UI)))
def test_route_answers_each_role_as_the_tenancy_rules_say(sc_world, client, name, method, pk, body, role, status):
    run_ui_case(sc_world, client, name, method, pk, body, role, status)
