"""Plans of every scenario pass the builder's rules; apply is atomic, idempotent and bulk."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cashboxes import configuration, services
from cashboxes.models import CashBox, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.models import AuditEvent
from scenarios import apply, planner
from scenarios.advisor import Inputs
from tests import factories

FISKALY = {
    "TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
    "ApiKey": "apikey-SECRET-1",
    "ApiSecret": "apisecret-SECRET-2",
    "AdminPin": "pin-SECRET-3",
}
# Scenario -> inputs that allow it (country, signing option) and the parameters to fill.
CASES = {
    "scu-per-pos": (Inputs("DE", 3, 0, False, "fiskaly", 20), FISKALY),
    "server-scu": (Inputs("DE", 4, 0, True, "swissbit", 20), {"devicePath": "/media/tse"}),
    "main-pos-scu": (Inputs("DE", 3, 0, False, "epson", 20), {"Host": "printer.local"}),
    "shared-cloud-tse": (Inputs("DE", 3, 0, False, "fiskaly", 20), FISKALY),
    "terminals-shared-queue": (Inputs("DE", 2, 5, False, "fiskaly", 20), FISKALY),
    "terminals-queue-per-terminal": (Inputs("DE", 1, 4, True, "swissbit", 20), {"devicePath": "/media/tse"}),
    "hosted-middleware": (Inputs("DE", 2, 3, False, "fiskaly", 20, data_centre=True), FISKALY),
}


@pytest.fixture
def outlet(cast):
    return factories.outlet(cast.operator_org, number=7)


def make_and_fill(scenario, outlet, inputs, parameters, user=None):
    plan = apply.make_plan(scenario, inputs, outlet, user)
    return apply.fill(plan, parameters={scu["key"]: parameters for scu in plan.data["scus"]})


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_every_scenario_applies_into_objects_that_pass_every_write_rule(outlet, scenario):
    inputs, parameters = CASES[scenario]
    plan = make_and_fill(scenario, outlet, inputs, parameters)
    assert apply.check(plan) == []
    result = apply.apply(plan)
    created = [
        *CashBox.objects.filter(pk__in=result["cashboxes"]),
        *Queue.objects.filter(pk__in=result["queues"]),
        *Scu.objects.filter(pk__in=result["scus"]),
        *SigningDevice.objects.filter(pk__in=result["signing_devices"]),
        *Terminal.objects.filter(pk__in=result["terminals"]),
        *QueueScuLink.objects.filter(queue__in=result["queues"]),
    ]
    for obj in created:
        obj.full_clean()  # the builder's rules, one by one
    for cashbox in CashBox.objects.filter(pk__in=result["cashboxes"]):
        if cashbox.queues.exists():
            services.rebuild(cashbox)
    assert len(result["terminals"]) == inputs.terminals


def test_a_tills_queue_reaches_the_servers_scu_by_the_servers_address(outlet):
    inputs, parameters = CASES["server-scu"]
    plan = make_and_fill("server-scu", outlet, inputs, parameters)
    plan = apply.fill(plan, machines={"server": {"hostname": "backoffice.shop.lan"}})
    result = apply.apply(plan)
    till = CashBox.objects.get(pk__in=result["cashboxes"], description="POS 2")
    config = configuration.build(configuration.load(till), 1)
    record = config["ftQueues"][0]["Configuration"]["init_ftSignaturCreationUnitDE"][0]
    assert json.loads(record["Url"]) == ["grpc://backoffice.shop.lan:1400"]
    assert config["ftSignaturCreationDevices"] == []


def test_applying_twice_creates_nothing_more(outlet):
    inputs, parameters = CASES["server-scu"]
    plan = make_and_fill("server-scu", outlet, inputs, parameters)
    first = apply.apply(plan)
    counts = (CashBox.objects.count(), Queue.objects.count(), AuditEvent.objects.count())
    assert apply.apply(plan) == first
    assert (CashBox.objects.count(), Queue.objects.count(), AuditEvent.objects.count()) == counts


def test_a_plan_with_a_missing_parameter_creates_nothing(outlet):
    inputs, _parameters = CASES["server-scu"]
    plan = apply.make_plan("server-scu", inputs, outlet)
    before = CashBox.objects.count()
    with pytest.raises(ValidationError) as error:
        apply.apply(plan)
    assert "devicePath" in " ".join(error.value.messages)
    assert CashBox.objects.count() == before


def test_apply_is_audited_with_every_created_object(outlet, cast):
    inputs, parameters = CASES["terminals-shared-queue"]
    plan = make_and_fill("terminals-shared-queue", outlet, inputs, parameters)
    result = apply.apply(plan, cast.dealer)
    events = AuditEvent.objects.filter(object_id__in=result["cashboxes"] + result["queues"], action="create")
    assert events.count() == len(result["cashboxes"]) + len(result["queues"])
    assert set(events.values_list("actor_email", flat=True)) == {cast.dealer.email}
    assert all(e.organization_id == cast.operator_org.pk for e in events)
    stored = json.dumps(list(AuditEvent.objects.values_list("before", "after")))
    assert not any(secret in stored for secret in ("apikey-SECRET-1", "apisecret-SECRET-2", "pin-SECRET-3"))
    assert all(scu.secrets["ApiKey"] == "apikey-SECRET-1" for scu in Scu.objects.filter(pk__in=result["scus"]))


def _queries_to_apply(outlet, pos, terminals, number):
    place = factories.outlet(outlet.operator, number=number)
    plan = make_and_fill("terminals-queue-per-terminal", place, Inputs("DE", pos, terminals, True, "fiskaly", 20), FISKALY)
    with CaptureQueriesContext(connection) as queries:
        apply.apply(plan)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_plan(outlet):
    assert _queries_to_apply(outlet, 1, 1, 10) == _queries_to_apply(outlet, 20, 30, 11)


def test_a_scenario_that_is_not_allowed_cannot_be_planned(outlet):
    with pytest.raises(planner.PlanError) as error:
        apply.make_plan("server-scu", Inputs("DE", 3, 0, False, "swissbit", 20), outlet)
    assert "no server" in str(error.value)


def test_two_planned_components_on_one_port_are_refused(outlet):
    inputs, parameters = CASES["server-scu"]
    plan = make_and_fill("server-scu", outlet, inputs, parameters)
    server_scu = plan.data["scus"][0]
    plan.data["queues"].append(
        dict(plan.data["queues"][0], key="q-extra", cashbox=server_scu["cashbox"], identification="X-1", port=server_scu["port"])
    )
    problems = apply.check(plan)
    assert any(f"port {server_scu['port']} is already used" in problem for problem in problems)


@pytest.mark.parametrize(("scenario", "terminals"), [("scu-per-pos", 0), ("terminals-queue-per-terminal", 3)])
def test_an_epson_rt_server_outlet_gets_eight_character_identifications(cast, scenario, terminals):
    from cashboxes import validation

    italian = factories.outlet(cast.operator_org, number=12, country="IT")
    inputs = Inputs("IT", 3, terminals, terminals > 0, "epson-rt-server", 20)
    plan = make_and_fill(scenario, italian, inputs, {"ServerUrl": "https://rt.example.it"})

    identifications = [queue["identification"] for queue in plan.data["queues"]]
    assert identifications[0] == "00120001"  # 4 for the store (outlet 12), 4 for the till
    assert all(len(value) == 8 for value in identifications) and len(set(identifications)) == len(identifications)
    assert apply.check(plan) == []
    apply.apply(plan)
    codes = {finding["code"] for finding in validation.validate(italian)["findings"]}
    assert "IT-RT-SERVER-ID-8" not in codes
