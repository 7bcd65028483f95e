"""A PosDealer invites a PosOperator: by API or UI, resends, withdraws; the operator accepts."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.choices import DealerRight, InvitationStatus, LinkStatus, MemberRight
from portal.models import Invitation, Membership, OperatorLink, Organization, User

NEW_PASSWORD = "Xylophone-Meadow-42"
ADDRESS = {"address_line1": "Seestraße 7", "postal_code": "10317", "city": "Berlin"}


def invitation_data(**changes):
    data = {
        "email": "new.operator@test.example",
        "company_name": "Café Neu GmbH",
        "country": "DE",
        "contact_first_name": "Nina",
        "contact_last_name": "Neu",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def link_in(message):
    """The accept path (/invite/<token>/) in an invitation e-mail."""
    found = re.search(r"http://testserver(/invite/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def invite_by_api(api, cast, django_capture_on_commit_callbacks):
    """invite_by_api(**changes) -> (response, accept path from the e-mail or None)."""

    def invite(user=None, **changes):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = api(user or cast.dealer).post("/api/v1/invitations/", invitation_data(**changes), format="json")
        path = link_in(mail.outbox[-1]) if len(mail.outbox) > sent_before else None
        return response, path

    return invite


def accept_form(**changes):
    return {**ADDRESS, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **changes}


# Inviting through the API


@pytest.mark.smoke
def test_dealer_invites_an_operator_through_the_api_and_the_contact_gets_a_link(cast, api, invite_by_api):
    response, path = invite_by_api(dealer_right=DealerRight.READ)

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == InvitationStatus.PENDING
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert invitation.inviter == cast.dealer_org
    assert invitation.invited_by == cast.dealer
    assert invitation.dealer_right == DealerRight.READ
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.operator@test.example"]
    assert "Dealer A" in mail.outbox[0].subject
    assert Client().get(path).status_code == 200
    history = api(cast.dealer).get(f"/api/v1/invitations/{invitation.pk}/").json()["events"]
    assert [event["kind"] for event in history] == ["created", "sent"]
    assert history[0]["by"] == cast.dealer.email


def test_invited_address_is_stored_in_lower_case(cast, invite_by_api):
    response, _path = invite_by_api(email="Mixed.Case@Test.Example")

    assert response.status_code == 201
    assert Invitation.objects.get().email == "mixed.case@test.example"


@pytest.mark.smoke
@pytest.mark.parametrize(
    "changes, field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": None}, "email"),
        ({"country": "XX"}, "country"),
        ({"country": None}, "country"),
        ({"company_name": None}, "company_name"),
        ({"contact_first_name": None}, "contact_first_name"),
        ({"contact_last_name": None}, "contact_last_name"),
        ({"contact_last_name": ""}, "contact_last_name"),
        ({"dealer_right": "everything"}, "dealer_right"),
    ],
)
def test_invitation_with_a_bad_field_is_refused_with_a_message_on_that_field(cast, invite_by_api, changes, field):
    response, path = invite_by_api(**changes)

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert errors[field] and all(isinstance(message, str) and message for message in errors[field])
    assert not Invitation.objects.exists()
    assert path is None


def test_inviting_the_address_of_an_existing_user_is_refused_on_the_email_field(cast, invite_by_api):
    response, path = invite_by_api(email="OPERATOR2@test.example")

    assert response.status_code == 400
    assert "already exists" in response.json()["email"][0]
    assert not Invitation.objects.exists()
    assert path is None


def test_a_second_open_invitation_to_the_same_address_is_refused(cast, invite_by_api):
    first, _path = invite_by_api()
    second, path = invite_by_api(email="New.Operator@test.example", company_name="Other name")

    assert first.status_code == 201
    assert second.status_code == 400
    assert "open invitation" in second.json()["email"][0]
    assert Invitation.objects.count() == 1
    assert path is None


def test_after_a_withdrawal_the_same_address_can_be_invited_again(cast, api, invite_by_api):
    first, _path = invite_by_api()
    api(cast.dealer).post(f"/api/v1/invitations/{first.json()['id']}/withdraw/")

    second, path = invite_by_api()

    assert second.status_code == 201
    assert Client().get(path).status_code == 200


def test_operator_cannot_invite(cast, invite_by_api):
    response, path = invite_by_api(user=cast.operator)

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert path is None


def test_read_only_member_of_a_dealer_cannot_invite(cast, invite_by_api):
    response, _path = invite_by_api(user=cast.dealer_reader)

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_write_member_of_a_dealer_can_invite(cast, invite_by_api):
    response, _path = invite_by_api(user=cast.dealer_writer)

    assert response.status_code == 201


# Resend, withdraw, expiry


def test_resend_sends_a_new_link_and_the_old_one_stops_working(cast, api, invite_by_api, django_capture_on_commit_callbacks):
    response, old_path = invite_by_api()
    invitation_id = response.json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        resent = api(cast.dealer).post(f"/api/v1/invitations/{invitation_id}/resend/")

    assert resent.status_code == 200
    assert len(mail.outbox) == 2
    new_path = link_in(mail.outbox[1])
    assert new_path != old_path
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200
    history = api(cast.dealer).get(f"/api/v1/invitations/{invitation_id}/").json()["events"]
    assert [event["kind"] for event in history] == ["created", "sent", "resent"]


def test_withdrawn_invitation_link_no_longer_works(cast, api, invite_by_api):
    response, path = invite_by_api()

    withdrawn = api(cast.dealer).post(f"/api/v1/invitations/{response.json()['id']}/withdraw/")

    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == InvitationStatus.WITHDRAWN
    assert Client().get(path).status_code == 404
    assert Client().post(path, accept_form()).status_code == 404
    assert not User.objects.filter(email="new.operator@test.example").exists()


def test_withdrawn_invitation_cannot_be_resent(cast, api, invite_by_api):
    response, _path = invite_by_api()
    api(cast.dealer).post(f"/api/v1/invitations/{response.json()['id']}/withdraw/")

    resent = api(cast.dealer).post(f"/api/v1/invitations/{response.json()['id']}/resend/")

    assert resent.status_code == 400
    assert len(mail.outbox) == 1


def test_expired_invitation_link_no_longer_works(cast, api, invite_by_api):
    response, path = invite_by_api()
    Invitation.objects.filter(pk=response.json()["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert Client().get(path).status_code == 404
    assert Client().post(path, accept_form()).status_code == 404
    assert not User.objects.filter(email="new.operator@test.example").exists()
    assert api(cast.dealer).get(f"/api/v1/invitations/{response.json()['id']}/").json()["expired"] is True


def test_unknown_invitation_link_is_404(db):
    assert Client().get("/invite/no-such-token/").status_code == 404


def test_operator_cannot_withdraw_a_dealers_invitation(cast, api, invite_by_api):
    response, path = invite_by_api()

    refused = api(cast.operator).post(f"/api/v1/invitations/{response.json()['id']}/withdraw/")

    assert refused.status_code == 404
    assert Client().get(path).status_code == 200


def test_read_only_dealer_member_cannot_resend_or_withdraw(cast, api, invite_by_api):
    response, path = invite_by_api()
    reader = api(cast.dealer_reader)

    assert reader.post(f"/api/v1/invitations/{response.json()['id']}/resend/").status_code == 403
    assert reader.post(f"/api/v1/invitations/{response.json()['id']}/withdraw/").status_code == 403
    assert Client().get(path).status_code == 200


# Accepting in the browser


@pytest.mark.smoke
def test_accepting_creates_the_operator_with_its_admin_and_the_asked_right_and_signs_in(cast, invite_by_api):
    _response, path = invite_by_api(dealer_right=DealerRight.WRITE)
    browser = Client()

    page = browser.get(path)
    assert "Dealer A" in page.content.decode()
    accepted = browser.post(path, accept_form())

    assert accepted.status_code == 302
    assert accepted["Location"] == "/"
    organization = Organization.objects.get(name="Café Neu GmbH")
    assert organization.is_pos_operator and not organization.is_pos_dealer
    assert (organization.address_line1, organization.postal_code, organization.city, organization.country) == (
        "Seestraße 7",
        "10317",
        "Berlin",
        "DE",
    )
    user = User.objects.get(email="new.operator@test.example")
    assert (user.first_name, user.last_name) == ("Nina", "Neu")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user).organization == organization
    assert Membership.objects.get(user=user).right == MemberRight.ADMIN
    link = OperatorLink.objects.get(operator=organization)
    assert (link.dealer, link.right, link.status) == (cast.dealer_org, DealerRight.WRITE, LinkStatus.ACTIVE)
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_organization == organization
    assert [event.kind for event in invitation.events.all()] == ["created", "sent", "accepted"]
    dashboard = browser.get("/")
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user == user


def test_accepted_operator_shows_up_for_its_dealer(cast, api, invite_by_api):
    _response, path = invite_by_api()
    Client().post(path, accept_form())
    organization = Organization.objects.get(name="Café Neu GmbH")

    assert api(cast.dealer).get(f"/api/v1/organizations/{organization.pk}/").status_code == 200
    assert api(cast.dealer2).get(f"/api/v1/organizations/{organization.pk}/").status_code == 404


@pytest.mark.parametrize(
    "passwords, field",
    [
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password1"),
        ({"password1": "password123", "password2": "password123"}, "password1"),
        ({"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}, "password2"),
        ({"password1": "", "password2": ""}, "password1"),
    ],
)
def test_weak_or_mismatched_passwords_give_form_errors_and_create_nothing(cast, invite_by_api, passwords, field):
    _response, path = invite_by_api()
    organizations_before = Organization.objects.count()

    page = Client().post(path, accept_form(**passwords))

    assert page.status_code == 200
    assert page.context["form"].errors[field]
    assert Organization.objects.count() == organizations_before
    assert not User.objects.filter(email="new.operator@test.example").exists()
    assert Invitation.objects.get().status == InvitationStatus.PENDING
    assert Client().get(path).status_code == 200


def test_missing_address_gives_form_errors_and_creates_nothing(cast, invite_by_api):
    _response, path = invite_by_api()

    page = Client().post(path, accept_form(city="", postal_code=""))

    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"city", "postal_code"}
    assert not User.objects.filter(email="new.operator@test.example").exists()


def test_an_invitation_cannot_be_accepted_twice(cast, invite_by_api):
    _response, path = invite_by_api()
    assert Client().post(path, accept_form()).status_code == 302
    organizations = Organization.objects.count()

    again = Client().post(path, accept_form(city="Potsdam"))

    assert again.status_code == 404
    assert Client().get(path).status_code == 404
    assert Organization.objects.count() == organizations
    assert User.objects.filter(email="new.operator@test.example").count() == 1


def test_accepting_fails_cleanly_when_the_address_got_an_account_meanwhile(cast, invite_by_api):
    _response, path = invite_by_api()
    User.objects.create_user("new.operator@test.example", "whatever-password-1")
    organizations = Organization.objects.count()

    page = Client().post(path, accept_form())

    assert page.status_code == 200
    assert "already exists" in page.content.decode()
    assert Organization.objects.count() == organizations
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# The invitation pages of the UI


@pytest.fixture
def ui_invite(cast, browser_client, django_capture_on_commit_callbacks):
    def invite(**changes):
        browser = browser_client(cast.dealer)
        data = invitation_data(dealer_right=DealerRight.FULL, **changes)
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post("/invitations/new/", data)
        return browser, response

    return invite


def test_dealer_invites_through_the_ui_and_sees_the_link_once(cast, ui_invite):
    browser, response = ui_invite()

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/invitations/{invitation.pk}/"
    path = link_in(mail.outbox[0])
    detail = browser.get(response["Location"]).content.decode()
    assert f"http://testserver{path}" in detail
    assert "Created" in detail and "Sent" in detail
    assert path not in browser.get(response["Location"]).content.decode()


def test_ui_invitation_form_shows_the_message_on_the_field(cast, ui_invite):
    User.objects.create_user("taken@test.example", "whatever-password-1")

    _browser, response = ui_invite(email="taken@test.example")

    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


def test_ui_invitation_form_refuses_an_unknown_country(cast, ui_invite):
    _browser, response = ui_invite(country="XX")

    assert response.status_code == 200
    assert response.context["form"].errors["country"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["operator", "dealer_reader"])
def test_only_dealers_with_write_right_get_the_ui_invitation_form(cast, browser_client, who):
    browser = browser_client(getattr(cast, who))

    assert browser.get("/invitations/new/").status_code == 403
    assert browser.post("/invitations/new/", invitation_data()).status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_list_shows_own_invitations_only(cast, ui_invite, browser_client):
    ui_invite()

    own = browser_client(cast.dealer).get("/invitations/")
    other = browser_client(cast.dealer2).get("/invitations/")

    assert own.status_code == 200
    assert "Café Neu GmbH" in own.content.decode()
    assert other.status_code == 200
    assert "Café Neu GmbH" not in other.content.decode()


def test_resend_in_the_ui_sends_a_new_link_and_returns_to_the_invitation(cast, ui_invite, django_capture_on_commit_callbacks):
    browser, _response = ui_invite()
    invitation = Invitation.objects.get()
    old_path = link_in(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/invitations/{invitation.pk}/resend/")

    assert response.status_code == 302
    assert response["Location"] == f"/invitations/{invitation.pk}/"
    new_path = link_in(mail.outbox[1])
    assert f"http://testserver{new_path}" in browser.get(response["Location"]).content.decode()
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200


def test_resend_with_htmx_returns_only_the_invitation_row(cast, ui_invite, django_capture_on_commit_callbacks):
    browser, _response = ui_invite()
    invitation = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/invitations/{invitation.pk}/resend/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="invitation-{invitation.pk}">')
    assert "<html" not in html
    assert "Pending" in html
    assert len(mail.outbox) == 2


def test_withdraw_in_the_ui_invalidates_the_link(cast, ui_invite):
    browser, _response = ui_invite()
    invitation = Invitation.objects.get()
    path = link_in(mail.outbox[0])

    response = browser.post(f"/invitations/{invitation.pk}/withdraw/")

    assert response.status_code == 302
    assert response["Location"] == f"/invitations/{invitation.pk}/"
    assert Invitation.objects.get().status == InvitationStatus.WITHDRAWN
    assert Client().get(path).status_code == 404


def test_withdraw_with_htmx_returns_the_row_without_actions(cast, ui_invite):
    browser, _response = ui_invite()
    invitation = Invitation.objects.get()

    response = browser.post(f"/invitations/{invitation.pk}/withdraw/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="invitation-{invitation.pk}">')
    assert "<html" not in html
    assert "Withdrawn" in html
    assert "/resend/" not in html and "/withdraw/" not in html


def test_another_dealer_cannot_withdraw_in_the_ui(cast, ui_invite, browser_client):
    ui_invite()
    invitation = Invitation.objects.get()

    response = browser_client(cast.dealer2).post(f"/invitations/{invitation.pk}/withdraw/")

    assert response.status_code == 404
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_read_only_dealer_member_cannot_withdraw_in_the_ui(cast, ui_invite, browser_client):
    ui_invite()
    invitation = Invitation.objects.get()

    response = browser_client(cast.dealer_reader).post(f"/invitations/{invitation.pk}/withdraw/")

    assert response.status_code == 403
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_invitation_list_can_be_filtered_by_status(cast, ui_invite, api):
    browser, _response = ui_invite()
    ui_invite(email="second@test.example", company_name="Zweites Café")
    first = Invitation.objects.get(email="new.operator@test.example")
    api(cast.dealer).post(f"/api/v1/invitations/{first.pk}/withdraw/")

    withdrawn = browser.get("/invitations/", {"status": "withdrawn"}).content.decode()
    pending = browser.get("/invitations/", {"status": "pending"}).content.decode()

    assert "Café Neu GmbH" in withdrawn and "Zweites Café" not in withdrawn
    assert "Zweites Café" in pending and "Café Neu GmbH" not in pending
