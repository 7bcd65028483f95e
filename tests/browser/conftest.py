"""Browser fixtures: one headless Chromium (Playwright, sync API) per test module, fresh contexts per test.

Playwright's sync API keeps an asyncio event loop running in the main thread for as long as it is
started, so Django's async-safety check would refuse every ORM call the test makes (fixtures,
assertions, the database flush after a test). DJANGO_ALLOW_ASYNC_UNSAFE is Django's documented
switch for this; we set it when Playwright starts, the moment from which the loop runs, and
restore it when Playwright stops. That is why the browser lives per module and not per session:
a session-wide browser would keep the loop and the variable for every test collected after it
(`manage.py check --deploy` in tests/test_settings.py fails with async.E001 when it inherits it).
"""

import importlib.util
import os
from pathlib import Path

import pytest

from tests.conftest import require

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, never a downloaded one; no background traffic on the closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the test module (skipped, or failed in CI, when it is missing)."""
    require(importlib.util.find_spec("playwright") is not None, "the Python package playwright is not installed")
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser):
    """new_context() -> a fresh browser context (own cookies: one per person); all closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context of its own."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def artifacts():
    """The git-ignored folder for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
