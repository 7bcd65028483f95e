"""Signing in and out, password reset, switching organizations and the dashboards per role."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.choices import MemberRight
from portal.models import Membership
from tests.conftest import PASSWORD


@pytest.mark.smoke
def test_person_logs_in_with_e_mail_and_password_and_logs_out(cast, client):
    response = client.post(reverse("login"), {"username": "DEALER@test.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_wrong_password_shows_a_form_error(cast, client):
    response = client.post(reverse("login"), {"username": "dealer@test.example", "password": "wrong"})
    assert response.status_code == 200
    assert "errors" in response.content.decode()


def test_password_reset_mails_a_link_that_sets_a_new_password(cast, client):
    client.post(reverse("password_reset"), {"email": "operator@test.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session and redirects
    response = client.post(form_url, {"new_password1": "a-brand-new-password", "new_password2": "a-brand-new-password"})
    assert response.status_code == 302
    assert client.login(username="operator@test.example", password="a-brand-new-password")


def test_user_in_two_organizations_switches_between_them(cast, client):
    Membership.objects.create(user=cast.dealer, organization=cast.creator_org, right=MemberRight.READ)
    client.force_login(cast.dealer)
    assert "Dealer A" in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("organization-switch"), {"organization": str(cast.creator_org.pk), "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your PosSystems" in page and "Creator GmbH" in page


def test_switching_to_an_organization_the_user_is_not_in_changes_nothing(cast, client):
    client.force_login(cast.dealer)
    client.post(reverse("organization-switch"), {"organization": str(cast.dealer2_org.pk)})
    assert "Dealer B" not in client.get(reverse("dashboard")).content.decode()


def test_switch_never_redirects_to_another_site(cast, client):
    client.force_login(cast.dealer)
    response = client.post(
        reverse("organization-switch"), {"organization": str(cast.dealer_org.pk), "next": "https://evil.example/"}
    )
    assert response.url == "/"


@pytest.mark.parametrize(
    "role,shows,hides",
    [
        ("creator", "Your PosSystems", "Your PosOperators"),
        ("dealer", "Your PosOperators", "Your PosSystems"),
        ("operator", "Your dealers", "Your PosOperators"),
    ],
)
def test_each_role_gets_its_own_dashboard(cast, client, role, shows, hides):
    client.force_login(getattr(cast, role))
    page = client.get(reverse("dashboard")).content.decode()
    assert shows in page and hides not in page


def test_german_is_one_click_away(cast, client):
    client.force_login(cast.dealer)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert 'lang="de"' in page and "Einladungen" in page
