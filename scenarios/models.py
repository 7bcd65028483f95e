"""Plans made from the documented scenarios, and the wizard's saved drafts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Organization
from portal.tenancy import TenantModel


class Plan(TenantModel):
    """A concrete plan for one outlet: what applying it creates. Applying twice creates nothing more."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("PosOperator"))
    outlet = models.ForeignKey("cashboxes.Outlet", on_delete=models.PROTECT, related_name="plans", verbose_name=_("outlet"))
    scenario = models.CharField(_("scenario"), max_length=40)
    inputs = models.JSONField(_("inputs"))
    data = models.JSONField(_("plan"))
    # Secret SCU parameters filled in the review step, encrypted until applied (then they live
    # encrypted on the SCUs and are removed here).
    secrets_encrypted = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)

    audit_secret_fields = ("secrets_encrypted",)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return f"{self.scenario} @ {self.outlet}"

    @property
    def audit_organization_id(self):
        return self.operator_id

    @classmethod
    def tenant_q(cls, scope, action):
        return Q(operator_id__in=scope.data_ids(action))


class WizardDraft(TenantModel):
    """The wizard's answers so far, so a dealer can come back to them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20, default="outlet")
    answers = models.JSONField(default=dict)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.owner} {self.step}"

    @property
    def audit_organization_id(self):
        return self.owner_id

    @classmethod
    def tenant_q(cls, scope, action):
        # Drafts belong to the organization that works on them (the dealer's own work).
        return Q(owner_id__in=scope.own_ids(action))
