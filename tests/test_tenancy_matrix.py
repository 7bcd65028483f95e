"""The tenancy matrix: every route of the UI and the API, for every role of the cast, on
objects of one tenant. Another tenant's object is 404, a missing right 403, anonymous 401
(API) or a redirect to the login (UI).

A route that is missing from the tables fails `test_every_api_route_is_in_the_matrix` (and the
UI twin), so a new route cannot ship without its tenancy cases.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.models import AuditEvent, PosSystem
from tests.tenancy import cases, expect, run_api_case, run_ui_case, ui
from tests.test_tenancy_cashboxes_api import CASHBOX_API
from tests.test_tenancy_cashboxes_ui import CASHBOX_UI
from tests.test_tenancy_scenarios_api import SCENARIO_API
from tests.test_tenancy_scenarios_ui import SCENARIO_UI
from tests.test_tenancy_topology import TOPOLOGY_UI

# ---------------------------------------------------------------- API

# (route name, method, url kwargs from the world, request body, expected statuses)
API = [
    ("api:api-me", "get", None, None, expect(200)),
    ("api:organization-list", "get", None, None, expect(200)),
    (
        "api:organization-detail",
        "get",
        lambda w: w.cast.operator_org.pk,
        None,
        expect(404, dealer=200, dealer_reader=200, operator=200),
    ),
    (
        "api:organization-detail",
        "patch",
        lambda w: w.cast.operator_org.pk,
        {"phone": "123"},
        expect(404, dealer=200, dealer_reader=403, operator=200),
    ),
    (
        "api:organization-detail",
        "patch",
        lambda w: w.cast.dealer_org.pk,
        {"phone": "123"},
        expect(404, dealer=200, dealer_reader=403, operator=403, creator=403),
    ),
    ("api:possystem-list", "get", None, None, expect(200)),
    (
        "api:possystem-list",
        "post",
        None,
        {"name": "N", "brand": "B", "type": "T", "software_version": "1"},
        expect(403, creator=201),
    ),
    ("api:possystem-detail", "get", lambda w: w.cast.pos_system.pk, None, expect(200, operator=404)),
    (
        "api:possystem-detail",
        "patch",
        lambda w: w.cast.pos_system.pk,
        {"name": "Renamed"},
        expect(403, creator=200, operator=404),
    ),
    ("api:possystem-detail", "delete", lambda w: w.other_pos_system.pk, None, expect(404, creator=204)),
    (
        "api:possystem-dealers",
        "post",
        lambda w: w.cast.pos_system.pk,
        {"email": "dealer2@test.example"},
        expect(403, creator=201, operator=404),
    ),
    ("api:dealerassignment-list", "get", None, None, expect(200)),
    (
        "api:dealerassignment-list",
        "post",
        None,
        lambda w: {"pos_system": str(w.other_pos_system.pk)},
        expect(403, dealer=201, dealer2=201),
    ),
    (
        "api:dealerassignment-detail",
        "get",
        lambda w: w.assignment.pk,
        None,
        expect(404, creator=200, dealer=200, dealer_reader=200),
    ),
    (
        "api:dealerassignment-detail",
        "delete",
        lambda w: w.assignment.pk,
        None,
        expect(404, creator=204, dealer=204, dealer_reader=403),
    ),
    (
        "api:dealerassignment-accept",
        "post",
        lambda w: w.assignment.pk,
        None,
        expect(404, creator=400, dealer=403, dealer_reader=403),
    ),
    ("api:operatorlink-list", "get", None, None, expect(200)),
    ("api:operatorlink-list", "post", None, {"right": "read"}, expect(403)),
    ("api:operatorlink-detail", "get", lambda w: w.cast.link.pk, None, expect(404, dealer=200, dealer_reader=200, operator=200)),
    (
        "api:operatorlink-detail",
        "patch",
        lambda w: w.cast.link.pk,
        {"right": "read"},
        expect(404, dealer=403, dealer_reader=403, operator=200),
    ),
    ("api:operatorlink-revoke", "post", lambda w: w.cast.link.pk, None, expect(404, dealer=403, dealer_reader=403, operator=200)),
    ("api:operatorlink-accept", "post", lambda w: w.cast.link.pk, None, expect(404, dealer=400, dealer_reader=403, operator=403)),
    ("api:invitation-list", "get", None, None, expect(200)),
    (
        "api:invitation-list",
        "post",
        None,
        {"email": "x@shop.example", "company_name": "X", "country": "AT", "contact_first_name": "X", "contact_last_name": "Y"},
        expect(403, dealer=201, dealer2=201),
    ),
    ("api:invitation-detail", "get", lambda w: w.invitation.pk, None, expect(404, dealer=200, dealer_reader=200)),
    ("api:invitation-resend", "post", lambda w: w.invitation.pk, None, expect(404, dealer=200, dealer_reader=403)),
    ("api:invitation-withdraw", "post", lambda w: w.invitation.pk, None, expect(404, dealer=200, dealer_reader=403)),
    ("api:membership-list", "get", None, None, expect(200)),
    ("api:membership-list", "post", None, {"email": "colleague@test.example", "right": "read"}, expect(201, dealer_reader=403)),
    ("api:membership-detail", "get", lambda w: w.reader_membership.pk, None, expect(404, dealer=200, dealer_reader=200)),
    (
        "api:membership-detail",
        "patch",
        lambda w: w.reader_membership.pk,
        {"right": "write"},
        expect(404, dealer=200, dealer_reader=403),
    ),
    ("api:membership-detail", "delete", lambda w: w.reader_membership.pk, None, expect(404, dealer=204, dealer_reader=403)),
    ("api:auditevent-list", "get", None, None, expect(200)),
    ("api:auditevent-detail", "get", lambda w: w.event.pk, None, expect(404, dealer=200, dealer_reader=200)),
    ("api:apitoken-list", "get", None, None, expect(200)),
    ("api:apitoken-list", "post", None, {"name": "ci"}, expect(201)),
    ("api:apitoken-detail", "get", lambda w: w.token.pk, None, expect(404, dealer=200)),
    ("api:apitoken-detail", "delete", lambda w: w.token.pk, None, expect(404, dealer=204)),
]

API += [
    ("api:signing-key", "get", None, None, expect(200, anon=200)),
    ("api:job-list", "get", None, None, expect(200)),
    ("api:job-detail", "get", lambda w: w.job.pk, None, expect(404, dealer=200, dealer_reader=200, operator=200)),
    # A package holds secrets: a read-only member may see the job, not download it.
    ("api:job-download", "get", lambda w: w.job.pk, None, expect(404, dealer=200, dealer_reader=403, operator=200)),
    ("api:job-cancel", "post", lambda w: w.job.pk, None, expect(404, dealer=400, dealer_reader=403, operator=400)),
]

# Routes that are not tenant data: the router's index and format suffixes, the schema.
API_OUTSIDE_MATRIX = {"api:api-root"}


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(API)))
def test_api_route_answers_each_role_as_the_tenancy_rules_say(world, api, name, method, pk, body, role, status):
    run_api_case(world, api, name, method, pk, body, role, status)


def _route_names(patterns, prefix, namespace=""):
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add((prefix + str(pattern.pattern), namespace + pattern.name))
    return names


def test_every_api_route_is_in_the_matrix():
    routes = {name for route, name in _route_names(get_resolver().url_patterns, "") if route.startswith("api/v1/")}
    covered = {name for name, *_ in API + CASHBOX_API + SCENARIO_API} | API_OUTSIDE_MATRIX
    assert routes - covered == set(), "API routes without tenancy cases"


LIST_ROUTES = [
    f"api:{name}-list"
    for name in (
        "organization",
        "possystem",
        "dealerassignment",
        "operatorlink",
        "invitation",
        "membership",
        "auditevent",
        "apitoken",
    )
]


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_lists_never_show_another_dealers_objects(world, api, name):
    """Dealer A sees its own objects in every list; dealer B sees none of them."""
    cast = world.cast
    a_side = {
        str(pk)
        for pk in (
            cast.dealer_org.pk,
            cast.operator_org.pk,
            world.invitation.pk,
            world.assignment.pk,
            world.sold_by_a_only.pk,
            cast.link.pk,
            world.membership.pk,
            world.token.pk,
        )
    }
    a_side |= {str(e.pk) for e in AuditEvent.objects.filter(organization__in=[cast.dealer_org, cast.operator_org])}

    def ids(user):
        response = api(user).get(reverse(name), {"page_size": 500})
        assert response.status_code == 200
        return {str(row["id"]) for row in response.json()["results"]}

    assert ids(cast.dealer) & a_side, "dealer A sees its own objects in this list"
    assert not ids(cast.dealer2) & a_side


def test_dealer_list_of_organizations_holds_its_operators_not_the_other_dealers(world, api):
    cast = world.cast
    seen = {row["id"] for row in api(cast.dealer).get(reverse("api:organization-list")).json()["results"]}
    assert str(cast.operator_org.pk) in seen
    assert str(cast.operator2_org.pk) not in seen
    assert str(cast.outsider_org.pk) not in seen


def test_revoked_dealer_loses_sight_of_the_operator(world, api):
    cast = world.cast
    api(cast.operator).post(reverse("api:operatorlink-revoke", args=[cast.link.pk]))
    response = api(cast.dealer).get(reverse("api:organization-detail", args=[cast.operator_org.pk]))
    assert response.status_code == 404


def test_tenant_of_a_new_object_comes_from_the_server(world, api):
    cast = world.cast
    response = api(cast.creator).post(
        reverse("api:possystem-list"),
        {"name": "N", "brand": "B", "type": "T", "software_version": "1", "creator": str(cast.dealer2_org.pk)},
        format="json",
    )
    assert response.status_code == 201
    assert PosSystem.objects.get(pk=response.json()["id"]).creator == cast.creator_org


def test_x_organization_header_cannot_reach_an_organization_the_user_is_not_in(world, api):
    cast = world.cast
    client = api(cast.dealer2)
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_X_ORGANIZATION=str(cast.dealer_org.pk))
    response = client.get(reverse("api:invitation-detail", args=[world.invitation.pk]))
    assert response.status_code == 404
    assert client.get(reverse("api:api-me")).json()["organization"] == str(cast.dealer2_org.pk)


# ---------------------------------------------------------------- UI

UI = [
    ("dashboard", "get", None, None, ui(200)),
    ("organization", "get", None, None, ui(302)),
    ("organization-switch", "post", None, lambda w: {"organization": str(w.cast.dealer_org.pk)}, ui(302)),
    ("organization-detail", "get", lambda w: w.cast.operator_org.pk, None, ui(404, dealer=200, dealer_reader=200, operator=200)),
    ("organization-edit", "get", lambda w: w.cast.operator_org.pk, None, ui(404, dealer=200, dealer_reader=403, operator=200)),
    (
        "organization-edit",
        "post",
        lambda w: w.cast.operator_org.pk,
        {"name": "X"},
        ui(404, dealer=200, dealer_reader=403, operator=200),
    ),
    ("members", "get", None, None, ui(200)),
    ("member-add", "post", None, {"email": "colleague@test.example", "right": "read"}, ui(302, dealer_reader=403)),
    ("member-edit", "get", lambda w: w.reader_membership.pk, None, ui(404, dealer=200, dealer_reader=403)),
    ("member-edit", "post", lambda w: w.reader_membership.pk, {"right": "write"}, ui(404, dealer=302, dealer_reader=403)),
    ("member-remove", "post", lambda w: w.reader_membership.pk, None, ui(404, dealer=302, dealer_reader=403)),
    ("tokens", "get", None, None, ui(200)),
    ("token-revoke", "post", lambda w: w.token.pk, None, ui(404, dealer=302)),
    ("possystems", "get", None, None, ui(200)),
    ("possystem-create", "get", None, None, ui(403, creator=200)),
    ("possystem-create", "post", None, {"name": "N", "brand": "B", "type": "T", "software_version": "1"}, ui(403, creator=302)),
    (
        "possystem-request",
        "post",
        None,
        lambda w: {"pos_system_id": str(w.other_pos_system.pk)},
        ui(403, dealer=302, dealer2=302),
    ),
    ("possystem-detail", "get", lambda w: w.cast.pos_system.pk, None, ui(200, operator=404)),
    ("possystem-edit", "get", lambda w: w.cast.pos_system.pk, None, ui(403, creator=200, operator=404)),
    (
        "possystem-register-dealer",
        "post",
        lambda w: w.cast.pos_system.pk,
        {"email": "dealer2@test.example"},
        ui(403, creator=302, operator=404),
    ),
    ("assignment-accept", "post", lambda w: w.assignment.pk, None, ui(404, creator=302, dealer=403, dealer_reader=403)),
    ("assignment-remove", "post", lambda w: w.assignment.pk, None, ui(404, creator=302, dealer=302, dealer_reader=403)),
    ("invitations", "get", None, None, ui(200)),
    ("invitation-create", "get", None, None, ui(403, dealer=200, dealer2=200)),
    ("invitation-import", "get", None, None, ui(403, dealer=200, dealer2=200)),
    ("invitation-template", "get", None, None, ui(200)),
    ("invitation-detail", "get", lambda w: w.invitation.pk, None, ui(404, dealer=200, dealer_reader=200)),
    ("invitation-resend", "post", lambda w: w.invitation.pk, None, ui(404, dealer=302, dealer_reader=403)),
    ("invitation-withdraw", "post", lambda w: w.invitation.pk, None, ui(404, dealer=302, dealer_reader=403)),
    ("invitation-accept", "get", lambda w: w.invitation_token, None, ui(200, anon=200)),
    ("operators", "get", None, None, ui(200)),
    ("operator-accept", "post", lambda w: w.cast.link.pk, None, ui(404, dealer=302, dealer_reader=403, operator=403)),
    ("dealers", "get", None, None, ui(200)),
    ("dealer-right", "post", lambda w: w.cast.link.pk, {"right": "read"}, ui(404, dealer=403, dealer_reader=403, operator=302)),
    ("dealer-revoke", "post", lambda w: w.cast.link.pk, None, ui(404, dealer=403, dealer_reader=403, operator=302)),
    ("audit", "get", None, None, ui(200)),
    ("audit-detail", "get", lambda w: w.event.pk, None, ui(404, dealer=200, dealer_reader=200)),
    ("set_language", "post", None, {"language": "de"}, ui(302, anon=302)),
    ("healthz", "get", None, None, ui(200, anon=200)),
]

UI += [
    ("jobs", "get", None, None, ui(200)),
    ("job-detail", "get", lambda w: w.job.pk, None, ui(404, dealer=200, dealer_reader=200, operator=200)),
    ("job-download", "get", lambda w: w.job.pk, None, ui(404, dealer=200, dealer_reader=403, operator=200)),
]

# Django's own routes (login, password reset, admin) and the API (its own matrix above).
UI_OUTSIDE_MATRIX_PREFIXES = ("api/", "admin/", "accounts/", "static/", "media/")


@pytest.mark.parametrize("name,method,pk,body,role,status", list(cases(UI)))
def test_ui_route_answers_each_role_as_the_tenancy_rules_say(world, client, name, method, pk, body, role, status):
    run_ui_case(world, client, name, method, pk, body, role, status)


def test_every_ui_route_is_in_the_matrix():
    routes = {
        name for route, name in _route_names(get_resolver().url_patterns, "") if not route.startswith(UI_OUTSIDE_MATRIX_PREFIXES)
    }
    covered = {name for name, *_ in UI + CASHBOX_UI + SCENARIO_UI + TOPOLOGY_UI}
    assert routes - covered == set(), "UI routes without tenancy cases"


def test_dealer_b_never_sees_dealer_a_invitations_on_the_page(world, client):
    client.force_login(world.cast.dealer2)
    page = client.get(reverse("invitations")).content.decode()
    assert world.invitation.company_name not in page
    client.force_login(world.cast.dealer)
    assert world.invitation.company_name in client.get(reverse("invitations")).content.decode()
