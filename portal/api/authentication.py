"""API authentication: `Authorization: Token <key>` or the browser session.

Both let a client choose the organization it acts for with the `X-Organization` header.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from portal import tenancy
from portal.models import ApiToken
from portal.models.tokens import hash_key

# last_used_at is written at most this often, so reads do not turn into writes.
LAST_USED_PRECISION = timedelta(minutes=1)


def _activate_from_header(request, user):
    wanted = request.headers.get("X-Organization")
    if wanted:
        tenancy.activate(user, wanted)


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result:
            _activate_from_header(request, result[0])
        return result

    def authenticate_credentials(self, key):
        token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result:
            _activate_from_header(request, result[0])
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"}
