"""Settings for the test suite: the project's settings with test-friendly defaults."""

import os

os.environ.setdefault("DEBUG", "1")

from portal.settings import *  # noqa: E402,F403

# Tests run tasks in process; the worker tests switch this off for their own tasks.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Static files come from the finders in tests (no collectstatic run, so no STATIC_ROOT to serve).
STATIC_ROOT = None

# Generated files (packages) go to a folder of the test run, never into the project.
import tempfile  # noqa: E402

MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-test-media-")
