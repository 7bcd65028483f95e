"""Personal API tokens (shown once, stored hashed) and the append-only audit log."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from portal.choices import AuditAction, LinkStatus
from portal.models import ApiToken, AuditEvent, DealerAssignment, Invitation, PosSystem, User
from portal.models.audit import AppendOnlyError
from portal.models.tokens import hash_key
from tests.conftest import PASSWORD

POS_SYSTEM = {"name": "Kasse Zwei", "brand": "Brand", "type": "Gastronomy", "software_version": "2"}


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def all_rows_as_text():
    """Every row of every table of the database, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


# API tokens


@pytest.mark.smoke
def test_a_valid_token_authenticates_its_user(cast):
    _token, key = ApiToken.issue(cast.dealer, "laptop")

    response = token_client(key).get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "dealer@test.example"
    assert response.json()["organization"] == str(cast.dealer_org.pk)


@pytest.mark.smoke
@pytest.mark.parametrize("header", ["Token pt_not-a-real-token-at-all-123456", "Token ", "Bearer x", "Token a b"])
def test_a_wrong_token_is_401(cast, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/me/")

    assert response.status_code == 401


def test_no_credentials_is_401_and_says_how_to_authenticate(db):
    response = APIClient().get("/api/v1/organizations/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_no_longer_authenticates(cast):
    token, key = ApiToken.issue(cast.dealer, "laptop")
    assert token_client(key).get("/api/v1/me/").status_code == 200

    token.revoke()

    assert token_client(key).get("/api/v1/me/").status_code == 401


def test_a_token_revoked_through_the_api_no_longer_authenticates(cast):
    token, key = ApiToken.issue(cast.dealer, "laptop")

    response = token_client(key).delete(f"/api/v1/api-tokens/{token.pk}/")

    assert response.status_code == 204
    assert token_client(key).get("/api/v1/me/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_revoked_in_the_ui_no_longer_authenticates(cast, browser_client):
    token, key = ApiToken.issue(cast.dealer, "laptop")

    response = browser_client(cast.dealer).post(f"/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert token_client(key).get("/api/v1/me/").status_code == 401


def test_a_user_cannot_revoke_another_users_token(cast, browser_client):
    token, key = ApiToken.issue(cast.dealer, "laptop")

    assert browser_client(cast.dealer2).post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert token_client(key).get("/api/v1/me/").status_code == 200


def test_the_token_of_a_deactivated_user_no_longer_authenticates(cast):
    _token, key = ApiToken.issue(cast.dealer, "laptop")
    User.objects.filter(pk=cast.dealer.pk).update(is_active=False)

    assert token_client(key).get("/api/v1/me/").status_code == 401


def test_using_a_token_records_when_it_was_last_used(cast):
    token, key = ApiToken.issue(cast.dealer, "laptop")
    assert token.last_used_at is None

    token_client(key).get("/api/v1/me/")

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=30)


def test_the_key_is_stored_only_as_a_hash(cast):
    token, key = ApiToken.issue(cast.dealer, "laptop")

    token.refresh_from_db()
    assert token.key_hash == hash_key(key)
    assert key.startswith("pt_") and len(key) > 40
    assert token.hint == key[:10]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM portal_apitoken")
        stored = repr(cursor.fetchall())
    assert key not in stored
    assert key[10:] not in stored
    assert key not in all_rows_as_text()


def test_the_create_api_token_command_prints_a_working_token(cast):
    out = StringIO()

    call_command("create_api_token", "DEALER@test.example", "--name", "ci", stdout=out)

    key = out.getvalue().split()[-1]
    assert token_client(key).get("/api/v1/me/").json()["email"] == "dealer@test.example"
    assert ApiToken.objects.get(key_hash=hash_key(key)).name == "ci"


def test_the_create_api_token_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match="nobody@test.example"):
        call_command("create_api_token", "nobody@test.example", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_a_new_token_is_shown_once_in_the_ui(cast, browser_client):
    browser = browser_client(cast.dealer)

    created = browser.post("/tokens/", {"name": "laptop"})

    assert created.status_code == 200
    key = re.search(r'<code id="new-token">(pt_[^<]+)</code>', created.content.decode()).group(1)
    assert token_client(key).get("/api/v1/me/").status_code == 200
    again = browser.get("/tokens/").content.decode()
    assert "laptop" in again
    assert key not in again
    assert key[:10] in again


def test_a_token_created_through_the_api_shows_its_key_only_in_the_answer(cast, api):
    client = api(cast.dealer)

    created = client.post("/api/v1/api-tokens/", {"name": "script"}, format="json")

    assert created.status_code == 201
    key = created.json()["key"]
    assert token_client(key).get("/api/v1/me/").status_code == 200
    listing = client.get("/api/v1/api-tokens/").content.decode()
    assert "script" in listing
    assert key not in listing


def test_a_user_lists_only_own_tokens(cast, api):
    ApiToken.issue(cast.dealer2, "not yours")

    names = [t["name"] for t in api(cast.dealer).get("/api/v1/api-tokens/").json()["results"]]

    assert "not yours" not in names


# The audit log: one row per change, wherever it came from


def events_for(obj, action=None):
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return events.filter(action=action) if action else events


@pytest.mark.smoke
def test_a_create_through_the_api_is_audited_with_actor_organization_and_request_id(cast, api):
    response = api(cast.creator).post("/api/v1/possystems/", POS_SYSTEM, format="json")

    pos_system = PosSystem.objects.get(pk=response.json()["id"])
    event = events_for(pos_system).get()
    assert event.action == AuditAction.CREATE
    assert (event.actor, event.actor_email) == (cast.creator, "creator@test.example")
    assert event.organization_id == cast.creator_org.pk
    assert event.via == "api"
    assert event.before is None
    assert event.after["name"] == "Kasse Zwei"
    assert event.after["creator_id"] == str(cast.creator_org.pk)
    assert event.request_id
    assert response["X-Request-ID"] == event.request_id


def test_an_update_and_a_delete_through_the_api_are_audited_with_before_and_after(cast, api):
    client = api(cast.creator)
    pos_system_id = client.post("/api/v1/possystems/", POS_SYSTEM, format="json").json()["id"]

    updated = client.patch(f"/api/v1/possystems/{pos_system_id}/", {"software_version": "3"}, format="json")
    deleted = client.delete(f"/api/v1/possystems/{pos_system_id}/")

    assert (updated.status_code, deleted.status_code) == (200, 204)
    events = AuditEvent.objects.filter(object_type="portal.possystem", object_id=pos_system_id)
    update = events.get(action=AuditAction.UPDATE)
    assert (update.before["software_version"], update.after["software_version"]) == ("2", "3")
    assert update.changed_fields == ["software_version"]
    assert update.request_id == updated["X-Request-ID"]
    delete = events.get(action=AuditAction.DELETE)
    assert delete.before["name"] == "Kasse Zwei" and delete.after is None
    assert (delete.actor, delete.via, delete.organization_id) == (cast.creator, "api", cast.creator_org.pk)
    assert delete.request_id == deleted["X-Request-ID"]
    assert delete.request_id != update.request_id


def test_saving_without_a_change_writes_no_event(cast):
    before = AuditEvent.objects.count()

    cast.pos_system.save()

    assert AuditEvent.objects.count() == before


def test_a_sane_incoming_request_id_is_kept(cast, api):
    response = api(cast.creator).post("/api/v1/possystems/", POS_SYSTEM, format="json", HTTP_X_REQUEST_ID="trace-0042-abcdef")

    assert response["X-Request-ID"] == "trace-0042-abcdef"
    assert AuditEvent.objects.get(object_type="portal.possystem", object_id=response.json()["id"]).request_id == (
        "trace-0042-abcdef"
    )


def test_an_insane_incoming_request_id_is_replaced(cast, api):
    response = api(cast.creator).post("/api/v1/possystems/", POS_SYSTEM, format="json", HTTP_X_REQUEST_ID="x; DROP TABLE")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_ui_changes_are_audited_as_ui(cast, browser_client):
    browser = browser_client(cast.creator)

    created = browser.post("/possystems/new/", POS_SYSTEM)
    edited = browser.post(
        f"/organizations/{cast.creator_org.pk}/edit/",
        {"name": "Creator AG", "address_line1": "Straße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    )
    assignment = DealerAssignment.objects.get(pos_system=cast.pos_system, dealer=cast.dealer2_org)
    removed = browser.post(f"/assignments/{assignment.pk}/remove/")

    assert (created.status_code, edited.status_code, removed.status_code) == (302, 302, 302)
    create = events_for(PosSystem.objects.get(name="Kasse Zwei")).get()
    update = events_for(cast.creator_org, AuditAction.UPDATE).get()
    delete = events_for(assignment, AuditAction.DELETE).get()
    for event, response in [(create, created), (update, edited), (delete, removed)]:
        assert (event.via, event.actor, event.organization_id) == ("ui", cast.creator, cast.creator_org.pk)
        assert event.request_id == response["X-Request-ID"]
    assert (update.before["name"], update.after["name"]) == ("Creator GmbH", "Creator AG")
    assert delete.before["dealer_id"] == str(cast.dealer2_org.pk)


def test_admin_changes_are_audited_as_admin(cast, client):
    admin = User.objects.create_superuser("admin@test.example", PASSWORD)
    client.force_login(admin)
    membership = cast.creator.memberships.get()
    data = {
        "name": "Creator Holding",
        "address_line1": "Straße 1",
        "postal_code": "10115",
        "city": "Hamburg",
        "country": "DE",
        "is_pos_creator": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-organization": str(cast.creator_org.pk),
        "memberships-0-user": str(cast.creator.pk),
        "memberships-0-right": "admin",
    }

    response = client.post(f"/admin/portal/organization/{cast.creator_org.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = events_for(cast.creator_org, AuditAction.UPDATE).get()
    assert (event.via, event.actor, event.actor_email) == ("admin", admin, "admin@test.example")
    assert event.organization_id == cast.creator_org.pk
    assert (event.before["city"], event.after["city"]) == ("Berlin", "Hamburg")
    assert set(event.changed_fields) == {"name", "city"}
    assert event.request_id == response["X-Request-ID"]


def test_changes_outside_a_request_are_audited_as_system(cast):
    cast.link.right = "read"
    cast.link.save()

    event = events_for(cast.link, AuditAction.UPDATE).get()
    assert (event.via, event.actor, event.request_id) == ("system", None, "")
    assert event.organization_id == cast.operator_org.pk


def test_invitation_token_hashes_are_redacted_in_the_audit_log(cast, api, django_capture_on_commit_callbacks):
    client = api(cast.dealer)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/invitations/",
            {
                "email": "new@test.example",
                "company_name": "Neu",
                "country": "DE",
                "contact_first_name": "N",
                "contact_last_name": "N",
            },
            format="json",
        )
    invitation = Invitation.objects.get(pk=created.json()["id"])
    client.post(f"/api/v1/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()

    create = events_for(invitation, AuditAction.CREATE).get()
    resend = events_for(invitation, AuditAction.UPDATE).get()
    assert create.after["token_hash"] == "***"
    # The new link shows as a changed secret, never its value.
    assert (resend.before["token_hash"], resend.after["token_hash"]) == ("***", "*** (changed)")
    assert create.organization_id == cast.dealer_org.pk
    stored = repr(list(AuditEvent.objects.values_list("before", "after")))
    assert invitation.token_hash not in stored


def test_api_token_hashes_are_redacted_in_the_audit_log(cast):
    token, key = ApiToken.issue(cast.dealer, "laptop")
    token.revoke()

    create = events_for(token, AuditAction.CREATE).get()
    revoke = events_for(token, AuditAction.UPDATE).get()
    assert create.after["key_hash"] == "***"
    assert revoke.before["key_hash"] == revoke.after["key_hash"] == "***"
    assert revoke.changed_fields == ["revoked_at"]
    stored = repr(list(AuditEvent.objects.values_list("before", "after")))
    assert token.key_hash not in stored
    assert key not in stored


# The audit log is append-only


@pytest.fixture
def event(cast):
    return AuditEvent.objects.filter(organization_id=cast.dealer_org.pk).first()


def test_an_audit_event_cannot_be_changed_by_saving(event):
    event.object_repr = "forged"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).object_repr != "forged"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(object_repr="forged"),
        lambda e: AuditEvent.objects.all().update(actor_email="forged"),
        lambda e: AuditEvent.objects.bulk_update([e], ["object_repr"]),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: AuditEvent.objects.all().delete(),
        lambda e: e.delete(),
    ],
    ids=["update-one", "update-all", "bulk-update", "delete-one", "delete-all", "instance-delete"],
)
def test_audit_events_cannot_be_updated_or_deleted(event, attempt):
    count = AuditEvent.objects.count()
    original = event.object_repr
    event.object_repr = "forged"

    with pytest.raises(AppendOnlyError), transaction.atomic():
        attempt(event)

    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).object_repr == original
    assert not AuditEvent.objects.filter(actor_email="forged").exists()


def test_the_admin_cannot_change_or_delete_audit_events(event, client):
    client.force_login(User.objects.create_superuser("admin@test.example", PASSWORD))

    assert client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert client.get("/admin/portal/auditevent/add/").status_code == 403


# Who sees which events


def visible_organizations(api, user):
    results = api(user).get("/api/v1/audit-events/", {"page_size": 500}).json()["results"]
    assert results
    return {event["organization"] for event in results}


@pytest.mark.smoke
def test_the_audit_api_shows_only_the_callers_organization(cast, api):
    assert visible_organizations(api, cast.creator) == {str(cast.creator_org.pk)}
    assert visible_organizations(api, cast.operator) == {str(cast.operator_org.pk)}


def test_a_dealer_also_sees_the_events_of_its_operators(cast, api):
    assert visible_organizations(api, cast.dealer) == {str(cast.dealer_org.pk), str(cast.operator_org.pk)}
    assert visible_organizations(api, cast.dealer2) == {str(cast.dealer2_org.pk), str(cast.operator2_org.pk)}


def test_a_dealer_no_longer_sees_a_revoked_operators_events(cast, api):
    cast.link.status = LinkStatus.REVOKED
    cast.link.save()

    assert visible_organizations(api, cast.dealer) == {str(cast.dealer_org.pk)}


def test_another_tenants_audit_event_is_404(cast, api, browser_client):
    other = AuditEvent.objects.filter(organization_id=cast.operator2_org.pk).first()

    assert api(cast.dealer).get(f"/api/v1/audit-events/{other.pk}/").status_code == 404
    assert api(cast.dealer2).get(f"/api/v1/audit-events/{other.pk}/").status_code == 200
    assert browser_client(cast.dealer).get(f"/audit/{other.pk}/").status_code == 404


def test_events_without_an_organization_are_shown_to_nobody(cast, api):
    token, _key = ApiToken.issue(cast.dealer, "laptop")
    event = events_for(token).get()

    assert event.organization_id is None
    assert api(cast.dealer).get(f"/api/v1/audit-events/{event.pk}/").status_code == 404


def test_the_audit_api_cannot_write(cast, api):
    event = AuditEvent.objects.filter(organization_id=cast.creator_org.pk).first()
    client = api(cast.creator)

    assert client.post("/api/v1/audit-events/", {"action": "create"}, format="json").status_code == 405
    assert client.patch(f"/api/v1/audit-events/{event.pk}/", {"via": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/audit-events/{event.pk}/").status_code == 405


def test_the_audit_page_lists_the_organizations_events(cast, browser_client):
    browser = browser_client(cast.creator)
    browser.post(f"/possystems/{cast.pos_system.pk}/edit/", dict(POS_SYSTEM, name="Kasse Neu"))

    response = browser.get("/audit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Brand Kasse Neu" in html
    assert "creator@test.example" in html
    assert "Dealer A sells Brand Kasse" in html
    assert "Operator of B" not in html
    assert "Operator of A" not in html


def test_the_audit_page_can_be_filtered(cast, browser_client):
    browser = browser_client(cast.creator)
    browser.post(f"/possystems/{cast.pos_system.pk}/edit/", dict(POS_SYSTEM, name="Kasse Neu"))

    html = browser.get("/audit/", {"action": "update"}).content.decode()

    assert "Brand Kasse Neu" in html
    assert "Dealer A sells Brand Kasse" not in html


def test_the_audit_detail_page_shows_before_and_after(cast, browser_client):
    browser = browser_client(cast.creator)
    browser.post(f"/possystems/{cast.pos_system.pk}/edit/", dict(POS_SYSTEM, name="Kasse Neu"))
    event = events_for(cast.pos_system, AuditAction.UPDATE).get()

    html = browser.get(f"/audit/{event.pk}/").content.decode()

    assert "Kasse Neu" in html
    assert event.request_id in html
