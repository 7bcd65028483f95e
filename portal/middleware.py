import re
import uuid

from django.conf import settings

from portal import tenancy
from portal.context import current_request

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SESSION_KEY = "active_organization_id"


class RequestIdMiddleware:
    """Gives every request an id (taken from X-Request-ID when sane) for logs and the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ActiveOrganizationMiddleware:
    """Chooses the organization a signed-in browser user acts for, from the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            tenancy.activate(request.user, request.session.get(SESSION_KEY))
        return self.get_response(request)


class LauncherRoutesMiddleware:
    """On the launchers' lean path (portal.wsgi), only their routes (LAUNCHER_URLCONF) resolve."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = settings.LAUNCHER_URLCONF
        return self.get_response(request)
