"""PosSystems of a creator, and the dealers registered for them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView

from portal import filters
from portal.choices import LinkStatus, Role
from portal.forms import AssignmentRequestForm, DealerRegistrationForm, PosSystemForm
from portal.models import DealerAssignment, PosSystem
from portal.services import links
from portal.services.invitations import InvitationError
from portal.tenancy import CHANGE, scope_for
from portal.views.base import ScopeMixin, TenantActionView, TenantDetailView, TenantListView, TenantUpdateView


class PosSystemListView(TenantListView):
    model = PosSystem
    filterset_class = filters.PosSystemFilterSet
    template_name = "portal/possystems.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self.scope
        context["can_create"] = scope.has_role(Role.POS_CREATOR) and scope.allows(CHANGE)
        context["can_request"] = scope.has_role(Role.POS_DEALER) and scope.allows(CHANGE)
        context["request_form"] = AssignmentRequestForm()
        context["my_requests"] = (
            DealerAssignment.objects.for_user(self.request.user)
            .filter(dealer_id=scope.organization_id, status=LinkStatus.REQUESTED)
            .select_related("pos_system")
        )
        return context


class PosSystemCreateView(ScopeMixin, CreateView):
    model = PosSystem
    form_class = PosSystemForm
    template_name = "portal/form.html"
    required_action = CHANGE
    required_role = Role.POS_CREATOR
    extra_context = {"title": gettext_lazy("New PosSystem")}

    def form_valid(self, form):
        form.instance.creator = self.scope.organization  # the tenant comes from the server
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("possystem-detail", args=[self.object.pk])


class PosSystemUpdateView(TenantUpdateView):
    model = PosSystem
    form_class = PosSystemForm
    template_name = "portal/form.html"
    extra_context = {"title": gettext_lazy("Edit PosSystem")}

    def get_success_url(self):
        return reverse("possystem-detail", args=[self.object.pk])


class PosSystemDetailView(TenantDetailView):
    model = PosSystem
    template_name = "portal/possystem_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_edit"] = PosSystem.objects.allowed(user, self.object, CHANGE)
        context["assignments"] = DealerAssignment.objects.for_user(user).filter(pos_system=self.object).select_related("dealer")
        context["form"] = kwargs.get("form") or DealerRegistrationForm()
        return context


class DealerRegisterView(TenantActionView):
    """The creator registers a dealer: an existing one is assigned, a new one invited."""

    model = PosSystem

    def act(self, request, pos_system):
        form = DealerRegistrationForm(request.POST)
        if form.is_valid():
            company = form.company()
            if form.is_valid():
                try:
                    outcome, _obj = links.register_dealer(
                        pos_system, request.user, form.cleaned_data["email"], request.build_absolute_uri("/"), company
                    )
                except InvitationError as error:
                    form.add_error(error.field, str(error))
                else:
                    messages.success(request, _("Dealer assigned.") if outcome == "assigned" else _("Invitation sent."))
                    return redirect("possystem-detail", pk=pos_system.pk)
        view = PosSystemDetailView(request=request, kwargs={"pk": pos_system.pk}, object=pos_system)
        return render(request, view.template_name, view.get_context_data(form=form, object=pos_system), status=400)


def request_assignment(request):
    """A dealer asks to be registered for a PosSystem whose PosSystemId it has."""
    scope = scope_for(request.user)
    if request.method != "POST" or not (scope.has_role(Role.POS_DEALER) and scope.allows(CHANGE)):
        raise PermissionDenied
    form = AssignmentRequestForm(request.POST)
    if form.is_valid():
        pos_system = PosSystem.objects.filter(pk=form.cleaned_data["pos_system_id"]).first()
        if pos_system is None:
            messages.error(request, _("No PosSystem has this PosSystemId."))
        else:
            try:
                links.request_assignment(pos_system, scope.organization)
            except InvitationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Request sent to the PosCreator."))
    else:
        messages.error(request, _("Enter a valid PosSystemId."))
    return redirect("possystems")


class AssignmentAcceptView(TenantActionView):
    model = DealerAssignment

    def act(self, request, assignment):
        if assignment.pos_system.creator_id != scope_for(request.user).organization_id:
            raise PermissionDenied
        try:
            links.accept_assignment(assignment)
        except InvitationError as error:
            messages.error(request, str(error))
        return redirect("possystem-detail", pk=assignment.pos_system_id)


class AssignmentRemoveView(TenantActionView):
    model = DealerAssignment

    def act(self, request, assignment):
        links.remove_assignment(assignment)
        messages.success(request, _("Assignment removed."))
        if assignment.dealer_id == scope_for(request.user).organization_id:
            return redirect("possystems")
        return redirect("possystem-detail", pk=assignment.pos_system_id)
