"""Members of the organization and personal API tokens."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import ApiTokenForm, MemberAddForm, MemberRightForm
from portal.models import ApiToken, Membership
from portal.services import members
from portal.services.invitations import InvitationError
from portal.tenancy import MANAGE, scope_for
from portal.views.base import TenantActionView, TenantListView, TenantUpdateView


class MembershipListView(TenantListView):
    model = Membership
    template_name = "portal/members.html"

    def get_queryset(self):
        return super().get_queryset().select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.scope.allows(MANAGE)
        context["form"] = MemberAddForm()
        return context


@require_POST
def member_add(request):
    scope = scope_for(request.user)
    if not scope.allows(MANAGE):
        raise PermissionDenied
    form = MemberAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            members.add_member(
                scope.organization,
                data["email"],
                data["right"],
                data["first_name"],
                data["last_name"],
                request.build_absolute_uri("/"),
            )
        except InvitationError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Member added."))
            return redirect("members")
    memberships = Membership.objects.for_user(request.user).select_related("user")
    return render(request, "portal/members.html", {"object_list": memberships, "form": form, "can_manage": True}, status=400)


class MembershipUpdateView(TenantUpdateView):
    """Change a member's right; with htmx the row is swapped in place."""

    model = Membership
    form_class = MemberRightForm
    object_action = MANAGE

    def get_template_names(self):
        return ["portal/member_row_form.html" if self.request.htmx else "portal/member_edit.html"]

    def form_valid(self, form):
        try:
            members.set_right(self.object, form.cleaned_data["right"])
        except InvitationError as error:
            form.add_error("right", str(error))
            return self.form_invalid(form)
        if self.request.htmx:
            return render(self.request, "portal/members.html#member-row", {"membership": self.object, "can_manage": True})
        return redirect("members")


class MembershipRemoveView(TenantActionView):
    model = Membership
    object_action = MANAGE

    def act(self, request, obj):
        try:
            members.remove(obj)
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Member removed."))
        return redirect("members")


def tokens(request):
    """The user's API tokens; a new one is shown once."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = ApiToken.issue(request.user, form.cleaned_data["name"])
        form = ApiTokenForm()
    items = ApiToken.objects.filter(user=request.user)
    return render(request, "portal/tokens.html", {"form": form, "tokens": items, "new_key": new_key})


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
    messages.success(request, _("Token revoked."))
    return redirect("tokens")
