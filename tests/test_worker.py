"""With a real broker: a separate Celery worker process sends the invitation e-mail.

Needs Redis and PostgreSQL (the worker process shares the test database); without them the
test skips, and in CI (REQUIRE_SERVICES=1) it fails instead.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from portal.celery import app as celery_app
from portal.choices import InvitationEventKind
from portal.models import InvitationEvent
from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent


def _database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A real worker on a queue of its own, sending e-mail into files under tmp_path."""
    require(bool(settings.REDIS_URL), "REDIS_URL is not set: there is no broker for a real worker")
    require(connection.vendor == "postgresql", "the worker process shares the test database, which needs PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:10]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
        EMAIL_URL=f"file://{mail_dir}",
        CELERY_QUEUE=queue,
        DEBUG="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_mail(cast, api, worker):
    response = api(cast.dealer).post(
        reverse("api:invitation-list"),
        {
            "email": "shop@worker.example",
            "company_name": "Shop",
            "country": "DE",
            "contact_first_name": "W",
            "contact_last_name": "K",
        },
        format="json",
    )
    assert response.status_code == 201
    sent = _wait_for(
        lambda: InvitationEvent.objects.filter(invitation_id=response.json()["id"], kind=InvitationEventKind.SENT).exists()
    )
    assert sent, "the worker did not send the invitation within a minute"
    mails = [path.read_text() for path in worker.iterdir()]
    assert len(mails) == 1
    assert "shop@worker.example" in mails[0] and "/invite/" in mails[0]
