"""The advisor: which scenario is allowed where, capacity and fair-use arithmetic, warnings,
the ranking's explanation, plural forms and German output. Pure functions, no database."""

import itertools

import pytest
from django.utils import translation

from cashboxes import capacity, catalog
from scenarios import advisor, planner
from scenarios.advisor import Inputs

SCENARIOS = (
    "scu-per-pos",
    "server-scu",
    "main-pos-scu",
    "shared-cloud-tse",
    "terminals-shared-queue",
    "terminals-queue-per-terminal",
    "hosted-middleware",
)

# ---------------------------------------------------------------- the availability matrix

OK = True
FRANCE = "In France the SCU is virtual inside each queue: there is no SCU to share."
ONLINE = "Online signing needs no local SCU to share: see the shared external signature service."
SINGLE = "takes a single client: its SCU cannot serve several queues."
ITALY = "Not documented for Italy."
SHARED_SERVICE = "Only with cloud signing in Austria or the fiskaly cloud TSS in Germany."
HOSTED_DE = "In Germany only when the data centre is the operational environment"
HOSTED_ELSEWHERE = "Only where remote signing is allowed (Austria, France), or in Germany when the data centre"

# (country, signing option) -> the verdict on each scenario, in the order of SCENARIOS: OK, or
# (part of) the reason why not. Every signing option of the catalog is here.
HARDWARE_DE = (OK, OK, OK, SHARED_SERVICE, OK, OK, HOSTED_DE)
SINGLE_CLIENT_DE = (OK, SINGLE, SINGLE, SHARED_SERVICE, OK, OK, HOSTED_DE)
LOCAL_AT = (OK, OK, OK, SHARED_SERVICE, OK, OK, OK)
ITALIAN = (OK, ITALY, ITALY, SHARED_SERVICE, OK, OK, HOSTED_ELSEWHERE)
AVAILABILITY = {
    ("DE", "fiskaly"): (OK, OK, OK, OK, OK, OK, HOSTED_DE),
    ("DE", "swissbit-cloud"): SINGLE_CLIENT_DE,
    ("DE", "swissbit-cloud-v2"): SINGLE_CLIENT_DE,
    ("DE", "deutsche-fiskal"): SINGLE_CLIENT_DE,
    ("DE", "swissbit"): HARDWARE_DE,
    ("DE", "cryptovision"): HARDWARE_DE,
    ("DE", "diebold-nixdorf"): HARDWARE_DE,
    ("DE", "epson"): HARDWARE_DE,
    ("AT", "atrust-smartcard"): LOCAL_AT,
    ("AT", "primesign-hsm"): LOCAL_AT,
    ("AT", "atrust-online"): (OK, ONLINE, ONLINE, OK, OK, OK, OK),
    ("FR", "fr-certificate"): (OK, FRANCE, FRANCE, SHARED_SERVICE, OK, OK, OK),
    ("IT", "epson-rt-printer"): ITALIAN,
    ("IT", "custom-rt-printer"): ITALIAN,
    ("IT", "custom-rt-server"): ITALIAN,
    ("IT", "epson-rt-server"): ITALIAN,
}


def outlet_for(scenario, country, signing, **more):
    """An outlet the scenario fits but for the country and signing option: three tills and a
    server; the terminal scenarios get four terminals too (the others refuse terminals)."""
    terminals = 4 if scenario.startswith("terminals-") else 0
    return Inputs(country, 3, terminals, True, signing, 30, **more)


def verdict(inputs, scenario):
    return next(item for item in advisor.assess(inputs) if item["id"] == scenario)


def test_the_matrix_covers_every_signing_option_of_the_catalog():
    in_catalog = {(code, option.id) for code, country in catalog.COUNTRIES.items() for option in country.signing_options}
    assert set(AVAILABILITY) == in_catalog


@pytest.mark.parametrize(
    "country,signing,scenario,expected",
    [
        pytest.param(country, signing, scenario, expected, id=f"{country}-{signing}-{scenario}")
        for (country, signing), row in AVAILABILITY.items()
        for scenario, expected in zip(SCENARIOS, row, strict=True)
    ],
)
def test_availability_per_country_and_signing_option(country, signing, scenario, expected):
    item = verdict(outlet_for(scenario, country, signing), scenario)
    if expected is OK:
        assert item["allowed"], item["reasons"]
        assert item["reasons"] == [] and item["rank"] is not None
    else:
        assert not item["allowed"]
        assert item["rank"] is None
        assert any(expected in reason for reason in item["reasons"]), item["reasons"]


