from portal.models.audit import AuditEvent
from portal.models.invitations import Invitation, InvitationEvent
from portal.models.jobs import Job, JobStatus
from portal.models.organizations import DealerAssignment, Membership, OperatorLink, Organization, PosSystem, User
from portal.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "AuditEvent",
    "DealerAssignment",
    "Invitation",
    "InvitationEvent",
    "Job",
    "JobStatus",
    "Membership",
    "OperatorLink",
    "Organization",
    "PosSystem",
    "User",
]
