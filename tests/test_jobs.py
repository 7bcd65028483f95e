"""The job system: idempotent submission, eager runs with the same table, failures, files,
the sweep and retention. The real-worker faults are in tests/test_job_faults.py."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from portal import jobs
from portal.models import AuditEvent, Job, Organization


def _load(job):
    return Organization.objects.for_user(job.user, "view").get(pk=job.target_id)


def _ok(job, target, progress):
    progress(50, "half way")
    return jobs.Output({"name": target.name}, b"content of " + target.name.encode(), "result.txt")


def _boom(job, target, progress):
    progress(10, "starting")
    raise RuntimeError("the disk is full")


@pytest.fixture(autouse=True)
def kinds():
    jobs.register("test-ok", _ok, _load)
    jobs.register("test-boom", _boom, _load)
    yield
    jobs.KINDS.pop("test-ok", None)
    jobs.KINDS.pop("test-boom", None)


def submit(cast, kind="test-ok", revision=1):
    return jobs.submit(kind, cast.operator_org, organization=cast.operator_org, user=cast.dealer, revision=revision)


@pytest.mark.smoke
def test_a_job_runs_eagerly_without_a_broker_and_keeps_its_result(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100
    assert job.result == {"name": cast.operator_org.name}
    assert default_storage.open(job.file).read() == b"content of " + cast.operator_org.name.encode()
    assert job.file_size == len(b"content of " + cast.operator_org.name.encode()) and len(job.file_sha256) == 64


def test_asking_again_for_the_same_revision_returns_the_same_job(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = submit(cast)
        again = submit(cast)
    assert first.pk == again.pk and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        newer = submit(cast, revision=2)
    assert newer.pk != first.pk


def test_a_failing_job_is_marked_failed_with_its_message_and_leaves_no_file(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast, "test-boom")
    job.refresh_from_db()
    assert job.status == "failed" and "the disk is full" in job.error and job.file == ""
    assert not default_storage.exists(f"jobs/{job.pk}")


def test_a_failed_job_asked_for_again_runs_again(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast, "test-boom")
    jobs.KINDS["test-boom"] = jobs.Kind("test-boom", _ok, _load)
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(cast, "test-boom")
    again.refresh_from_db()
    assert again.pk == job.pk and again.status == "succeeded" and again.attempts == 2


def test_a_finished_job_is_never_run_twice(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast)
    jobs.execute(job.pk, redelivered=True)
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_that_lost_its_user_rights_fails(cast, django_capture_on_commit_callbacks):
    cast.link.status = "revoked"
    cast.link.save()
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast)
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_sweep_sends_again_a_job_stuck_past_its_lease(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = submit(cast)  # the message is lost: nothing ran
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert jobs.sweep()["resent"] == 1
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_the_sweep_leaves_a_job_within_its_lease(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        submit(cast)
    assert jobs.sweep()["resent"] == 0


def test_files_are_removed_after_the_retention_period(cast, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast)
    job.refresh_from_db()
    path = job.file
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS + 1))
    assert jobs.sweep()["files_removed"] == 1
    assert not default_storage.exists(path)


def test_a_queued_job_can_be_cancelled_and_a_finished_one_not(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        queued = submit(cast)
    assert jobs.cancel(queued)
    with django_capture_on_commit_callbacks(execute=True):
        done = submit(cast, revision=5)
    assert not jobs.cancel(done)


def test_the_api_shows_jobs_and_downloads_are_audited(cast, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(cast)
    client = api(cast.operator)
    listed = client.get(reverse("api:job-list")).json()["results"]
    assert [row["id"] for row in listed] == [str(job.pk)]
    detail = client.get(reverse("api:job-detail", args=[job.pk])).json()
    assert detail["status"] == "succeeded" and detail["download_url"].endswith("/download/")
    response = client.get(detail["download_url"])
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"content of")
    assert AuditEvent.objects.filter(object_id=str(job.pk), action="download", actor_email=cast.operator.email).exists()
    assert api(cast.dealer2).get(reverse("api:job-detail", args=[job.pk])).status_code == 404
