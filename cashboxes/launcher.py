"""Where the middleware's launchers fetch their configuration, the way the real ones ask.

Launcher 2.0: GET /api/configuration/{cashboxId} with header `accesstoken`.
Helipad style (Launcher 1.x, Android): GET /api/Configuration with headers `cashboxid` and
`accesstoken`. A wrong or missing token is a bare 401; ETag/If-None-Match give 304. This is
the only response that contains the secrets.
"""

import hmac
import time
import uuid
from functools import lru_cache

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cashboxes.models import CashBox, CashBoxPublication
from portal import crypto

# The last fetch is written at most this often per CashBox and address (a launcher may poll).
FETCH_PRECISION_S = 30
# Per process: CashBox id -> (address, monotonic time) of the last fetch written.
_written_fetches = {}


def _unauthorized():
    return HttpResponse(status=401)


def _client_address(request):
    return request.META.get("REMOTE_ADDR") or None


@lru_cache(maxsize=8)
def _lookup_sql(vendor):
    """The SQL of _lookup() for a database vendor (the argument is the cache key)."""
    box, publication, quote = CashBox._meta, CashBoxPublication._meta, connection.ops.quote_name
    # Only names from our models' _meta, quoted; the id is a query parameter.
    sql = (
        "SELECT c.{token}, c.{published}, p.{etag} FROM {boxes} c"
        " LEFT JOIN {publications} p ON p.{id} = c.{published} WHERE c.{pk} = %s"
    )
    return sql.format(
        token=quote(box.get_field("access_token_encrypted").column),
        published=quote(box.get_field("published").column),
        etag=quote(publication.get_field("etag").column),
        boxes=quote(box.db_table),
        publications=quote(publication.db_table),
        id=quote(publication.pk.column),
        pk=quote(box.pk.column),
    )


def _lookup(pk):
    """(encrypted access token, published publication id, its etag) of a CashBox, or None.

    Plain SQL on the primary key: this is the hottest read of the portal, and compiling the
    equivalent ORM query costs about ten times more than running it (bench/config_endpoint.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection.vendor), [CashBox._meta.pk.get_db_prep_value(pk, connection)])
        return cursor.fetchone()


@lru_cache(maxsize=1024)
def _access_token(encrypted):
    """The access token of its encrypted form (a rotated token is encrypted anew, so a new key)."""
    return crypto.decrypt(encrypted)


@lru_cache(maxsize=256)
def _body(publication_id, etag):
    """The JSON body of a publication. Publications never change (and the etag is the hash of
    the body), so the decrypted body is kept per process instead of being read and decrypted
    again on every fetch."""
    encrypted = CashBoxPublication.objects.values_list("configuration_encrypted", flat=True).get(pk=publication_id, etag=etag)
    return crypto.decrypt(encrypted)


def serve(request, cashbox_id, token):
    try:
        pk = uuid.UUID(str(cashbox_id))
    except ValueError:
        pk = None
    row = _lookup(pk) if pk else None
    expected = _access_token(row[0]) if row else "-" * 43
    if not token or not hmac.compare_digest(expected.encode(), token.encode()) or row is None:
        return _unauthorized()
    if row[1] is None:
        return HttpResponse('{"detail": "This CashBox has not been rebuilt yet."}', status=404, content_type="application/json")
    _remember_fetch(pk, _client_address(request))
    etag = f'"{row[2]}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(_body(row[1], row[2]), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _remember_fetch(pk, address):
    now = time.monotonic()
    last = _written_fetches.get(pk)
    if last and last[0] == address and now - last[1] < FETCH_PRECISION_S:
        return
    if len(_written_fetches) > 10_000:
        _written_fetches.clear()  # bounded; forgetting only means one more write
    _written_fetches[pk] = (address, now)
    CashBox.objects.filter(pk=pk).update(last_fetch_at=timezone.now(), last_fetch_address=address)


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
