"""The one tenancy gate: what a user may see and do.

Every tenant model's manager is a TenantQuerySet; `Model.objects.for_user(user, action)` returns
only the rows the user may act on, and base views, viewsets, form fields and serializer fields
use it. A row outside the "view" queryset is another tenant's: 404. A row in the "view" queryset
but not in the one for the action: 403.

A user acts for one organization at a time (the active one, switchable). Dealers also act on the
data of the operators that granted them rights, within those rights.
"""

from dataclasses import dataclass, field

from django.db import models

VIEW, CHANGE, MANAGE = "view", "change", "manage"
_LEVEL = {VIEW: 1, CHANGE: 2, MANAGE: 3}
_MEMBER_LEVEL = {"read": 1, "write": 2, "admin": 3}
_DEALER_LEVEL = {"read": 1, "write": 2, "full": 3}


@dataclass
class Scope:
    """What one user may reach, computed once per request."""

    user: object
    membership: object = None  # the active membership, or None
    operator_rights: dict = field(default_factory=dict)  # operator org id -> dealer right

    @property
    def organization(self):
        return self.membership.organization if self.membership else None

    @property
    def organization_id(self):
        return self.membership.organization_id if self.membership else None

    def allows(self, action):
        """Does the user's own right in the active organization cover the action?"""
        return bool(self.membership) and _MEMBER_LEVEL[self.membership.right] >= _LEVEL[action]

    def own_ids(self, action):
        """The active organization, if the user's right covers the action."""
        return {self.organization_id} if self.allows(action) else set()

    def operator_ids(self, action):
        """Operators whose configuration the active dealer organization may act on.

        Managing an operator's people is never delegated (dealers cannot manage an operator's
        employees), and a dealer's member needs the right in their own organization too.
        """
        if action == MANAGE or not self.allows(action):
            return set()
        return {org for org, right in self.operator_rights.items() if _DEALER_LEVEL[right] >= _LEVEL[action]}

    def data_ids(self, action):
        """Organizations whose tenant data (configuration, outlets, ...) the user may act on."""
        return self.own_ids(action) | self.operator_ids(action)

    def has_role(self, role):
        return bool(self.organization) and role in self.organization.roles


def scope_for(user):
    """The user's Scope, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return Scope(user=user)
    cached = getattr(user, "_tenancy_scope", None)
    if cached is not None:
        return cached
    from portal.models import Membership, OperatorLink

    memberships = list(Membership.objects.filter(user=user).select_related("organization").order_by("created_at"))
    wanted = getattr(user, "_active_organization_id", None)
    membership = next((m for m in memberships if str(m.organization_id) == str(wanted)), None)
    if membership is None and memberships:
        membership = memberships[0]
    rights = {}
    if membership and membership.organization.is_pos_dealer:
        rights = dict(
            OperatorLink.objects.filter(dealer_id=membership.organization_id, status="active").values_list("operator_id", "right")
        )
    scope = Scope(user=user, membership=membership, operator_rights=rights)
    user._tenancy_scope = scope
    return scope


def activate(user, organization_id):
    """Choose the organization the user acts for (from the session or an API header)."""
    user._active_organization_id = organization_id
    user._tenancy_scope = None


class TenantQuerySet(models.QuerySet):
    def for_user(self, user, action=VIEW):
        scope = scope_for(user)
        if scope.membership is None:
            return self.none()
        return self.filter(self.model.tenant_q(scope, action))

    def allowed(self, user, obj, action):
        """Whether the user may do `action` on `obj` (one query)."""
        return self.for_user(user, action).filter(pk=obj.pk).exists()


class TenantModel(models.Model):
    """Base for every model that belongs to a tenant. Subclasses define tenant_q."""

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def tenant_q(cls, scope, action):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @property
    def audit_organization_id(self):
        """The organization this row's audit events belong to."""
        raise NotImplementedError
