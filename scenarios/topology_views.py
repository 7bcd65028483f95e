"""The topology drawings as SVG downloads, behind the tenancy gate (another tenant's plan or
outlet is a 404)."""

from django.http import HttpResponse
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.csp import csp_override

from cashboxes.models import Outlet
from portal.views.base import TenantObjectMixin
from scenarios import topology
from scenarios.models import Plan

# A stored SVG opened on its own must not run script or load anything: it needs only its
# presentation attributes (and inline styles, should a later drawing use them).
SVG_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]}


@method_decorator([csp_override(SVG_CSP), cache_control(private=True, no_cache=True)], name="dispatch")
class TopologyView(TenantObjectMixin, View):
    """GET: the drawing as image/svg+xml; `?download=1` makes it an attachment."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        response = HttpResponse(self.render(obj), content_type="image/svg+xml; charset=utf-8")
        if request.GET.get("download") in ("1", "true", "yes"):
            response["Content-Disposition"] = content_disposition_header(True, self.filename(obj))
        return response

    def render(self, obj):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def filename(self, obj):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class PlanTopologyView(TopologyView):
    model = Plan

    def get_queryset(self):
        return super().get_queryset().select_related("outlet")

    def render(self, plan):
        return topology.render_plan(
            plan.data,
            title=_("Planned topology: %(outlet)s") % {"outlet": topology.outlet_label(plan.outlet)},
            outlet_label=topology.outlet_label(plan.outlet),
        )

    def filename(self, plan):
        return f"topology-outlet-{plan.outlet.number}-{plan.scenario}.svg"


class OutletTopologyView(TopologyView):
    model = Outlet

    def render(self, outlet):
        return topology.render_outlet(outlet)

    def filename(self, outlet):
        return f"topology-outlet-{outlet.number}.svg"
