"""A dealer runs the rollout wizard in the browser, for a German outlet with four tills and a
server with a hardware TSE, from the outlet to the applied plan and its CashBoxes."""

import re

import pytest

from cashboxes.models import CashBox, Scu
from scenarios.models import WizardDraft
from tests import factories

try:
    from tests.browser import steps
    from tests.browser.steps import expect
except ImportError:  # no playwright: the `browser` fixture skips (or fails in CI) and says why
    steps = expect = None

pytestmark = pytest.mark.browser

STEP = r"/wizard/[0-9a-f-]{36}/%s/$"


def step_url(name):
    return re.compile(STEP % name)


def test_dealer_plans_a_german_outlet_with_a_server_tse_and_applies_it(live_server, cast, page, artifacts):
    base = live_server.url
    outlet = factories.outlet(cast.operator_org, number=12, name="Filiale Nord")
    steps.log_in(page, base, cast.dealer.email)

    page.get_by_role("navigation").get_by_role("link", name="Rollout wizard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rollout wizard")
    page.get_by_role("button", name="Plan a rollout").click()
    expect(page).to_have_url(step_url("outlet"))

    # 1. The outlet (the dealer looks after one PosOperator: it is chosen already).
    expect(page.locator("#id_operator")).to_have_value(str(cast.operator_org.pk))
    page.locator("#id_outlet").select_option(str(outlet.pk))
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(step_url("machines"))  # htmx swapped the step and pushed its URL
    assert page.evaluate("window.stillTheSamePage") is True  # no full page load
    expect(page).to_have_title(re.compile(r"^Machines · Rollout wizard"))
    expect(page.locator(".wizard-summary")).to_contain_text("Germany")

    # 2. Four tills and a server.
    page.locator("#id_pos_systems").fill("4")
    page.locator("#id_terminals").fill("0")
    page.locator("#id_has_server").check()
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(step_url("signing"))
    page.get_by_role("link", name="Back").click()  # back keeps the answers
    expect(page.locator("#id_pos_systems")).to_have_value("4")
    expect(page.locator("#id_has_server")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(step_url("signing"))
    assert page.evaluate("window.stillTheSamePage") is True

    # 3. A Swissbit USB/SD TSE (on the server) and the load.
    swissbit = page.locator("input[name=signing][value=swissbit]")
    swissbit.check()
    page.locator("#id_peak_receipts_per_minute").fill("20")
    page.get_by_role("button", name="Show the scenarios").click()
    expect(page).to_have_url(step_url("scenarios"))

    # 4. The ranked scenarios, side by side; the refused ones folded away with their reasons.
    server_card = page.locator("#scenario-server-scu")
    expect(server_card).to_be_visible()
    expect(server_card.locator(".rank")).to_have_text(re.compile(r"\d"))
    expect(server_card.locator("svg")).to_be_visible()
    expect(page.locator("details.refused summary")).to_be_visible()
    expect(page.locator("#refused-shared-cloud-tse")).to_be_hidden()
    page.screenshot(path=str(artifacts / "wizard-ranked-scenarios.png"), full_page=True)
    server_card.get_by_role("button", name=re.compile("^Choose")).click()
    expect(page).to_have_url(step_url("plan"))

    # 5. The plan: the TSE's device path, and the drawing of the topology.
    expect(page.locator("#id_machine__server__hostname")).to_have_value("server.local")
    expect(page.locator(".problems")).to_contain_text("devicePath")
    page.locator("#id_scu__scu-1__devicePath").fill("/media/tse")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Plan saved.")
    expect(page.locator(".problems")).to_have_count(0)
    topology = page.locator("#topology")
    expect(topology.locator("svg")).to_be_visible()
    topology.screenshot(path=str(artifacts / "wizard-topology.png"))
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(step_url("apply"))

    # 6. Apply, and the CashBoxes it made.
    page.get_by_role("button", name="Apply the plan").click()
    expect(page.locator("#messages")).to_contain_text("5 CashBoxes created")
    rows = page.locator("#new-cashboxes tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="Server")).to_have_count(1)
    assert CashBox.objects.filter(outlet=outlet).count() == 5
    assert Scu.objects.get(outlet=outlet).parameters["devicePath"] == "/media/tse"

    # The draft is listed as applied, and opens its result.
    draft = WizardDraft.objects.get()
    page.get_by_role("navigation").get_by_role("link", name="Rollout wizard").click()
    row = page.locator(f"#draft-{draft.pk}")
    expect(row).to_contain_text("applied")
    row.get_by_role("link", name="See the result").click()
    expect(page.locator("#new-cashboxes tbody tr")).to_have_count(5)
    rows.first.get_by_role("link", name="Rebuild…").click()
    expect(page).to_have_url(re.compile(r"/cashboxes/[0-9a-f-]{36}/rebuild/$"))