@pytest.mark.parametrize("signing", [option.id for option in catalog.country("DE").signing_options])
def test_hosted_middleware_in_germany_when_the_data_centre_is_the_operational_environment(signing):
    assert verdict(outlet_for("hosted-middleware", "DE", signing, data_centre=True), "hosted-middleware")["allowed"]


def test_the_scenarios_for_tills_refuse_terminals_and_the_terminal_scenarios_need_them():
    with_terminals = {item["id"]: item for item in advisor.assess(Inputs("DE", 3, 2, True, "fiskaly", 30))}
    for scenario in ("scu-per-pos", "server-scu", "main-pos-scu", "shared-cloud-tse"):
        assert with_terminals[scenario]["reasons"] == ["Terminals need a host for their queue: see the terminal scenarios."]
    without = {item["id"]: item for item in advisor.assess(Inputs("DE", 3, 0, True, "fiskaly", 30))}
    for scenario in ("terminals-shared-queue", "terminals-queue-per-terminal"):
        assert without[scenario]["reasons"] == ["There are no terminals."]


def test_several_tills_are_needed_to_share_a_main_till_or_a_signature_service():
    by_id = {item["id"]: item for item in advisor.assess(Inputs("DE", 1, 0, False, "fiskaly", 10))}
    assert by_id["main-pos-scu"]["reasons"] == ["Needs at least 2 POS systems."]
    assert by_id["shared-cloud-tse"]["reasons"] == ["Needs at least 2 POS systems."]
    assert by_id["server-scu"]["reasons"] == ["There is no server or back office in this outlet."]


def test_terminals_need_a_main_till_or_a_server_to_host_their_queue():
    item = verdict(Inputs("DE", 0, 3, False, "fiskaly", 10), "terminals-shared-queue")
    assert item["reasons"] == ["Needs a main POS or a server to host the terminals' queue."]


# ---------------------------------------------------------------- capacity


def test_a_receipt_takes_two_signatures():
    assert advisor.signatures_per_second(120) == 4.0


@pytest.mark.parametrize(
    "queues,load,max_clients,expected",
    [
        (4, 4.0, 100, 2),  # 4 signatures a second: 3 queues per TSE at most
        (4, 2.0, 100, 1),
        (150, 2.0, 100, 2),  # the client limit
        (150, 2.0, 128, 2),
        (100, 2.0, 100, 1),
        (30, 20.0, None, 8),  # whole queues: at most 4 queues of 0.67/s on a TSE
        (1, 9.0, None, 1),  # one queue cannot spread over more TSEs
        (3, 0.0, 1, 3),
        (0, 5.0, None, 1),
    ],
)
def test_tses_needed_for_load_and_client_limit(queues, load, max_clients, expected):
    assert advisor.tses_needed(queues, load, max_clients) == expected


def test_four_tills_at_120_receipts_a_minute_need_two_tses_on_the_server():
    by_id = {item["id"]: item for item in advisor.assess(Inputs("DE", 4, 0, True, "swissbit", 120))}
    assert by_id["server-scu"]["tse_count"] == 2
    assert by_id["server-scu"]["load_per_tse"] == 2.0
    assert by_id["server-scu"]["counts"] == {"machines": 5, "cashboxes": 5, "queues": 4, "scus": 2, "tses": 2}
    assert by_id["main-pos-scu"]["tse_count"] == 2
    assert by_id["scu-per-pos"]["tse_count"] == 4
    assert by_id["scu-per-pos"]["load_per_tse"] == 1.0
    assert not any(w["code"] == "LOAD-PER-TSE" for item in by_id.values() if item["allowed"] for w in item["warnings"])


def test_150_tills_on_a_swissbit_tse_need_two_tses_by_the_client_limit():
    item = verdict(Inputs("DE", 150, 0, True, "swissbit", 60), "server-scu")
    assert item["tse_count"] == 2
    (warning,) = [w for w in item["warnings"] if w["code"] == "TSE-CLIENT-LIMIT"]
    assert warning["message"] == "Swissbit USB/SD TSE takes at most 100 queues as clients: 150 queues need 2 TSEs."
    assert verdict(Inputs("DE", 100, 0, True, "swissbit", 60), "server-scu")["tse_count"] == 1


