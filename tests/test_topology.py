"""The topology drawings: every scenario's plan and a configured outlet, as SVG that is complete,
readable at 30 terminals, safe with user text, and served only through the tenancy gate."""

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from scenarios import apply, planner, topology
from scenarios.advisor import Inputs
from tests import factories
from tests.test_scenario_apply import CASES

SVG = "{http://www.w3.org/2000/svg}"
OUTLET = {"number": 7, "country": "DE", "siret": ""}


# ------------------------------------------------------------------ reading a drawing


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, under test


def groups(root, kind, **attrs):
    return [
        g
        for g in root.iter(f"{SVG}g")
        if g.get("data-kind") == kind and all(g.get(f"data-{name}") == value for name, value in attrs.items())
    ]


def rect(element):
    box = element if element.tag == f"{SVG}rect" else element.find(f"{SVG}rect")
    return tuple(float(box.get(name)) for name in ("x", "y", "width", "height"))


def by_key(root, kind, key):
    (group,) = groups(root, kind, key=key)
    return rect(group)


def overlap(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def inside(inner, outer):
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def canvas(root):
    return float(root.get("width")), float(root.get("height"))


def texts(root):
    return list(root.iter(f"{SVG}text"))


def link_groups(root, kind):
    return groups(root, "link", link=kind)


def plan_of(scenario, inputs=None):
    inputs = inputs or CASES[scenario][0]
    return planner.plan(scenario, inputs, dict(OUTLET, country=inputs.country, siret="12345678901234"))


def draw(scenario, inputs=None):
    data = plan_of(scenario, inputs)
    return data, parse(topology.render_plan(data, outlet_label="Outlet 7 · Hauptstraße"))


def assert_readable(root):
    """No machine or terminal overlaps another, no component box another, all in the canvas."""
    width, height = canvas(root)
    outer = [rect(g) for kind in ("machine", "terminal") for g in groups(root, kind)]
    for a, b in itertools.combinations(outer, 2):
        assert not overlap(a, b), (a, b)
    parts = [rect(g) for kind in ("queue", "scu", "device", "terminal") for g in groups(root, kind)]
    for a, b in itertools.combinations(parts, 2):
        assert not overlap(a, b), (a, b)
    for box in outer + parts:
        assert inside(box, (0, 0, width, height)), box
    for text in texts(root):
        size = float(text.get("font-size"))
        assert size >= 11
        x, y = float(text.get("x")), float(text.get("y"))
        right = x + topology.text_width(text.text or "", size, text.get("font-weight") == "bold")
        assert x >= 0 and right <= width and y - size >= 0 and y <= height, (text.text, x, right, width)


# ------------------------------------------------------------------ plans


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_every_scenarios_plan_renders_as_a_complete_readable_svg(scenario):
    data, root = draw(scenario)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Planned topology"
    width, height = canvas(root)
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert 300 < width < 1600 and 200 < height < 2000
    assert groups(root, "legend-item")
    assert_readable(root)


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_the_drawn_elements_match_the_plan(scenario):
    data, root = draw(scenario)
    machines = [m for m in data["machines"] if m["role"] != "terminal"]
    assert {g.get("data-key") for g in groups(root, "machine")} == {m["key"] for m in machines}
    assert {g.get("data-key") for g in groups(root, "cashbox")} == {c["key"] for c in data["cashboxes"]}
    assert sorted(g.get("data-identification") for g in groups(root, "queue")) == sorted(
        q["identification"] for q in data["queues"]
    )
    assert {g.get("data-key") for g in groups(root, "scu")} == {s["key"] for s in data["scus"]}
    assert {g.get("data-key") for g in groups(root, "device")} == {d["key"] for d in data["devices"]}
    assert {g.get("data-key") for g in groups(root, "terminal")} == {t["key"] for t in data["terminals"]}
    assert {(g.get("data-from"), g.get("data-to")) for g in link_groups(root, "queue-scu")} == {
        (link["queue"], link["scu"]) for link in data["links"]
    }
    assert {(g.get("data-from"), g.get("data-to")) for g in link_groups(root, "scu-device")} == {
        (s["key"], s["device"]) for s in data["scus"] if s["device"]
    }
    assert {(g.get("data-from"), g.get("data-to")) for g in link_groups(root, "terminal-queue")} == {
        (t["key"], t["queue"]) for t in data["terminals"]
    }


def test_every_element_is_labelled_with_its_name_identification_package_and_vendor():
    data, root = draw("server-scu")
    words = " ".join(t.text for t in texts(root))
    for machine in data["machines"]:
        assert machine["name"] in words
    for queue in data["queues"]:
        assert queue["identification"] in words
    assert "SCU Swissbit" in words
    assert "Swissbit · plugged in" in words
    assert ":1200" in words and ":1400" in words


def test_cloud_devices_are_drawn_outside_the_outlet_frame():
    _data, root = draw("shared-cloud-tse")
    (frame,) = groups(root, "outlet")
    (device,) = groups(root, "device")
    assert device.get("data-device-kind") == "cloud"
    assert not overlap(rect(device), rect(frame))
    assert rect(device)[0] > rect(frame)[0] + rect(frame)[2]  # to the right of the outlet
    for machine in groups(root, "machine"):
        assert inside(rect(machine), rect(frame))


def test_a_hosted_scu_service_and_its_cloud_signature_are_outside_the_outlet():
    data, root = draw("scu-per-pos", Inputs("AT", 2, 0, False, "atrust-online", 20))
    (frame,) = groups(root, "outlet")
    services = groups(root, "scu", placement="service")
    assert len(services) == len(data["scus"]) == 2
    for element in services + groups(root, "device"):
        assert not overlap(rect(element), rect(frame))


def test_a_hardware_tse_is_drawn_inside_the_machine_it_is_plugged_into():
    data, root = draw("server-scu")
    (frame,) = groups(root, "outlet")
    for device in data["devices"]:
        drawn = by_key(root, "device", device["key"])
        assert inside(drawn, by_key(root, "machine", device["host_machine"]))
        assert inside(drawn, rect(frame))


def test_a_network_tse_has_its_own_box_in_the_outlet_outside_every_machine():
    _data, root = draw("main-pos-scu")
    (frame,) = groups(root, "outlet")
    (device,) = groups(root, "device", **{"device-kind": "network"})
    assert inside(rect(device), rect(frame))
    assert not any(overlap(rect(device), rect(machine)) for machine in groups(root, "machine"))


def test_a_tills_queue_has_a_line_to_the_servers_scu_labelled_with_its_port():
    data, root = draw("server-scu")
    (line,) = [g for g in link_groups(root, "queue-scu") if g.get("data-from") == "q-pos-2"]
    assert line.get("data-to") == "scu-1"
    path = line.find(f"{SVG}path").get("d")
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    queue, scu = by_key(root, "queue", "q-pos-2"), by_key(root, "scu", "scu-1")
    assert numbers[:2] == [queue[0] + queue[2], queue[1] + queue[3] / 2]  # leaves the till's queue
    assert numbers[-1] == scu[0] + scu[2]  # ends at the server's SCU
    assert not inside(queue, by_key(root, "machine", "server"))
    assert inside(scu, by_key(root, "machine", "server"))
    assert [g.find(f"{SVG}text").text for g in groups(root, "port")] == [":1400"]


@pytest.mark.parametrize("scenario", ["terminals-shared-queue", "terminals-queue-per-terminal"])
def test_thirty_terminals_render_without_overlaps_and_within_a_reasonable_size(scenario):
    inputs = Inputs("DE", 3, 30, True, "fiskaly" if scenario == "terminals-shared-queue" else "swissbit", 20)
    data, root = draw(scenario, inputs)
    assert len(groups(root, "terminal")) == 30
    assert len(link_groups(root, "terminal-queue")) == 30
    assert_readable(root)
    width, height = canvas(root)
    assert width <= 1400 and height <= 2400, (width, height)  # 33 queues on one server, in a column


def test_a_plan_with_nothing_in_it_still_draws_the_outlet():
    root = parse(topology.render_plan({"machines": [], "cashboxes": [], "queues": [], "scus": [], "devices": [], "links": []}))
    assert groups(root, "outlet")
    assert "Nothing configured yet." in [t.text for t in texts(root)]


def test_user_text_is_escaped_and_the_svg_stays_well_formed():
    data = plan_of("terminals-shared-queue")
    hostile = "<script>alert(\"x\")</script> & 'q'\x01"
    data["machines"][0]["name"] = hostile
    data["queues"][0]["identification"] = "<b>&amp;</b>"
    data["terminals"][0]["name"] = '"><img src=x onerror=alert(1)>'
    svg = topology.render_plan(data, title="<title>&", outlet_label="Ölmühle & <Söhne>")
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg and "\x01" not in svg
    root = parse(svg)
    words = [t.text for t in texts(root)]
    assert any(w and w.startswith('<script>alert("x")') for w in words)
    assert "Ölmühle & <Söhne>" in words
    assert root.find(f"{SVG}title").text == "<title>&"
    assert "<b>&amp;</b>" in [g.get("data-identification") for g in groups(root, "queue")]


def test_the_svg_has_no_scripts_styles_ids_or_external_references():
    for scenario in CASES:
        svg = topology.render_plan(plan_of(scenario))
        for forbidden in ("<script", "href", "url(", "<style", "style=", "<image", "<foreignObject", "@import", ' id="'):
            assert forbidden not in svg, (scenario, forbidden)


def test_a_long_name_is_shortened_with_its_full_text_in_the_tooltip():
    data = plan_of("scu-per-pos")
    data["machines"][0]["name"] = "A very long machine name that no box could ever hold in one line " * 2
    root = parse(topology.render_plan(data))
    machine = groups(root, "machine", key="pos-1")[0]
    assert machine.find(f"{SVG}title").text.startswith(data["machines"][0]["name"].strip()[:40])
    assert any(t.text.endswith("…") for t in machine.iter(f"{SVG}text"))
    assert_readable(root)


# ------------------------------------------------------------------ outlets as configured


def test_the_outlet_drawing_of_configs_a_matches_its_objects(configs):
    a = configs.a
    root = parse(topology.render_outlet(a.outlet))
    assert root.find(f"{SVG}title").text == "Topology: Outlet 1 · Outlet 1"
    assert {g.get("data-key") for g in groups(root, "cashbox")} == {str(c.pk) for c in (a.cashbox, a.server, a.till2)}
    assert len(groups(root, "machine")) == 3
    assert {g.get("data-identification") for g in groups(root, "queue")} == {"A-TILL-1", "A-TILL-2"}
    assert {g.get("data-key") for g in groups(root, "scu")} == {str(a.scu.pk), str(a.server_scu.pk)}
    assert {g.get("data-key") for g in groups(root, "terminal")} == {str(a.terminal.pk)}
    assert {(g.get("data-from"), g.get("data-to")) for g in link_groups(root, "queue-scu")} == {
        (str(a.queue.pk), str(a.scu.pk)),
        (str(a.till2_queue.pk), str(a.server_scu.pk)),
    }
    assert {(g.get("data-from"), g.get("data-to")) for g in link_groups(root, "terminal-queue")} == {
        (str(a.terminal.pk), str(a.queue.pk))
    }
    (frame,) = groups(root, "outlet")
    fiskaly, swissbit = by_key(root, "device", str(a.device.pk)), by_key(root, "device", str(a.server_device.pk))
    assert not overlap(fiskaly, rect(frame))  # the cloud TSE
    assert inside(swissbit, by_key(root, "machine", f"m-{a.server.pk}"))  # plugged into the server
    assert [g.find(f"{SVG}text").text for g in groups(root, "port")] == [":1401"]  # till 2 -> server
    assert_readable(root)


def test_the_outlet_drawing_takes_the_same_queries_however_big_the_outlet(configs, django_assert_num_queries):
    a = configs.a
    with django_assert_num_queries(6):
        topology.render_outlet(a.outlet)
    for n in range(2, 6):
        till = factories.cashbox(a.outlet, f"Till {n + 1}", f"till{n + 1}.local")
        factories.terminal(factories.queue(till, f"A-EXTRA-{n}"), f"T{n}")
    with django_assert_num_queries(6):
        svg = topology.render_outlet(a.outlet)
    assert len(groups(parse(svg), "terminal")) == 5


def test_an_outlet_without_cashboxes_draws_an_empty_frame(cast):
    place = factories.outlet(cast.operator_org, number=3)
    root = parse(topology.render_outlet(place))
    assert groups(root, "outlet") and not groups(root, "machine")


# ------------------------------------------------------------------ views


@pytest.fixture
def plan(configs):
    return apply.make_plan("server-scu", Inputs("DE", 4, 0, True, "swissbit", 20), configs.a.outlet)


def test_the_plan_topology_is_an_svg_with_a_csp_that_runs_nothing(client, cast, plan):
    client.force_login(cast.dealer)
    response = client.get(reverse("plan-topology", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert "Content-Disposition" not in response
    root = parse(response.content)
    assert root.find(f"{SVG}title").text == "Planned topology: Outlet 1 · Outlet 1"
    assert len(groups(root, "queue")) == 4


def test_download_one_makes_the_plan_topology_an_attachment_with_a_sensible_name(client, cast, plan):
    client.force_login(cast.operator)
    response = client.get(reverse("plan-topology", args=[plan.pk]), {"download": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="topology-outlet-1-server-scu.svg"'


def test_the_outlet_topology_is_an_svg_and_downloads_by_its_outlet_number(client, cast, configs):
    client.force_login(cast.dealer_reader)
    url = reverse("outlet-topology", args=[configs.a.outlet.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert len(groups(parse(response.content), "cashbox")) == 3
    response = client.get(url, {"download": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="topology-outlet-1.svg"'


def test_dealer_b_cannot_see_dealer_as_outlet_or_plan_topology(client, cast, configs, plan):
    client.force_login(cast.dealer2)
    assert client.get(reverse("outlet-topology", args=[configs.a.outlet.pk])).status_code == 404
    assert client.get(reverse("plan-topology", args=[plan.pk])).status_code == 404
    assert client.get(reverse("outlet-topology", args=[configs.b.outlet.pk])).status_code == 200


def test_parts_that_point_at_nothing_are_left_out_instead_of_failing():
    data = plan_of("terminals-shared-queue")
    data["cashboxes"].append({"key": "cb-ghost", "machine": "nowhere", "description": "Ghost"})
    data["queues"].append({"key": "q-ghost", "cashbox": "cb-ghost", "identification": "GHOST", "port": 1200})
    data["links"].append({"queue": "q-pos-1", "scu": "scu-missing"})
    data["terminals"].append({"key": "terminal-ghost", "name": "Ghost", "terminal_id": "TX", "queue": "q-ghost"})
    root = parse(topology.render_plan(data))
    assert not groups(root, "queue", key="q-ghost") and not groups(root, "terminal", key="terminal-ghost")
    assert_readable(root)


def test_the_drawing_in_german_is_as_readable():
    from django.utils import translation

    with translation.override("de"):
        _data, root = draw("terminals-shared-queue", Inputs("DE", 2, 30, True, "fiskaly", 20))
    assert_readable(root)
