"""Tenancy matrix rows of the topology drawings (see tests/test_tenancy_matrix.py)."""

import pytest

from scenarios import apply
from scenarios.advisor import Inputs
from tests.tenancy import cases, run_ui_case, ui


def plan_of_a(w):
    """A plan for dealer A's operator's outlet (configs.a)."""
    return apply.make_plan("server-scu", Inputs("DE", 2, 0, True, "swissbit", 20), w.configs.a.outlet).pk


# Whoever may see the outlet sees its drawings: dealer A (any right) and the operator itself.
SEES_A = ui(404, dealer=200, dealer_reader=200, operator=200)

# (route name, method, url argument from the world, body, expected statuses).
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's).
TOPOLOGY_UI = [
    ("plan-topology", "get", plan_of_a, None, SEES_A),
    ("outlet-topology", "get", lambda w: w.configs.a.outlet.pk, None, SEES_A),
]


@pytest.fixture
def sc_world(world, configs):
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(TOPOLOGY_UI)))
def test_route_answers_each_role_as_the_tenancy_rules_say(sc_world, client, name, method, pk, body, role, status):
    run_ui_case(sc_world, client, name, method, pk, body, role, status)