def test_a_single_client_tse_gives_every_queue_its_own():
    item = verdict(Inputs("DE", 1, 3, True, "swissbit-cloud", 20), "terminals-queue-per-terminal")
    assert item["counts"] == {"machines": 5, "cashboxes": 2, "queues": 4, "scus": 4, "tses": 4}
    codes = [w["code"] for w in item["warnings"]]
    assert "TSE-CLIENT-LIMIT" in codes and "DE-STOP-RECEIPT-SHARED-TSE" not in codes


def test_an_unpublished_client_limit_is_a_warning_when_queues_share_the_tse():
    item = verdict(Inputs("DE", 4, 0, True, "diebold-nixdorf", 20), "server-scu")
    assert "TSE-CLIENT-LIMIT-UNKNOWN" in [w["code"] for w in item["warnings"]]


def test_one_cloud_tss_for_four_busy_tills_is_above_the_load_a_tse_handles_well():
    item = verdict(Inputs("DE", 4, 0, False, "fiskaly", 120), "shared-cloud-tse")
    assert item["tse_count"] == 1 and item["load_per_tse"] == 4.0
    (warning,) = [w for w in item["warnings"] if w["code"] == "LOAD-PER-TSE"]
    assert warning["message"].startswith("About 4.0 signatures a second per TSE at the peak, above the 3")


def test_a_busy_shared_queue_is_above_the_load_of_one_tse_however_many_the_server_has():
    inputs = Inputs("DE", 1, 30, True, "fiskaly", 300)  # 10 signatures a second, 30 of 31 devices on one queue
    shared = verdict(inputs, "terminals-shared-queue")
    assert shared["load_per_tse"] == pytest.approx(9.68, abs=0.01)
    (warning,) = [w for w in shared["warnings"] if w["code"] == "LOAD-PER-TSE"]
    assert warning["message"].startswith("One queue takes about 9.7 signatures a second")
    per_terminal = verdict(inputs, "terminals-queue-per-terminal")
    assert per_terminal["tse_count"] == 4 and per_terminal["load_per_tse"] == 2.5
    assert "LOAD-PER-TSE" not in [w["code"] for w in per_terminal["warnings"]]
    assert per_terminal["rank"] < shared["rank"]


def test_in_france_there_is_no_device_and_no_load_per_device():
    for item in (i for i in advisor.assess(Inputs("FR", 2, 0, False, "fr-certificate", 600)) if i["allowed"]):
        assert item["tse_count"] == 0 and item["load_per_tse"] == 0
        assert "LOAD-PER-TSE" not in [w["code"] for w in item["warnings"]]


# ---------------------------------------------------------------- the counts are the plan's


GRID = [
    Inputs(code, pos, terminals, server, option.id, peak, data_centre=True)
    for code, country in catalog.COUNTRIES.items()
    for option in country.signing_options
    for pos, terminals, server, peak in itertools.product((0, 1, 3, 120), (0, 2, 30), (False, True), (10, 300))
    if pos + terminals
]


@pytest.mark.parametrize("country", sorted(catalog.COUNTRIES))
def test_the_counts_are_those_of_the_plan_and_every_scu_serves_a_queue(country):
    for inputs in (i for i in GRID if i.country == country):
        for item in advisor.assess(inputs):
            if not item["allowed"]:
                continue
            plan = planner.plan(item["id"], inputs, {"number": 1, "country": country, "siret": "12345678901234"}, (), item)
            counts = {
                "machines": len(plan["machines"]),
                "cashboxes": len(plan["cashboxes"]),
                "queues": len(plan["queues"]),
                "scus": len(plan["scus"]),
                "tses": len(plan["devices"]),
            }
            assert counts == item["counts"], (inputs, item["id"])
            assert {link["scu"] for link in plan["links"]} == {scu["key"] for scu in plan["scus"]}, (inputs, item["id"])
            assert len(plan["terminals"]) == inputs.terminals


def test_ports_on_one_host_never_collide_however_many_queues_it_runs():
    inputs = Inputs("DE", 100, 400, True, "fiskaly", 1200)
    item = verdict(inputs, "terminals-queue-per-terminal")
    plan = planner.plan(item["id"], inputs, {"number": 1, "country": "DE", "siret": ""}, (), item)
    on_server = [c["port"] for c in plan["queues"] + plan["scus"] if c["cashbox"] == "cb-server"]
    assert len(on_server) == 400 + item["counts"]["scus"]
    assert len(set(on_server)) == len(on_server)


