from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CashboxesConfig(AppConfig):
    name = "cashboxes"
    verbose_name = _("Configuration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cashboxes import models, signals  # noqa: F401 - connects the receivers
        from cashboxes.demo import seed
        from portal import audit
        from portal.management.commands import seed_demo

        audit.register(
            models.Outlet,
            models.CashBox,
            models.Queue,
            models.Scu,
            models.Helper,
            models.SigningDevice,
            models.QueueScuLink,
            models.Terminal,
        )
        from cashboxes import jobs

        jobs.register()
        if seed not in seed_demo.seed_hooks:
            seed_demo.seed_hooks.append(seed)
