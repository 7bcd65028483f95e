from portal import filters
from portal.models import AuditEvent
from portal.views.base import TenantDetailView, TenantListView


class AuditEventListView(TenantListView):
    model = AuditEvent
    filterset_class = filters.AuditEventFilterSet
    template_name = "portal/audit.html"


class AuditEventDetailView(TenantDetailView):
    model = AuditEvent
    template_name = "portal/audit_detail.html"
