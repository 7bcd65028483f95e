"""Tenancy matrix rows of the rollout wizard (see tests/test_tenancy_matrix.py)."""

import pytest

from tests.tenancy import cases, run_ui_case, ui  # noqa: F401 - ui builds the rows

# (route name, method, url argument from the world, body, expected statuses).
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's).
TOPOLOGY_UI = []


@pytest.fixture
def sc_world(world, configs):
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(TOPOLOGY_UI)))
def test_route_answers_each_role_as_the_tenancy_rules_say(sc_world, client, name, method, pk, body, role, status):
    run_ui_case(sc_world, client, name, method, pk, body, role, status)
