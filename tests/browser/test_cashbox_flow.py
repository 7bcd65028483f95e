"""A dealer builds a CashBox in the browser: queue, fiskaly SCU, link, rebuild, configuration."""

import json
import re

import pytest

from cashboxes.models import CashBox
from tests import factories

try:
    from tests.browser import steps
    from tests.browser.steps import expect
except ImportError:  # no playwright: the `browser` fixture skips (or fails in CI) and says why
    steps = expect = None

pytestmark = pytest.mark.browser

CASHBOX_PAGE = re.compile(r"/cashboxes/[0-9a-f-]{36}/$")
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"
TSS_ID = "9b0c4a5e-3f1d-4c2b-8e7a-1d2c3b4a5f60"


def add_cashbox(page, base, outlet, description, hostname):
    page.goto(f"{base}/cashboxes/")
    page.get_by_role("main").get_by_role("link", name="New CashBox").click()
    page.locator("#id_outlet").select_option(str(outlet.pk))
    page.locator("#id_description").fill(description)
    page.locator("#id_hostname").fill(hostname)
    page.locator("#id_machine_role").select_option("pos")
    page.locator("#id_platform").select_option("windows")
    page.get_by_role("main").get_by_role("button", name="Save").click()
    expect(page).to_have_url(CASHBOX_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text(description)


def add_queue(page, identification):
    """Inline (htmx): the form opens in the queues section and the new row replaces it."""
    queues = page.locator("#queues")
    queues.get_by_role("link", name="Add a queue").click()
    form = page.locator("#queues-form form")
    expect(form).to_be_visible()
    expect(page.locator("#queues_urls")).to_have_value("grpc://localhost:1200")  # a free port, suggested
    page.locator("#queues_cashbox_identification").fill(identification)
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#queues-form form")).to_have_count(0)
    expect(queues.get_by_role("row").filter(has_text=identification)).to_be_visible()


def add_fiskaly_scu(page, secrets):
    scus = page.locator("#scus")
    scus.get_by_role("link", name="Add an SCU").click()
    page.locator("#scus_package").select_option(FISKALY)
    page.locator("#scus-form").get_by_role("button", name="Next").click()
    expect(page.locator("#scus_p_TssId")).to_be_visible()
    page.locator("#scus_description").fill("fiskaly TSE")
    page.locator("#scus_p_TssId").fill(TSS_ID)
    for name, value in secrets.items():
        field = page.locator(f"#scus_p_{name}")
        expect(field).to_have_attribute("type", "password")
        field.fill(value)
    page.locator("#scus-form").get_by_role("button", name="Save").click()
    expect(page.locator("#scus-form form")).to_have_count(0)
    expect(scus.get_by_role("row").filter(has_text="fiskaly TSE")).to_be_visible()


def link(page, identification, scu_label):
    links = page.locator("#links")
    links.get_by_role("link", name="Link a queue to an SCU").click()
    page.locator("#links_queue").select_option(label=identification)
    page.locator("#links_scu").select_option(label=scu_label)
    page.locator("#links-form").get_by_role("button", name="Save").click()
    expect(links.get_by_role("row").filter(has_text=identification)).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Linked")


def test_dealer_builds_a_cashbox_rebuilds_it_and_sees_its_configuration(live_server, cast, page, artifacts):
    base = live_server.url
    outlet = factories.outlet(cast.operator_org, number=5, name="Filiale Mitte")

    steps.log_in(page, base, cast.dealer.email)
    add_cashbox(page, base, outlet, "Till 1", "till1.shop.local")
    add_queue(page, "MITTE-TILL-1")
    add_fiskaly_scu(page, factories.FISKALY_SECRETS)
    link(page, "MITTE-TILL-1", "fiskaly TSE on Till 1")
    expect(page.locator("#status")).to_contain_text("needs rebuild")
    page.screenshot(path=artifacts / "cashbox-built.png", full_page=True)

    page.locator("#status").get_by_role("link", name="Rebuild…").click()
    diff = page.locator("#rebuild-slot table.diff")
    expect(diff).to_be_visible()
    expect(diff).to_contain_text("init_ftSignaturCreationUnitDE")
    page.screenshot(path=artifacts / "cashbox-rebuild-diff.png", full_page=True)
    cashbox = CashBox.objects.get(description="Till 1")
    page.get_by_role("button", name=f"Publish revision {cashbox.revision}").click()
    expect(page.get_by_role("status").filter(has_text=f"Revision {cashbox.revision} published.")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("up to date")

    page.get_by_role("link", name="Configuration JSON").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Configuration of Till 1")
    shown = page.locator("#configuration-json").inner_text()
    configuration = json.loads(shown)
    [queue] = configuration["ftQueues"]
    [record] = queue["Configuration"]["init_ftSignaturCreationUnitDE"]
    [scu] = configuration["ftSignaturCreationDevices"]
    assert record["ftSignaturCreationUnitDEId"] == scu["Id"]
    assert json.loads(record["Url"]) == ["grpc://localhost:1400"]
    assert {scu["Configuration"][name] for name in factories.FISKALY_SECRETS} == {"***"}
    for secret in factories.FISKALY_SECRETS.values():
        assert secret not in page.content()
    page.screenshot(path=artifacts / "cashbox-configuration.png", full_page=True)
