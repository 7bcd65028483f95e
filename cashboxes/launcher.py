"""Where the middleware's launchers fetch their configuration, the way the real ones ask.

Launcher 2.0: GET /api/configuration/{cashboxId} with header `accesstoken`.
Helipad style (Launcher 1.x, Android): GET /api/Configuration with headers `cashboxid` and
`accesstoken`. A wrong or missing token is a bare 401; ETag/If-None-Match give 304. This is
the only response that contains the secrets.
"""

import datetime
import hmac
import json
import re
import secrets
import uuid
from functools import lru_cache

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cashboxes import keys
from cashboxes.models import CashBox, CashBoxPublication
from portal import crypto

# The last fetch is written at most this often per CashBox and address (a launcher may poll).
FETCH_PRECISION = datetime.timedelta(seconds=30)


def _unauthorized():
    return HttpResponse(status=401)


def _client_address(request):
    return request.META.get("REMOTE_ADDR") or None


@lru_cache(maxsize=8)
def _sql(vendor):
    """(SQL of _lookup(), SQL of _remember_fetch()) for a database vendor (the cache key)."""
    box, quote = CashBox._meta, connection.ops.quote_name
    # Only names from our models' _meta, quoted; the values are query parameters.
    table, pk = quote(box.db_table), quote(box.pk.column)
    names = ("private_key_encrypted", "published", "last_fetch_at", "last_fetch_address")
    key, published, at, address = (quote(box.get_field(name).column) for name in names)
    lookup = f"SELECT {key}, {published}, {at}, {address} FROM {table} WHERE {pk} = %s"  # noqa: S608 - quoted names
    fetch = f"UPDATE {table} SET {at} = %s, {address} = %s WHERE {pk} = %s"  # noqa: S608 - quoted names
    if vendor == "postgresql":
        # The last fetch is information for people: its commit need not wait for the WAL to
        # reach the disk, which costs more than the rest of the request (a crash of the database
        # may lose the last fraction of a second of them). One round trip: with psycopg's
        # client-side binding, Django's default, both statements go as one and run as one
        # transaction.
        fetch = "SET LOCAL synchronous_commit TO OFF; " + fetch
    return lookup, fetch


def _lookup(pk):
    """(encrypted private key, published publication id, last fetch time, its address) of a
    CashBox, or None.

    Plain SQL on the primary key: this is the hottest read of the portal, and compiling the
    equivalent ORM query costs about ten times more than running it (bench/config_endpoint.py).
    One table: the publication, etag included, comes from the per-process cache (_published).

    It is also the request's database health check. With CONN_HEALTH_CHECKS Django sends a
    `SELECT 1` on a kept connection before a request's first query: a second round trip, as long
    as this one. The lookup is a read, so it can be the check: on a kept connection that turns
    out to be gone, the connection is closed and the lookup asked once more on a new one, which
    is what the check would have done.
    """
    sql, params = _sql(connection.vendor)[0], [CashBox._meta.pk.get_db_prep_value(pk, connection)]
    if connection.health_check_enabled and not connection.health_check_done and not connection.in_atomic_block:
        connection.health_check_done = True
        try:
            return _fetch_one(sql, params)
        except (InterfaceError, OperationalError):
            connection.close()
    return _fetch_one(sql, params)


