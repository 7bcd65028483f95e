"""Invitations: a dealer invites an operator, a creator invites a dealer."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import DealerRight, InvitationEventKind, InvitationKind, InvitationStatus
from portal.models.organizations import Organization, PosSystem, validate_country
from portal.tenancy import TenantModel


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=InvitationKind.choices, default=InvitationKind.OPERATOR)
    inviter = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations_sent")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # The contact's e-mail: it becomes the login of the new organization's first admin.
    email = models.EmailField(_("contact e-mail"))
    company_name = models.CharField(_("company name"), max_length=200)
    account_email = models.EmailField(_("company e-mail"), blank=True)
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    web = models.CharField(_("web site"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=30, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=30, blank=True)
    contact_first_name = models.CharField(_("contact first name"), max_length=100)
    contact_last_name = models.CharField(_("contact last name"), max_length=100)
    contact_title = models.CharField(_("contact title"), max_length=50, blank=True)
    contact_mobile_phone = models.CharField(_("contact mobile phone"), max_length=50, blank=True)
    dealer_right = models.CharField(
        _("rights asked of the operator"), max_length=10, choices=DealerRight.choices, default=DealerRight.FULL
    )
    pos_system = models.ForeignKey(PosSystem, null=True, blank=True, on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_secret_fields = ("token_hash",)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and inviter; a resend renews it instead.
            models.UniqueConstraint(
                fields=["inviter", "email"], condition=Q(status="pending"), name="one_pending_invitation_per_email"
            )
        ]

    def __str__(self):
        return f"{self.company_name} <{self.email}>"

    @property
    def audit_organization_id(self):
        return self.inviter_id

    @classmethod
    def tenant_q(cls, scope, action):
        return Q(inviter_id__in=scope.own_ids(action))

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_open(self):
        return self.status == InvitationStatus.PENDING and not self.is_expired

    @property
    def display_status(self):
        if self.status == InvitationStatus.PENDING and self.is_expired:
            return _("Expired")
        return self.get_status_display()

    def new_token(self):
        """Give the invitation a fresh link; returns the token (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.expires_at = timezone.now() + timezone.timedelta(days=settings.INVITATION_VALID_DAYS)
        return token


class InvitationEvent(models.Model):
    """The history of an invitation."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=InvitationEventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
