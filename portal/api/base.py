"""Base classes that apply the tenancy gate to every API route."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from portal.tenancy import CHANGE, VIEW, scope_for


class TenantRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object the user may act on; others look as if they did not exist."""

    def __init__(self, action=VIEW, **kwargs):
        self.action = action
        super().__init__(**kwargs)

    def get_queryset(self):
        return super().get_queryset().for_user(self.context["request"].user, self.action)


class TenantViewSetMixin:
    """Lists and fetches only what the user may see (another tenant's object is 404), and
    checks the right for the action on the object (a missing right is 403).

    Subclasses say which action each route needs in `object_actions` (default: reading is
    VIEW, everything else CHANGE), and set the tenant of new objects in `tenant_fields()`.
    """

    object_actions = {}

    def get_queryset(self):
        return self.queryset.for_user(self.request.user, VIEW)

    def required_action(self):
        if self.action in self.object_actions:
            return self.object_actions[self.action]
        return VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else CHANGE

    def get_object(self):
        obj = super().get_object()
        action = self.required_action()
        if action != VIEW and not type(obj).objects.allowed(self.request.user, obj, action):
            raise PermissionDenied(_("You do not have the right to do this."))
        return obj

    @property
    def scope(self):
        return scope_for(self.request.user)

    def require(self, action, role=None):
        """For routes without an object (create): the user's own right and role."""
        scope = self.scope
        if not scope.allows(action) or (role and not scope.has_role(role)):
            raise PermissionDenied(_("You do not have the right to do this."))


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantViewSet(TenantViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Create, read and update; deleting is a named action where the domain allows it."""
