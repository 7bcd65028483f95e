from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import audit, checks, models  # noqa: F401 - checks registers the deploy checks

        audit.register(
            models.Organization,
            models.Membership,
            models.PosSystem,
            models.DealerAssignment,
            models.OperatorLink,
            models.Invitation,
            models.ApiToken,
        )
