"""The rollout wizard's pages: every step with good and bad answers, back and forward, drafts,
tenancy, applying once, and the two renderings (full page, htmx fragment)."""

import re

import pytest
from django.urls import reverse

from cashboxes.models import CashBox, Queue, Scu, SigningDevice
from portal.models import OperatorLink
from scenarios.models import Plan, WizardDraft
from tests import factories
from tests.conftest import make_org
from tests.test_tenancy_scenarios_ui import MACHINES, SIGNING

HTMX = {"HX-Request": "true", "HX-Target": "wizard-step"}
FISKALY = {
    "TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
    "ApiKey": "key-SECRET-1",
    "ApiSecret": "secret-SECRET-2",
    "AdminPin": "pin-SECRET-3",
}


@pytest.fixture
def outlet(cast):
    return factories.outlet(cast.operator_org, number=12, name="Filiale Nord")


@pytest.fixture
def dealer(client, cast):
    client.force_login(cast.dealer)
    return client


def page(response):
    return response.content.decode()


def url(name, draft):
    return reverse(f"wizard-{name}", args=[draft.pk])


def errors(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def new_draft(cast, **answers):
    return WizardDraft.objects.create(owner=cast.dealer_org, user=cast.dealer, answers=answers)


def answered(cast, outlet, **changes):
    """A draft with steps 1 to 3 answered (four tills and a server with a Swissbit TSE)."""
    answers = {"operator": str(outlet.operator_id), "outlet": str(outlet.pk), **MACHINES, **SIGNING, "pos_systems": 4}
    answers.update(changes)
    return new_draft(cast, **answers)


def planned(client, cast, outlet, scenario="server-scu", **changes):
    """A draft whose scenario is chosen (through the page): it has its plan."""
    draft = answered(cast, outlet, **changes)
    response = client.post(url("scenarios", draft), {"scenario": scenario})
    assert response.status_code == 302, page(response)[-2000:]
    draft.refresh_from_db()
    return draft


def plan_body(draft, **values):
    """The review form as the page sends it, with the machines' current names."""
    body = {"action": "save"}
    for machine in draft.plan.data["machines"]:
        if any(c["machine"] == machine["key"] for c in draft.plan.data["cashboxes"]):
            body[f"machine__{machine['key']}__hostname"] = machine["hostname"]
            body[f"machine__{machine['key']}__platform"] = machine["platform"]
    body.update(values)
    return body


# ------------------------------------------------------------------ start page and drafts


def test_start_page_offers_to_plan_and_lists_the_organizations_drafts(dealer, cast, outlet):
    mine = answered(cast, outlet)
    other = WizardDraft.objects.create(owner=cast.dealer2_org, user=cast.dealer2, answers={})
    html = page(dealer.get(reverse("wizard")))
    assert "Plan a rollout" in html
    assert f'id="draft-{mine.pk}"' in html
    assert str(outlet) in html
    assert f"/wizard/{other.pk}/" not in html


def test_a_draft_resumes_at_the_step_it_was_left_at(dealer, cast, outlet):
    draft = answered(cast, outlet)
    dealer.post(url("signing", draft), {"signing": "swissbit", "peak_receipts_per_minute": "20"})
    html = page(dealer.get(reverse("wizard")))
    assert re.search(rf'href="{url("scenarios", draft)}"[^>]*>Resume', html)
    assert dealer.get(url("scenarios", draft)).status_code == 200


def test_starting_makes_a_draft_with_the_only_operator_chosen(dealer, cast):
    response = dealer.post(reverse("wizard-start"))
    draft = WizardDraft.objects.get()
    assert response.url == url("outlet", draft)
    assert (draft.owner, draft.user) == (cast.dealer_org, cast.dealer)
    assert draft.answers == {"operator": str(cast.operator_org.pk)}
    html = page(dealer.get(response.url))
    assert f'<option value="{cast.operator_org.pk}" selected>' in html


def test_the_only_operator_is_chosen_on_a_draft_without_answers(dealer, cast, outlet):
    html = page(dealer.get(url("outlet", new_draft(cast))))
    assert f'<option value="{cast.operator_org.pk}" selected>' in html
    assert f'<option value="{outlet.pk}">' in html


def test_read_only_member_sees_drafts_but_cannot_start_one(client, cast, outlet):
    draft = answered(cast, outlet)
    client.force_login(cast.dealer_reader)
    html = page(client.get(reverse("wizard")))
    assert f'id="draft-{draft.pk}"' in html
    assert "Plan a rollout" not in html
    assert "Discard" not in html
    assert client.post(reverse("wizard-start")).status_code == 403


def test_discarding_a_draft_deletes_its_unapplied_plan(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    response = dealer.post(reverse("wizard-delete", args=[draft.pk]))
    assert response.url == reverse("wizard")
    assert not WizardDraft.objects.exists()
    assert not Plan.objects.exists()


# ------------------------------------------------------------------ step 1: outlet


def test_outlet_step_saves_the_outlet_and_goes_to_the_machines(dealer, cast, outlet):
    draft = new_draft(cast)
    response = dealer.post(url("outlet", draft), {"operator": cast.operator_org.pk, "outlet": outlet.pk})
    assert response.url == url("machines", draft)
    draft.refresh_from_db()
    assert draft.answers == {"operator": str(cast.operator_org.pk), "outlet": str(outlet.pk)}
    assert draft.step == "machines"
    assert "Germany" in page(dealer.get(response.url))  # the country follows from the outlet


def test_outlet_step_refuses_another_dealers_outlet_and_a_missing_one(dealer, cast, configs):
    draft = new_draft(cast)
    foreign = dealer.post(url("outlet", draft), {"operator": cast.operator_org.pk, "outlet": configs.b.outlet.pk})
    assert foreign.status_code == 400
    assert errors(foreign, "outlet")
    missing = dealer.post(url("outlet", draft), {"operator": "", "outlet": ""})
    assert missing.status_code == 400
    assert errors(missing, "operator") and errors(missing, "outlet")
    garbage = dealer.post(url("outlet", draft), {"operator": "nonsense", "outlet": "not-a-uuid"})
    assert garbage.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {}


def test_outlet_must_belong_to_the_chosen_operator(dealer, cast, outlet):
    second = make_org("Second operator", is_pos_operator=True)
    OperatorLink.objects.create(dealer=cast.dealer_org, operator=second, right="write")
    other_outlet = factories.outlet(second, number=3, name="Elsewhere")
    draft = new_draft(cast)
    response = dealer.post(url("outlet", draft), {"operator": cast.operator_org.pk, "outlet": other_outlet.pk})
    assert errors(response, "outlet") == ["Choose one of the outlets of this PosOperator."]


def test_without_javascript_show_lists_the_chosen_operators_outlets(dealer, cast, outlet):
    second = make_org("Second operator", is_pos_operator=True)
    OperatorLink.objects.create(dealer=cast.dealer_org, operator=second, right="write")
    other_outlet = factories.outlet(second, number=3, name="Elsewhere")
    draft = new_draft(cast)
    both = page(dealer.get(url("outlet", draft)))
    assert str(outlet) in both and str(other_outlet) in both  # grouped by operator
    shown = dealer.post(url("outlet", draft), {"operator": second.pk, "show": "1"})
    assert shown.status_code == 200
    html = page(shown)
    assert str(other_outlet) in html and str(outlet) not in html
    assert "This field is required" not in html
    # htmx asks the same by GET when the operator changes.
    fragment = page(dealer.get(url("outlet", draft), {"operator": second.pk}, headers=HTMX))
    assert str(other_outlet) in fragment and str(outlet) not in fragment


# ------------------------------------------------------------------ step 2: machines


def test_machines_step_saves_the_answers(dealer, cast, outlet):
    draft = new_draft(cast, operator=str(cast.operator_org.pk), outlet=str(outlet.pk))
    body = {"pos_systems": "4", "terminals": "2", "has_server": "on", "internet": "unreliable", "data_centre": "on"}
    response = dealer.post(url("machines", draft), body)
    assert response.url == url("signing", draft)
    draft.refresh_from_db()
    assert draft.answers["pos_systems"] == 4 and draft.answers["terminals"] == 2
    assert draft.answers["has_server"] is True and draft.answers["virtualised_server"] is False
    assert draft.answers["internet"] == "unreliable" and draft.answers["data_centre"] is True


@pytest.mark.parametrize(
    "body,field,message",
    [
        ({"pos_systems": "0", "terminals": "0"}, "pos_systems", "An outlet has at least one POS system or terminal."),
        ({"pos_systems": "-1", "terminals": "0"}, "pos_systems", None),
        ({"pos_systems": "abc", "terminals": "0"}, "pos_systems", None),
        ({"pos_systems": "1", "terminals": "0", "virtualised_server": "on"}, "virtualised_server", None),
        ({"pos_systems": "1", "terminals": "0", "internet": "sometimes"}, "internet", None),
    ],
)
def test_machines_step_puts_its_messages_on_the_fields(dealer, cast, outlet, body, field, message):
    draft = new_draft(cast, operator=str(cast.operator_org.pk), outlet=str(outlet.pk))
    response = dealer.post(url("machines", draft), {"internet": "stable", **body})
    assert response.status_code == 400
    assert errors(response, field)
    if message:
        assert errors(response, field) == [message]
    draft.refresh_from_db()
    assert "pos_systems" not in draft.answers


def test_the_data_centre_question_is_only_asked_in_germany(dealer, cast):
    austrian = factories.outlet(cast.operator_org, number=20, country="AT")
    draft = new_draft(cast, operator=str(cast.operator_org.pk), outlet=str(austrian.pk))
    assert "data_centre" not in page(dealer.get(url("machines", draft)))


# ------------------------------------------------------------------ step 3: signing and load


def test_signing_step_offers_the_countrys_options_with_kind_and_client_limit(dealer, cast, outlet):
    draft = answered(cast, outlet)
    html = page(dealer.get(url("signing", draft)))
    assert "Swissbit USB/SD TSE" in html and "up to 100 queues per device" in html
    assert "Hardware (USB/SD)" in html
    assert "A-Trust" not in html  # Austria's


def test_signing_step_saves_the_option_and_the_load(dealer, cast, outlet):
    draft = new_draft(cast, operator=str(cast.operator_org.pk), outlet=str(outlet.pk), **MACHINES)
    response = dealer.post(
        url("signing", draft), {"signing": "fiskaly", "peak_receipts_per_minute": "12.5", "monthly_receipts": "40000"}
    )
    assert response.url == url("scenarios", draft)
    draft.refresh_from_db()
    assert (draft.answers["signing"], draft.answers["peak_receipts_per_minute"], draft.answers["monthly_receipts"]) == (
        "fiskaly",
        12.5,
        40000,
    )


@pytest.mark.parametrize(
    "body,field",
    [
        ({"signing": "atrust-online", "peak_receipts_per_minute": "10"}, "signing"),  # Austria's
        ({"signing": "", "peak_receipts_per_minute": "10"}, "signing"),
        ({"signing": "fiskaly", "peak_receipts_per_minute": "0"}, "peak_receipts_per_minute"),
        ({"signing": "fiskaly", "peak_receipts_per_minute": "lots"}, "peak_receipts_per_minute"),
        ({"signing": "fiskaly", "peak_receipts_per_minute": "10", "monthly_receipts": "-5"}, "monthly_receipts"),
    ],
)
def test_signing_step_puts_its_messages_on_the_fields(dealer, cast, outlet, body, field):
    draft = new_draft(cast, operator=str(cast.operator_org.pk), outlet=str(outlet.pk), **MACHINES)
    response = dealer.post(url("signing", draft), body)
    assert response.status_code == 400
    assert errors(response, field)


# ------------------------------------------------------------------ step 4: scenarios


def test_scenarios_step_shows_the_ranked_scenarios_and_the_refused_ones_with_reasons(dealer, cast, outlet):
    draft = answered(cast, outlet)
    response = dealer.get(url("scenarios", draft))
    html = page(response)
    allowed = response.context["allowed"]
    assert [item["rank"] for item in allowed] == list(range(1, len(allowed) + 1))
    assert "server-scu" in {item["id"] for item in allowed}
    server = next(item for item in allowed if item["id"] == "server-scu")
    card = html[html.index('id="scenario-server-scu"') :]
    card = card[: card.index("</article>")]
    for text in (server["name"], server["pros"][0], server["cons"][0], server["explanation"][0], "SINGLE-POINT-OF-FAILURE"):
        assert str(text) in card
    assert "<svg" in card  # the drawing of its plan
    assert ">Choose<" in card
    refused = {item["id"]: item for item in response.context["refused"]}
    assert "shared-cloud-tse" in refused
    assert refused["shared-cloud-tse"]["reasons"][0] in html
    assert '<details class="card refused">' in html
    assert not Plan.objects.exists()  # previews are drawn, not saved


def test_choosing_a_scenario_makes_its_plan(dealer, cast, outlet):
    draft = answered(cast, outlet)
    response = dealer.post(url("scenarios", draft), {"scenario": "server-scu"})
    assert response.url == url("plan", draft)
    draft.refresh_from_db()
    assert draft.plan.scenario == "server-scu" and draft.plan.outlet == outlet
    assert draft.answers["scenario"] == "server-scu"
    assert draft.plan.created_by == cast.dealer


@pytest.mark.parametrize("scenario", ["shared-cloud-tse", "no-such-scenario", ""])
def test_a_scenario_that_is_not_allowed_cannot_be_chosen(dealer, cast, outlet, scenario):
    draft = answered(cast, outlet)
    response = dealer.post(url("scenarios", draft), {"scenario": scenario})
    assert response.status_code == 400
    assert errors(response, "scenario")
    assert not Plan.objects.exists()


def test_choosing_another_scenario_replaces_the_plan(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    first = draft.plan_id
    dealer.post(url("scenarios", draft), {"scenario": "scu-per-pos"})
    draft.refresh_from_db()
    assert draft.plan.scenario == "scu-per-pos"
    assert list(Plan.objects.values_list("pk", flat=True)) == [draft.plan_id] != [first]
    dealer.post(url("scenarios", draft), {"scenario": "scu-per-pos"})  # the same again: kept
    assert list(Plan.objects.values_list("pk", flat=True)) == [draft.plan_id]


def test_many_machines_leave_the_drawing_to_the_plan_step(dealer, cast, outlet):
    draft = answered(cast, outlet, pos_systems=30, terminals=30)
    response = dealer.get(url("scenarios", draft))
    assert response.context["previews"] is False
    assert "<svg" not in page(response)


# ------------------------------------------------------------------ step 5: the plan


def test_plan_step_shows_machines_parameters_drawing_and_what_is_missing(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    response = dealer.get(url("plan", draft))
    html = page(response)
    assert 'value="server.local"' in html and 'value="pos-4.local"' in html
    assert 'name="scu__scu-1__devicePath"' in html
    assert "<svg" in html and reverse("plan-topology", args=[draft.plan_id]) in html
    assert any("devicePath" in problem for problem in response.context["problems"])


def test_plan_step_saves_host_names_platforms_and_parameters(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    body = plan_body(
        draft,
        **{"machine__server__hostname": "backoffice.shop.lan", "scu__scu-1__devicePath": "/media/tse", "action": "save"},
    )
    response = dealer.post(url("plan", draft), body)
    assert response.url == url("plan", draft)
    plan = Plan.objects.get()
    server = next(m for m in plan.data["machines"] if m["key"] == "server")
    assert server["hostname"] == "backoffice.shop.lan"
    assert plan.data["scus"][0]["parameters"]["devicePath"] == "/media/tse"
    after = dealer.get(url("plan", draft))
    assert after.context["problems"] == []
    assert "Plan saved." in page(after)


@pytest.mark.parametrize(
    "values,field",
    [
        ({"machine__server__hostname": "not a host!"}, "machine__server__hostname"),
        ({"machine__server__hostname": ""}, "machine__server__hostname"),
        ({"machine__pos-2__hostname": "pos-1.local"}, "machine__pos-2__hostname"),
        ({"machine__server__platform": "macos"}, "machine__server__platform"),  # no Swissbit SCU on macOS
        ({"scu__scu-1__devicePath": "/media/tse/"}, "scu__scu-1__devicePath"),
        ({"scu__scu-1__messagesize": "many"}, "scu__scu-1__messagesize"),
    ],
)
def test_plan_step_puts_its_messages_on_the_fields(dealer, cast, outlet, values, field):
    draft = planned(dealer, cast, outlet)
    before = Plan.objects.get().data
    response = dealer.post(url("plan", draft), plan_body(draft, **{"scu__scu-1__devicePath": "/media/tse", **values}))
    assert response.status_code == 400
    assert errors(response, field)
    assert Plan.objects.get().data == before


def test_saving_for_later_keeps_what_is_filled_but_continuing_needs_every_required_parameter(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    later = dealer.post(url("plan", draft), plan_body(draft, **{"machine__pos-1__hostname": "kasse1.lan"}))
    assert later.status_code == 302
    assert Plan.objects.get().data["machines"][1]["hostname"] == "kasse1.lan"
    onwards = dealer.post(url("plan", draft), plan_body(draft, action="next"))
    assert onwards.status_code == 400
    assert errors(onwards, "scu__scu-1__devicePath")
    done = dealer.post(url("plan", draft), plan_body(draft, action="next", **{"scu__scu-1__devicePath": "D:"}))
    assert done.url == url("apply", draft)


def test_secrets_are_write_only_and_show_as_set(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet, signing="fiskaly", pos_systems=1, has_server=False, scenario="scu-per-pos")
    key = draft.plan.data["scus"][0]["key"]
    values = {f"scu__{key}__{name}": value for name, value in FISKALY.items()}
    assert dealer.post(url("plan", draft), plan_body(draft, **values)).status_code == 302
    html = page(dealer.get(url("plan", draft)))
    for name in ("ApiKey", "ApiSecret", "AdminPin"):
        assert FISKALY[name] not in html
        assert re.search(rf'<input type="password" name="scu__{key}__{name}"', html)
    assert html.count('class="badge set"') == 3
    # Left empty, a stored secret is kept.
    kept = dealer.post(url("plan", draft), plan_body(draft, action="next", **{f"scu__{key}__TssId": FISKALY["TssId"]}))
    assert kept.status_code == 302
    assert dealer.get(url("plan", draft)).context["problems"] == []
    assert FISKALY["ApiKey"] not in str(Plan.objects.get().data)


def test_values_for_every_scu_fill_each_scu_that_has_none_of_its_own(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet, signing="fiskaly", pos_systems=3, has_server=False, scenario="scu-per-pos")
    common = {f"all__{name}": value for name, value in FISKALY.items()}
    own = {"scu__scu-pos-2__TssId": "9b0c4a5e-3f1d-4c2b-8e7a-1d2c3b4a5f60"}
    response = dealer.post(url("plan", draft), plan_body(draft, action="next", **common, **own))
    assert response.url == url("apply", draft)
    plan = Plan.objects.get()
    tss = {scu["key"]: scu["parameters"]["TssId"] for scu in plan.data["scus"]}
    assert tss == {"scu-pos-1": FISKALY["TssId"], "scu-pos-2": own["scu__scu-pos-2__TssId"], "scu-pos-3": FISKALY["TssId"]}
    wrong = dealer.post(url("plan", draft), plan_body(draft, **{"all__TssId": "bad"}))
    assert errors(wrong, "all__TssId")


# ------------------------------------------------------------------ step 6: apply


def test_applying_creates_the_cashboxes_and_shows_them(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    dealer.post(url("plan", draft), plan_body(draft, **{"scu__scu-1__devicePath": "/media/tse"}))
    response = dealer.post(url("apply", draft))
    assert response.url == url("apply", draft)
    cashboxes = CashBox.objects.filter(outlet=outlet)
    assert cashboxes.count() == 5
    html = page(dealer.get(response.url))
    assert "Plan applied: 5 CashBoxes created." in html
    for cashbox in cashboxes:
        assert reverse("cashbox-detail", args=[cashbox.pk]) in html
        assert reverse("cashbox-rebuild", args=[cashbox.pk]) in html


def test_applying_again_creates_nothing_more(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    dealer.post(url("plan", draft), plan_body(draft, **{"scu__scu-1__devicePath": "/media/tse"}))
    dealer.post(url("apply", draft))
    counts = (CashBox.objects.count(), Queue.objects.count(), Scu.objects.count(), SigningDevice.objects.count())
    again = dealer.post(url("apply", draft))
    assert again.status_code == 302
    assert (CashBox.objects.count(), Queue.objects.count(), Scu.objects.count(), SigningDevice.objects.count()) == counts
    assert "nothing new was created" in page(dealer.get(again.url))


def test_a_plan_with_problems_is_not_applied(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    html = page(dealer.get(url("apply", draft)))
    assert "devicePath" in html and "Apply the plan</button>" not in html
    response = dealer.post(url("apply", draft))
    assert response.status_code == 400
    assert any("devicePath" in problem for problem in response.context["problems"])
    assert not CashBox.objects.exists()


def test_an_applied_draft_keeps_its_answers(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    dealer.post(url("plan", draft), plan_body(draft, **{"scu__scu-1__devicePath": "/media/tse"}))
    dealer.post(url("apply", draft))
    response = dealer.post(url("machines", draft), {"pos_systems": "9", "terminals": "0", "internet": "stable"})
    assert response.url == url("apply", draft)
    draft.refresh_from_db()
    assert draft.answers["pos_systems"] == 4 and draft.plan.applied_at
    html = page(dealer.get(url("machines", draft)))
    assert "This draft was applied" in html and ">Next<" not in html
    assert "applied" in page(dealer.get(reverse("wizard")))


# ------------------------------------------------------------------ back and forward


def test_back_and_forward_keep_the_answers(dealer, cast, outlet):
    draft = new_draft(cast)
    dealer.post(url("outlet", draft), {"operator": cast.operator_org.pk, "outlet": outlet.pk})
    dealer.post(url("machines", draft), {"pos_systems": "3", "terminals": "5", "has_server": "on", "internet": "stable"})
    dealer.post(url("signing", draft), {"signing": "epson", "peak_receipts_per_minute": "42", "monthly_receipts": "9000"})
    machines = page(dealer.get(url("machines", draft)))  # back
    assert 'name="pos_systems" value="3"' in machines and 'name="terminals" value="5"' in machines
    assert re.search(r'name="has_server"[^>]*checked', machines)
    signing = page(dealer.get(url("signing", draft)))  # forward again
    assert re.search(r'value="epson"[^>]*checked', signing)
    assert 'value="42.0"' in signing and 'value="9000"' in signing
    outlet_page = page(dealer.get(url("outlet", draft)))
    assert f'<option value="{outlet.pk}" selected>' in outlet_page


def test_changing_an_earlier_answer_drops_the_plan_that_no_longer_fits(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    same = {"pos_systems": "4", "terminals": "0", "has_server": "on", "internet": "stable"}
    dealer.post(url("machines", draft), same)
    draft.refresh_from_db()
    assert draft.plan is not None  # unchanged answers keep it
    dealer.post(url("machines", draft), {**same, "pos_systems": "5"})
    draft.refresh_from_db()
    assert draft.plan is None and not Plan.objects.exists()
    assert "scenario" not in draft.answers
    assert dealer.get(url("plan", draft)).url == url("scenarios", draft)


def test_a_step_whose_earlier_answers_are_missing_sends_to_the_first_one_to_answer(dealer, cast, outlet):
    draft = new_draft(cast, operator=str(cast.operator_org.pk), outlet=str(outlet.pk))
    for step in ("signing", "scenarios", "plan", "apply"):
        response = dealer.get(url(step, draft))
        assert response.status_code == 302 and response.url == url("machines", draft)
    assert dealer.post(url("scenarios", draft), {"scenario": "server-scu"}).url == url("machines", draft)


def test_steps_before_the_last_answered_one_are_links(dealer, cast, outlet):
    draft = answered(cast, outlet)
    html = page(dealer.get(url("machines", draft)))
    assert f'href="{url("scenarios", draft)}"' in html
    assert f'href="{url("plan", draft)}"' not in html  # no plan yet


# ------------------------------------------------------------------ tenancy


@pytest.mark.parametrize("step", ["outlet", "machines", "signing", "scenarios", "plan", "apply"])
def test_another_dealers_draft_is_not_found(client, cast, outlet, step):
    client.force_login(cast.dealer)
    draft = planned(client, cast, outlet)
    client.force_login(cast.dealer2)
    assert client.get(url(step, draft)).status_code == 404
    assert client.post(url(step, draft), {}).status_code == 404
    assert client.get(reverse("plan-topology", args=[draft.plan_id])).status_code == 404
    assert str(draft.pk) not in page(client.get(reverse("wizard")))


def test_a_dealer_cannot_plan_for_an_outlet_it_may_not_change(client, cast, configs):
    client.force_login(cast.dealer2)
    draft = WizardDraft.objects.create(owner=cast.dealer2_org, user=cast.dealer2)
    response = client.post(url("outlet", draft), {"operator": cast.operator_org.pk, "outlet": configs.a.outlet.pk})
    assert response.status_code == 400
    assert str(configs.a.outlet.pk) not in page(response)
    # A draft that names such an outlet (no longer reachable) starts again at the outlet.
    draft.answers = {"outlet": str(configs.a.outlet.pk), **MACHINES, **SIGNING}
    draft.save()
    assert client.get(url("scenarios", draft)).url == url("outlet", draft)


def test_an_operator_plans_its_own_outlets(client, cast, outlet):
    client.force_login(cast.operator)
    client.post(reverse("wizard-start"))
    draft = WizardDraft.objects.get()
    assert draft.owner == cast.operator_org
    assert client.post(url("outlet", draft), {"operator": cast.operator_org.pk, "outlet": outlet.pk}).status_code == 302


# ------------------------------------------------------------------ two renderings


def test_htmx_gets_the_step_area_and_a_browser_the_whole_page(dealer, cast, outlet):
    draft = answered(cast, outlet)
    full = page(dealer.get(url("machines", draft)))
    assert full.startswith("<!doctype html>") and 'id="wizard-step"' in full
    fragment = page(dealer.get(url("machines", draft), headers=HTMX))
    # At the root: the title (htmx sets the page's), the messages out of band, then the step area.
    assert fragment.lstrip().startswith("<title>Machines · Rollout wizard · Rollout portal</title>")
    assert '<div id="messages" hx-swap-oob="true">' in fragment
    assert re.search(r'<section id="wizard-step"[^>]* hx-target="this" hx-swap="outerHTML" hx-push-url="true">', fragment)
    assert "<header" not in fragment


def test_htmx_gets_a_wrong_answer_back_as_200_and_a_good_one_as_a_redirect(dealer, cast, outlet):
    draft = answered(cast, outlet)
    wrong = dealer.post(url("machines", draft), {"pos_systems": "0", "terminals": "0", "internet": "stable"}, headers=HTMX)
    assert wrong.status_code == 200  # htmx swaps 2xx only
    assert "An outlet has at least one POS system or terminal." in page(wrong)
    assert "<header" not in page(wrong)
    good = dealer.post(url("machines", draft), {"pos_systems": "2", "terminals": "0", "internet": "stable"}, headers=HTMX)
    assert good.status_code == 302 and good.url == url("signing", draft)  # htmx follows it and pushes the URL


def test_every_form_and_link_of_a_step_works_without_javascript(dealer, cast, outlet):
    draft = planned(dealer, cast, outlet)
    for step in ("outlet", "machines", "signing", "scenarios", "plan", "apply"):
        html = page(dealer.get(url(step, draft)))
        for tag in re.findall(r"<form\b[^>]*>", html):
            assert 'method="post"' in tag or 'method="get"' in tag, tag
            assert "action=" in tag, tag
        for tag in re.findall(r"<a\b[^>]*hx-get[^>]*>", html):
            assert "href=" in tag, tag


def test_the_wizard_speaks_german(dealer, cast, outlet):
    draft = answered(cast, outlet)
    dealer.cookies["django_language"] = "de"
    html = page(dealer.get(url("scenarios", draft), HTTP_ACCEPT_LANGUAGE="de"))
    assert '<html lang="de">' in html
    assert "Welches Szenario passt?" in html
    assert "Auswählen" in html


def test_the_nav_leads_dealers_and_operators_to_the_wizard(client, cast):
    for user, shown in ((cast.dealer, True), (cast.operator, True), (cast.creator, False)):
        client.force_login(user)
        assert (f'href="{reverse("wizard")}"' in page(client.get(reverse("dashboard")))) is shown
