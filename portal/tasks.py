"""Celery tasks of the core: thin wrappers that take ids and call services."""

from celery import shared_task

from portal import jobs
from portal.choices import InvitationEventKind, InvitationStatus
from portal.models import Invitation, InvitationEvent
from portal.models.invitations import hash_token
from portal.services.mail import send_invitation


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_invitation_email(self, invitation_id, token, link, by_user_id=None, resent=False, language="en"):
    """Send the invitation e-mail, unless the invitation was withdrawn or its link replaced."""
    invitation = Invitation.objects.select_related("inviter").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != InvitationStatus.PENDING or invitation.token_hash != hash_token(token):
        return "skipped"
    try:
        send_invitation(invitation, link, language)
    except OSError as error:  # the mail server is away: try again later
        raise self.retry(exc=error)
    kind = InvitationEventKind.RESENT if resent else InvitationEventKind.SENT
    InvitationEvent.objects.create(invitation=invitation, kind=kind, by_id=by_user_id)
    return "sent"


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def run_job(self, job_id):
    """Run a Job. Redelivered after a crash, it takes the job over; otherwise it leaves alone a
    job another worker holds, and a finished one."""
    jobs.execute(job_id, redelivered=bool((self.request.delivery_info or {}).get("redelivered")))


@shared_task
def sweep_jobs():
    return jobs.sweep()