# ---------------------------------------------------------------- warnings


def codes(item):
    return [warning["code"] for warning in item["warnings"]]


def test_thirty_terminals_exceed_fair_use_and_suggest_two_virtual_outlets():
    for item in advisor.assess(Inputs("DE", 1, 30, True, "fiskaly", 60)):
        assert "DE-FAIR-USE-QUEUES" in codes(item), item["id"]
        (suggestion,) = [w for w in item["warnings"] if w["code"] == "DE-FAIR-USE-VIRTUAL-OUTLETS"]
        assert suggestion["message"] == "Split the outlet into 2 virtual outlets at the same address, each with its own products."
    item = verdict(Inputs("DE", 1, 60, True, "fiskaly", 60), "terminals-queue-per-terminal")
    assert "into 3 virtual outlets" in [w for w in item["warnings"] if w["code"] == "DE-FAIR-USE-VIRTUAL-OUTLETS"][0]["message"]


def test_twenty_five_devices_are_within_fair_use():
    for item in advisor.assess(Inputs("DE", 1, 24, True, "fiskaly", 60)):
        assert not any(code.startswith("DE-FAIR-USE") for code in codes(item)), item["id"]


@pytest.mark.parametrize("kind,signatures", [(catalog.CLOUD, 3), (catalog.HARDWARE, 8), (catalog.NETWORK, 8)])
def test_fair_use_counts_the_upper_bound_of_signatures_per_transaction_by_tse_kind(kind, signatures):
    assert capacity.fair_use_signatures_per_transaction(kind) == signatures


def test_fair_use_counts_three_signatures_a_receipt_with_a_cloud_tse():
    item = verdict(Inputs("DE", 2, 0, False, "fiskaly", 20, monthly_receipts=60_000), "scu-per-pos")
    (warning,) = [w for w in item["warnings"] if w["code"] == "DE-FAIR-USE-SIGNATURES"]
    assert warning["message"] == (
        "60,000 receipts a month count as up to 180,000 signatures with a cloud TSE (up to 3 each), "
        "above the fair-use limit of 150,000 per outlet."
    )
    assert "DE-FAIR-USE-VIRTUAL-OUTLETS" in codes(item)
    within = verdict(Inputs("DE", 2, 0, False, "fiskaly", 20, monthly_receipts=50_000), "scu-per-pos")
    assert not any(code.startswith("DE-FAIR-USE") for code in codes(within))


def test_a_hardware_tse_reaches_the_fair_use_limit_before_a_cloud_tse():
    hardware = verdict(Inputs("DE", 2, 0, False, "swissbit", 20, monthly_receipts=20_000), "scu-per-pos")
    (warning,) = [w for w in hardware["warnings"] if w["code"] == "DE-FAIR-USE-SIGNATURES"]
    assert warning["message"].startswith("20,000 receipts a month count as up to 160,000 signatures with a hardware TSE (up to 8")
    cloud = verdict(Inputs("DE", 2, 0, False, "fiskaly", 20, monthly_receipts=20_000), "scu-per-pos")
    assert not any(code.startswith("DE-FAIR-USE") for code in codes(cloud))
    # Epson's network TSE counts as a hardware TSE.
    network = verdict(Inputs("DE", 2, 0, False, "epson", 20, monthly_receipts=20_000), "scu-per-pos")
    assert "DE-FAIR-USE-SIGNATURES" in codes(network)


def test_fair_use_is_a_german_policy():
    for item in advisor.assess(Inputs("AT", 1, 30, True, "atrust-smartcard", 60, monthly_receipts=200_000)):
        assert not any(code.startswith("DE-FAIR-USE") for code in codes(item))


def test_a_hardware_tse_on_a_virtual_server_is_a_warning():
    by_id = {item["id"]: item for item in advisor.assess(Inputs("DE", 3, 0, True, "swissbit", 20, virtualised_server=True))}
    assert "HARDWARE-TSE-ON-VM" in codes(by_id["server-scu"])
    assert "HARDWARE-TSE-ON-VM" not in codes(by_id["scu-per-pos"])  # the TSEs are in the tills
    plain = verdict(Inputs("DE", 3, 0, True, "swissbit", 20), "server-scu")
    assert "HARDWARE-TSE-ON-VM" not in codes(plain)
    assert by_id["server-scu"]["score"] < plain["score"]
    # Diebold Nixdorf's TSE is reached through a COM port, cloud TSEs through the network.
    for signing in ("diebold-nixdorf", "fiskaly"):
        item = verdict(Inputs("DE", 3, 0, True, signing, 20, virtualised_server=True), "server-scu")
        assert "HARDWARE-TSE-ON-VM" not in codes(item)


