"""A PosDealer invites a PosOperator, who accepts in another browser: the whole path through the UI."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from portal.choices import InvitationStatus, LinkStatus, MemberRight
from portal.models import Invitation, Membership, OperatorLink, Organization

try:
    from tests.browser import steps
    from tests.browser.steps import expect
except ImportError:  # no playwright: the `browser` fixture skips (or fails in CI) and says why
    steps = expect = None

pytestmark = pytest.mark.browser

INVITEE_PASSWORD = "Kassen-Rollout-9472"
GERMAN_CATALOG = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.mo"


def test_dealer_invites_an_operator_who_accepts_in_another_browser(live_server, cast, page, new_context, artifacts):
    base = live_server.url
    company, email = "Bäckerei Sonnenschein GmbH", "inhaberin@sonnenschein.example"

    steps.log_in(page, base, cast.dealer.email)
    steps.open_invitation_form(page, base)
    steps.fill_invitation_form(page, company, email, "Erika", "Sonnenschein", country="DE")
    page.screenshot(path=artifacts / "invitation-form-filled.png", full_page=True)
    link = steps.submit_invitation_form(page)

    assert link.startswith(f"{base}/invite/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invitation of {company}")
    expect(page.get_by_role("status").filter(has_text=f"Invitation sent to {email}.")).to_be_visible()
    history = page.locator("ul.events li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(f"Created · {cast.dealer.email}")
    expect(history.nth(1)).to_contain_text(f"Sent · {cast.dealer.email}")

    [message] = [m for m in mail.outbox if email in m.to]
    assert link in message.body

    invitee = new_context().new_page()  # no cookies shared with the dealer
    steps.accept_invitation(invitee, link, INVITEE_PASSWORD)
    expect(invitee).to_have_url(f"{base}/")
    expect(invitee.get_by_role("heading", level=1)).to_have_text(company)
    expect(invitee.get_by_role("status")).to_contain_text(f"Welcome! Your account {company} is ready.")
    expect(invitee.locator(".who")).to_have_text(email)
    invitee.screenshot(path=artifacts / "invitee-dashboard.png", full_page=True)

    organization = Organization.objects.get(name=company)
    assert organization.is_pos_operator
    assert not organization.is_pos_dealer
    assert (organization.address_line1, organization.postal_code, organization.city) == ("Hauptstraße 5", "80331", "München")
    assert organization.country == "DE"
    membership = Membership.objects.get(organization=organization)
    assert membership.user.email == email
    assert membership.right == MemberRight.ADMIN
    assert membership.user.check_password(INVITEE_PASSWORD)
    assert OperatorLink.objects.filter(dealer=cast.dealer_org, operator=organization, status=LinkStatus.ACTIVE).exists()
    assert Invitation.objects.get(email=email).status == InvitationStatus.ACCEPTED


def test_used_and_withdrawn_invitation_links_are_not_valid(live_server, cast, page, new_context):
    base = live_server.url
    steps.log_in(page, base, cast.dealer.email)

    used = steps.invite_operator(page, base, "Kiosk am Markt", "kiosk@markt.example")
    invitee = new_context().new_page()
    steps.accept_invitation(invitee, used, INVITEE_PASSWORD)
    expect(invitee).to_have_url(f"{base}/")

    withdrawn = steps.invite_operator(page, base, "Café Eck", "cafe@eck.example")
    page.get_by_role("main").get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("status").filter(has_text="Invitation withdrawn.")).to_be_visible()

    stranger = new_context().new_page()
    for who, link in [(invitee, used), (stranger, used), (stranger, withdrawn)]:
        response = who.goto(link)
        assert response.status == 404
        expect(who.get_by_role("heading", level=1)).to_have_text("This invitation is not valid")
        expect(who.get_by_role("main")).to_contain_text("Ask the sender for a new invitation.")
        expect(who.locator("#id_password1")).to_have_count(0)
    assert Organization.objects.filter(name="Café Eck").count() == 0


def test_dealer_switches_the_portal_to_german(live_server, cast, page):
    base = live_server.url
    steps.log_in(page, base, cast.dealer.email)
    page.goto(f"{base}/invitations/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation").get_by_role("link", name="Invitations", exact=True)).to_be_visible()

    page.get_by_label("Language").select_option("de")
    page.locator("header form:has(#language)").get_by_role("button").click()

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(f"{base}/invitations/")  # the selector brings you back where you were
    if GERMAN_CATALOG.exists():
        expect(page.get_by_role("navigation").get_by_role("link", name="Einladungen", exact=True)).to_be_visible()
