"""The Job table: what users see of background work, whatever runs it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.tenancy import TenantModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The organization whose data the job is about (an operator, or a dealer for its estate).
    organization = models.ForeignKey("portal.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The organization the user acted for when asking: the worker checks the user's rights as
    # that organization's member (a user may belong to several).
    acting_for = models.ForeignKey("portal.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=30)
    target_type = models.CharField(_("target"), max_length=30)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300, blank=True)
    revision = models.CharField(max_length=200, help_text=_("What the result depends on, e.g. the CashBox revision"))
    language = models.CharField(max_length=10, default="en")  # reports are written in it
    idempotency_key = models.CharField(max_length=400, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.CharField(max_length=300, blank=True)  # a path in the default storage
    file_name = models.CharField(max_length=200, blank=True)  # the name it downloads as
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self):
        return f"{self.kind} {self.target_label or self.target_id} ({self.status})"

    @property
    def audit_organization_id(self):
        return self.organization_id

    @property
    def finished(self):
        return self.status not in ACTIVE

    @classmethod
    def tenant_q(cls, scope, action):
        # Whoever may see the organization's data may see its jobs; starting and cancelling
        # them needs the right to change it.
        return Q(organization_id__in=scope.data_ids(action))