def test_queues_sharing_a_tse_are_told_about_the_stop_receipt():
    by_id = {item["id"]: item for item in advisor.assess(Inputs("DE", 3, 0, True, "fiskaly", 20))}
    for scenario in ("server-scu", "main-pos-scu", "shared-cloud-tse"):
        (warning,) = [w for w in by_id[scenario]["warnings"] if w["code"] == "DE-STOP-RECEIPT-SHARED-TSE"]
        assert "0x0000000001000000" in warning["message"]
    assert "DE-STOP-RECEIPT-SHARED-TSE" not in codes(by_id["scu-per-pos"])
    assert "DE-STOP-RECEIPT-SHARED-TSE" not in codes(verdict(Inputs("AT", 3, 0, True, "atrust-smartcard", 20), "server-scu"))


def test_single_points_of_failure_are_named():
    by_id = {item["id"]: item for item in advisor.assess(Inputs("DE", 3, 2, True, "fiskaly", 20, data_centre=True))}
    assert "SINGLE-POINT-OF-FAILURE" not in codes(verdict(Inputs("DE", 3, 0, True, "fiskaly", 20), "scu-per-pos"))
    for scenario in ("terminals-shared-queue", "terminals-queue-per-terminal", "hosted-middleware"):
        assert "SINGLE-POINT-OF-FAILURE" in codes(by_id[scenario])
    assert "SHARED-QUEUE-BLOCKING" in codes(by_id["terminals-shared-queue"])


def test_an_unreliable_connection_weighs_against_hosted_middleware_and_cloud_tses():
    stable = verdict(Inputs("AT", 2, 0, False, "atrust-smartcard", 20), "hosted-middleware")
    flaky = verdict(Inputs("AT", 2, 0, False, "atrust-smartcard", 20, internet="unreliable"), "hosted-middleware")
    assert stable["rank"] == 1 and flaky["rank"] > 1
    assert "INTERNET-UNRELIABLE" in codes(flaky)
    assert "INTERNET-UNRELIABLE" in codes(verdict(Inputs("DE", 2, 0, False, "fiskaly", 20, internet="unreliable"), "scu-per-pos"))


# ---------------------------------------------------------------- ranking


def test_the_allowed_scenarios_come_first_ranked_one_to_n():
    items = advisor.assess(Inputs("DE", 3, 0, True, "swissbit", 30))
    ranks = [item["rank"] for item in items]
    allowed = sum(item["allowed"] for item in items)
    assert ranks == [*range(1, allowed + 1), *[None] * (len(items) - allowed)]
    scores = [item["score"] for item in items if item["allowed"]]
    assert scores == sorted(scores, reverse=True)


def test_the_ranking_explains_itself():
    items = advisor.assess(Inputs("DE", 4, 0, True, "swissbit", 120))
    first, second = items[0], items[1]
    assert first["explanation"][0] == "Best fit for this outlet among 3 possible scenarios."
    assert first["explanation"][1].startswith(f"Ahead of “{second['name']}”: no single point of failure")
    assert second["explanation"][0].startswith(f"Behind “{first['name']}”, which has: no single point of failure")
    hosted = verdict(Inputs("AT", 2, 3, False, "atrust-online", 20), "hosted-middleware")
    assert hosted["rank"] == 1
    assert "remote signing is allowed here" in hosted["explanation"][1]


def test_a_single_possible_scenario_says_so():
    items = advisor.assess(Inputs("IT", 0, 3, False, "epson-rt-printer", 20))
    assert [item["id"] for item in items if item["allowed"]] == []
    items = advisor.assess(Inputs("DE", 1, 0, False, "swissbit-cloud", 20))
    (only,) = [item for item in items if item["allowed"]]
    assert only["id"] == "scu-per-pos"
    assert only["explanation"][0] == "The only scenario possible for this outlet."


# ---------------------------------------------------------------- words and numbers


