"""Outlets of the PosOperators the user works for."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView

from cashboxes import filters
from cashboxes.forms import OutletForm
from cashboxes.models import Outlet
from cashboxes.views.common import RuleFormMixin
from portal.models import Organization
from portal.tenancy import CHANGE
from portal.views.base import ScopeMixin, TenantListView, TenantUpdateView


def changeable_operators(user):
    """The PosOperators whose configuration the user may change: its own, or a dealer's operators."""
    return Organization.objects.for_user(user, CHANGE).filter(is_pos_operator=True)


class OutletListView(TenantListView):
    model = Outlet
    filterset_class = filters.OutletFilterSet
    template_name = "cashboxes/outlets.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("operator")
            .annotate(cashbox_count=Count("cashboxes"))
            .order_by("operator__name", "number")  # Meta.ordering does not apply with GROUP BY
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.scope.organization
        context["can_create"] = changeable_operators(self.request.user).exists()
        context["show_operator"] = bool(organization and organization.is_pos_dealer)
        context["changeable"] = self.scope.data_ids(CHANGE)
        return context


class OutletCreateView(ScopeMixin, RuleFormMixin, CreateView):
    """A dealer chooses one of the operators it may change; an operator adds to its own."""

    model = Outlet
    form_class = OutletForm
    template_name = "cashboxes/form.html"
    required_action = CHANGE
    success_message = gettext_lazy("Outlet %(name)s created.")
    extra_context = {"title": gettext_lazy("New outlet")}

    def dispatch(self, request, *args, **kwargs):
        self.operators = list(changeable_operators(request.user))
        if request.user.is_authenticated and not self.operators:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        organization = self.scope.organization
        if organization.is_pos_operator and not organization.is_pos_dealer:
            kwargs["instance"] = Outlet(operator=organization)  # the tenant comes from the server
        else:
            kwargs["operators"] = Organization.objects.filter(pk__in=[o.pk for o in self.operators])
        return kwargs

    def get_success_url(self):
        return reverse("outlets")

    def get_crumbs(self):
        return [(reverse("outlets"), _("Outlets"))]


class OutletUpdateView(RuleFormMixin, TenantUpdateView):
    model = Outlet
    form_class = OutletForm
    template_name = "cashboxes/form.html"
    success_message = gettext_lazy("Outlet %(name)s saved.")
    extra_context = {"title": gettext_lazy("Edit outlet")}

    def get_success_url(self):
        return reverse("outlets")

    def get_crumbs(self):
        return [(reverse("outlets"), _("Outlets"))]
