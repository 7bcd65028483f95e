"""PosCreators register PosSystems and their dealers; PosOperators grant their dealer rights."""

import re

import pytest
from django.core import mail
from django.test import Client

from portal.choices import DealerRight, InvitationKind, InvitationStatus, LinkStatus, MemberRight
from portal.models import DealerAssignment, Invitation, Membership, OperatorLink, Organization, PosSystem, User

POS_SYSTEM = {"name": "Kasse Zwei", "brand": "Brand", "type": "Gastronomy", "software_version": "2"}
NEW_DEALER = {
    "email": "new.dealer@test.example",
    "company_name": "Neuer Händler GmbH",
    "country": "AT",
    "contact_first_name": "Hanna",
    "contact_last_name": "Händler",
}


@pytest.fixture
def second_system(cast):
    """A PosSystem of the creator that no dealer sells yet."""
    return PosSystem.objects.create(creator=cast.creator_org, **POS_SYSTEM)


def accept_path(message):
    found = re.search(r"http://testserver(/invite/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


# PosSystems


@pytest.mark.smoke
def test_creator_creates_a_possystem_and_the_server_sets_the_creator(cast, api):
    response = api(cast.creator).post("/api/v1/possystems/", dict(POS_SYSTEM, creator=str(cast.dealer_org.pk)), format="json")

    assert response.status_code == 201, response.json()
    pos_system = PosSystem.objects.get(pk=response.json()["id"])
    assert pos_system.creator == cast.creator_org
    assert response.json()["creator"] == str(cast.creator_org.pk)
    assert response.json()["pos_system_id"] == str(pos_system.pk)
    assert pos_system.name == "Kasse Zwei"


@pytest.mark.parametrize("who", ["dealer", "operator"])
def test_only_a_creator_can_create_a_possystem(cast, api, who):
    response = api(getattr(cast, who)).post("/api/v1/possystems/", POS_SYSTEM, format="json")

    assert response.status_code == 403
    assert not PosSystem.objects.filter(name="Kasse Zwei").exists()


def test_creator_creates_a_possystem_in_the_ui(cast, browser_client):
    response = browser_client(cast.creator).post("/possystems/new/", POS_SYSTEM)

    pos_system = PosSystem.objects.get(name="Kasse Zwei")
    assert response.status_code == 302
    assert response["Location"] == f"/possystems/{pos_system.pk}/"
    assert pos_system.creator == cast.creator_org


def test_dealer_cannot_open_the_new_possystem_page(cast, browser_client):
    assert browser_client(cast.dealer).post("/possystems/new/", POS_SYSTEM).status_code == 403
    assert not PosSystem.objects.filter(name="Kasse Zwei").exists()


def test_dealer_cannot_change_a_possystem_it_sells(cast, api):
    response = api(cast.dealer).patch(f"/api/v1/possystems/{cast.pos_system.pk}/", {"name": "Renamed"}, format="json")

    assert response.status_code == 403
    cast.pos_system.refresh_from_db()
    assert cast.pos_system.name == "Kasse"


# A creator registers dealers


def test_creator_registers_an_existing_dealer_by_email(cast, api, second_system):
    assert api(cast.dealer).get(f"/api/v1/possystems/{second_system.pk}/").status_code == 404

    response = api(cast.creator).post(
        f"/api/v1/possystems/{second_system.pk}/dealers/", {"email": "Dealer@Test.Example"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["dealer"] == str(cast.dealer_org.pk)
    assert response.json()["status"] == LinkStatus.ACTIVE
    assignment = DealerAssignment.objects.get(pos_system=second_system)
    assert (assignment.dealer, assignment.status) == (cast.dealer_org, LinkStatus.ACTIVE)
    assert not Invitation.objects.exists()
    assert api(cast.dealer).get(f"/api/v1/possystems/{second_system.pk}/").status_code == 200


def test_registering_a_dealer_again_keeps_one_assignment(cast, api):
    response = api(cast.creator).post(
        f"/api/v1/possystems/{cast.pos_system.pk}/dealers/", {"email": "dealer@test.example"}, format="json"
    )

    assert response.status_code == 201
    assert DealerAssignment.objects.filter(pos_system=cast.pos_system, dealer=cast.dealer_org).count() == 1


def test_registering_a_person_whose_company_is_no_dealer_is_refused(cast, api, second_system):
    response = api(cast.creator).post(
        f"/api/v1/possystems/{second_system.pk}/dealers/", {"email": "operator@test.example"}, format="json"
    )

    assert response.status_code == 400
    assert "not a PosDealer" in response.json()["email"][0]
    assert not DealerAssignment.objects.filter(pos_system=second_system).exists()


def test_creator_invites_an_unknown_dealer_and_accepting_creates_an_assigned_dealer(
    cast, api, second_system, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.creator).post(f"/api/v1/possystems/{second_system.pk}/dealers/", NEW_DEALER, format="json")

    assert response.status_code == 202, response.json()
    assert response.json()["kind"] == InvitationKind.DEALER
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert (invitation.inviter, invitation.pos_system, invitation.country) == (cast.creator_org, second_system, "AT")
    assert mail.outbox[0].to == ["new.dealer@test.example"]

    browser = Client()
    accepted = browser.post(
        accept_path(mail.outbox[0]),
        {
            "address_line1": "Ring 1",
            "postal_code": "1010",
            "city": "Wien",
            "password1": "Xylophone-42!",
            "password2": "Xylophone-42!",
        },
    )

    assert accepted.status_code == 302
    dealer = Organization.objects.get(name="Neuer Händler GmbH")
    assert dealer.is_pos_dealer and not dealer.is_pos_operator
    assert dealer.country == "AT"
    assignment = DealerAssignment.objects.get(dealer=dealer)
    assert (assignment.pos_system, assignment.status) == (second_system, LinkStatus.ACTIVE)
    assert not OperatorLink.objects.filter(operator=dealer).exists()
    user = User.objects.get(email="new.dealer@test.example")
    assert Membership.objects.get(user=user).right == MemberRight.ADMIN
    assert Invitation.objects.get().status == InvitationStatus.ACCEPTED
    assert browser.get(f"/possystems/{second_system.pk}/").status_code == 200


def test_an_unknown_email_without_company_data_is_refused(cast, api, second_system):
    response = api(cast.creator).post(
        f"/api/v1/possystems/{second_system.pk}/dealers/", {"email": "new.dealer@test.example"}, format="json"
    )

    assert response.status_code == 400
    assert "fill in the company" in response.json()["non_field_errors"][0]
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("missing", ["company_name", "country", "contact_first_name", "contact_last_name"])
def test_an_unknown_email_with_incomplete_company_data_is_refused_on_the_missing_field(cast, api, second_system, missing):
    data = {key: value for key, value in NEW_DEALER.items() if key != missing}

    response = api(cast.creator).post(f"/api/v1/possystems/{second_system.pk}/dealers/", data, format="json")

    assert response.status_code == 400
    assert missing in response.json()
    assert not Invitation.objects.exists()


def test_a_dealer_cannot_register_dealers(cast, api):
    response = api(cast.dealer).post(
        f"/api/v1/possystems/{cast.pos_system.pk}/dealers/", {"email": "operator@test.example"}, format="json"
    )

    assert response.status_code == 403


def test_another_creators_possystem_is_not_found(cast, api, second_system):
    other = Organization.objects.create(
        name="Other Creator", address_line1="x", postal_code="1", city="x", country="DE", is_pos_creator=True
    )
    other_admin = User.objects.create_user("other.creator@test.example", "x-long-password-1")
    Membership.objects.create(user=other_admin, organization=other, right=MemberRight.ADMIN)

    response = api(other_admin).post(
        f"/api/v1/possystems/{second_system.pk}/dealers/", {"email": "dealer@test.example"}, format="json"
    )

    assert response.status_code == 404
    assert not DealerAssignment.objects.filter(pos_system=second_system).exists()


# A dealer asks to be registered; the creator accepts or removes


def test_dealer_requests_an_assignment_and_the_creator_accepts_it(cast, api, second_system):
    requested = api(cast.dealer).post("/api/v1/dealer-assignments/", {"pos_system": str(second_system.pk)}, format="json")

    assert requested.status_code == 201, requested.json()
    assert requested.json()["status"] == LinkStatus.REQUESTED
    assert requested.json()["dealer"] == str(cast.dealer_org.pk)
    assert api(cast.dealer).get(f"/api/v1/possystems/{second_system.pk}/").status_code == 404
    assignment_id = requested.json()["id"]
    assert api(cast.creator).get("/api/v1/dealer-assignments/", {"status": "requested"}).json()["results"][0]["id"] == (
        assignment_id
    )

    accepted = api(cast.creator).post(f"/api/v1/dealer-assignments/{assignment_id}/accept/")

    assert accepted.status_code == 200
    assert accepted.json()["status"] == LinkStatus.ACTIVE
    assert DealerAssignment.objects.get(pk=assignment_id).status == LinkStatus.ACTIVE
    assert api(cast.dealer).get(f"/api/v1/possystems/{second_system.pk}/").status_code == 200


def test_dealer_cannot_accept_its_own_request(cast, api, second_system):
    requested = api(cast.dealer).post("/api/v1/dealer-assignments/", {"pos_system": str(second_system.pk)}, format="json")

    response = api(cast.dealer).post(f"/api/v1/dealer-assignments/{requested.json()['id']}/accept/")

    assert response.status_code == 403
    assert DealerAssignment.objects.get(pk=requested.json()["id"]).status == LinkStatus.REQUESTED


def test_a_dealer_already_registered_cannot_request_again(cast, api):
    response = api(cast.dealer).post("/api/v1/dealer-assignments/", {"pos_system": str(cast.pos_system.pk)}, format="json")

    assert response.status_code == 400
    assert "already registered" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize("who", ["operator", "creator", "dealer_reader"])
def test_only_dealers_with_write_right_request_assignments(cast, api, second_system, who):
    response = api(getattr(cast, who)).post("/api/v1/dealer-assignments/", {"pos_system": str(second_system.pk)}, format="json")

    assert response.status_code == 403
    assert not DealerAssignment.objects.filter(pos_system=second_system).exists()


def test_creator_removes_a_dealer_which_then_no_longer_sees_the_possystem(cast, api):
    assignment = DealerAssignment.objects.get(pos_system=cast.pos_system, dealer=cast.dealer_org)

    response = api(cast.creator).delete(f"/api/v1/dealer-assignments/{assignment.pk}/")

    assert response.status_code == 204
    assert not DealerAssignment.objects.filter(pk=assignment.pk).exists()
    assert api(cast.dealer).get(f"/api/v1/possystems/{cast.pos_system.pk}/").status_code == 404
    assert api(cast.dealer2).get(f"/api/v1/possystems/{cast.pos_system.pk}/").status_code == 200


def test_a_dealer_cannot_remove_another_dealers_assignment(cast, api):
    assignment = DealerAssignment.objects.get(pos_system=cast.pos_system, dealer=cast.dealer2_org)

    response = api(cast.dealer).delete(f"/api/v1/dealer-assignments/{assignment.pk}/")

    assert response.status_code == 404
    assert DealerAssignment.objects.filter(pk=assignment.pk).exists()


# The same in the UI


def test_creator_registers_an_existing_dealer_in_the_ui(cast, browser_client, second_system):
    response = browser_client(cast.creator).post(f"/possystems/{second_system.pk}/dealers/", {"email": "dealer2@test.example"})

    assert response.status_code == 302
    assert response["Location"] == f"/possystems/{second_system.pk}/"
    assert DealerAssignment.objects.get(pos_system=second_system).dealer == cast.dealer2_org


def test_creator_invites_an_unknown_dealer_in_the_ui(cast, browser_client, second_system, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_client(cast.creator).post(f"/possystems/{second_system.pk}/dealers/", NEW_DEALER)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.kind, invitation.pos_system, invitation.email) == (
        InvitationKind.DEALER,
        second_system,
        "new.dealer@test.example",
    )
    assert mail.outbox[0].to == ["new.dealer@test.example"]


def test_ui_registration_of_an_unknown_dealer_names_the_missing_company_fields(cast, browser_client, second_system):
    data = dict(NEW_DEALER, country="", contact_last_name="")

    response = browser_client(cast.creator).post(f"/possystems/{second_system.pk}/dealers/", data)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"country", "contact_last_name"}
    assert not Invitation.objects.exists()


def test_ui_registration_of_an_unknown_email_alone_explains_what_is_needed(cast, browser_client, second_system):
    response = browser_client(cast.creator).post(f"/possystems/{second_system.pk}/dealers/", {"email": "new.dealer@test.example"})

    assert response.status_code == 400
    assert "fill in the company" in response.content.decode()
    assert not Invitation.objects.exists()


def test_dealer_cannot_register_dealers_in_the_ui(cast, browser_client):
    response = browser_client(cast.dealer).post(f"/possystems/{cast.pos_system.pk}/dealers/", {"email": "x@test.example"})

    assert response.status_code == 403


def test_dealer_requests_an_assignment_in_the_ui_and_the_creator_accepts_it(cast, browser_client, second_system):
    requested = browser_client(cast.dealer).post("/possystems/request/", {"pos_system_id": str(second_system.pk)})

    assert requested.status_code == 302
    assert requested["Location"] == "/possystems/"
    assignment = DealerAssignment.objects.get(pos_system=second_system)
    assert (assignment.dealer, assignment.status) == (cast.dealer_org, LinkStatus.REQUESTED)
    assert "Kasse Zwei" in browser_client(cast.dealer).get("/possystems/").content.decode()

    creator = browser_client(cast.creator)
    assert "Dealer A" in creator.get(f"/possystems/{second_system.pk}/").content.decode()
    accepted = creator.post(f"/assignments/{assignment.pk}/accept/")

    assert accepted.status_code == 302
    assert accepted["Location"] == f"/possystems/{second_system.pk}/"
    assignment.refresh_from_db()
    assert assignment.status == LinkStatus.ACTIVE


def test_requesting_an_unknown_possystem_in_the_ui_creates_nothing(cast, browser_client):
    browser = browser_client(cast.dealer)

    response = browser.post("/possystems/request/", {"pos_system_id": "00000000-0000-0000-0000-000000000000"}, follow=True)

    assert "No PosSystem has this PosSystemId." in response.content.decode()
    assert DealerAssignment.objects.count() == 2


def test_operator_cannot_request_an_assignment_in_the_ui(cast, browser_client, second_system):
    response = browser_client(cast.operator).post("/possystems/request/", {"pos_system_id": str(second_system.pk)})

    assert response.status_code == 403
    assert not DealerAssignment.objects.filter(pos_system=second_system).exists()


def test_dealer_cannot_accept_its_own_request_in_the_ui(cast, browser_client, second_system):
    assignment = DealerAssignment.objects.create(pos_system=second_system, dealer=cast.dealer_org, status=LinkStatus.REQUESTED)

    response = browser_client(cast.dealer).post(f"/assignments/{assignment.pk}/accept/")

    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == LinkStatus.REQUESTED


def test_creator_removes_a_dealer_in_the_ui(cast, browser_client, api):
    assignment = DealerAssignment.objects.get(pos_system=cast.pos_system, dealer=cast.dealer_org)

    response = browser_client(cast.creator).post(f"/assignments/{assignment.pk}/remove/")

    assert response.status_code == 302
    assert response["Location"] == f"/possystems/{cast.pos_system.pk}/"
    assert not DealerAssignment.objects.filter(pk=assignment.pk).exists()
    assert api(cast.dealer).get(f"/api/v1/possystems/{cast.pos_system.pk}/").status_code == 404


def test_dealer_withdraws_its_own_request_in_the_ui(cast, browser_client, second_system):
    assignment = DealerAssignment.objects.create(pos_system=second_system, dealer=cast.dealer_org, status=LinkStatus.REQUESTED)

    response = browser_client(cast.dealer).post(f"/assignments/{assignment.pk}/remove/")

    assert response.status_code == 302
    assert response["Location"] == "/possystems/"
    assert not DealerAssignment.objects.filter(pk=assignment.pk).exists()


# An operator grants, changes and revokes its dealer's rights


def dealer_may_change_operator(api, cast):
    """Whether dealer A may change the operator's master data (needs write or full right)."""
    response = api(cast.dealer).patch(f"/api/v1/organizations/{cast.operator_org.pk}/", {"city": "Potsdam"}, format="json")
    assert response.status_code in (200, 403, 404), response.content
    return response.status_code


@pytest.mark.smoke
def test_operator_lowers_its_dealers_right_to_read(cast, api):
    assert dealer_may_change_operator(api, cast) == 200

    response = api(cast.operator).patch(f"/api/v1/operator-links/{cast.link.pk}/", {"right": "read"}, format="json")

    assert response.status_code == 200
    assert response.json()["right"] == DealerRight.READ
    cast.link.refresh_from_db()
    assert cast.link.right == DealerRight.READ
    assert dealer_may_change_operator(api, cast) == 403
    assert api(cast.dealer).get(f"/api/v1/organizations/{cast.operator_org.pk}/").status_code == 200


def test_operator_revokes_its_dealer_which_then_no_longer_sees_the_operator(cast, api):
    response = api(cast.operator).post(f"/api/v1/operator-links/{cast.link.pk}/revoke/")

    assert response.status_code == 200
    assert response.json()["status"] == LinkStatus.REVOKED
    assert api(cast.dealer).get(f"/api/v1/organizations/{cast.operator_org.pk}/").status_code == 404
    assert dealer_may_change_operator(api, cast) == 404
    listed = api(cast.dealer).get("/api/v1/organizations/").json()["results"]
    assert str(cast.operator_org.pk) not in {org["id"] for org in listed}


def test_operator_grants_rights_again_after_revoking(cast, api):
    api(cast.operator).post(f"/api/v1/operator-links/{cast.link.pk}/revoke/")

    response = api(cast.operator).patch(f"/api/v1/operator-links/{cast.link.pk}/", {"right": "write"}, format="json")

    assert response.status_code == 200
    assert (response.json()["right"], response.json()["status"]) == (DealerRight.WRITE, LinkStatus.ACTIVE)
    assert dealer_may_change_operator(api, cast) == 200


def test_the_status_of_a_link_cannot_be_patched_directly(cast, api):
    api(cast.operator).patch(f"/api/v1/operator-links/{cast.link.pk}/", {"status": "revoked"}, format="json")

    cast.link.refresh_from_db()
    assert cast.link.status == LinkStatus.ACTIVE


def test_an_unknown_right_is_refused(cast, api):
    response = api(cast.operator).patch(f"/api/v1/operator-links/{cast.link.pk}/", {"right": "owner"}, format="json")

    assert response.status_code == 400
    assert "right" in response.json()
    cast.link.refresh_from_db()
    assert cast.link.right == DealerRight.FULL


def test_the_dealer_cannot_change_or_revoke_its_own_right(cast, api):
    dealer = api(cast.dealer)

    assert dealer.get(f"/api/v1/operator-links/{cast.link.pk}/").status_code == 200
    assert dealer.patch(f"/api/v1/operator-links/{cast.link.pk}/", {"right": "read"}, format="json").status_code == 403
    assert dealer.post(f"/api/v1/operator-links/{cast.link.pk}/revoke/").status_code == 403
    cast.link.refresh_from_db()
    assert (cast.link.right, cast.link.status) == (DealerRight.FULL, LinkStatus.ACTIVE)


def test_another_operator_cannot_touch_the_link(cast, api):
    response = api(cast.operator2).patch(f"/api/v1/operator-links/{cast.link.pk}/", {"right": "read"}, format="json")

    assert response.status_code == 404
    cast.link.refresh_from_db()
    assert cast.link.right == DealerRight.FULL


def test_operator_changes_the_right_in_the_ui(cast, browser_client, api):
    response = browser_client(cast.operator).post(f"/dealers/{cast.link.pk}/right/", {"right": "read"})

    assert response.status_code == 302
    assert response["Location"] == "/dealers/"
    cast.link.refresh_from_db()
    assert cast.link.right == DealerRight.READ
    assert dealer_may_change_operator(api, cast) == 403


def test_operator_changes_the_right_with_htmx_and_gets_the_row(cast, browser_client):
    response = browser_client(cast.operator).post(
        f"/dealers/{cast.link.pk}/right/", {"right": "write"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="link-{cast.link.pk}">')
    assert "<html" not in html
    assert '<option value="write" selected>' in html
    assert "Dealer A" in html
    cast.link.refresh_from_db()
    assert cast.link.right == DealerRight.WRITE


def test_operator_revokes_in_the_ui_with_htmx_and_the_row_offers_to_grant_again(cast, browser_client, api):
    response = browser_client(cast.operator).post(f"/dealers/{cast.link.pk}/revoke/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="link-{cast.link.pk}">')
    assert "Revoked" in html
    assert "/revoke/" not in html
    assert "Grant" in html
    cast.link.refresh_from_db()
    assert cast.link.status == LinkStatus.REVOKED
    assert api(cast.dealer).get(f"/api/v1/organizations/{cast.operator_org.pk}/").status_code == 404


def test_an_unknown_right_in_the_ui_changes_nothing(cast, browser_client):
    response = browser_client(cast.operator).post(f"/dealers/{cast.link.pk}/right/", {"right": "owner"}, follow=True)

    assert "Choose read, write or full." in response.content.decode()
    cast.link.refresh_from_db()
    assert cast.link.right == DealerRight.FULL


def test_the_dealer_cannot_change_its_right_in_the_ui(cast, browser_client):
    browser = browser_client(cast.dealer)

    assert browser.post(f"/dealers/{cast.link.pk}/right/", {"right": "read"}).status_code == 403
    assert browser.post(f"/dealers/{cast.link.pk}/revoke/").status_code == 403
    cast.link.refresh_from_db()
    assert (cast.link.right, cast.link.status) == (DealerRight.FULL, LinkStatus.ACTIVE)


def test_operator_sees_its_dealers_and_their_rights(cast, browser_client):
    html = browser_client(cast.operator).get("/dealers/").content.decode()

    assert f'<tr id="link-{cast.link.pk}">' in html
    assert "Dealer A" in html
    assert "Dealer B" not in html
