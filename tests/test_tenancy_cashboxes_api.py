"""The tenancy matrix of the configuration's API routes (see tests/test_tenancy_matrix.py).

The world: dealer A's operator (`operator`, full rights to dealer A) owns `configs.a`;
operator2 (of dealer B) owns `configs.b`.
"""

import pytest

from tests.tenancy import cases, expect, run_api_case

# (route name, method, url argument from the world, request body, expected statuses)
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's).
CASHBOX_API = [
    ("api:catalog", "get", None, None, expect(200)),
]


@pytest.fixture
def cb_world(world, configs):
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(CASHBOX_API)))
def test_configuration_api_route_answers_each_role_as_the_tenancy_rules_say(cb_world, api, name, method, pk, body, role, status):
    run_api_case(cb_world, api, name, method, pk, body, role, status)