def test_plural_forms_follow_the_counts():
    one = verdict(Inputs("DE", 1, 0, True, "swissbit", 10), "server-scu")
    assert "1 TSE on the server serves 1 till." in one["explanation"]
    many = verdict(Inputs("DE", 4, 0, True, "swissbit", 120), "server-scu")
    assert "2 TSEs on the server serve 4 tills." in many["explanation"]
    austrian = verdict(Inputs("AT", 2, 0, True, "atrust-smartcard", 10), "server-scu")
    assert "1 signing device on the server serves 2 tills." in austrian["explanation"]
    shared = verdict(Inputs("DE", 1, 1, True, "fiskaly", 10), "terminals-shared-queue")
    assert "1 terminal uses one queue." in shared["explanation"]


def test_german_output_with_german_plurals_and_numbers():
    with translation.override("de"):
        items = {item["id"]: item for item in advisor.assess(Inputs("DE", 4, 0, True, "swissbit", 120, monthly_receipts=80_000))}
        one = verdict(Inputs("DE", 1, 0, True, "swissbit", 10), "server-scu")
        busy = verdict(Inputs("DE", 4, 0, False, "fiskaly", 130), "shared-cloud-tse")
    server = items["server-scu"]
    assert server["name"] == "SCU auf einem lokalen Server für mehrere Kassen"
    assert "2 TSEs auf dem Server bedienen 4 Kassen." in server["explanation"]
    assert "1 TSE auf dem Server bedient 1 Kasse." in one["explanation"]
    messages = {w["code"]: w["message"] for w in server["warnings"]}
    assert messages["DE-FAIR-USE-SIGNATURES"].startswith(
        "80.000 Belege pro Monat zählen mit einer Hardware-TSE als bis zu 640.000"
    )
    assert messages["DE-FAIR-USE-VIRTUAL-OUTLETS"].startswith("Teilen Sie den Standort in 5 virtuelle Standorte")
    assert any(line.startswith("Spitzenlast 2,0 Signaturen pro Sekunde") for line in server["explanation"])
    assert items["scu-per-pos"]["explanation"][0] == "Passt unter 3 möglichen Szenarien am besten zu diesem Standort."
    assert items["hosted-middleware"]["reasons"][0].startswith("In Deutschland nur")
    assert [w["message"] for w in busy["warnings"] if w["code"] == "LOAD-PER-TSE"][0].startswith("Etwa 4,3 Signaturen")


def test_every_message_is_translated_into_german():
    """No English left in the German output, for a spread of outlets."""
    english = ("the ", " a ", " is ", " and ", "TSEs on", "tills", "queue.", "Needs")
    samples = [
        Inputs("DE", 4, 0, True, "swissbit", 120, virtualised_server=True, monthly_receipts=80_000),
        Inputs("DE", 150, 0, True, "swissbit", 600),
        Inputs("DE", 1, 30, True, "fiskaly", 300, internet="unreliable", monthly_receipts=80_000),
        Inputs("DE", 1, 3, True, "swissbit-cloud", 20),
        Inputs("DE", 3, 0, True, "diebold-nixdorf", 20),
        Inputs("DE", 0, 3, False, "fiskaly", 20, data_centre=True),
        Inputs("AT", 2, 3, False, "atrust-online", 20),
        Inputs("AT", 1, 0, False, "atrust-smartcard", 20, internet="unreliable"),
        Inputs("FR", 2, 3, False, "fr-certificate", 20),
        Inputs("IT", 2, 0, True, "epson-rt-printer", 20),
        Inputs("IT", 0, 2, False, "custom-rt-server", 20),
    ]
    with translation.override("de"):
        for inputs in samples:
            for item in advisor.assess(inputs):
                texts = [*item["reasons"], *item["explanation"], *(w["message"] for w in item["warnings"])]
                for text in texts:
                    assert not any(word in text for word in english), text


# ---------------------------------------------------------------- validation


def test_validate_names_the_field_of_each_problem():
    assert advisor.validate(Inputs("DE", 2, 0, False, "fiskaly", 10)) == {}
    assert set(advisor.validate(Inputs("XX", 2, 0, False, "fiskaly", 10))) == {"country"}
    assert set(advisor.validate(Inputs("DE", 2, 0, False, "epson-rt-printer", 10))) == {"signing"}
    assert set(advisor.validate(Inputs("DE", 0, 0, False, "fiskaly", 10))) == {"pos_systems"}
    errors = advisor.validate(Inputs("DE", -1, -2, False, "fiskaly", -3, internet="flaky", monthly_receipts=-4))
    assert set(errors) == {"pos_systems", "terminals", "peak_receipts_per_minute", "internet", "monthly_receipts"}
