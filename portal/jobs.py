"""Background jobs: one table users watch (portal.models.Job), run by Celery.

Apps register job kinds (what to run, and how to find the target again for the user, through
the tenancy gate). `submit()` is idempotent per kind, target and revision; the task is sent
after the transaction commits. Delivery is at least once (late acknowledgement, a lease on the
job, a periodic sweep that sends stuck jobs again), and a job's work is done at most once per
revision: a finished job is never run again, and its file is written whole or not at all.
"""

import hashlib
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Job, JobStatus
from portal.models.jobs import ACTIVE
from portal.tenancy import activate, scope_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Output:
    """What a job handler returns: a JSON result and, optionally, a file."""

    result: dict
    content: bytes | None = None
    file_name: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    # handler(job, target, progress) -> Output; progress(percent, message)
    handler: object
    # load(job) -> the target, found again for job.user through the tenancy gate
    load: object


KINDS = {}


def register(name, handler, load):
    KINDS[name] = Kind(name, handler, load)


def lease():
    return timezone.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS)


def submit(kind, target, *, organization, user, revision, label=""):
    """The job for this kind, target and revision: the existing one, or a new one sent to a
    worker after the transaction commits. A failed or cancelled one is tried again."""
    key = f"{kind}:{target._meta.label_lower}:{target.pk}:{revision}"
    acting_for = scope_for(user).organization_id if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        job, created = Job.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "kind": kind,
                "organization": organization,
                "user": user if getattr(user, "is_authenticated", False) else None,
                "acting_for_id": acting_for,
                "target_type": target._meta.label_lower,
                "target_id": str(target.pk),
                "target_label": label or str(target),
                "revision": str(revision),
                "language": translation.get_language() or settings.LANGUAGE_CODE,
                "lease_until": lease(),
            },
        )
        if not created and job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            job.status, job.progress, job.message, job.error = JobStatus.QUEUED, 0, "", ""
            job.lease_until, job.finished_at = lease(), None
            if getattr(user, "is_authenticated", False):
                job.user, job.acting_for_id = user, acting_for
            job.save()
            created = True
        if created:
            transaction.on_commit(lambda: send(job.pk))
    return job


def acting_user(job):
    """The job's user as the member of the organization they acted for when asking. Loaders
    check the user's rights again with it: they may have changed since."""
    if job.user is None:
        raise PermissionError(_("The job has no user any more."))
    activate(job.user, job.acting_for_id)
    return job.user


def send(job_id):
    """Hand the job to the broker. If the broker is away the job stays queued and the sweep
    sends it again when its lease ends."""
    from portal.tasks import run_job

    try:
        task = run_job.apply_async(args=[str(job_id)])
    except Exception:  # the broker is down: not the request's problem
        logger.warning("Job %s could not be sent; the sweep will send it again.", job_id, exc_info=True)
        return
    Job.objects.filter(pk=job_id, celery_task_id="").update(celery_task_id=task.id or "")


def _claim(job_id, redelivered):
    """Mark the job running for this worker; None if it is finished or another worker holds it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        held = job.status == JobStatus.RUNNING and job.lease_until and job.lease_until > timezone.now()
        if held and not redelivered:
            return None  # a duplicate delivery while the job runs elsewhere
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.attempts += 1
        job.lease_until = lease()
        job.progress, job.message = 0, ""
        job.save(update_fields=["status", "started_at", "attempts", "lease_until", "progress", "message"])
        return job


def execute(job_id, redelivered=False):
    """Run a job (the Celery task calls this). Safe to call again: a finished job is left alone."""
    job = _claim(job_id, redelivered)
    if job is None:
        return
    kind = KINDS.get(job.kind)

    def progress(percent, message=""):
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            progress=max(0, min(100, int(percent))), message=str(message)[:300], lease_until=lease()
        )
        if settings.JOB_PROGRESS_DELAY_SECONDS:
            time.sleep(settings.JOB_PROGRESS_DELAY_SECONDS)

    try:
        if kind is None:
            raise ValueError(f"Unknown job kind {job.kind}.")
        target = kind.load(job)
        with translation.override(job.language):
            output = kind.handler(job, target, progress)
        stored = _store(job, output) if output.content is not None else {}
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=str(error)[:2000] or error.__class__.__name__,
            finished_at=timezone.now(),
            lease_until=None,
        )
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        progress=100,
        result=output.result,
        finished_at=timezone.now(),
        lease_until=None,
        error="",
        **stored,
    )


def _store(job, output):
    """Write the file whole under a name of the job (written again after a crash, the same
    bytes land on the same name), then make it visible at once."""
    name = f"jobs/{job.pk}/{output.file_name or 'result.bin'}"
    if hasattr(default_storage, "path"):
        final = default_storage.path(name)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        temporary = f"{final}.{uuid.uuid4().hex}.part"
        with open(temporary, "wb") as handle:
            handle.write(output.content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)  # atomic on one file system: no partial file, ever
    else:  # other storages write in one call
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(output.content))
    return {
        "file": name,
        "file_name": output.file_name,
        "file_sha256": hashlib.sha256(output.content).hexdigest(),
        "file_size": len(output.content),
    }


def cancel(job):
    """Cancel a queued job (a running one finishes; its result can be ignored)."""
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now(), lease_until=None
    )
    return bool(updated)


def sweep():
    """Send again the jobs whose lease ended while queued or running (a lost message, a killed
    worker, a broker restart), and remove files past the retention period."""
    now = timezone.now()
    resent = 0
    for job_id, lease_until in Job.objects.filter(status__in=ACTIVE, lease_until__lt=now).values_list("pk", "lease_until"):
        # Claim the resend, so two sweeps never send the same job twice. A running job whose
        # lease ended has lost its worker: it is queued again for the next one.
        if Job.objects.filter(pk=job_id, lease_until=lease_until).update(lease_until=lease(), status=JobStatus.QUEUED):
            send(job_id)
            resent += 1
    cutoff = now - timedelta(days=settings.JOB_RETENTION_DAYS)
    expired = Job.objects.filter(finished_at__lt=cutoff).exclude(file="")
    for job in expired:
        if default_storage.exists(job.file):
            default_storage.delete(job.file)
    removed = expired.update(file="", file_sha256="", file_size=None)
    return {"resent": resent, "files_removed": removed}


# Kinds whose files hold secrets (a package has the access token and the SCU credentials):
# downloading them needs the right to change, like revealing the token does.
SECRET_FILE_KINDS = {"package"}


def may_download(user, job):
    return job.kind not in SECRET_FILE_KINDS or Job.objects.allowed(user, job, "change")


def open_file(job):
    return default_storage.open(job.file, "rb")
