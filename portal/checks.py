"""Checks of `manage.py check --deploy` that Django does not make itself."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def portal_url_uses_https(app_configs, **kwargs):
    """Launchers send the CashBox's access token to PORTAL_URL: it must not travel in clear."""
    if settings.PORTAL_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"PORTAL_URL is {settings.PORTAL_URL}: launchers would send their access tokens unencrypted.",
            hint="Serve the portal over HTTPS and set PORTAL_URL to its https:// address.",
            id="portal.W001",
        )
    ]