def _fetch_one(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class Published:
    """A publication as served: the JSON text cut where the values Launcher 2.0 decrypts go.

    Publications never change (the etag is the hash of the body), so this is made once per
    process and publication; a request only encrypts the values and joins the pieces.
    """

    def __init__(self, text, etag):
        self.etag = etag
        configuration = json.loads(text)
        self.values, names = [], set()
        marker = secrets.token_hex(16)
        for queue in configuration.get("ftQueues") or ():
            settings = queue.get("Configuration") or {}
            for key, value in settings.items():
                if keys.is_encrypted_key(key) and isinstance(value, str) and value:
                    settings[key] = f"{marker}:{len(self.values)}"
                    self.values.append(value)
                    names.add(key)
        self.names = sorted(names)
        if not self.values:
            self.pieces = [text.encode()]
            return
        # The same serialisation as the publication's (services.rebuild), so all but the values
        # are the published bytes.
        masked = json.dumps(configuration, sort_keys=True, separators=(",", ":"))
        parts = re.split(rf'"{marker}:(\d+)"', masked)
        self.pieces = [part.encode() for part in parts[0::2]]
        self.order = [int(index) for index in parts[1::2]]

    def body(self, encrypt=None):
        """The bytes to serve; `encrypt` (text -> base64) is needed when there are values."""
        if not self.values:
            return self.pieces[0]
        out = [self.pieces[0]]
        for index, piece in zip(self.order, self.pieces[1:], strict=True):
            out.append(json.dumps(encrypt(self.values[index])).encode())
            out.append(piece)
        return b"".join(out)


@lru_cache(maxsize=1024)
def _published(publication_id, cashbox_id):
    """The CashBox's publication as served. Keyed by the CashBox too: the id of a publication
    whose transaction was rolled back comes again on SQLite (tests), for another CashBox."""
    encrypted, etag = CashBoxPublication.objects.values_list("configuration_encrypted", "etag").get(
        pk=publication_id, cashbox_id=cashbox_id
    )
    return Published(crypto.decrypt(encrypted), etag)


def _error(status, message):
    return HttpResponse(json.dumps({"detail": message}), status=status, content_type="application/json")


def not_found(request, exception=None):
    """404 on the launchers' lean path (cashboxes.launcher_urls)."""
    return _error(404, "Not found.")


def server_error(request):
    """500 on the launchers' lean path (cashboxes.launcher_urls)."""
    return _error(500, "The portal could not answer; try again later.")


def _launcher_key(request):
    """The launcher's public key from the JSON body Launcher 2.0 sends with its GET
    (ConfigurationDownloader.cs), None without a body; ValueError for a body that is unusable."""
    if not request.body.strip():
        return None
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ValueError('The request body is not JSON; send {"publicKeyX509": "<base64 SubjectPublicKeyInfo>"}.')
    if not isinstance(body, dict) or "publicKeyX509" not in body:
        raise ValueError("The request body has no publicKeyX509.")
    return keys.launcher_public_key(body["publicKeyX509"])


# The length of an access token (base64 of a 65-byte point), compared when the CashBox is unknown
# so that the answer takes as long as for a wrong token.
_NO_TOKEN = "A" * 88


def serve(request, cashbox_id, token, encrypting):
    """The answer to a launcher, with its Content-Length (launchers' requests skip the middleware
    that would add it, portal.wsgi)."""
    response = _answer(request, cashbox_id, token, encrypting)
    response["Content-Length"] = str(len(response.content))
    return response


def _answer(request, cashbox_id, token, encrypting):
    """The published configuration for the holder of the CashBox's access token.

    `encrypting`: the caller is Launcher 2.0, which receives the values it decrypts encrypted
    for its key. Other callers never get such values: they are not sent in plain text."""
    try:
        pk = uuid.UUID(str(cashbox_id))
    except ValueError:
        pk = None
    row = _lookup(pk) if pk else None
    expected = keys.key_pair(row[0])[1] if row else _NO_TOKEN
    if not token or not hmac.compare_digest(expected.encode(), token.encode()) or row is None:
        return _unauthorized()
    if row[1] is None:
        return _error(404, "This CashBox has not been rebuilt yet.")
    try:
        launcher_key = _launcher_key(request) if encrypting else None
    except ValueError as error:
        return _error(400, str(error))
    _remember_fetch(pk, _client_address(request), *row[2:])
    published = _published(row[1], pk)
    etag = f'"{published.etag}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        encrypt = None
        if published.values:
            if not encrypting:
                return _error(
                    400,
                    "This configuration holds values that are served only encrypted, to Launcher 2.0 ("
                    + ", ".join(published.names)
                    + "): fetch it with GET /api/configuration/{cashboxId} and your publicKeyX509.",
                )
            if launcher_key is None:
                return _error(
                    400,
                    "This configuration holds values Launcher 2.0 receives encrypted ("
                    + ", ".join(published.names)
                    + '): send your public key in the request body as {"publicKeyX509": "<base64 SubjectPublicKeyInfo>"}.',
                )
            encrypt = keys.value_encrypter(keys.key_pair(row[0])[0], launcher_key, pk)
        response = HttpResponse(published.body(encrypt), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _remember_fetch(pk, address, last_at, last_address):
    """Record the fetch, unless the one recorded is recent and from the same address: a launcher
    that polls is written once per FETCH_PRECISION, whichever process serves it."""
    box = CashBox._meta
    address = box.get_field("last_fetch_address").get_prep_value(address)
    now = timezone.now()
    if last_at is not None and timezone.is_naive(last_at):
        last_at = last_at.replace(tzinfo=datetime.UTC)  # SQLite stores UTC without the zone
    if last_address == address and last_at is not None and datetime.timedelta(0) <= now - last_at < FETCH_PRECISION:
        return
    params = [
        box.get_field("last_fetch_at").get_db_prep_value(now, connection),
        box.get_field("last_fetch_address").get_db_prep_value(address, connection),
        box.pk.get_db_prep_value(pk, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor)[1], params)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def configuration_v2(request, cashbox_id):
    """Launcher 2.0. It sends a JSON body with its public key, for which the values it decrypts
    are encrypted."""
    return serve(request, cashbox_id, request.headers.get("accesstoken", ""), encrypting=True)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def configuration_helipad(request):
    return serve(request, request.headers.get("cashboxid", ""), request.headers.get("accesstoken", ""), encrypting=False)
