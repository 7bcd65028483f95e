"""Shared parts of the tenancy matrix: the roles, the expected-status helpers, the world of
objects owned by dealer A's side, and the request runners."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from portal.models import ApiToken, AuditEvent, DealerAssignment, Job, Membership, PosSystem
from portal.services import invitations

ROLES = ["anon", "creator", "dealer", "dealer_reader", "dealer2", "operator"]


def expect(default, **per_role):
    """Expected status per role: `default` for every signed-in role unless named; anon 401."""
    table = dict.fromkeys(ROLES, default)
    table["anon"] = 401
    table.update(per_role)
    return table


def _finished_job(cast):
    """A finished package job about operator (dealer A's side), with a file."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    job = Job.objects.create(
        organization=cast.operator_org,
        user=cast.dealer,
        kind="package",
        target_type="cashboxes.cashbox",
        target_id="00000000-0000-0000-0000-000000000001",
        revision="1",
        idempotency_key=f"matrix:{cast.operator_org.pk}",
        status="succeeded",
        progress=100,
    )
    job.file = default_storage.save(f"jobs/{job.pk}/package.zip", ContentFile(b"PK matrix"))
    job.file_name = "package.zip"
    job.save(update_fields=["file", "file_name"])
    return job


def make_world(cast):
    """Objects owned by dealer A's side, plus handles to reach them."""
    invitation, token = invitations.create_invitation(
        cast.dealer_org,
        cast.dealer,
        {
            "email": "new@shop.example",
            "company_name": "Shop",
            "country": "DE",
            "contact_first_name": "A",
            "contact_last_name": "B",
        },
    )
    other_pos_system = PosSystem.objects.create(creator=cast.creator_org, name="Other", brand="B", type="T", software_version="1")
    sold_by_a_only = PosSystem.objects.create(creator=cast.creator_org, name="A only", brand="B", type="T", software_version="1")
    DealerAssignment.objects.create(pos_system=sold_by_a_only, dealer=cast.dealer_org, status="active")
    return SimpleNamespace(
        cast=cast,
        invitation=invitation,
        invitation_token=token,
        other_pos_system=other_pos_system,
        sold_by_a_only=sold_by_a_only,
        assignment=DealerAssignment.objects.get(pos_system=cast.pos_system, dealer=cast.dealer_org),
        membership=Membership.objects.get(user=cast.dealer),
        reader_membership=Membership.objects.get(user=cast.dealer_reader),
        token=ApiToken.issue(cast.dealer, "matrix")[0],
        event=AuditEvent.objects.filter(organization=cast.dealer_org).first(),
        job=_finished_job(cast),
    )


def user_of(world, role):
    return None if role == "anon" else getattr(world.cast, role)


LOGIN = "login"


def ui(default, **per_role):
    """Like expect(), but anonymous users are sent to the login page."""
    table = expect(default, **per_role)
    table["anon"] = per_role.get("anon", LOGIN)
    return table


def cases(table):
    for name, method, kwargs, body, statuses in table:
        for role, status in statuses.items():
            yield pytest.param(name, method, kwargs, body, role, status, id=f"{method}-{name}-{role}")


def run_api_case(world, api, name, method, pk, body, role, status):
    url = reverse(name, args=[pk(world)] if pk else [])
    data = body(world) if callable(body) else body
    response = getattr(api(user_of(world, role)), method)(url, data, format="json")
    assert response.status_code == status, response.content[:300]


def run_ui_case(world, client, name, method, pk, body, role, status):
    user = user_of(world, role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=[pk(world)] if pk else [])
    data = body(world) if callable(body) else body
    response = getattr(client, method)(url, data or {})
    if status == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), response.status_code
    else:
        assert response.status_code == status, response.content[:300]
