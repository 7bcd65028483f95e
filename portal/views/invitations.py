"""Inviting PosOperators: one by one, by CSV, and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView

from portal import filters
from portal.choices import Role
from portal.forms import AcceptInvitationForm, CsvUploadForm, InvitationForm
from portal.middleware import SESSION_KEY
from portal.models import Invitation
from portal.services import csv_import, invitations
from portal.services.invitations import InvitationError
from portal.tenancy import CHANGE
from portal.views.base import ScopeMixin, TenantActionView, TenantDetailView, TenantListView


class InvitationListView(TenantListView):
    model = Invitation
    filterset_class = filters.InvitationFilterSet
    template_name = "portal/invitations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_invite"] = self.scope.has_role(Role.POS_DEALER) and self.scope.allows(CHANGE)
        return context


class DealerOnlyMixin(ScopeMixin):
    required_action = CHANGE
    required_role = Role.POS_DEALER


class InvitationCreateView(DealerOnlyMixin, FormView):
    form_class = InvitationForm
    template_name = "portal/form.html"
    extra_context = {"title": gettext_lazy("Invite a PosOperator")}

    def form_valid(self, form):
        try:
            invitation, token = invitations.invite(
                self.scope.organization, self.request.user, form.cleaned_data, self.request.build_absolute_uri("/")
            )
        except InvitationError as error:
            form.add_error(error.field, str(error))
            return self.form_invalid(form)
        link = self.request.build_absolute_uri(invitations.accept_path(token))
        messages.success(self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        self.request.session["last_invitation_link"] = {"id": str(invitation.pk), "link": link}
        return redirect("invitation-detail", pk=invitation.pk)


class InvitationImportView(DealerOnlyMixin, FormView):
    """CSV upload: a report per row; all rows are invited, or none."""

    form_class = CsvUploadForm
    template_name = "portal/invitation_import.html"

    def form_valid(self, form):
        report = csv_import.import_operators(
            form.cleaned_data["file"].read(),
            self.scope.organization,
            self.request.user,
            self.request.build_absolute_uri("/"),
            dealer_right=form.cleaned_data["dealer_right"],
        )
        if report.ok:
            message = ngettext("%(count)d PosOperator invited.", "%(count)d PosOperators invited.", report.imported)
            messages.success(self.request, message % {"count": report.imported})
        return render(self.request, self.template_name, {"form": form, "report": report}, status=200 if report.ok else 400)


def import_template(request):
    response = HttpResponse(csv_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="posoperators.csv"'
    return response


class InvitationDetailView(TenantDetailView):
    model = Invitation
    template_name = "portal/invitation_detail.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("events__by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = self.request.session.pop("last_invitation_link", None)
        if shown and shown["id"] == str(self.object.pk):
            context["link"] = shown["link"]  # shown once, right after sending
        context["can_change"] = Invitation.objects.allowed(self.request.user, self.object, CHANGE)
        return context


class InvitationResendView(TenantActionView):
    model = Invitation

    def act(self, request, invitation):
        try:
            token = invitations.resend(invitation, request.user, request.build_absolute_uri("/"))
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Invitation sent again; the previous link no longer works."))
            request.session["last_invitation_link"] = {
                "id": str(invitation.pk),
                "link": request.build_absolute_uri(invitations.accept_path(token)),
            }
        return self.done(request, invitation)

    def done(self, request, invitation):
        if request.htmx:
            invitation.refresh_from_db()
            return render(request, "portal/invitations.html#invitation-row", {"invitation": invitation})
        return redirect("invitation-detail", pk=invitation.pk)


class InvitationWithdrawView(InvitationResendView):
    def act(self, request, invitation):
        try:
            invitations.withdraw(invitation, request.user)
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Invitation withdrawn."))
        return self.done(request, invitation)


@login_not_required
def accept_invitation(request, token):
    invitation = invitations.find_open(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(
        request.POST or None,
        invitation=invitation,
        initial={
            "address_line1": invitation.address_line1,
            "address_line2": invitation.address_line2,
            "postal_code": invitation.postal_code,
            "city": invitation.city,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, organization = invitations.accept(invitation, form.cleaned_data["password1"], form.cleaned_data)
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = str(organization.pk)
            messages.success(request, _("Welcome! Your account %(name)s is ready.") % {"name": organization.name})
            return redirect(reverse("dashboard"))
    return render(request, "portal/invitation_accept.html", {"form": form, "invitation": invitation})
