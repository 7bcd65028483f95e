"""The WSGI application. Launchers take a lean path of their own.

A launcher fetching its configuration is a machine: it sends no cookie, speaks no language and
never sees a page, so the session, locale, CSRF, authentication, login, message, clickjacking, CSP
and htmx middleware only cost it time (about half of a trivial request's; bench/config_endpoint.py).
Its two routes (cashboxes.launcher_urls) are served by a handler with LAUNCHER_MIDDLEWARE and that
urlconf alone, so nothing else is reachable that way; every other request goes through the full
stack.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - after the settings are configured
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

LAUNCHER_PREFIX, HELIPAD_PATH = "/api/configuration/", "/api/Configuration"


class LauncherHandler(WSGIHandler):
    """A Django handler with the launchers' middleware only (LAUNCHER_MIDDLEWARE)."""

    def load_middleware(self, is_async=False):
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.LAUNCHER_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


launcher_application = LauncherHandler()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.startswith(LAUNCHER_PREFIX) or path == HELIPAD_PATH:
        return launcher_application(environ, start_response)
    return django_application(environ, start_response)
