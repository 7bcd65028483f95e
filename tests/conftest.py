"""Shared fixtures: a fixed cast of users in two tenants, and API clients for them.

The cast: a PosCreator with a PosSystem; dealer A (`dealer`) and dealer B (`dealer2`), both
selling it; `operator` (of dealer A, full rights); `operator2` (of dealer B); a read-only and a
write member of dealer A; and `outsider`, a user of an unrelated operator with no links at all.
"""

import os
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from portal.choices import DealerRight, LinkStatus, MemberRight
from portal.models import ApiToken, DealerAssignment, Membership, OperatorLink, Organization, PosSystem, User

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request in German leaves the thread's language behind."""
    translation.activate("en")
    yield
    translation.activate("en")


REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def require(condition, reason):
    """Skip when something the machine may lack is missing; in CI (REQUIRE_SERVICES=1) fail instead."""
    if condition:
        return
    if REQUIRED:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def make_org(name, **roles):
    return Organization.objects.create(
        name=name, address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE", **roles
    )


def make_user(email, org, right=MemberRight.ADMIN):
    user = User.objects.create_user(email, PASSWORD)
    Membership.objects.create(user=user, organization=org, right=right)
    return user


@dataclass
class Cast:
    creator: User
    dealer: User
    dealer_reader: User
    dealer_writer: User
    dealer2: User
    operator: User
    operator2: User
    outsider: User
    creator_org: Organization
    dealer_org: Organization
    dealer2_org: Organization
    operator_org: Organization
    operator2_org: Organization
    outsider_org: Organization
    pos_system: PosSystem
    link: OperatorLink
    link2: OperatorLink


@pytest.fixture
def cast(db):
    creator_org = make_org("Creator GmbH", is_pos_creator=True)
    dealer_org = make_org("Dealer A", is_pos_dealer=True)
    dealer2_org = make_org("Dealer B", is_pos_dealer=True)
    operator_org = make_org("Operator of A", is_pos_operator=True)
    operator2_org = make_org("Operator of B", is_pos_operator=True)
    outsider_org = make_org("Outsider", is_pos_operator=True)
    pos_system = PosSystem.objects.create(creator=creator_org, name="Kasse", brand="Brand", type="Retail", software_version="1")
    DealerAssignment.objects.create(pos_system=pos_system, dealer=dealer_org, status=LinkStatus.ACTIVE)
    DealerAssignment.objects.create(pos_system=pos_system, dealer=dealer2_org, status=LinkStatus.ACTIVE)
    link = OperatorLink.objects.create(dealer=dealer_org, operator=operator_org, right=DealerRight.FULL)
    link2 = OperatorLink.objects.create(dealer=dealer2_org, operator=operator2_org, right=DealerRight.WRITE)
    return Cast(
        creator=make_user("creator@test.example", creator_org),
        dealer=make_user("dealer@test.example", dealer_org),
        dealer_reader=make_user("reader@test.example", dealer_org, MemberRight.READ),
        dealer_writer=make_user("writer@test.example", dealer_org, MemberRight.WRITE),
        dealer2=make_user("dealer2@test.example", dealer2_org),
        operator=make_user("operator@test.example", operator_org),
        operator2=make_user("operator2@test.example", operator2_org),
        outsider=make_user("outsider@test.example", outsider_org),
        creator_org=creator_org,
        dealer_org=dealer_org,
        dealer2_org=dealer2_org,
        operator_org=operator_org,
        operator2_org=operator2_org,
        outsider_org=outsider_org,
        pos_system=pos_system,
        link=link,
        link2=link2,
    )


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated with a real API token of that user."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            _token, key = ApiToken.issue(user, "test")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def browser_client(client):
    """browser_client(user) -> Django's test client logged in as that user (session auth)."""

    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture
def configs(cast):
    """The configuration of operator (dealer A's side) and operator2 (dealer B's side)."""
    from tests import factories

    return SimpleNamespace(a=factories.estate(cast.operator_org, "A"), b=factories.estate(cast.operator2_org, "B"))


@pytest.fixture
def world(cast):
    """Objects owned by dealer A's side, for the tenancy matrix (tests/tenancy.py)."""
    from tests.tenancy import make_world

    return make_world(cast)
