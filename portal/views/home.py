"""Dashboard, the organization page and switching organizations."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.choices import InvitationStatus, LinkStatus
from portal.forms import OrganizationForm
from portal.middleware import SESSION_KEY
from portal.models import AuditEvent, DealerAssignment, Invitation, OperatorLink, Organization, PosSystem
from portal.tenancy import scope_for
from portal.views.base import TenantDetailView, TenantUpdateView


def dashboard(request):
    """One page per role of the active organization: what needs doing first."""
    scope = scope_for(request.user)
    if scope.membership is None:
        return render(request, "portal/no_organization.html")
    user = request.user
    org = scope.organization
    context = {"organization": org}
    if org.is_pos_creator:
        context["pos_systems"] = PosSystem.objects.for_user(user).filter(creator=org)
        context["assignment_requests"] = (
            DealerAssignment.objects.for_user(user)
            .filter(pos_system__creator=org, status=LinkStatus.REQUESTED)
            .select_related("dealer", "pos_system")
        )
    if org.is_pos_dealer:
        context["operator_count"] = len(scope.operator_rights)
        context["open_invitations"] = Invitation.objects.for_user(user).filter(status=InvitationStatus.PENDING).count()
        context["operator_requests"] = (
            OperatorLink.objects.for_user(user).filter(dealer=org, status=LinkStatus.REQUESTED).select_related("operator")
        )
        context["sold_pos_systems"] = PosSystem.objects.for_user(user).filter(
            assignments__dealer=org, assignments__status=LinkStatus.ACTIVE
        )
    if org.is_pos_operator:
        context["dealer_links"] = OperatorLink.objects.for_user(user).filter(operator=org).select_related("dealer")
    context["recent_events"] = AuditEvent.objects.for_user(user)[:8]
    return render(request, "portal/dashboard.html", context)


@require_POST
def switch_organization(request):
    wanted = request.POST.get("organization")
    if request.user.memberships.filter(organization_id=wanted).exists():
        request.session[SESSION_KEY] = wanted
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


class OrganizationDetailView(TenantDetailView):
    model = Organization
    template_name = "portal/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = Organization.objects.allowed(self.request.user, self.object, "change")
        from cashboxes import jobs as job_kinds  # the configuration app validates

        context["can_validate"] = job_kinds.operator_problem(self.request.user, self.object) is None
        context["can_validate_operators"] = job_kinds.operators_problem(self.request.user, self.object) is None
        return context


def my_organization(request):
    scope = scope_for(request.user)
    if scope.membership is None:
        return redirect("dashboard")
    return redirect("organization-detail", pk=scope.organization_id)


class OrganizationUpdateView(TenantUpdateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "portal/form.html"
    extra_context = {"title": _("Edit organization")}

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse_lazy("organization-detail", args=[self.object.pk])
