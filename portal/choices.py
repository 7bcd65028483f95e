from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POS_CREATOR = "PosCreator", _("PosCreator")
    POS_DEALER = "PosDealer", _("PosDealer")
    POS_OPERATOR = "PosOperator", _("PosOperator")


class MemberRight(models.TextChoices):
    """A person's right inside their own organization."""

    READ = "read", _("Read")
    WRITE = "write", _("Write")
    ADMIN = "admin", _("Admin (manage members)")


class DealerRight(models.TextChoices):
    """The right an operator grants its dealer on its configuration."""

    READ = "read", _("Read")
    WRITE = "write", _("Write")
    FULL = "full", _("Full")


class LinkStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class InvitationKind(models.TextChoices):
    OPERATOR = "operator", _("PosOperator by a PosDealer")
    DEALER = "dealer", _("PosDealer by a PosCreator")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InvitationEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    SENT = "sent", _("Sent")
    RESENT = "resent", _("Resent")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ACCEPTED = "accepted", _("Accepted")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    REVEAL = "reveal", _("Secret revealed")
    DOWNLOAD = "download", _("Downloaded")
