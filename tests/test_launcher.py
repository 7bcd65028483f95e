"""The launcher endpoints, asked the way the real launchers ask: Launcher 2.0 with
GET /api/configuration/<cashboxId> and header `accesstoken`; Launcher 1.x and Android with
GET /api/Configuration and headers `cashboxid` + `accesstoken`."""

import base64
import io
import json
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse

from cashboxes import services
from cashboxes.models import CashBox
from tests import factories
from tests.conformance import LauncherClient

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


def v2(client, cashbox_id, token=None, launcher=None, **headers):
    """GET as Launcher 2.0 asks: the token in a header, its public key in a JSON body."""
    if token is not None:
        headers["accesstoken"] = token
    body = launcher.request_body() if launcher else ""
    url = reverse("launcher-configuration", args=[str(cashbox_id)])
    return client.generic("GET", url, body, content_type="application/json", headers=headers)


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
        data=LauncherClient().request_body(),
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


# ------------------------------------------------------------------ tokens and encryption

CONNECTION = "Server=db.local;Port=3306;Database=ft;Uid=ft;Pwd=s3cret;"


@pytest.fixture
def mysql_box(cast):
    outlet = factories.outlet(cast.operator_org, 3)
    till, scu, _queue = make_till(outlet, "Till 3", "till3.local", "T-3", 1401)
    queue = factories.queue(
        till, "T-4", url="grpc://localhost:1201", package="fiskaltrust.Middleware.Queue.MySQL", connectionstring=CONNECTION
    )
    factories.link(queue, scu)
    publication = services.rebuild(CashBox.objects.get(pk=till.pk))
    return CashBox.objects.get(pk=till.pk), queue, publication


def test_every_access_token_is_a_p256_public_point(box, mysql_box):
    for cashbox in (box[0], mysql_box[0]):
        raw = base64.b64decode(cashbox.access_token, validate=True)
        assert len(raw) == 65 and raw[0] == 0x04
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)  # raises when not on the curve
        assert base64.b64encode(raw).decode() == cashbox.access_token  # standard alphabet, padded


def test_launcher_2_decrypts_the_connection_string_the_dealer_entered(client, mysql_box):
    cashbox, queue, publication = mysql_box
    launcher = LauncherClient()
    response = v2(client, cashbox.id, cashbox.access_token, launcher)
    assert response.status_code == 200
    served = response.json()
    value = next(q for q in served["ftQueues"] if q["Id"] == str(queue.id))["Configuration"]["connectionstring"]
    assert value != CONNECTION
    assert launcher.decrypt(str(cashbox.id), cashbox.access_token, value) == CONNECTION
    assert CONNECTION not in response.content.decode()
    # Everything else is the publication as it is.
    expected = publication.configuration
    next(q for q in expected["ftQueues"] if q["Id"] == str(queue.id))["Configuration"]["connectionstring"] = value
    assert served == expected


def test_each_launcher_gets_the_values_for_its_own_key_under_the_same_etag(client, mysql_box):
    cashbox, queue, publication = mysql_box
    first, second = LauncherClient(), LauncherClient()
    responses = [v2(client, cashbox.id, cashbox.access_token, launcher) for launcher in (first, second)]
    values = [
        next(q for q in r.json()["ftQueues"] if q["Id"] == str(queue.id))["Configuration"]["connectionstring"] for r in responses
    ]
    assert values[0] != values[1]
    assert first.decrypt(str(cashbox.id), cashbox.access_token, values[0]) == CONNECTION
    assert second.decrypt(str(cashbox.id), cashbox.access_token, values[1]) == CONNECTION
    assert responses[0]["ETag"] == responses[1]["ETag"] == f'"{publication.etag}"'
    again = v2(client, cashbox.id, cashbox.access_token, second, **{"If-None-Match": responses[0]["ETag"]})
    assert again.status_code == 304


