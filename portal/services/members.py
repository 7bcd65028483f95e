"""People of an organization."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal.choices import MemberRight
from portal.models import Membership, User
from portal.services.invitations import InvitationError


@transaction.atomic
def add_member(organization, email, right, first_name="", last_name="", base_url=""):
    """Add a person by e-mail. A new person gets an e-mail with a link to set a password."""
    email = email.lower().strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None, first_name=first_name, last_name=last_name)
        link = base_url.rstrip("/") + reverse(
            "password_reset_confirm",
            kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
        )
        send_mail(
            _("You were added to %(organization)s") % {"organization": organization.name},
            _("Set your password to sign in: %(link)s") % {"link": link},
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    elif Membership.objects.filter(user=user, organization=organization).exists():
        raise InvitationError(_("This person is already a member."), field="email")
    return Membership.objects.create(user=user, organization=organization, right=right)


def _last_admin(membership):
    return (
        membership.right == MemberRight.ADMIN
        and not Membership.objects.filter(organization_id=membership.organization_id, right=MemberRight.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def set_right(membership, right):
    if right != MemberRight.ADMIN and _last_admin(membership):
        raise InvitationError(_("The organization needs at least one admin."), field="right")
    membership.right = right
    membership.save(update_fields=["right"])


def remove(membership):
    if _last_admin(membership):
        raise InvitationError(_("The organization needs at least one admin."))
    membership.delete()
