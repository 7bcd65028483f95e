"""Where the middleware's launchers fetch their configuration, the way the real ones ask.

Launcher 2.0: GET /api/configuration/{cashboxId} with header `accesstoken`.
Helipad style (Launcher 1.x, Android): GET /api/Configuration with headers `cashboxid` and
`accesstoken`. A wrong or missing token is a bare 401; ETag/If-None-Match give 304. This is
the only response that contains the secrets.
"""

import hmac
import json
import re
import secrets
import time
import uuid
from functools import lru_cache

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cashboxes import keys
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
        token=quote(box.get_field("private_key_encrypted").column),
        published=quote(box.get_field("published").column),
        etag=quote(publication.get_field("etag").column),
        boxes=quote(box.db_table),
        publications=quote(publication.db_table),
        id=quote(publication.pk.column),
        pk=quote(box.pk.column),
    )


def _lookup(pk):
    """(encrypted private key, published publication id, its etag) of a CashBox, or None.

    Plain SQL on the primary key: this is the hottest read of the portal, and compiling the
    equivalent ORM query costs about ten times more than running it (bench/config_endpoint.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection.vendor), [CashBox._meta.pk.get_db_prep_value(pk, connection)])
        return cursor.fetchone()


class Published:
    """A publication as served: the JSON text cut where the values Launcher 2.0 decrypts go.

    Publications never change (the etag is the hash of the body), so this is made once per
    process and publication; a request only encrypts the values and joins the pieces.
    """

    def __init__(self, text):
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
def _published(publication_id, etag):
    encrypted = CashBoxPublication.objects.values_list("configuration_encrypted", flat=True).get(pk=publication_id, etag=etag)
    return Published(crypto.decrypt(encrypted))


def _error(status, message):
    return HttpResponse(json.dumps({"detail": message}), status=status, content_type="application/json")


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
    _remember_fetch(pk, _client_address(request))
    etag = f'"{row[2]}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        published = _published(row[1], row[2])
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
    """Launcher 2.0. It sends a JSON body with its public key, for which the values it decrypts
    are encrypted."""
    return serve(request, cashbox_id, request.headers.get("accesstoken", ""), encrypting=True)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def configuration_helipad(request):
    return serve(request, request.headers.get("cashboxid", ""), request.headers.get("accesstoken", ""), encrypting=False)
