from portal.models.audit import AuditEvent
from portal.models.invitations import Invitation, InvitationEvent
from portal.models.organizations import DealerAssignment, Membership, OperatorLink, Organization, PosSystem, User
from portal.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "AuditEvent",
    "DealerAssignment",
    "Invitation",
    "InvitationEvent",
    "Membership",
    "OperatorLink",
    "Organization",
    "PosSystem",
    "User",
]
