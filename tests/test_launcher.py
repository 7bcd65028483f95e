"""The launcher endpoints, asked the way the real launchers ask: Launcher 2.0 with
GET /api/configuration/<cashboxId> and header `accesstoken`; Launcher 1.x and Android with
GET /api/Configuration and headers `cashboxid` + `accesstoken`."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from cashboxes import services
from cashboxes.models import CashBox
from tests import factories

TSS_ID = "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"


def make_till(outlet, description, hostname, identification, port):
    till = factories.cashbox(outlet, description, hostname)
    scu = factories.scu(till, FISKALY, url=f"grpc://localhost:{port}", TssId=TSS_ID, **factories.FISKALY_SECRETS)
    queue = factories.queue(till, identification)
    factories.link(queue, scu)
    return till, scu, queue


@pytest.fixture
def box(cast):
    outlet = factories.outlet(cast.operator_org, 1)
    till, scu, queue = make_till(outlet, "Till 1", "till1.local", "T-1", 1401)
    publication = services.rebuild(till)
    return CashBox.objects.get(pk=till.pk), scu, queue, publication


def v2(client, cashbox_id, token=None, **headers):
    if token is not None:
        headers["accesstoken"] = token
    return client.get(reverse("launcher-configuration", args=[str(cashbox_id)]), headers=headers)


def helipad(client, cashbox_id=None, token=None, **headers):
    if cashbox_id is not None:
        headers["cashboxid"] = str(cashbox_id)
    if token is not None:
        headers["accesstoken"] = token
    return client.get(reverse("launcher-configuration-helipad"), headers=headers)


def test_the_routes_are_where_the_launchers_ask():
    cashbox_id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert reverse("launcher-configuration", args=[cashbox_id]) == f"/api/configuration/{cashbox_id}"
    assert reverse("launcher-configuration-helipad") == "/api/Configuration"


@pytest.mark.parametrize("ask", [v2, lambda client, cashbox_id, token: helipad(client, cashbox_id, token)])
def test_the_right_token_gets_the_exact_published_configuration_with_secrets(client, box, ask):
    cashbox, _scu, _queue, publication = box
    response = ask(client, cashbox.id, cashbox.access_token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == publication.configuration
    assert response["ETag"] == f'"{publication.etag}"'
    device = response.json()["ftSignaturCreationDevices"][0]["Configuration"]
    assert (device["ApiKey"], device["ApiSecret"], device["AdminPin"]) == ("key-secret-1", "secret-secret-2", "pin-secret-3")


def test_launcher_2_may_post_its_public_key_without_a_csrf_token(box):
    cashbox, _scu, _queue, publication = box
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("launcher-configuration", args=[str(cashbox.id)]),
        data=json.dumps({"publicKeyX509": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}),
        content_type="application/json",
        headers={"accesstoken": cashbox.access_token},
    )
    assert response.status_code == 200
    assert response.json() == publication.configuration


@pytest.mark.parametrize("token", ["wrong-token", "", " "])
def test_a_wrong_or_empty_token_is_a_bare_401(client, box, token):
    cashbox = box[0]
    for response in (v2(client, cashbox.id, token), helipad(client, cashbox.id, token)):
        assert response.status_code == 401
        assert response.content == b""
        assert "ETag" not in response


def test_a_missing_token_is_a_bare_401(client, box):
    cashbox = box[0]
    for response in (v2(client, cashbox.id), helipad(client, cashbox.id)):
        assert response.status_code == 401
        assert response.content == b""


def test_the_token_of_another_cashbox_is_a_401(client, box, cast):
    cashbox = box[0]
    other, _scu, _queue = make_till(cashbox.outlet, "Till 2", "till2.local", "T-2", 1401)
    services.rebuild(other)
    assert v2(client, cashbox.id, other.access_token).status_code == 401
    assert helipad(client, cashbox.id, other.access_token).status_code == 401
    assert v2(client, other.id, other.access_token).status_code == 200


@pytest.mark.parametrize("cashbox_id", [uuid.uuid4(), "not-a-uuid", "1", "%00", "x" * 300])
def test_an_unknown_or_malformed_cashbox_id_is_a_401(client, box, cashbox_id):
    token = box[0].access_token
    assert v2(client, cashbox_id, token).status_code == 401
    response = helipad(client, cashbox_id, token)
    assert response.status_code == 401 and response.content == b""


def test_helipad_without_a_cashbox_id_is_a_401(client, box):
    assert helipad(client, None, box[0].access_token).status_code == 401


def test_a_cashbox_not_yet_rebuilt_is_a_404(client, cast):
    outlet = factories.outlet(cast.operator_org, 1)
    till, _scu, _queue = make_till(outlet, "Till 1", "till1.local", "T-1", 1401)
    assert v2(client, till.id, till.access_token).status_code == 404
    assert helipad(client, till.id, till.access_token).status_code == 404
    assert v2(client, till.id, "wrong").status_code == 401  # the 404 is for the token holder only


def test_etag_and_if_none_match_give_304(client, box):
    cashbox, _scu, _queue, publication = box
    etag = v2(client, cashbox.id, cashbox.access_token)["ETag"]
    not_modified = v2(client, cashbox.id, cashbox.access_token, **{"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    several = v2(client, cashbox.id, cashbox.access_token, **{"If-None-Match": f'"other", {etag}'})
    assert several.status_code == 304
    assert helipad(client, cashbox.id, cashbox.access_token, **{"If-None-Match": etag}).status_code == 304
    stale = v2(client, cashbox.id, cashbox.access_token, **{"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.json() == publication.configuration
    assert v2(client, cashbox.id, "wrong", **{"If-None-Match": etag}).status_code == 401


def test_a_change_is_served_only_after_a_rebuild(client, box):
    cashbox, scu, _queue, publication = box
    etag = f'"{publication.etag}"'
    services.set_parameters(scu, {"TssId": TSS_ID, "FiskalyClientTimeout": 60000})
    services.save(scu)
    assert CashBox.objects.get(pk=cashbox.pk).needs_rebuild

    old = v2(client, cashbox.id, cashbox.access_token)
    assert old.json() == publication.configuration
    assert old.json()["ftSignaturCreationDevices"][0]["Configuration"]["FiskalyClientTimeout"] == 120000
    assert v2(client, cashbox.id, cashbox.access_token, **{"If-None-Match": etag}).status_code == 304

    newer = services.rebuild(CashBox.objects.get(pk=cashbox.pk))
    new = v2(client, cashbox.id, cashbox.access_token, **{"If-None-Match": etag})
    assert new.status_code == 200
    assert new["ETag"] == f'"{newer.etag}"' != etag
    assert new.json() == newer.configuration
    assert new.json()["ftSignaturCreationDevices"][0]["Configuration"]["FiskalyClientTimeout"] == 60000
    assert new.json()["TimeStamp"] > old.json()["TimeStamp"]


def test_a_rotated_token_replaces_the_old_one(client, box):
    cashbox = box[0]
    old_token = cashbox.access_token
    new_token = services.rotate_access_token(cashbox)
    assert v2(client, cashbox.id, old_token).status_code == 401
    assert v2(client, cashbox.id, new_token).status_code == 200


def test_the_last_fetch_time_and_address_are_recorded(box):
    cashbox = box[0]
    assert cashbox.last_fetch_at is None
    client = Client(REMOTE_ADDR="192.0.2.10")
    v2(client, cashbox.id, "wrong")
    assert CashBox.objects.get(pk=cashbox.pk).last_fetch_at is None  # not for a refused request
    v2(client, cashbox.id, cashbox.access_token)
    fetched = CashBox.objects.get(pk=cashbox.pk)
    assert fetched.last_fetch_at is not None
    assert fetched.last_fetch_address == "192.0.2.10"
    assert not fetched.needs_rebuild  # a fetch is not a change

    helipad(Client(REMOTE_ADDR="192.0.2.20"), cashbox.id, cashbox.access_token)
    assert CashBox.objects.get(pk=cashbox.pk).last_fetch_address == "192.0.2.20"


def test_secrets_are_in_the_launcher_response_only(client, box):
    cashbox, _scu, queue, publication = box
    served = v2(client, cashbox.id, cashbox.access_token).content.decode()
    masked, diff, problems = services.preview(cashbox)
    portal_views = [
        json.dumps(masked),
        json.dumps(diff),
        json.dumps(publication.configuration_masked),
        json.dumps(publication.diff),
    ]
    for secret in factories.FISKALY_SECRETS.values():
        assert secret in served
        for text in portal_views:
            assert secret not in text
    assert cashbox.access_token not in served
    assert problems == []


def test_the_endpoints_need_no_signed_in_user_and_ignore_one(client, box, cast):
    cashbox = box[0]
    client.force_login(cast.operator)
    assert v2(client, cashbox.id, "wrong").status_code == 401
    assert v2(client, cashbox.id, cashbox.access_token).status_code == 200
