"""The scenario API: the catalog, the advice, plans (make, fill, apply) with good and bad input."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cashboxes.models import CashBox, Queue
from portal.models import AuditEvent
from scenarios.models import Plan
from tests import factories

FISKALY = {"TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10", **factories.FISKALY_SECRETS}
SECRET_VALUES = tuple(factories.FISKALY_SECRETS.values())
TILLS_AND_SERVER = {
    "country": "DE",
    "pos_systems": 4,
    "terminals": 0,
    "has_server": True,
    "signing": "swissbit",
    "peak_receipts_per_minute": 120,
}
SCENARIO_IDS = {
    "scu-per-pos",
    "server-scu",
    "main-pos-scu",
    "shared-cloud-tse",
    "terminals-shared-queue",
    "terminals-queue-per-terminal",
    "hosted-middleware",
}


@pytest.fixture
def outlet(cast):
    return factories.outlet(cast.operator_org, number=7)


@pytest.fixture
def dealer(api, cast):
    return api(cast.dealer)


def recommend(client, body, **headers):
    return client.post(reverse("api:scenario-recommend"), body, format="json", **headers)


def make_plan(client, outlet, scenario="server-scu", **inputs):
    body = {**TILLS_AND_SERVER, **inputs, "scenario": scenario, "outlet": str(outlet.pk)}
    return client.post(reverse("api:plan-list"), body, format="json")


def fill(client, plan_id, body):
    return client.patch(reverse("api:plan-detail", args=[plan_id]), body, format="json")


def apply_plan(client, plan_id):
    return client.post(reverse("api:plan-apply", args=[plan_id]))


def server_plan(client, outlet, hostname="backoffice.shop.lan"):
    """A server-scu plan for four tills, filled in and ready to apply."""
    plan = make_plan(client, outlet).json()
    parameters = {scu["key"]: {"devicePath": "/media/tse"} for scu in plan["data"]["scus"]}
    body = {"machines": {"server": {"hostname": hostname}}, "parameters": parameters}
    assert fill(client, plan["id"], body).status_code == 200
    return plan["id"]


# ---------------------------------------------------------------- the scenarios


def test_the_list_holds_the_seven_scenarios_with_their_pros_and_cons(dealer):
    response = dealer.get(reverse("api:scenario-list"))
    assert response.status_code == 200
    scenarios = response.json()["scenarios"]
    assert {item["id"] for item in scenarios} == SCENARIO_IDS
    for item in scenarios:
        assert item["name"] and item["description"] and item["pros"] and item["cons"]


def test_the_list_speaks_the_requests_language(dealer):
    response = dealer.get(reverse("api:scenario-list"), HTTP_ACCEPT_LANGUAGE="de")
    names = {item["id"]: item["name"] for item in response.json()["scenarios"]}
    assert names["scu-per-pos"] == "Eine SCU pro Kasse"


# ---------------------------------------------------------------- the advice


def test_recommend_answers_every_scenario_with_the_advisors_fields(dealer):
    response = recommend(dealer, TILLS_AND_SERVER)
    assert response.status_code == 200
    scenarios = response.json()["scenarios"]
    assert {item["id"] for item in scenarios} == SCENARIO_IDS
    for item in scenarios:
        assert {"id", "allowed", "reasons", "rank", "tse_count", "warnings", "counts", "explanation"} <= set(item)
        assert set(item["counts"]) == {"machines", "cashboxes", "queues", "scus", "tses"}
        assert (item["rank"] is None) is (not item["allowed"])
        assert bool(item["reasons"]) is (not item["allowed"])
    by_id = {item["id"]: item for item in scenarios}
    # 4 tills at 120 receipts a minute: 4 signatures a second, more than one TSE handles well.
    assert by_id["server-scu"]["tse_count"] == 2
    assert [item["rank"] for item in scenarios if item["allowed"]] == [1, 2, 3]


def test_recommend_fills_in_the_optional_inputs(dealer):
    body = {**TILLS_AND_SERVER, "internet": "unreliable", "virtualised_server": True, "monthly_receipts": 80_000}
    by_id = {item["id"]: item for item in recommend(dealer, body).json()["scenarios"]}
    codes = {warning["code"] for warning in by_id["server-scu"]["warnings"]}
    assert {"HARDWARE-TSE-ON-VM", "DE-FAIR-USE-SIGNATURES", "DE-FAIR-USE-VIRTUAL-OUTLETS"} <= codes


def test_recommend_speaks_german_with_german_numbers(dealer):
    body = {**TILLS_AND_SERVER, "monthly_receipts": 80_000}
    response = recommend(dealer, body, HTTP_ACCEPT_LANGUAGE="de")
    by_id = {item["id"]: item for item in response.json()["scenarios"]}
    assert by_id["server-scu"]["name"] == "SCU auf einem lokalen Server für mehrere Kassen"
    messages = " ".join(w["message"] for w in by_id["server-scu"]["warnings"])
    assert "640.000 Signaturen" in messages  # 80,000 receipts, up to 8 signatures each with a hardware TSE
    assert by_id["hosted-middleware"]["reasons"][0].startswith("In Deutschland nur")


def test_recommend_answers_bad_input_with_a_message_per_field(dealer):
    response = recommend(
        dealer,
        {
            "country": "XX",
            "pos_systems": -1,
            "terminals": "many",
            "has_server": "perhaps",
            "peak_receipts_per_minute": -5,
            "internet": "flaky",
            "monthly_receipts": 1.5,
        },
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {
        "country",
        "pos_systems",
        "terminals",
        "has_server",
        "signing",
        "peak_receipts_per_minute",
        "internet",
        "monthly_receipts",
    }
    assert all(isinstance(messages, list) and messages for messages in errors.values())
    assert errors["signing"] == ["This field is required."]


def test_recommend_refuses_a_signing_option_of_another_country(dealer):
    response = recommend(dealer, {**TILLS_AND_SERVER, "signing": "epson-rt-printer"})
    assert response.status_code == 400
    assert set(response.json()) == {"signing"}
    assert "swissbit" in response.json()["signing"][0]


def test_recommend_refuses_an_outlet_without_tills_or_terminals(dealer):
    response = recommend(dealer, {**TILLS_AND_SERVER, "pos_systems": 0})
    assert response.status_code == 400
    assert response.json() == {"pos_systems": ["An outlet has at least one POS system or terminal."]}


def test_recommend_reads_no_tenant_data_and_any_signed_in_user_may_ask(api, cast):
    with CaptureQueriesContext(connection) as queries:
        response = recommend(api(cast.outsider), TILLS_AND_SERVER)
    assert response.status_code == 200
    # Only the token and the user's scope: the advice itself is pure.
    assert not any("cashboxes_" in query["sql"] or "scenarios_" in query["sql"] for query in queries.captured_queries)


# ---------------------------------------------------------------- plans


def test_a_plan_is_made_for_an_outlet_and_says_what_is_missing(dealer, outlet, cast):
    response = make_plan(dealer, outlet)
    assert response.status_code == 201
    plan = response.json()
    assert plan["scenario"] == "server-scu"
    assert plan["outlet"] == str(outlet.pk)
    assert plan["operator"] == str(cast.operator_org.pk)
    assert plan["inputs"]["pos_systems"] == 4
    assert plan["applied_at"] is None and plan["result"] is None
    assert len(plan["data"]["scus"]) == 2  # 4 signatures a second: two TSEs on the server
    assert [scu["url"] for scu in plan["data"]["scus"]] == ["grpc://server.local:1400", "grpc://server.local:1401"]
    assert any("devicePath" in problem for problem in plan["problems"])
    assert Plan.objects.get(pk=plan["id"]).created_by == cast.dealer


def test_a_scenario_that_is_not_allowed_is_a_400_on_scenario_with_its_reasons(dealer, outlet):
    response = make_plan(dealer, outlet, has_server=False, signing="swissbit-cloud")
    assert response.status_code == 400
    assert response.json() == {
        "scenario": [
            "There is no server or back office in this outlet.",
            "Swissbit cloud TSE takes a single client: its SCU cannot serve several queues.",
        ]
    }
    assert not Plan.objects.exists()


def test_a_plan_answers_bad_inputs_with_a_message_per_field(dealer, outlet):
    response = dealer.post(
        reverse("api:plan-list"), {"scenario": "nope", "outlet": "not-a-uuid", "pos_systems": "x"}, format="json"
    )
    assert response.status_code == 400
    assert {"scenario", "outlet", "pos_systems", "country", "signing"} <= set(response.json())


def test_the_outlet_must_be_in_the_country_of_the_inputs(dealer, outlet):
    response = make_plan(dealer, outlet, country="AT", signing="atrust-smartcard")
    assert response.status_code == 400
    assert response.json() == {"outlet": ["The outlet is in Germany, the inputs say Austria."]}


def test_dealer_cannot_plan_for_another_dealers_outlet(api, cast, configs):
    for user, outlet in ((cast.dealer2, configs.a.outlet), (cast.dealer, configs.b.outlet)):
        response = make_plan(api(user), outlet)
        assert response.status_code == 400
        assert "does not exist" in response.json()["outlet"][0]
    assert not Plan.objects.exists()


def test_dealer_cannot_see_fill_or_apply_another_dealers_plan(api, cast, outlet):
    plan_id = server_plan(api(cast.dealer), outlet)
    other = api(cast.dealer2)
    assert other.get(reverse("api:plan-detail", args=[plan_id])).status_code == 404
    assert fill(other, plan_id, {"machines": {"server": {"hostname": "evil.lan"}}}).status_code == 404
    assert apply_plan(other, plan_id).status_code == 404
    assert other.get(reverse("api:plan-list")).json()["results"] == []
    assert Plan.objects.get(pk=plan_id).applied_at is None


def test_a_read_only_member_reads_a_plan_but_cannot_fill_or_apply_it(api, cast, outlet):
    plan_id = server_plan(api(cast.dealer), outlet)
    reader = api(cast.dealer_reader)
    assert reader.get(reverse("api:plan-detail", args=[plan_id])).status_code == 200
    assert fill(reader, plan_id, {"machines": {"server": {"hostname": "x.lan"}}}).status_code == 403
    assert apply_plan(reader, plan_id).status_code == 403


def test_secrets_are_never_returned_only_their_names(dealer, outlet):
    plan = make_plan(dealer, outlet, scenario="scu-per-pos", signing="fiskaly", has_server=False).json()
    parameters = {scu["key"]: FISKALY for scu in plan["data"]["scus"]}
    response = fill(dealer, plan["id"], {"parameters": parameters})
    assert response.status_code == 200
    assert response.json()["secrets_set"] == {key: ["AdminPin", "ApiKey", "ApiSecret"] for key in parameters}
    assert response.json()["problems"] == []
    answers = [
        response.content,
        dealer.get(reverse("api:plan-detail", args=[plan["id"]])).content,
        dealer.get(reverse("api:plan-list")).content,
        apply_plan(dealer, plan["id"]).content,
        dealer.get(reverse("api:plan-detail", args=[plan["id"]])).content,
    ]
    stored = json.dumps(list(Plan.objects.values_list("data", "inputs", "result")))
    stored += json.dumps(list(AuditEvent.objects.values_list("before", "after")))
    for text in [*(answer.decode() for answer in answers), stored]:
        assert not any(secret in text for secret in SECRET_VALUES)


def test_an_empty_secret_keeps_the_one_given_before(dealer, outlet):
    plan = make_plan(dealer, outlet, scenario="scu-per-pos", signing="fiskaly", has_server=False, pos_systems=1).json()
    fill(dealer, plan["id"], {"parameters": {"scu-pos-1": FISKALY}})
    response = fill(dealer, plan["id"], {"parameters": {"scu-pos-1": {"ApiKey": "", "EnableTarFileExport": False}}})
    assert response.json()["secrets_set"] == {"scu-pos-1": ["AdminPin", "ApiKey", "ApiSecret"]}
    assert response.json()["data"]["scus"][0]["parameters"]["EnableTarFileExport"] is False
    assert response.json()["problems"] == []


def test_filling_names_only_machines_and_scus_of_the_plan(dealer, outlet):
    plan = make_plan(dealer, outlet).json()
    response = fill(
        dealer,
        plan["id"],
        {"machines": {"mainframe": {"hostname": "x.lan"}}, "parameters": {"scu-9": {"devicePath": "/media/tse"}}},
    )
    assert response.status_code == 400
    assert "mainframe" in response.json()["machines"][0]
    assert "scu-9" in response.json()["parameters"][0]


def test_filling_checks_host_names_and_platforms(dealer, outlet):
    plan = make_plan(dealer, outlet).json()
    response = fill(dealer, plan["id"], {"machines": {"server": {"hostname": "back office!", "platform": "amiga"}}})
    assert response.status_code == 400
    errors = response.json()["machines"]["server"]
    assert set(errors) == {"hostname", "platform"}


def test_a_plan_applies_once_and_applying_again_answers_the_same(dealer, outlet):
    plan_id = server_plan(dealer, outlet)
    first = apply_plan(dealer, plan_id)
    assert first.status_code == 200, first.json()
    result = first.json()
    assert len(result["cashboxes"]) == 5 and len(result["queues"]) == 4 and len(result["scus"]) == 2
    counts = (CashBox.objects.count(), Queue.objects.count(), AuditEvent.objects.count())
    second = apply_plan(dealer, plan_id)
    assert second.status_code == 200
    assert second.json() == result
    assert (CashBox.objects.count(), Queue.objects.count(), AuditEvent.objects.count()) == counts
    detail = dealer.get(reverse("api:plan-detail", args=[plan_id])).json()
    assert detail["result"] == result and detail["applied_at"] and detail["problems"] == []


def test_an_applied_plan_cannot_be_filled_any_more(dealer, outlet):
    plan_id = server_plan(dealer, outlet)
    apply_plan(dealer, plan_id)
    response = fill(dealer, plan_id, {"machines": {"server": {"hostname": "other.lan"}}})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This plan was applied already."]}


def test_a_plan_with_a_missing_parameter_is_a_400_with_the_messages_and_creates_nothing(dealer, outlet):
    plan = make_plan(dealer, outlet).json()
    response = apply_plan(dealer, plan["id"])
    assert response.status_code == 400
    messages = response.json()["non_field_errors"]
    assert any("devicePath" in message for message in messages)
    assert not CashBox.objects.filter(outlet=outlet).exists()
    assert Plan.objects.get(pk=plan["id"]).applied_at is None


def test_a_tills_queue_reaches_the_servers_scu_by_the_servers_address(api, cast, outlet, client):
    dealer = api(cast.dealer)
    result = apply_plan(dealer, server_plan(dealer, outlet, hostname="backoffice.shop.lan")).json()
    tills = CashBox.objects.filter(pk__in=result["cashboxes"], machine_role="pos").order_by("description")
    server = CashBox.objects.get(pk__in=result["cashboxes"], machine_role="server")
    for cashbox in [server, *tills]:
        assert dealer.post(reverse("api:cashbox-rebuild", args=[cashbox.pk])).status_code == 200

    def fetched(cashbox):
        """The configuration as the launcher fetches it."""
        response = client.get(reverse("launcher-configuration", args=[cashbox.pk]), HTTP_ACCESSTOKEN=cashbox.access_token)
        assert response.status_code == 200
        return response.json()

    served = fetched(server)
    assert [scu["Url"] for scu in served["ftSignaturCreationDevices"]] == [
        ["grpc://backoffice.shop.lan:1400"],
        ["grpc://backoffice.shop.lan:1401"],
    ]
    assert served["ftQueues"] == []
    reached = set()
    for till in tills:
        config = fetched(till)
        assert config["ftSignaturCreationDevices"] == []
        (queue,) = config["ftQueues"]
        (record,) = queue["Configuration"]["init_ftSignaturCreationUnitDE"]
        reached.update(json.loads(record["Url"]))
    assert reached == {"grpc://backoffice.shop.lan:1400", "grpc://backoffice.shop.lan:1401"}


def test_the_list_of_plans_takes_the_same_number_of_queries_for_more_plans(dealer, outlet):
    def queries_to_list():
        with CaptureQueriesContext(connection) as queries:
            assert dealer.get(reverse("api:plan-list")).status_code == 200
        return len(queries)

    make_plan(dealer, outlet)
    one = queries_to_list()
    for _n in range(4):
        make_plan(dealer, outlet)
    assert queries_to_list() == one


def test_plans_filter_by_outlet_scenario_and_applied(dealer, outlet, cast):
    other = factories.outlet(cast.operator_org, number=8)
    applied = server_plan(dealer, outlet)
    apply_plan(dealer, applied)
    make_plan(dealer, other, scenario="main-pos-scu")

    def ids(**query):
        return {row["scenario"] for row in dealer.get(reverse("api:plan-list"), query).json()["results"]}

    assert ids(outlet=str(other.pk)) == {"main-pos-scu"}
    assert ids(scenario="server-scu") == {"server-scu"}
    assert ids(applied="true") == {"server-scu"}
    assert ids(applied="false") == {"main-pos-scu"}
