"""A dealer's operators and an operator's dealers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import filters
from portal.choices import DealerRight
from portal.models import OperatorLink
from portal.services import links
from portal.services.invitations import InvitationError
from portal.tenancy import CHANGE, scope_for
from portal.views.base import TenantActionView, TenantListView


class OperatorListView(TenantListView):
    """The dealer's operators; active ones link to their data."""

    model = OperatorLink
    filterset_class = filters.OperatorLinkFilterSet
    template_name = "portal/operators.html"

    def get_queryset(self):
        return super().get_queryset().filter(dealer_id=self.scope.organization_id).select_related("operator")


class DealerListView(TenantListView):
    """The operator's dealers and the rights granted to each."""

    model = OperatorLink
    filterset_class = filters.OperatorLinkFilterSet
    template_name = "portal/dealers.html"

    def get_queryset(self):
        return super().get_queryset().filter(operator_id=self.scope.organization_id).select_related("dealer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rights"] = DealerRight.choices
        context["can_change"] = self.scope.allows(CHANGE)
        return context


class DealerRightView(TenantActionView):
    """The operator grants read, write or full rights (htmx swaps the row)."""

    model = OperatorLink

    def act(self, request, link):
        right = request.POST.get("right")
        if right not in DealerRight.values:
            messages.error(request, _("Choose read, write or full."))
        else:
            links.set_dealer_right(link, right)
            messages.success(request, _("Rights of %(dealer)s changed.") % {"dealer": link.dealer.name})
        return self.done(request, link)

    def done(self, request, link):
        if request.htmx:
            return render(
                request,
                "portal/dealers.html#dealer-row",
                {"link": link, "rights": DealerRight.choices, "can_change": True},
            )
        return redirect("dealers")


class DealerRevokeView(DealerRightView):
    def act(self, request, link):
        links.revoke(link)
        messages.success(request, _("Rights of %(dealer)s revoked.") % {"dealer": link.dealer.name})
        return self.done(request, link)


class OperatorRequestAcceptView(TenantActionView):
    """The dealer accepts an operator's request to look after it."""

    model = OperatorLink
    object_action = "view"

    def act(self, request, link):
        scope = scope_for(request.user)
        if link.dealer_id != scope.organization_id or not scope.allows(CHANGE):
            raise PermissionDenied
        try:
            links.accept_dealer_request(link)
        except InvitationError as error:
            messages.error(request, str(error))
        return redirect("operators")
