"""Where the middleware's launchers fetch their configuration, the way the real ones ask.

Launcher 2.0: GET /api/configuration/{cashboxId} with header `accesstoken`.
Helipad style (Launcher 1.x, Android): GET /api/Configuration with headers `cashboxid` and
`accesstoken`. A wrong or missing token is a bare 401; ETag/If-None-Match give 304. This is
the only response that contains the secrets.
"""

import hmac
import uuid
from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cashboxes.models import CashBox
from portal import crypto

# The last fetch is written at most this often per CashBox and address (a launcher may poll).
FETCH_PRECISION = timedelta(seconds=30)


def _unauthorized():
    return HttpResponse(status=401)


def _client_address(request):
    return request.META.get("REMOTE_ADDR") or None


def serve(request, cashbox_id, token):
    try:
        pk = uuid.UUID(str(cashbox_id))
    except ValueError:
        pk = None
    cashbox = (
        CashBox.objects.select_related("published")
        .only(
            "id",
            "access_token_encrypted",
            "last_fetch_at",
            "last_fetch_address",
            "published__etag",
            "published__configuration_encrypted",
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    expected = crypto.decrypt(cashbox.access_token_encrypted) if cashbox else "-" * 43
    if not token or not hmac.compare_digest(expected.encode(), token.encode()) or cashbox is None:
        return _unauthorized()
    publication = cashbox.published
    if publication is None:
        return HttpResponse('{"detail": "This CashBox has not been rebuilt yet."}', status=404, content_type="application/json")
    _remember_fetch(cashbox, _client_address(request))
    etag = f'"{publication.etag}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(crypto.decrypt(publication.configuration_encrypted), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _remember_fetch(cashbox, address):
    now = timezone.now()
    if cashbox.last_fetch_at and now - cashbox.last_fetch_at < FETCH_PRECISION and cashbox.last_fetch_address == address:
        return
    CashBox.objects.filter(pk=cashbox.pk).update(last_fetch_at=now, last_fetch_address=address)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def configuration_v2(request, cashbox_id):
    """Launcher 2.0. It sends a JSON body with its public key; values come unencrypted here."""
    return serve(request, cashbox_id, request.headers.get("accesstoken", ""))


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def configuration_helipad(request):
    return serve(request, request.headers.get("cashboxid", ""), request.headers.get("accesstoken", ""))
