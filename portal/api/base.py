"""Base classes that apply the tenancy gate to every API route."""

import hashlib

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied

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


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("This object was changed since you read it; fetch it again and repeat the change.")
    default_code = "precondition_failed"


class ETagMixin:
    """Optimistic locking for a viewset: detail responses (read and update) carry an `ETag`,
    and a PUT or PATCH whose `If-Match` names another version gets 412. Without `If-Match` an
    update is allowed.

    The tag comes from the object's `updated_at` and, where the model has one, its `revision`
    (which may change without `updated_at`). Put the mixin before the tenant base class, so a
    missing right is 403 before a stale tag is 412.
    """

    etag_actions = ("retrieve", "update", "partial_update")

    def etag(self, obj):
        stamp = f"{obj.pk}|{obj.updated_at.isoformat()}|{getattr(obj, 'revision', '')}"
        return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'

    def get_object(self):
        obj = super().get_object()
        if self.request.method in ("PUT", "PATCH"):
            wanted = [tag.strip() for tag in self.request.headers.get("If-Match", "").split(",") if tag.strip()]
            if wanted and "*" not in wanted and self.etag(obj) not in wanted:
                raise PreconditionFailed()
        self._etag_object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_etag_object", None)
        if obj is not None and getattr(self, "action", None) in self.etag_actions and status.is_success(response.status_code):
            response["ETag"] = self.etag(obj)
        return response
