"""What a person does in the portal, as small steps shared by the browser tests."""

import re

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

INVITATION_DETAIL = re.compile(r"/invitations/[0-9a-f-]{36}/$")


def log_in(page: Page, base_url, email, password=PASSWORD):
    """Sign in through the real login form; ends on the dashboard."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/")


def open_invitation_form(page: Page, base_url):
    """From the Invitations page, the "Invite a PosOperator" button."""
    page.goto(f"{base_url}/invitations/")
    page.get_by_role("main").get_by_role("link", name="Invite a PosOperator").click()
    expect(page).to_have_url(f"{base_url}/invitations/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a PosOperator")


def fill_invitation_form(page: Page, company, email, first_name, last_name, country="DE"):
    page.locator("#id_company_name").fill(company)
    page.locator("#id_email").fill(email)
    page.locator("#id_contact_first_name").fill(first_name)
    page.locator("#id_contact_last_name").fill(last_name)
    page.locator("#id_country").select_option(country)


def submit_invitation_form(page: Page):
    """Send the filled form; returns the direct link shown once on the invitation's page."""
    page.get_by_role("main").get_by_role("button", name="Save").click()
    expect(page).to_have_url(INVITATION_DETAIL)
    link = page.locator("#invitation-link")
    expect(link).to_be_visible()
    return link.inner_text().strip()


def invite_operator(page: Page, base_url, company, email, first_name="Erika", last_name="Muster"):
    """The whole invitation as the dealer does it; returns the direct invitation link."""
    open_invitation_form(page, base_url)
    fill_invitation_form(page, company, email, first_name, last_name)
    return submit_invitation_form(page)


def accept_invitation(page: Page, link, password, address_line1="Hauptstraße 5", postal_code="80331", city="München"):
    """The invitee opens the link and creates the account; ends on the dashboard."""
    page.goto(link)
    page.locator("#id_address_line1").fill(address_line1)
    page.locator("#id_postal_code").fill(postal_code)
    page.locator("#id_city").fill(city)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="Accept and create account").click()
