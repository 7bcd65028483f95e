from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_invitation(invitation, link, language=None):
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALID_DAYS}
    with translation.override(language or translation.get_language()):
        subject = render_to_string("portal/mail/invitation_subject.txt", context).strip()
        body = render_to_string("portal/mail/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
