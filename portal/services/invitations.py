"""Inviting operators and dealers, and what happens when they accept."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal import audit
from portal.choices import InvitationEventKind, InvitationKind, InvitationStatus, LinkStatus, MemberRight
from portal.models import (
    DealerAssignment,
    Invitation,
    InvitationEvent,
    Membership,
    OperatorLink,
    Organization,
    User,
)
from portal.models.invitations import hash_token
from portal.signals import organization_onboarded


class InvitationError(Exception):
    """A business rule refused the action; the message is for the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def accept_path(token):
    return reverse("invitation-accept", args=[token])


def check_email_free(email, inviter, exclude=None):
    """An address belongs to one account for ever; an open invitation is renewed, not doubled."""
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(
            _(
                "This e-mail address already exists. If the company works with another dealer, "
                "it can request an assignment to you instead of being invited again."
            ),
            field="email",
        )
    open_ones = Invitation.objects.filter(inviter=inviter, email__iexact=email, status=InvitationStatus.PENDING)
    if exclude is not None:
        open_ones = open_ones.exclude(pk=exclude.pk)
    if open_ones.exists():
        raise InvitationError(_("There is already an open invitation for this e-mail address."), field="email")


def create_invitation(inviter, user, fields, kind=InvitationKind.OPERATOR, pos_system=None):
    """Create an invitation without sending it. Returns (invitation, token)."""
    fields = dict(fields)
    fields["email"] = fields["email"].lower()
    check_email_free(fields["email"], inviter)
    invitation = Invitation(inviter=inviter, invited_by=user, kind=kind, pos_system=pos_system, **fields)
    token = invitation.new_token()
    try:
        with transaction.atomic():
            invitation.save()
            InvitationEvent.objects.create(invitation=invitation, kind=InvitationEventKind.CREATED, by=user)
    except IntegrityError:
        raise InvitationError(_("There is already an open invitation for this e-mail address."), field="email")
    return invitation, token


def send(invitation, token, user, base_url, resent=False):
    """Send the e-mail from a worker once the transaction is committed (the history records it)."""
    from portal.tasks import send_invitation_email

    send_invitation_email.delay_on_commit(
        str(invitation.pk),
        token,
        base_url.rstrip("/") + accept_path(token),
        by_user_id=user.pk if user else None,
        resent=resent,
        language=translation.get_language() or "en",
    )


def invite(inviter, user, fields, base_url, kind=InvitationKind.OPERATOR, pos_system=None):
    """Create and send an invitation. Returns (invitation, token)."""
    invitation, token = create_invitation(inviter, user, fields, kind=kind, pos_system=pos_system)
    send(invitation, token, user, base_url)
    return invitation, token


def resend(invitation, user, base_url):
    """A fresh link (the old one stops working) with a fresh expiry, sent again."""
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(_("Only an open invitation can be sent again."))
    token = invitation.new_token()
    invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
    send(invitation, token, user, base_url, resent=True)
    return token


def withdraw(invitation, user):
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(_("Only an open invitation can be withdrawn."))
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.save(update_fields=["status", "updated_at"])
    InvitationEvent.objects.create(invitation=invitation, kind=InvitationEventKind.WITHDRAWN, by=user)


def find_open(token):
    """The invitation a link points at, if it can still be accepted; else None."""
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).select_related("inviter").first()
    if invitation is None or not invitation.is_open:
        return None
    return invitation


@transaction.atomic
def accept(invitation, password, address):
    """Create the invited organization, its first admin, and its link to the inviter."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationError(_("This invitation is no longer valid."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(_("This e-mail address already exists."))
    is_dealer = invitation.kind == InvitationKind.DEALER
    user = User.objects.create_user(
        invitation.email,
        password,
        first_name=invitation.contact_first_name,
        last_name=invitation.contact_last_name,
    )
    with audit.acting_as(user):
        organization = Organization.objects.create(
            name=invitation.company_name,
            address_line1=address["address_line1"],
            address_line2=address.get("address_line2", ""),
            postal_code=address["postal_code"],
            city=address["city"],
            country=invitation.country,
            vat_id=invitation.vat_id,
            tax_number=invitation.tax_number,
            web=invitation.web,
            phone=invitation.phone,
            is_pos_dealer=is_dealer,
            is_pos_operator=not is_dealer,
        )
        Membership.objects.create(user=user, organization=organization, right=MemberRight.ADMIN)
        if is_dealer:
            DealerAssignment.objects.update_or_create(
                pos_system=invitation.pos_system, dealer=organization, defaults={"status": LinkStatus.ACTIVE}
            )
        else:
            OperatorLink.objects.create(
                dealer=invitation.inviter, operator=organization, right=invitation.dealer_right, status=LinkStatus.ACTIVE
            )
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_organization = organization
        invitation.save(update_fields=["status", "accepted_organization", "updated_at"])
        InvitationEvent.objects.create(invitation=invitation, kind=InvitationEventKind.ACCEPTED, by=user)
        organization_onboarded.send(sender=Organization, organization=organization, user=user)
    return user, organization
