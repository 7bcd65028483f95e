"""Jobs survive faults, with real processes: a Celery worker (and its beat for the sweep) on a
Redis server of the test's own, sharing the PostgreSQL test database.

- a worker killed with SIGKILL in the middle of a package build, then restarted, finishes the
  job with exactly one package, byte-identical to a direct build;
- jobs asked for while Redis is down are all done after it is back;
- a task that fails marks the job failed with its message and leaves no partial file.
Without Redis or PostgreSQL these skip; in CI (REQUIRE_SERVICES=1) they must run.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from cashboxes import packages, services
from portal.celery import app as celery_app
from portal.models import Job
from tests import factories
from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    """A redis-server of the test's own, so it can be stopped and started again."""

    def __init__(self, directory):
        self.port, self.directory, self.process = _free_port(), directory, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Worker:
    """`celery worker -B` (with the sweep every second) on a queue of its own."""

    def __init__(self, redis, tmp_path, queue):
        self.redis, self.tmp_path, self.queue, self.process = redis, tmp_path, queue, None

    def env(self):
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env = dict(
            os.environ,
            DATABASE_URL=f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            REDIS_URL=self.redis.url,
            CELERY_QUEUE=self.queue,
            MEDIA_ROOT=str(self.tmp_path / "media"),
            JOB_LEASE_SECONDS="3",
            JOB_SWEEP_SECONDS="1",
            JOB_PROGRESS_DELAY_MS="400",
            DEBUG="1",
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def start(self):
        log = open(self.tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log", "w")  # noqa: SIM115 - kept for the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-B",
                "--scheduler",
                "celery.beat:Scheduler",  # in memory: no schedule file to lock
                "--pool=solo",
                "-Q",
                self.queue,
                "--without-mingle",
                "--without-gossip",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: -B runs beat in a child process, which a signal to the worker
            # alone would leave running after the test.
            start_new_session=True,
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def services_up(tmp_path, settings):
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    require(connection.vendor == "postgresql", "the worker shares the test database, which needs PostgreSQL")
    redis = Redis(tmp_path)
    redis.start()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.JOB_LEASE_SECONDS = 3  # as the worker's, so the sweep takes over quickly
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.broker_url = redis.url
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    _reset_producers()
    worker = Worker(redis, tmp_path, queue)
    try:
        yield redis, worker
    finally:
        worker.stop()
        redis.stop()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        _reset_producers()


def _reset_producers():
    """Drop the app's broker connections, so the next send connects to the broker now configured."""
    from kombu import pools

    pools.reset()  # the global pools are keyed by broker; closed ones would be handed out again
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def published(cast):
    estate = factories.estate(cast.operator_org)
    for cashbox in (estate.cashbox, estate.server, estate.till2):
        services.rebuild(cashbox)
    return estate


def test_a_worker_killed_mid_build_is_replaced_and_the_job_ends_with_one_identical_package(
    services_up, published, api, cast, tmp_path
):
    redis, worker = services_up
    worker.start()
    response = api(cast.dealer).post(reverse("api:cashbox-package", args=[published.cashbox.pk]))
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    _wait(lambda: Job.objects.get(pk=job_id).progress > 0, 60, "the build to start")
    worker.kill()
    assert Job.objects.get(pk=job_id).status == "running"
    worker.start()
    _wait(lambda: Job.objects.get(pk=job_id).status == "succeeded", 90, "the job to finish after the restart")
    job = Job.objects.get(pk=job_id)
    assert job.attempts >= 2
    folder = tmp_path / "media" / "jobs" / str(job.pk)
    assert [p.name for p in folder.iterdir()] == [job.file_name]  # one package, no partial file
    built = packages.cashbox_package(published.cashbox, _portal_url())
    assert (folder / job.file_name).read_bytes() == built


def test_jobs_asked_for_while_redis_is_down_are_all_done_after_it_is_back(services_up, published, api, cast):
    redis, worker = services_up
    worker.start()
    redis.stop()
    client = api(cast.dealer)
    ids = [
        client.post(reverse("api:cashbox-validate", args=[cb.pk])).json()["id"]
        for cb in (published.cashbox, published.server, published.till2)
    ]
    assert Job.objects.filter(pk__in=ids, status="queued").count() == 3
    redis.start()
    _wait(lambda: Job.objects.filter(pk__in=ids, status="succeeded").count() == 3, 120, "every job after Redis came back")


def test_a_task_that_fails_marks_the_job_failed_and_leaves_no_file(services_up, published, api, cast, tmp_path):
    redis, worker = services_up
    response = api(cast.dealer).post(reverse("api:cashbox-package", args=[published.cashbox.pk]))
    job_id = response.json()["id"]
    # Before a worker picks it up, the operator revokes the dealer: the task re-checks the tenant.
    cast.link.status = "revoked"
    cast.link.save()
    worker.start()
    _wait(lambda: Job.objects.get(pk=job_id).status in ("failed", "succeeded"), 60, "the job to end")
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed" and job.error and job.file == ""
    folder = tmp_path / "media" / "jobs" / str(job.pk)
    assert not folder.exists() or not any(folder.iterdir())


def _portal_url():
    from django.conf import settings

    return settings.PORTAL_URL
