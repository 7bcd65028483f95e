"""Base classes for the UI that apply the tenancy gate, like the API's."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView, UpdateView
from django_filters.views import FilterMixin

from portal.tenancy import CHANGE, VIEW, scope_for


class ScopeMixin:
    """The user's scope, and a check of the user's own right and role for pages without an object."""

    required_action = VIEW
    required_role = None

    @property
    def scope(self):
        return scope_for(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        scope = scope_for(request.user)
        if scope.membership is None:
            raise PermissionDenied
        if self.object_action is None and not scope.allows(self.required_action):
            raise PermissionDenied
        if self.required_role and not scope.has_role(self.required_role):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    object_action = None


class TenantObjectMixin(ScopeMixin):
    """Fetch the object from what the user may see (else 404), then check the right (else 403)."""

    model = None
    object_action = VIEW

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user, VIEW)

    def get_object(self, queryset=None):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if self.object_action != VIEW and not self.model.objects.allowed(self.request.user, obj, self.object_action):
            raise PermissionDenied
        return obj


class TenantListView(ScopeMixin, FilterMixin, ListView):
    """A list through the gate and the model's FilterSet."""

    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        queryset = self.model.objects.for_user(self.request.user, VIEW)
        if self.filterset_class is None:
            return queryset
        self.filterset = self.get_filterset(self.filterset_class)
        # An unbound filterset (no query string) is not "valid", but shows everything.
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        return self.filterset.qs if valid else queryset.none()

    def get_filterset_kwargs(self, filterset_class):
        # Not super(): django-filter's version calls get_queryset(), which calls back here.
        return {
            "data": self.request.GET or None,
            "request": self.request,
            "queryset": self.model.objects.for_user(self.request.user, VIEW),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = getattr(self, "filterset", None)
        return context


class TenantDetailView(TenantObjectMixin, DetailView):
    pass


class TenantUpdateView(TenantObjectMixin, UpdateView):
    object_action = CHANGE


class TenantActionView(TenantObjectMixin, View):
    """A POST that acts on one object; subclasses implement act() and return a response."""

    object_action = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.act(request, self.object)

    def act(self, request, obj):  # pragma: no cover - every subclass defines it
        raise Http404
