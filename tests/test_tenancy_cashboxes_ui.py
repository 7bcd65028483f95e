"""The tenancy matrix of the configuration's pages (see tests/test_tenancy_matrix.py)."""

import pytest

from tests.tenancy import cases, run_ui_case

# (route name, method, url argument from the world, form data, expected statuses)
# The world here also has `w.configs` (configs.a of dealer A's operator, configs.b of dealer B's).
CASHBOX_UI = []


@pytest.fixture
def cb_world(world, configs):
    world.configs = configs
    return world


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(CASHBOX_UI)))
def test_configuration_page_answers_each_role_as_the_tenancy_rules_say(cb_world, client, name, method, pk, body, role, status):
    run_ui_case(cb_world, client, name, method, pk, body, role, status)
