"""Links between companies: creators' dealers, dealers' operators."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.choices import InvitationKind, LinkStatus
from portal.models import DealerAssignment, OperatorLink, User
from portal.services import invitations
from portal.services.invitations import InvitationError


def register_dealer(pos_system, user, email, base_url, company=None):
    """A creator registers a dealer for a PosSystem by e-mail.

    A known dealer is assigned at once; an unknown address gets an invitation, which needs the
    company's data (`company`). Returns ("assigned", assignment) or ("invited", invitation).
    """
    email = email.lower().strip()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        dealer = next(
            (m.organization for m in existing.memberships.select_related("organization") if m.organization.is_pos_dealer),
            None,
        )
        if dealer is None:
            raise InvitationError(_("This person's company is not a PosDealer."), field="email")
        assignment, _created = DealerAssignment.objects.get_or_create(pos_system=pos_system, dealer=dealer)
        if assignment.status != LinkStatus.ACTIVE:
            assignment.status = LinkStatus.ACTIVE
            assignment.save(update_fields=["status"])
        return "assigned", assignment
    if not company:
        raise InvitationError(_("No dealer has this e-mail address yet: fill in the company's data to invite it."))
    invitation, _token = invitations.invite(
        pos_system.creator, user, dict(company, email=email), base_url, kind=InvitationKind.DEALER, pos_system=pos_system
    )
    return "invited", invitation


def request_assignment(pos_system, dealer):
    """A dealer asks a creator to be registered for a PosSystem."""
    assignment, created = DealerAssignment.objects.get_or_create(
        pos_system=pos_system, dealer=dealer, defaults={"status": LinkStatus.REQUESTED}
    )
    if not created and assignment.status == LinkStatus.ACTIVE:
        raise InvitationError(_("You are already registered for this PosSystem."))
    return assignment


def accept_assignment(assignment):
    if assignment.status != LinkStatus.REQUESTED:
        raise InvitationError(_("Only a requested assignment can be accepted."))
    assignment.status = LinkStatus.ACTIVE
    assignment.save(update_fields=["status"])


def remove_assignment(assignment):
    assignment.delete()


def set_dealer_right(link, right):
    """The operator changes what its dealer may do, or grants it again after a revocation."""
    link.right = right
    link.status = LinkStatus.ACTIVE
    link.save(update_fields=["right", "status", "updated_at"])


def revoke(link):
    link.status = LinkStatus.REVOKED
    link.save(update_fields=["status", "updated_at"])


@transaction.atomic
def accept_dealer_request(link):
    if link.status != LinkStatus.REQUESTED:
        raise InvitationError(_("Only a requested link can be accepted."))
    link.status = LinkStatus.ACTIVE
    link.save(update_fields=["status", "updated_at"])


def request_dealer(operator, dealer, right):
    """An operator asks a dealer to look after it (the dealer accepts)."""
    link, created = OperatorLink.objects.get_or_create(
        operator=operator, dealer=dealer, defaults={"right": right, "status": LinkStatus.REQUESTED}
    )
    if not created:
        if link.status == LinkStatus.ACTIVE:
            raise InvitationError(_("This dealer already works for you."))
        link.right, link.status = right, LinkStatus.REQUESTED
        link.save(update_fields=["right", "status", "updated_at"])
    return link