def test_without_a_public_key_encrypted_values_are_refused_never_sent_in_plain_text(client, mysql_box):
    cashbox = mysql_box[0]
    for response in (v2(client, cashbox.id, cashbox.access_token), helipad(client, cashbox.id, cashbox.access_token)):
        assert response.status_code == 400
        assert "connectionstring" in response.json()["detail"]
        assert CONNECTION not in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"publicKey": "x"}',
        '{"publicKeyX509": 42}',
        '{"publicKeyX509": "%%%"}',
        '{"publicKeyX509": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}',
        "P-384",
    ],
)
def test_an_unusable_public_key_is_a_400_with_a_reason(client, mysql_box, body):
    cashbox = mysql_box[0]
    if body == "P-384":
        der = (
            ec.generate_private_key(ec.SECP384R1())
            .public_key()
            .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        body = json.dumps({"publicKeyX509": base64.b64encode(der).decode()})
    url = reverse("launcher-configuration", args=[str(cashbox.id)])
    response = client.generic("GET", url, body, content_type="application/json", headers={"accesstoken": cashbox.access_token})
    assert response.status_code == 400
    assert "publicKeyX509" in response.json()["detail"] or "JSON" in response.json()["detail"]


def test_a_configuration_without_encrypted_values_needs_no_public_key(client, box):
    cashbox, _scu, _queue, publication = box
    response = v2(client, cashbox.id, cashbox.access_token)
    assert response.status_code == 200
    assert response.json() == publication.configuration


def test_a_rotated_token_is_a_new_key_pair(client, mysql_box):
    cashbox = mysql_box[0]
    old = cashbox.access_token
    new = services.rotate_access_token(cashbox)
    assert new != old and len(base64.b64decode(new)) == 65
    launcher = LauncherClient()
    assert v2(client, cashbox.id, old, launcher).status_code == 401
    response = v2(client, cashbox.id, new, launcher)
    value = next(q for q in response.json()["ftQueues"] if q["Package"].endswith("MySQL"))["Configuration"]["connectionstring"]
    assert launcher.decrypt(str(cashbox.id), new, value) == CONNECTION


# ------------------------------------------------------------------ the lean path (portal.wsgi)


def wsgi(path, headers=None, body=b""):
    """A request through portal.wsgi.application, as gunicorn would pass it: (status, headers, body)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from portal import wsgi as portal_wsgi

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "192.0.2.30",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in (headers or {}).items()},
    }
    started = []
    # As Django's test client does: the test's transaction is not a connection to close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(portal_wsgi.application(environ, lambda status, headers: started.append((status, headers))))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, header_list = started[0]
    return int(status.split()[0]), dict(header_list), content


def test_launchers_take_a_lean_path_that_answers_as_the_full_one(box):
    cashbox, _scu, _queue, publication = box
    launcher = LauncherClient()
    status, headers, content = wsgi(
        f"/api/configuration/{cashbox.pk}", {"accesstoken": cashbox.access_token}, launcher.request_body()
    )
    assert status == 200
    assert json.loads(content) == publication.configuration
    assert headers["Content-Length"] == str(len(content))
    assert headers["ETag"] == f'"{publication.etag}"'
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Request-ID"]
    assert "Set-Cookie" not in headers and "Vary" not in headers  # no session, no language
    status, _headers, _content = wsgi("/api/Configuration", {"cashboxid": str(cashbox.pk), "accesstoken": "wrong"})
    assert status == 401


def test_the_lean_path_reaches_the_launcher_routes_only_and_everything_else_the_full_stack(box):
    status, headers, content = wsgi(f"/api/configuration/{box[0].pk}/../../admin/")
    assert status == 404  # nothing but the launcher routes resolves on the lean path
    assert headers["Content-Type"] == "application/json" and json.loads(content) == {"detail": "Not found."}
    status, headers, _content = wsgi("/accounts/login/")
    assert status == 200
    assert "Content-Security-Policy" in headers and "csrftoken" in headers.get("Set-Cookie", "")
