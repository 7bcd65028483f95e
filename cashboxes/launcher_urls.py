"""The routes the middleware's launchers ask (no trailing slash: as they ask). portal.urls
includes them, and portal.wsgi serves them on a lean path of their own."""

from django.urls import path

from cashboxes import launcher

# On the lean path no page is rendered (it has no user or language): errors answer in JSON.
handler404 = "cashboxes.launcher.not_found"
handler500 = "cashboxes.launcher.server_error"

urlpatterns = [
    path("api/configuration/<str:cashbox_id>", launcher.configuration_v2, name="launcher-configuration"),
    path("api/Configuration", launcher.configuration_helipad, name="launcher-configuration-helipad"),
]
