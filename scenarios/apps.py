from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "scenarios"
    verbose_name = _("Rollout scenarios")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cashboxes import jobs
        from scenarios import topology

        # Outlet bundles carry the outlet's topology drawing.
        jobs.outlet_drawing = topology.render_outlet
