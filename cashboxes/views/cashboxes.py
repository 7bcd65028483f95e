"""CashBoxes: the list, the page of one with its parts, rebuild, configuration and access token."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView
from django_htmx.http import HttpResponseClientRedirect

from cashboxes import filters, services
from cashboxes.forms import CashBoxForm
from cashboxes.models import CashBox, Outlet
from cashboxes.views.common import DETAIL, SECTIONS, RuleFormMixin, load_page, page_context, page_queryset
from portal.tenancy import CHANGE, VIEW
from portal.views.base import ScopeMixin, TenantActionView, TenantDetailView, TenantListView, TenantObjectMixin, TenantUpdateView


class CashBoxListView(TenantListView):
    model = CashBox
    filterset_class = filters.CashBoxFilterSet
    template_name = "cashboxes/cashboxes.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("outlet", "operator", "published")
            .annotate(queue_count=Count("queues"))
            .order_by("operator__name", "outlet__number", "description", "pk")  # Meta.ordering does not apply with GROUP BY
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.scope.organization
        context["can_create"] = Outlet.objects.for_user(self.request.user, CHANGE).exists()
        context["show_operator"] = bool(organization and organization.is_pos_dealer)
        return context


class CashBoxCreateView(ScopeMixin, RuleFormMixin, CreateView):
    """A new CashBox in an outlet the user may change (the operator follows from the outlet)."""

    model = CashBox
    form_class = CashBoxForm
    template_name = "cashboxes/form.html"
    required_action = CHANGE
    success_message = gettext_lazy("CashBox %(name)s created.")
    extra_context = {"title": gettext_lazy("New CashBox")}

    def dispatch(self, request, *args, **kwargs):
        self.outlets = Outlet.objects.for_user(request.user, CHANGE)
        if request.user.is_authenticated and not self.outlets.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"outlet": self.request.GET.get("outlet")}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["outlets"] = self.outlets
        return kwargs

    def get_success_url(self):
        return reverse("cashbox-detail", args=[self.object.pk])

    def get_crumbs(self):
        return [(reverse("cashboxes"), _("CashBoxes"))]


class CashBoxUpdateView(RuleFormMixin, TenantUpdateView):
    model = CashBox
    form_class = CashBoxForm
    template_name = "cashboxes/form.html"
    success_message = gettext_lazy("CashBox %(name)s saved.")
    extra_context = {"title": gettext_lazy("Edit CashBox")}

    def get_success_url(self):
        return reverse("cashbox-detail", args=[self.object.pk])

    def get_crumbs(self):
        return [(reverse("cashboxes"), _("CashBoxes")), (reverse("cashbox-detail", args=[self.object.pk]), str(self.object))]


class CashBoxDetailView(TenantDetailView):
    """The CashBox with its parts. An htmx request whose target is a section gets that section."""

    model = CashBox

    def get_queryset(self):
        return page_queryset(super().get_queryset())

    def get_template_names(self):
        target = self.request.htmx.target if self.request.htmx else None
        return [f"{DETAIL}#{target}"] if target in SECTIONS else [DETAIL]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_context(self.request, self.object))
        return context


class CashBoxRebuildView(TenantObjectMixin, View):
    """GET: what a rebuild would publish (the diff, or the problems in the way). POST: publish."""

    model = CashBox
    template_name = "cashboxes/cashbox_rebuild.html"

    @property
    def object_action(self):
        return CHANGE if self.request.method == "POST" else VIEW

    def get(self, request, pk):
        cashbox = self.get_object()
        _masked, changes, problems = services.preview(cashbox)
        changes = [describe_change(change) for change in changes]
        context = {
            "cashbox": cashbox,
            "changes": changes,
            "has_before": any(change["before"] is not None for change in changes),
            "problems": problems,
            "can_change": CashBox.objects.allowed(request.user, cashbox, CHANGE),
        }
        template = f"{self.template_name}#rebuild" if request.htmx else self.template_name
        return render(request, template, context)

    def post(self, request, pk):
        cashbox = self.get_object()
        try:
            publication = services.rebuild(cashbox, request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            url = reverse("cashbox-rebuild", args=[cashbox.pk])
        else:
            messages.success(request, _("Revision %(n)d published.") % {"n": publication.revision})
            url = reverse("cashbox-detail", args=[cashbox.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def describe_change(change):
    """A diff entry for the page: its path, kind, and the values as readable JSON."""

    def shown(value):
        return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)

    before, after = change["before"], change["after"]
    kind = "added" if before is None else "removed" if after is None else "changed"
    return {
        "path": change["path"],
        "kind": kind,
        "before": None if before is None else shown(before),
        "after": None if after is None else shown(after),
    }


class CashBoxConfigurationView(TenantDetailView):
    """The configuration as JSON with every secret masked: the published one, or the current
    revision (`?revision=current`, also when nothing is published yet); `?download=1` as a file."""

    model = CashBox
    template_name = "cashboxes/cashbox_configuration.html"

    def get_queryset(self):
        return super().get_queryset().select_related("published", "outlet")

    def get(self, request, *args, **kwargs):
        self.object = cashbox = self.get_object()
        current = request.GET.get("revision") == "current" or cashbox.published is None
        if current:
            data, _changes, problems = services.preview(cashbox)
            revision = cashbox.revision
        else:
            data, problems = cashbox.published.configuration_masked, []
            revision = cashbox.published.revision
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if request.GET.get("download"):
            response = HttpResponse(text, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="cashbox-{cashbox.pk}-r{revision}.json"'
            return response
        context = self.get_context_data(
            object=cashbox, json=text, current=current, revision=revision, problems=problems, published=cashbox.published
        )
        return self.render_to_response(context)


def token_response(request, cashbox, token, note):
    """The access token, shown once: in the token section (htmx) or on the CashBox page. Never cached."""
    if request.htmx:
        context = {"cashbox": cashbox, "token": token, "token_note": note, "can_change": True}
        response = render(request, f"{DETAIL}#access-token", context)
    else:
        context = load_page(request, cashbox.pk)
        context.update(token=token, token_note=note)
        response = render(request, DETAIL, context)
    add_never_cache_headers(response)
    return response


class AccessTokenRevealView(TenantActionView):
    """Show the launcher's access token once (the service writes the audit event)."""

    model = CashBox

    def act(self, request, cashbox):
        token = services.reveal_access_token(cashbox)
        return token_response(
            request, cashbox, token, _("The access token of this CashBox. Copy it now: it is not kept on the page.")
        )


class AccessTokenRotateView(TenantObjectMixin, View):
    """GET: ask for confirmation. POST: a new token; launchers with the old one get 401 from now on."""

    model = CashBox
    object_action = CHANGE
    template_name = "cashboxes/token_rotate.html"

    def get(self, request, pk):
        cashbox = self.get_object()
        template = f"{self.template_name}#confirm" if request.htmx else self.template_name
        return render(request, template, {"cashbox": cashbox})

    def post(self, request, pk):
        cashbox = self.get_object()
        token = services.rotate_access_token(cashbox)
        note = _("The new access token. Give it to the launcher of this CashBox: the old one no longer works.")
        return token_response(request, cashbox, token, note)
